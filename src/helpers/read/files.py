"""Stage 1 — the one reader of every input file: reports, sidecars, link overrides, layout declarations.

Every file the tool reads from ``data/raw/`` (or any input folder) gets the same rules
(docs/safety.md, "Inputs"):

* **File names are data**: a name holding a control character (TAB and LF included), a line or
  paragraph separator, a bidi override, or a byte that is not UTF-8 is refused with one message
  (:func:`check_file_name`); nothing is ever evaluated from a name.
* **Regular files only, size-capped**: a FIFO, device, socket or folder (also behind a symlink,
  e.g. a sidecar linked to ``/dev/zero``) is refused before anything is read from it; the file is
  opened non-blocking, so a FIFO without writer never hangs the run; at most ``limit`` bytes are
  read (:func:`read_input`).
* **Text**: strict UTF-8 (a BOM allowed) for sidecars and overrides (:func:`decode_utf8`); the
  report's control-character rule (:data:`helpers.read.extract._CONTROL_RE`: C0/C1, U+2028/9,
  bidi overrides; TAB and line ends are layout) applies to the raw text and, for every text value,
  also to TAB, LF and CR; refused with file, line and column (:func:`check_text`, :func:`check_value`).
* **JSON** (:func:`load_json`): nesting depth, the digits of a number and the length of a string
  are bounded by a linear scan *before* the parser runs (no ``RecursionError``, no 5,000-digit
  integer conversion), ``NaN``/``Infinity`` refused, escaped control characters (``\\u001b``,
  ``\\n``) refused with their line and column.
* **CSV** (:func:`read_csv_rows`): rows as dicts, a length cap per field checked before the
  ``csv`` module's own limit, the value rule on every field; errors name the line.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
from pathlib import Path

from .extract import _CONTROL_RE, ReportError

__all__ = [
    "MAX_TEXT_CHARS", "MAX_JSON_DEPTH", "MAX_NUMBER_CHARS",
    "check_file_name", "read_input", "decode_utf8", "check_text", "check_value", "load_json", "read_csv_rows",
]

#: longest text value read from a sidecar or an overrides file (a note, a name, an id)
MAX_TEXT_CHARS = 2_000
#: deepest nesting of JSON arrays/objects (a sidecar is flat; a layout declaration nests a few levels)
MAX_JSON_DEPTH = 20
#: longest JSON number, in characters (an lg_code has 6 digits; 15 significant digits is a float's precision)
MAX_NUMBER_CHARS = 30

# every character a file name may not hold: all C0 (TAB, LF, CR included) and C1 controls, DEL,
# line/paragraph separators, bidi controls, and the surrogates Python uses for undecodable bytes
_NAME_BAD_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# in a text value: the report's rule plus TAB, LF and CR (a value is one line of text)
_VALUE_BAD_RE = re.compile(f"[\t\n\r]|{_CONTROL_RE.pattern}")
_KIND = {stat.S_IFDIR: "a folder", stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device",
         stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}


def _where(text: str, pos: int) -> tuple[int, int]:
    """1-based (line, column) of character ``pos`` in ``text``."""
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _u(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def check_file_name(path: str | Path) -> None:
    r"""Refuse a file name holding a control character (TAB and LF included) or an undecodable byte.

    The name becomes data (the ``report`` column, ``source_file``): it must be plain text.

    Raises:
        ReportError: one message naming the character and its position in the name.

    Examples:
        >>> check_file_name("data/raw/x`touch${IFS}PWNED`_2022.txt")  # odd but plain text: accepted
        >>> check_file_name("r\t2022.txt")
        Traceback (most recent call last):
        ...
        helpers.read.extract.ReportError: r\t2022.txt: the file name holds the control character U+0009 at position 2; rename the file (the name becomes the report column)
    """
    name = Path(path).name
    m = _NAME_BAD_RE.search(name)
    if not m:
        return
    ch, at = m.group(), m.start() + 1
    if "\ud800" <= ch <= "\udfff":
        raw = ord(ch) - 0xDC00 if "\udc80" <= ch <= "\udcff" else None
        what = f"the byte 0x{raw:02X}" if raw is not None else "an undecodable character"
        raise ReportError(path, f"the file name is not valid UTF-8 ({what} at position {at}); rename the file "
                                "(the name becomes the report column)")
    raise ReportError(path, f"the file name holds the control character {_u(ch)} at position {at}; rename the file "
                            "(the name becomes the report column)")


def read_input(path: str | Path, *, limit: int, what: str = "file", hint: str = "") -> bytes:
    """The bytes of one input file: a regular file (or a symlink to one) of at most ``limit`` bytes.

    Opened non-blocking (a FIFO without writer does not hang), checked with ``fstat`` before
    anything is read (a device such as ``/dev/zero`` is refused), and read with a bound of
    ``limit + 1`` bytes (a file growing meanwhile is refused too).

    Args:
        path: the file.
        limit: size cap in bytes.
        what: the kind of input in messages (``"sidecar"``, ``"overrides file"``).
        hint: added to the size message (how to raise the cap).

    Raises:
        ReportError: missing, unreadable, not a regular file, or over the cap.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise ReportError(path, f"cannot read the {what} ({e.strerror})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = _KIND.get(stat.S_IFMT(st.st_mode), "not a regular file")
            raise ReportError(path, f"the {what} is {kind}; only regular files are read")
        if st.st_size > limit:
            raise ReportError(path, f"the {what} has {st.st_size:,} bytes, more than the limit of {limit:,}{hint}")
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(limit + 1)
    except OSError as e:
        raise ReportError(path, f"cannot read the {what} ({e.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while we read it
        raise ReportError(path, f"the {what} has more than {limit:,} bytes{hint}")
    return data


def decode_utf8(data: bytes, path: str | Path, *, what: str = "file") -> str:
    """Strict UTF-8 (one BOM allowed); CRLF read as LF. An undecodable byte is refused with its line and column."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        head = data[: e.start]
        line = head.count(b"\n") + 1
        col = e.start - (head.rfind(b"\n") + 1) + 1
        raise ReportError(path, f"the {what} is not UTF-8: byte 0x{data[e.start]:02X} at column {col} (byte {col} of the "
                                "line); save it as UTF-8", line) from None
    return text.replace("\r\n", "\n")


def check_text(text: str, path: str | Path, *, what: str = "file") -> None:
    """The report's control-character rule on raw text (TAB and LF are layout): refused with line and column.

    >>> check_text('{"a": "b"}\\n', "x.meta.json")
    >>> check_text('{"a": "\\x1b[2J"}', "x.meta.json")
    Traceback (most recent call last):
    ...
    helpers.read.extract.ReportError: x.meta.json:1: control character U+001B at column 8 of the file; text only: remove it
    """
    m = _CONTROL_RE.search(text)
    if m:
        line, col = _where(text, m.start())
        raise ReportError(path, f"control character {_u(m.group())} at column {col} of the {what}; text only: remove it", line)


def check_value(value: str, path: str | Path, *, line: int | None = None, name: str = "value",
                limit: int = MAX_TEXT_CHARS) -> str:
    """One text value (a sidecar string, a CSV field): no control character (TAB, LF, CR included), at most ``limit`` characters."""
    m = _VALUE_BAD_RE.search(value)
    if m:
        raise ReportError(path, f"{name} holds the control character {_u(m.group())} at position {m.start() + 1}; "
                                "a value is one line of text", line)
    if len(value) > limit:
        raise ReportError(path, f"{name} has {len(value):,} characters (at most {limit:,} are read)", line)
    return value


# ---------------------------------------------------------------------------
# JSON

_ESCAPE_CONTROL = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}


def _scan_json(text: str, path: str | Path, *, max_depth: int, max_text: int) -> None:
    """One linear pass: depth, number length, string length, escaped control characters."""
    depth = 0
    i, n = 0, len(text)
    number_start = -1
    while i < n:
        ch = text[i]
        if ch == '"':
            start = i
            i += 1
            length = 0
            while i < n:
                c = text[i]
                if c == '"':
                    break
                if c == "\\" and i + 1 < n:
                    e = text[i + 1]
                    if e == "u" and i + 6 <= n:
                        try:
                            decoded = chr(int(text[i + 2 : i + 6], 16))
                        except ValueError:
                            decoded = ""
                        skip = 6
                    else:
                        decoded = _ESCAPE_CONTROL.get(e, e)
                        skip = 2
                    if decoded and _VALUE_BAD_RE.match(decoded):
                        line, col = _where(text, i)
                        raise ReportError(path, f"a text value holds the control character {_u(decoded)} (escaped at "
                                                f"column {col}); a value is one line of text", line)
                    i += skip
                else:
                    i += 1
                length += 1
                if length > max_text:
                    line, col = _where(text, start)
                    raise ReportError(path, f"the text starting at column {col} is longer than {max_text:,} characters", line)
            i += 1
            continue
        if ch in "[{":
            depth += 1
            if depth > max_depth:
                line, col = _where(text, i)
                raise ReportError(path, f"nested more than {max_depth} levels deep (at column {col})", line)
        elif ch in "]}":
            depth -= 1
        if ch in "0123456789+-.eE":
            if number_start < 0:
                number_start = i
            elif i - number_start + 1 > MAX_NUMBER_CHARS:
                line, col = _where(text, number_start)
                raise ReportError(path, f"the number at column {col} has more than {MAX_NUMBER_CHARS} characters", line)
        else:
            number_start = -1
        i += 1


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def load_json(text: str, path: str | Path, *, what: str = "file", max_depth: int = MAX_JSON_DEPTH,
              max_text: int = MAX_TEXT_CHARS) -> object:
    """Parse JSON under the input rules (module docstring); every failure is one :class:`ReportError`.

    >>> load_json('{"series": "minami", "lg_code": 151068}', "s.meta.json")
    {'series': 'minami', 'lg_code': 151068}
    >>> load_json("[" * 100_000, "s.meta.json")
    Traceback (most recent call last):
    ...
    helpers.read.extract.ReportError: s.meta.json:1: nested more than 20 levels deep (at column 21)
    """
    check_text(text, path, what=what)
    _scan_json(text, path, max_depth=max_depth, max_text=max_text)
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as e:
        raise ReportError(path, f"the {what} is not valid JSON: {e.msg} (column {e.colno})", e.lineno) from None
    except (ValueError, RecursionError) as e:  # NaN/Infinity; bounded above, so not expected otherwise
        raise ReportError(path, f"the {what} is not valid JSON: {e}") from None


# ---------------------------------------------------------------------------
# CSV


def read_csv_rows(text: str, path: str | Path, *, limit: int = MAX_TEXT_CHARS) -> tuple[list[str], list[tuple[int, dict]]]:
    """The header and ``(line, {column: value})`` rows of a small hand-kept CSV, under the input rules.

    Values are stripped; every header and value passes :func:`check_value` (no control character,
    at most ``limit`` characters). A field longer than ``limit`` is refused before the ``csv``
    module's own limit can raise.

    Raises:
        ReportError: with the line of the offending row.
    """
    check_text(text, path)
    lines = text.split("\n")
    for no, line in enumerate(lines, start=1):  # a field cannot be longer than its line (no quoted line breaks allowed)
        if len(line) > limit * 8 + 64:
            raise ReportError(path, f"line of {len(line):,} characters; a row holds at most 8 fields of {limit:,}", no)
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    try:
        header = [check_value(h.strip(), path, line=1, name="a column name", limit=200) for h in next(reader, [])]
        rows = []
        line = reader.line_num + 1  # the line where the next row starts (a quoted field may span lines)
        for rec in reader:
            values = [check_value(v.strip(), path, line=line, limit=limit,
                                  name=f"column {k + 1}" + (f" ({header[k]})" if k < len(header) else ""))
                      for k, v in enumerate(rec)]
            rows.append((line, dict(zip(header, values))))
            line = reader.line_num + 1
    except csv.Error as e:
        raise ReportError(path, f"cannot read the row as CSV ({e})", line) from None
    return header, rows
