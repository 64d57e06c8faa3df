"""Stage 1 — the text reader: one report file → decoded, normalised lines.

Only a regular file of at most :func:`max_bytes_limit` bytes is read; the bytes are decoded
(UTF-8 with or without BOM, CP932) and split into lines that :func:`helpers.read.extract.normalise_lines`
has checked.  :func:`helpers.read.extract.extract_report` then turns the text into rows of cells.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .extract import _CONTROL_RE, ReportError, decode_report, normalise_lines, split_lines

__all__ = ["Report", "read_report", "read_bytes", "expand_inputs", "REPORT_SUFFIXES", "DEFAULT_MAX_BYTES", "MAX_BYTES_ENV", "max_bytes_limit"]


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
#: what a folder given as input stands for: its text dumps and PDFs (helpers.read.pdf)
REPORT_SUFFIXES = (".txt", ".pdf")


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

    The file is read by :func:`read_bytes` (regular files only, size cap).

    Raises:
        ReportError: not a regular file, too large, unreadable, empty, binary or undecodable
            file, or a line :func:`helpers.read.extract.normalise_lines` refuses.
    """
    path = Path(path)
    data = read_bytes(path, max_bytes=max_bytes)
    text, enc = decode_report(data, path=path, encoding=encoding)
    return Report(path, path.stem, text, enc, normalise_lines(split_lines(text), path=path))


def read_bytes(path: str | Path, *, max_bytes: int | None = None) -> bytes:
    """The bytes of one input file (text or PDF): the one place an input file is opened.

    Only a regular file (or a symlink to one) of at most :func:`max_bytes_limit` bytes is read;
    a FIFO, device or folder is refused before anything is read from it (it is opened
    non-blocking, so a FIFO with no writer does not hang the run).

    Raises:
        ReportError: not a regular file, too large, unreadable, or a control character in the name.
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
    return data


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
