"""The analysts' Excel workbook: clean tables + the notebooks' summary tables, Japanese headers.

``python -m helpers.excel reports/minami_welfare_eval.xlsx`` (run by
``make report``) writes

1. one sheet per clean table in ``data/clean/*.csv`` (known tables under the
   Japanese sheet names of :data:`SHEET_NAMES`, in that order; any other CSV
   under its file stem),
2. one sheet per summary table a notebook saved to ``reports/tables/*.csv``
   (sheet name = file stem, e.g. ``04_grades_by_field_plan``),
3. the data dictionary (``data_dictionary.csv``) as the last sheet 「データ辞書」.

Column headers are the Japanese 項目名 of :data:`helpers.schema.SCHEMA` where
the column is known (the table's own 項目名 on a clean-table sheet), else a
label from :data:`EXTRA_LABELS` / ``column_labels``, else the column name as
is. The header row is frozen, columns are sized to their content.

The file is byte-for-byte reproducible. openpyxl stamps the save time into
``docProps/core.xml`` (``dcterms:modified``, overriding whatever is set on
``wb.properties``), and Python's ``zipfile`` dates every zip entry with the
current time; :func:`write_workbook` rewrites both to constants
(``2000-01-01T00:00:00Z``, zip entries 1980-01-01). Nothing else in the file
depends on time or on the machine.
"""

from __future__ import annotations

import io
import os
import re
import sys
import unicodedata
import zipfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import pandas as pd

from .config import CLEAN_DATA_DIR, REPORTS_DIR
from .labels import COLUMN_LABELS
from .schema import SCHEMA

__all__ = [
    "SHEET_NAMES",
    "DICTIONARY_SHEET",
    "EXTRA_LABELS",
    "japanese_headers",
    "sheet_name",
    "write_workbook",
    "build_report_workbook",
    "main",
]

FIXED_TIME = datetime(2000, 1, 1)
_FIXED_W3CDTF = "2000-01-01T00:00:00Z"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
CREATOR = "minami-welfare-eval"

SHEET_NAMES = {  # clean tables: sheet names as analysts know them, in sheet order
    "initiatives": "取り組み",
    "departments": "担当部署",
    "metrics": "数値",
    "trends": "指標の推移",
    "grade_legend": "評価の指標",
    "source_lines": "出典行",
    "reports": "報告書",  # the collection tables (helpers.collection, .link, .series)
    "links": "行の対応",
    "series": "年度別の数値",
}
DICTIONARY_SHEET = "データ辞書"

_JA: dict[str, str] = {}  # column -> 項目名; a column in several tables takes its first table's name
for _cols in SCHEMA.values():
    for _c in _cols:
        _JA.setdefault(_c.name, _c.name_ja)

EXTRA_LABELS = COLUMN_LABELS  # kept under its old name; the labels live in helpers.labels

_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_MAX_WIDTH = 60  # Excel column width units (≈ characters of the default font)


def japanese_headers(
    columns: list[str], labels: Mapping[str, str] | None = None, *, table: str | None = None
) -> list[str]:
    """Japanese header per column: the schema's 項目名, else ``labels``, else the name itself.

    Args:
        columns: column names (ASCII snake_case, or already Japanese).
        labels: extra ``name -> header`` labels (they win over :data:`EXTRA_LABELS`).
        table: a :data:`~helpers.schema.SCHEMA` table whose 項目名 take precedence
            (``grade`` is 評価 in ``initiatives`` but 報告書の評価 in ``trends``).

    Returns:
        One header per column, same order. Duplicates get a suffix ``(2)``, ``(3)``…

    Examples:
        >>> japanese_headers(["grade", "initiative_id", "集計", "total"])
        ['評価', '取り組みID', '集計', '合計']
        >>> japanese_headers(["grade"], table="trends")
        ['報告書の評価']
        >>> japanese_headers(["whatever"], {"whatever": "何か"})
        ['何か']
    """
    table_ja = {c.name: c.name_ja for c in SCHEMA.get(table, [])} if table else {}
    labels = {**EXTRA_LABELS, **(labels or {})}
    out: list[str] = []
    for c in columns:
        header = table_ja.get(c) or _JA.get(c) or labels.get(c) or c
        n, unique = 1, header
        while unique in out:
            n += 1
            unique = f"{header} ({n})"
        out.append(unique)
    return out


def sheet_name(name: str, used: set[str] | None = None) -> str:
    """A valid, unique Excel sheet name: no ``[]:*?/\\``, at most 31 characters.

    Excel compares sheet names case-insensitively; a clash gets ``~2``, ``~3``…

    Examples:
        >>> sheet_name("05_grade_audit")
        '05_grade_audit'
        >>> len(sheet_name("x" * 40))
        31
        >>> sheet_name("a/b:c")
        'a_b_c'
        >>> sheet_name("X" * 31, {"x" * 31})
        'XXXXXXXXXXXXXXXXXXXXXXXXXXXXX~2'
    """
    used_folded = {u.casefold() for u in (used or set())}
    base = _INVALID_SHEET_CHARS.sub("_", str(name)).strip("'") or "Sheet"
    candidate, n = base[:31], 1
    while candidate.casefold() in used_folded:
        n += 1
        suffix = f"~{n}"
        candidate = base[: 31 - len(suffix)] + suffix
    return candidate


def _display_width(value: object) -> int:
    """Width of a cell's text in Excel columns: full-width (CJK) characters count 2.

    >>> _display_width("abc"), _display_width("子育て広場"), _display_width("ＡＢ1")
    (3, 10, 5)
    """
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    longest_line = max(text.split("\n"), key=len) if text else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest_line)


def _column_width(header: str, values: pd.Series) -> float:
    sample = values.head(500)  # enough to size a column; keeps big sheets fast
    widest = max([_display_width(header)] + [_display_width(v) for v in sample.tolist()])
    return float(min(_MAX_WIDTH, max(6, widest + 2)))


def _fix_volatile_parts(xlsx: bytes) -> bytes:
    """Re-zip ``xlsx`` with constant entry dates and constant created/modified document times."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl writes "now" into dcterms:modified on save
                text = data.decode("utf-8")
                for tag in ("created", "modified"):
                    text = re.sub(
                        rf"(<dcterms:{tag}\b[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{_FIXED_W3CDTF}\g<2>", text
                    )
                data = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 3  # "Unix", whatever the OS writing the file
            fixed.external_attr = 0o644 << 16
            zout.writestr(fixed, data)
    return out.getvalue()


def write_workbook(
    sheets: Mapping[str, pd.DataFrame],
    path: str | Path,
    *,
    column_labels: Mapping[str, str] | None = None,
    schema_tables: Mapping[str, str] | None = None,
) -> Path:
    """Write DataFrames as sheets of one ``.xlsx``: Japanese headers, frozen header row, fixed metadata.

    Args:
        sheets: sheet name → DataFrame, in sheet order. Names are made valid
            (≤ 31 characters, no ``[]:*?/\\``, unique) with :func:`sheet_name`.
            The index is written only when it is named (e.g. a pivot table's row labels).
        path: the ``.xlsx`` to write (its folder is created; replaced atomically).
        column_labels: extra Japanese headers for columns the schema does not know.
        schema_tables: sheet name → :data:`~helpers.schema.SCHEMA` table, for
            table-specific 項目名 (see :func:`japanese_headers`).

    Returns:
        ``path`` as a Path. The same data always gives the same bytes.

    Examples:
        >>> import tempfile, openpyxl
        >>> df = pd.DataFrame({"grade": ["A", "B"], "件数": [3, 1]})
        >>> with tempfile.TemporaryDirectory() as d:
        ...     a = write_workbook({"評価": df}, Path(d) / "a.xlsx").read_bytes()
        ...     b = write_workbook({"評価": df}, Path(d) / "b.xlsx")
        ...     ws = openpyxl.load_workbook(b)["評価"]
        ...     (a == b.read_bytes(), [c.value for c in ws[1]], ws.freeze_panes)
        (True, ['評価', '件数'], 'A2')
    """
    from openpyxl.utils import get_column_letter

    path = Path(path)
    schema_tables = schema_tables or {}
    buffer = io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as xw:
        for name, df in sheets.items():
            out = df.reset_index() if _has_named_index(df) else df
            headers = japanese_headers([str(c) for c in out.columns], column_labels, table=schema_tables.get(name))
            out = out.set_axis(headers, axis=1)
            title = sheet_name(name, used)
            used.add(title)
            out.to_excel(xw, sheet_name=title, index=False)
            ws = xw.sheets[title]
            ws.freeze_panes = "A2"
            for i, header in enumerate(headers, start=1):
                ws.column_dimensions[get_column_letter(i)].width = _column_width(header, out.iloc[:, i - 1])
        props = xw.book.properties
        props.created = props.modified = FIXED_TIME
        props.creator = props.lastModifiedBy = CREATOR
    data = _fix_volatile_parts(buffer.getvalue())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def _has_named_index(df: pd.DataFrame) -> bool:
    return isinstance(df.index, pd.MultiIndex) or df.index.name is not None


def _read_csv(path: Path, table: str | None = None) -> pd.DataFrame:
    """Read a project CSV (UTF-8 with BOM); a clean table's text columns stay text ("007" is not 7)."""
    text_cols = {c.name: "str" for c in SCHEMA.get(table, []) if c.dtype in ("string", "category")} if table else {}
    return pd.read_csv(path, encoding="utf-8-sig", dtype=text_cols or None, keep_default_na=False, na_values=[""])


def build_report_workbook(
    out_path: str | Path, *, clean_dir: str | Path = CLEAN_DATA_DIR, tables_dir: str | Path | None = None
) -> Path:
    """Clean tables + notebook summary tables + data dictionary → one workbook.

    Args:
        out_path: the ``.xlsx`` to write.
        clean_dir: folder of the clean CSVs (default ``data/clean``).
        tables_dir: folder of the notebooks' summary CSVs (default ``reports/tables``;
            a missing folder means no summary sheets).

    Returns:
        ``out_path`` as a Path.
    """
    clean_dir = Path(clean_dir)
    tables_dir = Path(tables_dir) if tables_dir is not None else REPORTS_DIR / "tables"
    clean = {p.stem: p for p in clean_dir.glob("*.csv") if p.stem != "data_dictionary"}
    if not clean:
        raise FileNotFoundError(f"{clean_dir}: no clean tables (*.csv); run `make data`")
    order = [t for t in SHEET_NAMES if t in clean] + sorted(t for t in clean if t not in SHEET_NAMES)
    sheets: dict[str, pd.DataFrame] = {}
    schema_tables: dict[str, str] = {}
    for table in order:
        title = sheet_name(SHEET_NAMES.get(table, table), set(sheets))
        sheets[title] = _read_csv(clean[table], table if table in SCHEMA else None)
        if table in SCHEMA:
            schema_tables[title] = table
    for p in sorted(tables_dir.glob("*.csv")) if tables_dir.is_dir() else []:
        sheets[sheet_name(p.stem, set(sheets) | {DICTIONARY_SHEET})] = _read_csv(p)
    dictionary = clean_dir / "data_dictionary.csv"
    if dictionary.exists():
        sheets[DICTIONARY_SHEET] = _read_csv(dictionary)
    return write_workbook(sheets, out_path, schema_tables=schema_tables)


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.excel OUT.xlsx``: build the report workbook."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: python -m helpers.excel OUT.xlsx", file=sys.stderr)
        return 2
    try:
        path = build_report_workbook(args[0])
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
