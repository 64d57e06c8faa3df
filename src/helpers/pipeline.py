"""Reading report files, running both stages, and writing the clean tables safely.

``clean_reports`` is what ``python -m helpers clean`` and ``make data`` run.
``write_tables`` writes only the files listed in the folder's manifest
(``helpers-manifest.json``), through a temporary sibling folder, so ``--out`` is never
half-written and no file the tool did not write is ever touched (:mod:`helpers.outputs`).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import schema
from .extract import _CONTROL_RE, ReportError, decode_report, extract_report, normalise_lines, split_lines
from .outputs import MANIFEST, csv_bytes, write_output_folder
from .tidy import Tables, build_tables, tidy_extraction, validate_tables

__all__ = ["Report", "read_report", "expand_inputs", "clean_reports", "write_tables", "table_files", "CSV_OPTIONS",
           "DEFAULT_MAX_BYTES", "max_bytes_limit"]

def format_float(x: float) -> str:
    """Floats in CSVs: at most 4 decimals, no exponent, no trailing zeros (68410.0 -> 68410, 0.73518 -> 0.7352).

    >>> [format_float(v) for v in (68410.0, 0.7351851, 1.5, -0.0625)]
    ['68410', '0.7352', '1.5', '-0.0625']
    """
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# Every CSV: UTF-8 with BOM for Excel, LF line ends, stable float format.
CSV_OPTIONS = dict(index=False, encoding="utf-8-sig", lineterminator="\n", float_format=format_float)


@dataclass
class Report:
    """One input file, decoded."""

    path: Path
    name: str  # file stem, the ``report`` column
    text: str
    encoding: str
    lines: list[str]


#: Largest input read, in bytes (the committed report is 38 KB); ``--max-bytes`` or the
#: ``HELPERS_MAX_BYTES`` environment variable override it.
DEFAULT_MAX_BYTES = 10_000_000
MAX_BYTES_ENV = "HELPERS_MAX_BYTES"


def max_bytes_limit(max_bytes: int | None = None) -> int:
    """The size cap in force: the argument, else ``$HELPERS_MAX_BYTES``, else 10 MB.

    >>> max_bytes_limit(500), max_bytes_limit() > 0
    (500, True)
    """
    if max_bytes is not None:
        return int(max_bytes)
    env = os.environ.get(MAX_BYTES_ENV, "").strip().replace("_", "")
    if env:
        if not env.isdigit() or int(env) <= 0:
            raise ReportError(MAX_BYTES_ENV, f"must be a positive number of bytes, not {env!r}")
        return int(env)
    return DEFAULT_MAX_BYTES


_KIND = {stat.S_IFDIR: "a folder", stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device",
         stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}


def read_report(path: str | Path, *, encoding: str | None = None, max_bytes: int | None = None) -> Report:
    """Read and decode one report file (UTF-8 with/without BOM, CP932; CRLF or LF).

    Only a regular file (or a symlink to one) of at most :func:`max_bytes_limit` bytes is read;
    a FIFO, device or folder is refused before anything is read from it (it is opened
    non-blocking, so a FIFO with no writer does not hang the run).

    Raises:
        ReportError: not a regular file, too large, unreadable, empty, binary or undecodable
            file, or a line :func:`helpers.extract.normalise_lines` refuses.
    """
    path = Path(path)
    limit = max_bytes_limit(max_bytes)
    if _CONTROL_RE.search(path.stem):  # the stem becomes the `report` column of every table
        raise ReportError(path, "the file name holds a control character; rename the file (its name becomes the report column)")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as e:
        raise ReportError(path, f"cannot read the file ({e.strerror})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = _KIND.get(stat.S_IFMT(st.st_mode), "not a regular file")
            raise ReportError(path, f"is {kind}; only regular files are read")
        if st.st_size > limit:
            raise ReportError(path, f"the file has {st.st_size:,} bytes, more than the limit of {limit:,} "
                                    f"(raise it with --max-bytes or {MAX_BYTES_ENV})")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    except OSError as e:
        raise ReportError(path, f"cannot read the file ({e.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # grew while we read it
        raise ReportError(path, f"the file has more than {limit:,} bytes (raise the limit with --max-bytes or {MAX_BYTES_ENV})")
    text, enc = decode_report(data, path=path, encoding=encoding)
    return Report(path, path.stem, text, enc, normalise_lines(split_lines(text), path=path))


def expand_inputs(inputs: list[str | Path]) -> list[Path]:
    """Files as given; a folder stands for the ``*.txt`` files in it (sorted).

    In a folder, the suffix is matched case-insensitively (``R.TXT`` is read) and hidden
    entries (``.notes.txt``, macOS ``._r.txt``) are skipped.  Anything that is not a regular
    file is refused later by :func:`read_report`, loudly.
    """
    out: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = sorted(c for c in p.iterdir() if c.suffix.lower() == ".txt" and not c.name.startswith("."))
            if not found:
                raise ReportError(p, "folder holds no *.txt report")
            out += found
        else:
            out.append(p)
    return out


def clean_reports(inputs: list[str | Path], *, encoding: str | None = None, with_metrics: bool = True,
                  max_bytes: int | None = None) -> Tables:
    """Run extract + tidy on every input and check the result.

    Args:
        inputs: report files or folders of ``*.txt`` files.
        encoding: force the input encoding (default: detect).
        with_metrics: also derive the ``metrics`` and ``trends`` tables.
        max_bytes: size cap per input file (default: :func:`max_bytes_limit`).

    Returns:
        The combined :class:`~helpers.tidy.Tables`; ``accounting`` holds the
        per-report line counts, ``unplaced`` lines included.

    Raises:
        ReportError: bad input (exit code 2 in the CLI).
        ValidationError: a hard check failed.
    """
    paths = expand_inputs(inputs)
    names: dict[str, Path] = {}
    parts, texts = [], {}
    for path in paths:
        rep = read_report(path, encoding=encoding, max_bytes=max_bytes)
        if rep.name in names:
            raise ReportError(path, f"another input has the same name '{rep.name}' ({names[rep.name]}); report names must be unique")
        names[rep.name] = path
        ex = extract_report(rep.text, path=path)
        ex.encoding = rep.encoding
        parts.append(tidy_extraction(ex, report=rep.name, lines=rep.lines))
        texts[rep.name] = rep.lines
    tables = build_tables(parts)
    validate_tables(tables, texts=texts)
    if with_metrics:
        try:
            _add_metrics(tables)
        except ReportError as e:  # raised with the report's name: name its file instead
            raise ReportError(names.get(e.path, e.path), e.message, e.line) from None
    _add_collection(tables, names, with_series=with_metrics)
    return tables


def _add_metrics(tables: Tables) -> None:
    from .metrics import add_metrics

    add_metrics(tables)


def _add_collection(tables: Tables, paths: dict[str, Path], *, with_series: bool) -> None:
    """reports.csv, initiative_key + links.csv, series.csv (helpers.collection, .link, .series)."""
    from .collection import add_collection

    add_collection(tables, paths, with_series=with_series)


def _readme(tables: dict[str, pd.DataFrame]) -> str:
    lines = [
        "# Clean tables (made by `make data`; do not edit by hand)",
        "",
        "Generated by `python -m helpers clean` from `data/raw/`. Same input, same bytes.",
        "",
        "- Encoding: UTF-8 with BOM (Excel opens it as UTF-8); LF line ends; one header row of ASCII",
        "  snake_case names; no line breaks inside fields; empty field = missing value.",
        "- Column meanings (Japanese 項目名, type, unit): `data_dictionary.csv`.",
        "- Text columns keep the report's text as printed; a cell's lines are joined without separator.",
        "- A text field starting with = + - @ ＝ ＋ － ＠ ' TAB CR or LF is written with one extra leading `'`",
        "  so that Excel shows it as text; `helpers.load_tables()` removes exactly that one `'`.",
        f"- `{MANIFEST}` lists the files the tool wrote here (with SHA-256). A rerun replaces or removes",
        "  only those; any other file in this folder is left alone.",
        "",
        "| file | rows | content |",
        "|---|---:|---|",
    ]
    for name, df in tables.items():
        desc = schema.TABLE_DESCRIPTIONS.get(name, "")
        lines.append(f"| {name}.csv | {len(df)} | {desc} |")
    lines.append("| data_dictionary.csv | | 各表の列の定義（項目名・型・単位・説明） |")
    lines.append(f"| {MANIFEST} | | このフォルダにツールが書いたファイルの一覧（SHA-256） |")
    return "\n".join(lines) + "\n"


class WrittenFiles(list):
    """The paths :func:`write_tables` wrote (manifest last); ``kept``: old files left in place.

    ``kept`` names files of the previous manifest that this run no longer writes but that were
    changed since the tool wrote them: they are no longer the tool's and are left alone.
    """

    kept: list[str]


def table_files(tables: Tables) -> dict[str, bytes]:
    """Every file of a clean-tables folder as bytes: one CSV per table, the data dictionary, the README.

    All CSVs go through :func:`helpers.outputs.csv_bytes` (the CSV-injection rule).
    """
    frames = tables.as_dict()
    files = {f"{name}.csv": csv_bytes(df, **CSV_OPTIONS) for name, df in frames.items()}
    dd = pd.DataFrame(schema.dictionary_rows())
    dd = dd[dd["table"].isin(list(frames))]
    files["data_dictionary.csv"] = csv_bytes(dd, **CSV_OPTIONS)
    files["README.md"] = _readme(frames).encode("utf-8")
    return files


def write_tables(
    tables: Tables, out_dir: str | Path, *, inputs: list[str | Path] | tuple = (), force: bool = False
) -> WrittenFiles:
    """Write every table as CSV (+ data dictionary, README, manifest) into ``out_dir``.

    The folder is the tool's only as far as its manifest (``helpers-manifest.json``) says: see
    :func:`helpers.outputs.write_output_folder` (risky targets refused before anything changes,
    files written to a temporary sibling and moved in one by one, files of the old manifest that
    the run no longer writes removed, every other file left alone).

    Args:
        tables: the clean tables.
        out_dir: the output folder (created if missing).
        inputs: the input files/folders (an output folder containing one is refused).
        force: accept a non-empty folder without manifest (files with other names are kept).

    Raises:
        helpers.outputs.OutputError: refused target; nothing was changed.
        OSError: a failed write.
    """
    written, kept = write_output_folder(table_files(tables), out_dir, inputs=inputs, force=force)
    result = WrittenFiles(written)
    result.kept = kept
    return result
