"""Stage 1 — the text reader: one report file → decoded, normalised lines.

Only a regular file of at most :func:`max_bytes_limit` bytes is read; the bytes are decoded
(UTF-8 with or without BOM, CP932) and split into lines that :func:`helpers.read.extract.normalise_lines`
has checked.  :func:`helpers.read.extract.extract_report` then turns the text into rows of cells.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .extract import ReportError, decode_report, normalise_lines, split_lines
from .files import check_file_name, read_input

__all__ = ["Report", "read_report", "read_bytes", "expand_inputs", "REPORT_SUFFIXES", "DEFAULT_MAX_BYTES", "MAX_BYTES_ENV", "max_bytes_limit"]


@dataclass
class Report:
    """One input file, decoded."""

    path: Path
    name: str  # file stem, the ``report`` column
    text: str
    encoding: str
    lines: list[str]
    sha256: str = ""  # of the bytes read (reports.csv): the file is read once
    size: int = 0


#: Largest input read, in bytes (the committed report is 38 KB); ``--max-bytes`` or the
#: ``HELPERS_MAX_BYTES`` environment variable override it.
DEFAULT_MAX_BYTES = 10_000_000
MAX_BYTES_ENV = "HELPERS_MAX_BYTES"
#: what a folder given as input stands for: its text dumps and PDFs (helpers.read.pdf)
REPORT_SUFFIXES = (".txt", ".pdf")


def max_bytes_limit(max_bytes: int | None = None) -> int:
    """The size cap in force: the argument, else ``$HELPERS_MAX_BYTES``, else 10 MB.

    >>> max_bytes_limit(500), max_bytes_limit() > 0
    (500, True)
    """
    if max_bytes is not None:
        if isinstance(max_bytes, bool) or int(max_bytes) <= 0:
            raise ReportError("--max-bytes", f"must be a positive number of bytes, not {max_bytes!r}")
        return int(max_bytes)
    env = os.environ.get(MAX_BYTES_ENV, "").strip().replace("_", "")
    if env:
        if not env.isdigit() or int(env) <= 0:
            raise ReportError(MAX_BYTES_ENV, f"must be a positive number of bytes, not {env!r}")
        return int(env)
    return DEFAULT_MAX_BYTES


def read_report(path: str | Path, *, encoding: str | None = None, max_bytes: int | None = None) -> Report:
    """Read and decode one report file (UTF-8 with/without BOM, CP932; CRLF or LF).

    Read by :func:`helpers.read.files.read_input` (the one reader of every input file): only a
    regular file (or a symlink to one) of at most :func:`max_bytes_limit` bytes; a FIFO, device or
    folder is refused before anything is read from it. The file name must be plain text
    (:func:`helpers.read.files.check_file_name`: no control character, TAB included, no byte
    that is not UTF-8).

    Raises:
        ReportError: a bad file name, not a regular file, too large, unreadable, empty, binary or
            undecodable file, or a line :func:`helpers.read.extract.normalise_lines` refuses.
    """
    path = Path(path)
    limit = max_bytes_limit(max_bytes)
    check_file_name(path)  # the name becomes the `report` column of every table
    data = read_input(path, limit=limit, hint=f" (raise it with --max-bytes or {MAX_BYTES_ENV})")
    text, enc = decode_report(data, path=path, encoding=encoding)
    return Report(path, path.stem, text, enc, normalise_lines(split_lines(text), path=path),
                  hashlib.sha256(data).hexdigest(), len(data))


def read_bytes(path: str | Path, *, max_bytes: int | None = None) -> bytes:
    """The bytes of one input report that is not text (a PDF: :mod:`helpers.read.pdf`), read like a text report.

    The same checks as :func:`read_report` (file name, regular file, size cap), through the same
    reader (:func:`helpers.read.files.read_input`).
    """
    path = Path(path)
    check_file_name(path)
    return read_input(path, limit=max_bytes_limit(max_bytes), hint=f" (raise it with --max-bytes or {MAX_BYTES_ENV})")


def expand_inputs(inputs: list[str | Path]) -> list[Path]:
    """Files as given; a folder stands for the ``*.txt`` and ``*.pdf`` reports in it (sorted).

    In a folder, the suffix is matched case-insensitively (``R.TXT`` is read) and hidden
    entries (``.notes.txt``, macOS ``._r.txt``) are skipped.  Anything that is not a regular
    file is refused later by :func:`read_report`, loudly.
    """
    out: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = sorted(c for c in p.iterdir() if c.suffix.lower() in REPORT_SUFFIXES and not c.name.startswith("."))
            if not found:
                raise ReportError(p, "folder holds no *.txt or *.pdf report")
            out += found
        else:
            out.append(p)
    return out
