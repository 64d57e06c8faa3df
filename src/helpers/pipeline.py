"""Reading report files, running both stages, and writing the clean tables safely.

``clean_reports`` is what ``python -m helpers clean`` and ``make data`` run.
``write_tables`` writes into a temporary sibling folder and swaps it into
place only when every table is written, so ``--out`` is never half-written.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import schema
from .extract import _CONTROL_RE, ReportError, decode_report, extract_report, normalise_lines, split_lines
from .tidy import Tables, build_tables, tidy_extraction, validate_tables

__all__ = ["Report", "read_report", "expand_inputs", "clean_reports", "write_tables", "CSV_OPTIONS",
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
    return tables


def _add_metrics(tables: Tables) -> None:
    from .metrics import add_metrics

    add_metrics(tables)


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
        "",
        "| file | rows | content |",
        "|---|---:|---|",
    ]
    for name, df in tables.items():
        desc = schema.TABLE_DESCRIPTIONS.get(name, "")
        lines.append(f"| {name}.csv | {len(df)} | {desc} |")
    lines.append("| data_dictionary.csv | | 各表の列の定義（項目名・型・単位・説明） |")
    return "\n".join(lines) + "\n"


def write_tables(tables: Tables, out_dir: str | Path) -> list[Path]:
    """Write every table as CSV (+ data dictionary, README) into ``out_dir``.

    The files are written to a temporary folder next to ``out_dir`` which then
    replaces ``out_dir`` in one rename; on any error ``out_dir`` is untouched.
    """
    out_dir = Path(out_dir)
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=parent))
    written = []
    try:
        frames = tables.as_dict()
        for name, df in frames.items():
            path = tmp / f"{name}.csv"
            df.to_csv(path, **CSV_OPTIONS)
            written.append(out_dir / path.name)
        dd = pd.DataFrame(schema.dictionary_rows())
        dd = dd[dd["table"].isin(list(frames))]
        dd.to_csv(tmp / "data_dictionary.csv", **CSV_OPTIONS)
        (tmp / "README.md").write_text(_readme(frames), encoding="utf-8")
        written += [out_dir / "data_dictionary.csv", out_dir / "README.md"]
        os.chmod(tmp, 0o755)
        backup = None
        if out_dir.exists():
            backup = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=parent))
            backup.rmdir()
            out_dir.rename(backup)
        tmp.rename(out_dir)
        if backup is not None:
            shutil.rmtree(backup)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return written
