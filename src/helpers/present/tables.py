"""Load the clean tables for analysis, with the dtypes the schema promises.

The notebooks' entry point::

    from helpers import load_tables
    t = load_tables()          # data/clean/ by default
    t.initiatives.grade        # ordered categorical A < B < C < D (A best)
    t.metrics.value            # nullable Float64

Every table in :data:`helpers.read.schema.SCHEMA` that exists in the folder is
loaded; dtypes come from the schema (``integer`` → ``Int64``, ``number`` →
``Float64``, ``boolean`` → ``boolean``, ``category`` → ``category``, grade →
ordered categorical), so a notebook never re-implements the parsing.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..config import CLEAN_DATA_DIR
from ..outputs import CSV_OPTIONS, csv_bytes, read_owned, shown, unescape_frame, write_file
from ..read.schema import GRADE_ORDER, SCHEMA

__all__ = ["GRADE_ORDER", "CleanTables", "load_tables", "read_table", "save_table"]

_ORDERED = {
    "grade": GRADE_ORDER,
    "rubric_grade": GRADE_ORDER,
    "period": ["prior", "plan", "result"],
}


def read_table(path: str | Path, table: str) -> pd.DataFrame:
    """Read one clean CSV with the schema's dtypes and its text as printed.

    Text columns are read as text (``0012`` stays ``"0012"``) and lose the one leading ``'``
    that the CSV writer adds before a dangerous first character (``'=1+1`` → ``=1+1``,
    ``''x`` → ``'x``; see :mod:`helpers.outputs`).

    Args:
        path: the CSV file.
        table: its name in :data:`helpers.read.schema.SCHEMA` (e.g. ``"initiatives"``).

    Returns:
        A DataFrame whose columns are exactly the schema's, typed.
    """
    return _parse_table(Path(path).read_bytes(), path, table)


def _parse_table(data: bytes, path: str | Path, table: str) -> pd.DataFrame:
    cols = SCHEMA[table]
    text_cols = {c.name: "str" for c in cols if c.dtype in ("string", "category")}
    df = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=text_cols, keep_default_na=False, na_values=[""])
    expected = [c.name for c in cols]
    if list(df.columns) != expected:
        raise ValueError(f"{path}: columns {list(df.columns)} differ from the schema {expected}")
    df = unescape_frame(df, columns=list(text_cols))  # the CSV-injection escape: one leading ' off
    for c in cols:
        s = df[c.name]
        if c.dtype == "integer":
            df[c.name] = s.astype("Int64")
        elif c.dtype == "number":
            df[c.name] = s.astype("Float64")
        elif c.dtype == "boolean":
            df[c.name] = s.map({True: True, False: False, "True": True, "False": False}).astype("boolean")
        elif c.dtype == "category":
            cats = _ORDERED.get(c.name)
            df[c.name] = pd.Categorical(s, categories=cats, ordered=True) if cats else s.astype("category")
    return df


@dataclass
class CleanTables:
    """The clean tables as DataFrames (attributes named like the CSV files).

    The collection tables (``None`` when the folder predates them):
    ``reports`` (one row per report: series, fiscal_year Int64, header years Int64,
    statuses category, counts Int64, sidecar fields string), ``links`` (row_no_a/b
    Int64, score Float64 0–100, method/status category) and ``series`` (value and
    plan/estimate/actual/revision Float64, fiscal_year/report_year/ordinal Int64,
    kind/period category, cumulative/each/is_relisted boolean).  Columns and
    meanings: ``data_dictionary.csv`` / :data:`helpers.read.schema.SCHEMA`.
    """

    initiatives: pd.DataFrame
    departments: pd.DataFrame
    source_lines: pd.DataFrame
    grade_legend: pd.DataFrame
    metrics: pd.DataFrame | None = None
    trends: pd.DataFrame | None = None
    # the collection (None in folders written before they existed): see helpers.collect.collection, .link, .series
    reports: pd.DataFrame | None = None
    links: pd.DataFrame | None = None
    series: pd.DataFrame | None = None
    folder: Path = field(default=CLEAN_DATA_DIR)


def load_tables(folder: str | Path = CLEAN_DATA_DIR) -> CleanTables:
    """Load every clean table of ``folder`` (default ``data/clean``) with proper dtypes.

    The folder's files are read once each and checked against its manifest
    (:func:`helpers.outputs.read_owned`): a table changed since ``make data`` wrote it, a folder
    left half-written by an interrupted run, or one another run is writing right now (after a
    wait) is refused with :class:`helpers.outputs.OutputError` naming the file.

    >>> t = load_tables()
    >>> t.initiatives["grade"].cat.categories.tolist(), t.initiatives["grade"].cat.ordered
    (['A', 'B', 'C', 'D'], True)
    >>> int(t.initiatives["is_relisted"].sum())
    5
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder; run `make data`")
    data = read_owned(folder, [f"{table}.csv" for table in SCHEMA])
    loaded = {}
    for table in SCHEMA:
        raw = data[f"{table}.csv"]
        if raw is not None:
            loaded[table] = _parse_table(raw, folder / f"{table}.csv", table)
    missing = {"initiatives", "departments", "source_lines", "grade_legend"} - set(loaded)
    if missing:
        raise FileNotFoundError(f"{folder}: missing {sorted(missing)}; run `make data`")
    from .names import register

    register(loaded.get("reports"))  # the reports' display names for figures, sentences and tables
    return CleanTables(folder=folder, **loaded)


_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def save_table(df: pd.DataFrame, name: str, *, notebook: str | None, folder: str | Path | None = None) -> Path:
    """Save a notebook's summary table as ``reports/tables/{notebook}_{name}.csv``.

    Same CSV conventions as the clean tables (UTF-8 with BOM, LF, stable float
    format, the CSV-injection rule), so the Excel workbook (``make report``) picks it
    up as a sheet. Written by the one writer :func:`helpers.outputs.write_file`: only that
    file, atomically, recorded in the folder's manifest; a folder or symlink in its place,
    a file the tool did not write, or one changed since it wrote it is refused.

    Args:
        df: the table (a named index or a MultiIndex is written as columns).
        name: short ASCII name (letters, digits, ``_ . -``), e.g. ``"grade_audit"``.
        notebook: the notebook number, e.g. ``"05"``; ``None`` for a table of the whole
            collection without prefix (``initiatives_overview.csv``).
        folder: output folder; default ``reports/tables``.

    Raises:
        ValueError: a name that is not a plain file name (``../x``, ``a/b``).
        helpers.outputs.OutputError: a refused target (nothing written).
    """
    from ..config import REPORTS_DIR

    for part in (name,) if notebook is None else (notebook, name):
        if not _NAME_RE.match(str(part)):
            raise ValueError(f"save_table: {shown(part)!s} is not a plain file name part (letters, digits, _ . -)")
    out = Path(folder) if folder else REPORTS_DIR / "tables"
    path = out / (f"{name}.csv" if notebook is None else f"{notebook}_{name}.csv")
    options = {**CSV_OPTIONS, "index": df.index.name is not None or isinstance(df.index, pd.MultiIndex)}
    return write_file(path, csv_bytes(df, **options))
