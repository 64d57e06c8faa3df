"""The one writer of every file under ``data/clean/`` and ``reports/`` (docs/safety.md).

Every output goes through this module; no other code opens a file for writing there.

* **Owned files, recorded**: each output folder holds a manifest (:data:`MANIFEST`,
  ``helpers-manifest.json``) listing the files the tool wrote there with their SHA-256. The tool
  replaces only those files and never touches any other.
* **An edit is never lost silently**: before a file the manifest owns is replaced, its bytes are
  compared with the recorded hash; a file changed since the tool wrote it (an analyst's notes saved
  from Excel) stops the write with :class:`EditedOutputError` naming the file, unless ``force``
  (the CLI's ``--force``, ``make ... FORCE=1``), which lists every file it overwrites.
* **Writes that cannot be redirected**: a folder is opened once (``O_DIRECTORY | O_NOFOLLOW``,
  :class:`OutputDir`) and every read, write, rename and removal is made relative to that handle
  (``dir_fd``), each new file created with ``O_EXCL | O_NOFOLLOW``; a symlink at the folder or at a
  target is refused, never followed, and a folder replaced while the run staged its files is
  refused before anything is moved in.
* **Atomic**: files are written under a temporary name and renamed into place; a whole clean-tables
  folder is staged in a hidden subfolder and swapped in with Ctrl-C held, the manifest recording
  both the old and the new hashes while the swap runs (``"state": "writing"``), so a folder left
  half-swapped by ``kill -9`` is recognised (:func:`verify_folder`) and never read as a whole.
* **One run at a time per folder**: a lock file (:data:`LOCK_NAME`, ``flock``) in the folder;
  the CLI refuses a folder another run is writing, the notebooks' writers wait their turn.
* **CSV text never starts with a character a spreadsheet evaluates** (OWASP "CSV injection"):
  :func:`escape_csv_text` puts a ``'`` before a text value starting with ``= + - @``, TAB, CR, LF,
  the full-width ``＝ ＋ － ＠`` or ``'`` itself; :func:`unescape_csv_text` removes exactly one
  leading ``'``, so the rule is reversible. Numbers are never escaped. :func:`csv_bytes` is the
  one CSV serialiser, :func:`write_csv` the one CSV writer.
* **Messages show source text escaped** (:func:`shown`): control and invisible characters as
  ``\\x1b`` / ``\\u200b``, cut to a length.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import fcntl
import hashlib
import io
import json
import os
import re
import shutil
import signal
import stat
import sys
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

__all__ = [
    "CSV_OPTIONS",
    "format_float",
    "MANIFEST",
    "LOCK_NAME",
    "OutputError",
    "EditedOutputError",
    "InterruptedAfterWrite",
    "shown",
    "escape_csv_text",
    "unescape_csv_text",
    "escape_frame",
    "unescape_frame",
    "csv_bytes",
    "OutputDir",
    "check_output_folder",
    "write_output_folder",
    "check_output_file",
    "write_file",
    "write_file_atomic",
    "write_csv",
    "open_output_folder",
    "discard_output_folder",
    "verify_folder",
    "read_owned",
    "release_edits",
]


def format_float(x: float) -> str:
    """Floats in CSVs: at most 4 decimals, no exponent, no trailing zeros (68410.0 -> 68410, 0.73518 -> 0.7352).

    >>> [format_float(v) for v in (68410.0, 0.7351851, 1.5, -0.0625)]
    ['68410', '0.7352', '1.5', '-0.0625']
    """
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# Every CSV: UTF-8 with BOM for Excel, LF line ends, stable float format.
CSV_OPTIONS = dict(index=False, encoding="utf-8-sig", lineterminator="\n", float_format=format_float)


MANIFEST = "helpers-manifest.json"
_TOOL = "minami-welfare-eval helpers"  # the manifest's signature


class OutputError(Exception):
    """A refused or failed output (exit code 2 in the CLIs); the message is one sentence."""


# ---------------------------------------------------------------------------
# messages

_VISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def shown(text: object, limit: int = 120) -> str:
    """``text`` safe for a terminal: control/invisible characters escaped, cut to ``limit`` characters.

    Args:
        text: any text (a source line, a file name, an error message).
        limit: characters kept before the cut (the escapes count).

    Returns:
        The text with every character of Unicode category C*, Zl or Zp written as
        ``\\xNN`` / ``\\uNNNN`` (a backslash is kept as it is), and ``…(N more)``
        when it was longer than ``limit``.

    Examples:
        >>> shown("中止\\x1b[2J８回")
        '中止\\\\x1b[2J８回'
        >>> shown("a\\u200bb\\u2028c")
        'a\\\\u200bb\\\\u2028c'
        >>> shown("子育て広場" * 30, limit=10)
        '子育て広場子育て広場…(140 more)'
    """
    out: list[str] = []
    for ch in str(text):
        if unicodedata.category(ch) in _VISIBLE_CATEGORIES:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    escaped = "".join(out)
    if len(escaped) > limit:
        return f"{escaped[:limit]}…({len(escaped) - limit} more)"
    return escaped


# ---------------------------------------------------------------------------
# CSV injection rule

#: First characters that make Excel / LibreOffice read a CSV field as a formula (OWASP: = + - @
#: TAB CR; LF for the same reason as CR; the full-width forms because Japanese Excel accepts them
#: when a value is typed or imported) — and ``'`` itself, so that the escape can be undone exactly.
DANGEROUS_FIRST = frozenset("=+-@\t\r\n＝＋－＠'")
#: a NUL followed by a dangerous first character: one scan of a column's values joined after NULs
_DANGEROUS_START_RE = re.compile("\x00[" + "".join(re.escape(ch) for ch in sorted(DANGEROUS_FIRST)) + "]")


def escape_csv_text(value: object) -> object:
    """One text value for CSV: a leading ``'`` when it starts with a dangerous character.

    Non-text values (numbers, booleans, missing values) are returned unchanged.

    Examples:
        >>> [escape_csv_text(v) for v in ("=HYPERLINK(1)", "-0.25", "'quoted", "＋12％", "子育て", -0.25)]
        ["'=HYPERLINK(1)", "'-0.25", "''quoted", "'＋12％", '子育て', -0.25]
    """
    if isinstance(value, str) and value and value[0] in DANGEROUS_FIRST:
        return "'" + value
    return value


def unescape_csv_text(value: object) -> object:
    """Undo :func:`escape_csv_text`: remove exactly one leading ``'`` from a text value.

    Examples:
        >>> [unescape_csv_text(v) for v in ("'=1+1", "''quoted", "plain", None)]
        ['=1+1', "'quoted", 'plain', None]
    """
    if isinstance(value, str) and value.startswith("'"):
        return value[1:]
    return value


def _is_text_column(s: pd.Series) -> bool:
    return not (
        pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype)
    ) or isinstance(s.dtype, pd.CategoricalDtype)


def _map_text(s: pd.Series, fn) -> pd.Series:
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = s.cat.categories
        if not (pd.api.types.is_string_dtype(cats.dtype) or cats.dtype == object):
            return s
        return s.cat.rename_categories([fn(c) for c in cats])
    if not _is_text_column(s):
        return s  # numbers and booleans are never escaped: -0.25 stays -0.25
    values = s.tolist()
    mapped = [fn(v) for v in values]
    if all(a is b for a, b in zip(mapped, values)):
        return s  # nothing to change (the usual case): keep the column as it is
    return pd.Series(mapped, index=s.index, name=s.name, dtype=s.dtype)


def _map_labels(index: pd.Index, fn) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        return index.set_levels([_map_labels(level, fn) for level in index.levels])
    if _is_text_column(index.to_series()):
        return pd.Index([fn(v) for v in index.tolist()], name=fn(index.name), dtype=index.dtype)
    return index.rename(fn(index.name))


def escape_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` for CSV: every text cell, text index label and column name through :func:`escape_csv_text`.

    >>> df = pd.DataFrame({"comment": ["=1+1", "ok"], "change": [-0.25, 3.0]})
    >>> escape_frame(df).to_dict("list")
    {'comment': ["'=1+1", 'ok'], 'change': [-0.25, 3.0]}
    """
    out = df.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        new = _map_text(col, escape_csv_text)
        if new is not col:
            out.isetitem(i, new)
    out.columns = _map_labels(out.columns, escape_csv_text)
    out.index = _map_labels(out.index, escape_csv_text)
    return out


def unescape_frame(df: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """Undo :func:`escape_frame` on the text columns (all, or ``columns``) and on the column names.

    >>> unescape_frame(pd.DataFrame({"'=x": ["'=1+1", "''a", "b"]})).to_dict("list")
    {'=x': ['=1+1', "'a", 'b']}
    """
    out = df.copy()
    wanted = set(out.columns) if columns is None else set(columns)
    for i, name in enumerate(out.columns):
        if name in wanted:
            col = out.iloc[:, i]
            new = _map_text(col, unescape_csv_text)
            if new is not col:
                out.isetitem(i, new)
    out.columns = _map_labels(out.columns, unescape_csv_text)
    return out


def _floats_in_text_columns(df: pd.DataFrame, float_format) -> pd.DataFrame:
    """Floats held in an object column (a merge of int and missing values) written with ``float_format``.

    pandas applies ``float_format`` to float columns only; ``12.0`` in an object column would be
    written as ``12.0`` (issue 15: whole numbers without ``.0`` in every CSV).

    >>> _floats_in_text_columns(pd.DataFrame({"n": pd.Series([12.0, None, "x"], dtype=object)}), format_float)["n"].tolist()
    ['12', None, 'x']
    """
    if float_format is None:
        return df
    if isinstance(float_format, str):
        float_format = float_format.__mod__
    out = df
    for i in range(df.shape[1]):
        s = df.iloc[:, i]
        if s.dtype != object:
            continue
        values = s.tolist()
        if any(isinstance(v, float) and not isinstance(v, bool) and v == v for v in values):
            if out is df:
                out = df.copy()
            out.isetitem(i, pd.Series([float_format(v) if isinstance(v, float) and v == v else v for v in values],
                                      index=s.index, dtype=object))
    return out


def csv_bytes(df: pd.DataFrame, **options) -> bytes:
    """``df`` as CSV bytes with the injection rule applied: the one CSV writer of the project.

    ``options`` are ``DataFrame.to_csv`` keywords (:data:`CSV_OPTIONS`).
    A text value holding a CR is refused (:class:`OutputError`): Python's csv writer would not
    quote it and every reader would split the row there (the parser removes CRs from cells).

    >>> csv_bytes(pd.DataFrame({"a": ["@x", "y"], "n": [-1, 2]}), index=False, lineterminator="\\n")
    b"a,n\\n'@x,-1\\ny,2\\n"
    """
    options = dict(options)
    encoding = options.pop("encoding", "utf-8")
    fast = _plain_csv_text(df, options)  # (an object column holding floats is left to the pandas path below)
    if fast is not None:
        return fast.encode(encoding)
    escaped = _floats_in_text_columns(escape_frame(df), options.get("float_format"))
    for i in range(escaped.shape[1]):  # Python's csv module leaves a lone CR unquoted: readers split the row there
        s = escaped.iloc[:, i]
        if _is_text_column(s) and not isinstance(s.dtype, pd.CategoricalDtype):
            bad = [k for k, v in enumerate(s.tolist()) if isinstance(v, str) and "\r" in v]
            if bad:
                raise OutputError(
                    f"column {shown(escaped.columns[i])}, row {bad[0] + 1}: the text holds a carriage return (CR), "
                    "which would split the CSV row"
                )
    buffer = io.StringIO()
    escaped.to_csv(buffer, **options)
    return buffer.getvalue().encode(encoding)


#: What :func:`_plain_csv_text` writes for each dtype (by ``dtype.kind`` / name); anything else
#: goes through pandas' ``to_csv``.
_PLAIN_OPTIONS = {"index", "lineterminator", "float_format"}


def _plain_csv_text(df: pd.DataFrame, options: dict) -> str | None:
    """The text ``escape_frame(df).to_csv(**options)`` writes, built column by column; None when unsure.

    Five times faster than pandas for the clean tables (issue 16): each column is turned into a list
    of fields once (text escaped by :func:`escape_csv_text`, numbers formatted like ``to_csv``: missing
    values empty, integers as ``str``, floats through ``float_format``, booleans ``True``/``False``)
    and the rows go through :mod:`csv` with pandas' quoting (``QUOTE_MINIMAL``, ``"`` doubled).
    Only frames without index (``index=False``), with flat string column names and columns of
    the dtypes listed below take this path; everything else (and any other option) returns
    None and pandas writes it. ``tests/test_outputs.py`` compares both writers byte for byte.

    Raises:
        OutputError: a text value holding a CR (as the pandas path does).
    """
    if set(options) - _PLAIN_OPTIONS or options.get("index", True) is not False:
        return None
    if df.shape[1] == 0 or isinstance(df.columns, pd.MultiIndex) or not all(isinstance(c, str) for c in df.columns):
        return None
    float_format = options.get("float_format")
    if not callable(float_format):
        return None
    columns = []
    texts: dict[int, str] = {}  # column index -> its fields joined by NULs, where already made
    for i in range(df.shape[1]):
        s = df.iloc[:, i]
        dtype = s.dtype
        if isinstance(dtype, pd.StringDtype) or dtype == object:
            values = s.tolist()
            # every value's first character, after a NUL: when none is dangerous, no value is escaped
            # (a NUL inside a value only sends the column through the per-value test); one joined text
            # for the CR test, this test (one regex scan) and _joined_csv's tests.  The join succeeds
            # exactly when every value is a str (one pass in C; no separate scan for missing values)
            try:
                starts = "\x00" + "\x00".join(values)
            except TypeError:
                if isinstance(dtype, pd.StringDtype):  # str or a missing value (NaN / None / NA)
                    values = [v if v.__class__ is str else "" for v in values]
                elif all(isinstance(v, str) or v is None or (isinstance(v, float) and v != v) for v in values):
                    values = [v if isinstance(v, str) else "" for v in values]
                else:
                    return None  # mixed objects: pandas decides how to print them
                starts = "\x00" + "\x00".join(values)
            if "\r" in starts:
                k = next(k for k, v in enumerate(values) if "\r" in v)
                raise OutputError(
                    f"column {shown(escape_csv_text(df.columns[i]))}, row {k + 1}: the text holds a carriage "
                    "return (CR), which would split the CSV row"
                )
            if _DANGEROUS_START_RE.search(starts):
                field = ["'" + v if v[:1] in DANGEROUS_FIRST else v for v in values]
            else:
                field = values
                texts[len(columns)] = starts[1:]
        elif isinstance(dtype, pd.BooleanDtype) or dtype == bool:
            field = ["" if v is pd.NA else ("True" if v else "False") for v in s.tolist()]
        elif isinstance(dtype, pd.Int64Dtype) or dtype == "int64":
            field = _int_fields(s)
        elif isinstance(dtype, pd.Float64Dtype) or dtype == "float64":
            memo: dict[float, str] = {}  # amounts repeat: format each distinct value once
            field = []
            for v in s.tolist():
                if v is pd.NA or v != v:
                    field.append("")
                else:
                    text = memo.get(v) if v else None  # 0.0 and -0.0 are one key: never memoised
                    if text is None:
                        text = float_format(v)
                        if v:
                            memo[v] = text
                    field.append(text)
        else:
            return None
        columns.append(field)
    header = [escape_csv_text(c) for c in df.columns]
    eol = options.get("lineterminator", os.linesep)
    joined = _joined_csv(header, columns, eol, texts)
    if joined is not None:
        return joined
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=eol, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(zip(*columns))
    return buffer.getvalue()


#: ``str(i)`` for 0 <= i < len(_INT_TEXT), grown on demand up to :data:`_INT_TEXT_MAX` (line numbers,
#: years, counts): a list look-up is about four times cheaper than ``str()`` for each value
_INT_TEXT: list[str] = []
_INT_TEXT_MAX = 1 << 16


def _int_fields(s: pd.Series) -> list[str]:
    """The fields of an integer column (Int64 or int64) as ``to_csv`` writes them: missing values empty.

    >>> _int_fields(pd.Series([3, None, -2, 10**12], dtype="Int64"))
    ['3', '', '-2', '1000000000000']
    """
    if s.hasnans:
        values = s.tolist()
        return ["" if v is pd.NA else str(v) for v in values]
    values = s.to_numpy(dtype="int64")
    if not len(values) or values.min() < 0 or values.max() >= _INT_TEXT_MAX:
        return list(map(str, values.tolist()))
    top = int(values.max())
    if top >= len(_INT_TEXT):
        _INT_TEXT.extend(map(str, range(len(_INT_TEXT), top + 1)))
    return list(map(_INT_TEXT.__getitem__, values.tolist()))


def _joined_csv(header: list[str], columns: list[list[str]], eol: str, texts: dict[int, str] | None = None) -> str | None:
    """What ``csv.writer(quoting=QUOTE_MINIMAL)`` writes for these rows, joined in one pass; None when unsure.

    For rows of two fields or more whose fields hold no CR or LF and no character of ``eol``: a field
    holding a comma or a double quote is quoted (quotes doubled), every other field written as it is;
    that is all QUOTE_MINIMAL does to such fields.  (A row of one empty field is written ``""`` by the
    csv module; rows with line breaks are left to it.)  ``tests/test_outputs.py`` compares both.
    ``texts``: column index -> the column's fields joined by NULs, for columns whose caller has it already.
    """
    if len(header) < 2 or eol not in ("\n", "\r\n"):
        return None
    texts = texts or {}
    quoted = []
    for k, field in enumerate([header, *columns], start=-1):
        text = texts.get(k)
        if text is None:
            text = "\x00".join(field)
        if "\n" in text or "\r" in text:
            return None
        if "," in text or '"' in text:
            field = ['"' + v.replace('"', '""') + '"' if "," in v or '"' in v else v for v in field]
        quoted.append(field)
    lines = [",".join(quoted[0])]
    lines += map(",".join, zip(*quoted[1:]))
    lines.append("")
    return eol.join(lines)


# ---------------------------------------------------------------------------
# refusals and interruptions


class EditedOutputError(OutputError):
    """Files the tool wrote were changed since (their bytes differ from the manifest): not overwritten.

    Attributes:
        paths: the changed files.
    """

    def __init__(self, paths: list[Path]):
        self.paths = list(paths)
        names = ", ".join(shown(p) for p in self.paths[:5]) + (f" and {len(self.paths) - 5} more" if len(self.paths) > 5 else "")
        one = len(self.paths) == 1
        super().__init__(
            f"{names} {'was' if one else 'were'} changed since this tool wrote {'it' if one else 'them'} "
            f"(SHA-256 differs from {MANIFEST}); refusing to overwrite: move your copy away (keep notes in a file of "
            "your own beside the tables, docs/safety.md) or rerun with --force (make ... FORCE=1), which overwrites and lists it"
        )


class InterruptedAfterWrite(KeyboardInterrupt):
    """Ctrl-C arrived while files were moved into place: the move was completed, the new files are written."""


@contextlib.contextmanager
def _sigint_held() -> Iterator[dict]:
    """Hold Ctrl-C while files are moved into place (milliseconds); the caller re-raises it afterwards.

    Yields a dict whose ``"caught"`` is True when a Ctrl-C arrived meanwhile.
    """
    state = {"caught": False}

    def note(*_):
        state["caught"] = True

    try:
        previous = signal.signal(signal.SIGINT, note)
    except ValueError:  # not the main thread: nothing to hold
        yield state
        return
    try:
        yield state
    finally:
        signal.signal(signal.SIGINT, previous)


# ---------------------------------------------------------------------------
# folders opened once

#: the lock file in every output folder (``flock``; it stays, empty but for the writer's PID)
LOCK_NAME = ".helpers-lock"
_TMP_SUFFIX = ".helpers-tmp"  # .NAME.PID.helpers-tmp: a file being written
_STAGING = ".helpers-staging-"  # a clean-tables folder is staged in .helpers-staging-PID/ inside it
_TMP_RE = re.compile(r"^\..+\.\d+\.helpers-tmp$")
_O_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_O_READ = os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_O_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
#: seconds a reader (:func:`read_owned`) waits for a writer of the same folder to finish
READ_WAIT = 60.0

NOTE_CLEAN = "Files written by `python -m helpers clean`; the tool replaces or removes only these."
NOTE_REPORTS = ("Files written by the notebooks and `make report` (helpers.outputs); the tool replaces only these, "
                "and never one changed since it wrote it.")


def _is_scratch(name: str) -> bool:
    """The tool's own bookkeeping entries in a folder (lock, staging folder, file being written)."""
    return name == LOCK_NAME or name.startswith(_STAGING) or bool(_TMP_RE.match(name))


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symlink"
    if stat.S_ISDIR(mode):
        return "a folder"
    return {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device",
            stat.S_IFSOCK: "a socket"}.get(stat.S_IFMT(mode), "not a regular file")


class OutputDir:
    """An output folder opened once; every operation is relative to its handle (``dir_fd``).

    The folder itself is opened with ``O_NOFOLLOW``: a symlink there is refused. Files are read
    with ``O_NOFOLLOW`` and created with ``O_EXCL | O_NOFOLLOW``; ``os.replace`` between handles
    replaces a directory entry and never follows a link. Renaming or replacing the folder's path
    after it was opened cannot redirect a write: the handle still names the folder that was checked
    (:meth:`still_at_path` tells whether the path still leads to it).

    Args:
        path: the folder.
        create: create it (and its parents) when missing; :attr:`created` says whether this did.
    """

    def __init__(self, path: str | Path, *, create: bool = True, _fd: int | None = None):
        self.path = Path(path)
        self.created = False
        self._lock_fd: int | None = None
        if _fd is not None:
            self.fd = _fd
        else:
            if create:
                if not self.path.parent.is_dir():
                    try:
                        self.path.parent.mkdir(parents=True, exist_ok=True)
                    except FileExistsError:
                        raise OutputError(f"{shown(self.path.parent)} is not a folder") from None
                try:
                    os.mkdir(self.path)
                    self.created = True
                except FileExistsError:
                    pass
            try:
                self.fd = os.open(self.path, _O_DIR)
            except OSError as e:
                if e.errno in (errno.ELOOP, errno.ENOTDIR) and os.path.islink(self.path):
                    raise OutputError(f"{shown(self.path)} is a symlink; refusing to write through it (name the real folder)") from None
                if e.errno == errno.ENOTDIR:
                    raise OutputError(f"{shown(self.path)} is not a folder (it, or a folder above it, is a file)") from None
                if e.errno == errno.ENOENT:
                    raise OutputError(f"{shown(self.path)} does not exist") from None
                raise
        st = os.fstat(self.fd)
        self.ident = (st.st_dev, st.st_ino)

    # -- lifetime
    def close(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing releases the flock
            self._lock_fd = None
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> "OutputDir":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def still_at_path(self) -> bool:
        """Whether :attr:`path` still leads to the folder that was opened (not a symlink, not another folder)."""
        try:
            st = os.stat(self.path, follow_symlinks=False)
        except OSError:
            return False
        return stat.S_ISDIR(st.st_mode) and (st.st_dev, st.st_ino) == self.ident

    def check_still_at_path(self) -> None:
        if not self.still_at_path():
            try:
                now = _kind(os.stat(self.path, follow_symlinks=False).st_mode)
            except OSError:
                now = "gone"
            raise OutputError(f"{shown(self.path)} was replaced while the run was writing (it is now "
                              f"{'another folder' if now == 'a folder' else now}); nothing was moved into it")

    # -- locking
    def lock(self, *, wait: bool) -> None:
        """Take the folder's lock (:data:`LOCK_NAME`); ``wait=False`` refuses when another run holds it."""
        if self._lock_fd is not None:
            return
        try:
            fd = os.open(LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o644, dir_fd=self.fd)
        except OSError as e:
            raise OutputError(f"cannot take the lock {shown(self.path / LOCK_NAME)} ({e.strerror})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            try:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            except OSError:
                holder = ""
            os.close(fd)
            who = f"process {holder}" if holder.isdigit() else "another process"
            raise OutputError(f"another run ({who}) is writing {shown(self.path)} right now (lock {LOCK_NAME}); "
                              "wait until it has finished, then run again") from None
        except BaseException:
            os.close(fd)
            raise
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._lock_fd = fd

    # -- entries
    def lstat(self, name: str) -> os.stat_result | None:
        try:
            return os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None

    def names(self) -> list[str]:
        return sorted(os.listdir(self.fd))

    def read(self, name: str, limit: int | None = None) -> bytes | None:
        """The bytes of a regular file ``name`` (None when missing); a symlink or special file is refused."""
        try:
            fd = os.open(name, _O_READ, dir_fd=self.fd)
        except FileNotFoundError:
            return None
        except OSError as e:
            if e.errno == errno.ELOOP:
                raise OutputError(f"{shown(self.path / name)} is a symlink; the tool neither reads nor writes through it") from None
            raise
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise OutputError(f"{shown(self.path / name)} is {_kind(st.st_mode)}, not a file this tool wrote")
            if limit is not None and st.st_size > limit:
                return None
            with os.fdopen(os.dup(fd), "rb") as f:
                return f.read()
        finally:
            os.close(fd)

    def sha256(self, name: str) -> str | None:
        data = self.read(name)
        return None if data is None else _sha256(data)

    def subdir(self, name: str) -> "OutputDir":
        """Create the subfolder ``name`` (must not exist) and open it."""
        os.mkdir(name, 0o755, dir_fd=self.fd)
        fd = os.open(name, _O_DIR, dir_fd=self.fd)
        return OutputDir(self.path / name, _fd=fd)

    def create(self, name: str, data: bytes) -> None:
        """Write a new file ``name`` (``O_EXCL | O_NOFOLLOW``: never an existing entry, never through a link)."""
        fd = os.open(name, _O_NEW, 0o644, dir_fd=self.fd)
        try:
            os.chmod(fd, 0o644)  # whatever the umask: the outputs are readable
            with os.fdopen(os.dup(fd), "wb") as f:
                f.write(data)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=self.fd)
            raise
        os.close(fd)

    def stage(self, name: str, data: bytes) -> str:
        """Write ``data`` under a temporary name beside ``name``; return that name (see :meth:`move_in`)."""
        tmp = f".{name}.{os.getpid()}{_TMP_SUFFIX}"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp, dir_fd=self.fd)  # our own leftover (same PID, e.g. an interrupted earlier call)
        self.create(tmp, data)
        return tmp

    def move_in(self, src_name: str, name: str, src: "OutputDir | None" = None) -> None:
        """Rename ``src_name`` (in ``src``, default this folder) to ``name`` here, replacing the entry itself."""
        os.replace(src_name, name, src_dir_fd=(src or self).fd, dst_dir_fd=self.fd)

    def unlink(self, name: str) -> None:
        os.unlink(name, dir_fd=self.fd)

    def remove_tree(self, name: str) -> None:
        shutil.rmtree(name, dir_fd=self.fd, ignore_errors=True)

    def write(self, name: str, data: bytes) -> None:
        """Atomically (temporary name, then rename) write ``name``; the caller has checked the target."""
        tmp = self.stage(name, data)
        try:
            self.move_in(tmp, name)
        except BaseException:
            with contextlib.suppress(OSError):
                self.unlink(tmp)
            raise


# ---------------------------------------------------------------------------
# the manifest


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Manifest:
    """What the folder's manifest says: ``files`` (name → SHA-256) and, while a write runs, the old hashes."""

    files: dict[str, str] = field(default_factory=dict)
    replacing: dict[str, str] = field(default_factory=dict)
    state: str | None = None
    note: str = ""

    def owns(self, name: str) -> bool:
        return name in self.files or name in self.replacing

    def accepts(self, name: str, digest: str | None) -> bool:
        return digest is not None and digest in (self.files.get(name), self.replacing.get(name))


FOREIGN = Manifest(state="foreign")  # a helpers-manifest.json this tool did not write


def _valid_names(d: object) -> dict[str, str]:
    if not isinstance(d, dict):
        return {}
    return {k: v for k, v in d.items() if isinstance(k, str) and isinstance(v, str) and k and "/" not in k
            and "\\" not in k and "\x00" not in k and k not in (".", "..", MANIFEST) and not _is_scratch(k)}


def _read_manifest(d: OutputDir) -> Manifest | None:
    """The folder's manifest; None when there is none, :data:`FOREIGN` when it is not this tool's."""
    st = d.lstat(MANIFEST)
    if st is None:
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_size > 1_000_000:  # ours are a few KB
        return FOREIGN
    try:
        doc = json.loads(d.read(MANIFEST).decode("utf-8"))
    except (OSError, ValueError, OutputError, AttributeError):
        return FOREIGN
    if not isinstance(doc, dict) or doc.get("tool") != _TOOL or not isinstance(doc.get("files"), dict):
        return FOREIGN
    state = doc.get("state") if isinstance(doc.get("state"), str) else None
    return Manifest(_valid_names(doc["files"]), _valid_names(doc.get("replacing")), state, str(doc.get("note", "")))


def _manifest_bytes(files: Mapping[str, str], note: str = NOTE_CLEAN, *, state: str | None = None,
                    replacing: Mapping[str, str] | None = None) -> bytes:
    doc: dict = {"tool": _TOOL, "note": note, "files": dict(sorted(files.items()))}
    if state:
        doc["state"] = state
    if replacing:
        doc["replacing"] = dict(sorted(replacing.items()))
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _target_problem(d: OutputDir, manifest: Manifest | None, name: str, new_digest: str | None) -> tuple[str, str] | None:
    """Why ``name`` may not be replaced: ``(kind, message)``; kind ``edited`` and ``foreign`` yield to ``force``."""
    st = d.lstat(name)
    if st is None:
        return None
    target = d.path / name
    if not stat.S_ISREG(st.st_mode):
        what = _kind(st.st_mode)
        hint = "move it away" if what == "a folder" else "remove it; the tool never writes through a link" if what == "a symlink" else "remove it"
        return "blocked", f"{shown(target)} is {what} where the tool writes a file; {hint}"
    current = d.sha256(name)
    if current == new_digest:
        return None  # the same bytes: nothing can be lost
    if manifest is not None and manifest is not FOREIGN and manifest.owns(name):
        if manifest.accepts(name, current):
            return None
        return "edited", ""
    return "foreign", (f"{shown(target)} was not written by this tool (not in {MANIFEST}); "
                       "move it away or pass --force (make ... FORCE=1)")


def _plan(d: OutputDir, manifest: Manifest | None, digests: Mapping[str, str | None], force: bool) -> list[str]:
    """Refuse (before anything changes) or return the names ``force`` overwrites."""
    edited, overwritten = [], []
    for name, digest in digests.items():
        problem = _target_problem(d, manifest, name, digest)
        if problem is None:
            continue
        kind, message = problem
        if kind == "blocked":
            raise OutputError(message)
        if force:
            overwritten.append(name)
        elif kind == "edited":
            edited.append(d.path / name)
        else:
            raise OutputError(message)
    if edited:
        raise EditedOutputError(edited)
    return overwritten


def _overwrite_note(path: Path) -> str:
    return f"overwrote {shown(path)} (--force: it was changed since this tool wrote it, or not written by it)"


# ---------------------------------------------------------------------------
# single files


def check_output_file(path: str | Path) -> Path:
    """Refuse a target that is a directory or a symlink (or whose folder is a file).

    Raises:
        OutputError: the refusal, one sentence.
    """
    path = Path(path)
    if path.is_symlink():
        raise OutputError(f"{shown(path)} is a symlink; refusing to write through it (name a plain file path)")
    if path.is_dir():
        raise OutputError(f"{shown(path)} is a folder; name the file to write")
    if path.parent.exists() and not path.parent.is_dir():
        raise OutputError(f"{shown(path.parent)} is not a folder")
    if path.name in ("", ".", "..", MANIFEST, LOCK_NAME) or _is_scratch(path.name):
        raise OutputError(f"{shown(path)}: not a name the tool writes")
    return path


def _clean_scratch_files(d: OutputDir) -> None:
    """Under the lock: temporary files of writers that died (no writer can be running)."""
    for name in d.names():
        if _TMP_RE.match(name):
            st = d.lstat(name)
            if st is not None and stat.S_ISREG(st.st_mode):
                with contextlib.suppress(OSError):
                    d.unlink(name)


def write_file(path: str | Path, data: bytes, *, force: bool = False, note: str | None = None) -> Path:
    """Write one output file under the folder's manifest: the writer of every single file in ``reports/``.

    The folder is opened once and locked (a concurrent writer waits); the target is refused when it
    is a folder, a symlink or a special file, when it was changed since the tool wrote it
    (:class:`EditedOutputError`), or when a file of that name exists that the tool did not write
    (unless ``force``, which overwrites it and says so on stderr). The bytes go to a temporary file
    (``O_EXCL | O_NOFOLLOW``) renamed into place; the manifest records the old and the new hash
    while the file is swapped, then the new one only.

    Returns:
        ``path``.

    Raises:
        OutputError: a refused target (nothing changed).
        InterruptedAfterWrite: Ctrl-C during the swap (the file and its manifest entry are written).
    """
    path = check_output_file(path)
    digest = _sha256(data)
    with OutputDir(path.parent) as d:
        d.lock(wait=True)
        manifest = _read_manifest(d)
        if manifest is FOREIGN and not force:
            raise OutputError(f"{shown(path.parent / MANIFEST)} was not written by this tool; move it away or pass --force")
        if manifest is not None and manifest.state == "writing" and not force:
            raise OutputError(f"{shown(path.parent)}: an earlier write was interrupted in the middle; rerun with --force (make ... FORCE=1)")
        overwritten = _plan(d, manifest, {path.name: digest}, force)
        _clean_scratch_files(d)
        files = dict(manifest.files) if manifest not in (None, FOREIGN) else {}
        if note is None:
            note = manifest.note if manifest not in (None, FOREIGN) and manifest.note else NOTE_REPORTS
        tmp = d.stage(path.name, data)
        try:
            with _sigint_held() as held:
                old = files.get(path.name)
                current = d.sha256(path.name) if d.lstat(path.name) is not None else None
                if old != digest:
                    replacing = {path.name: current} if current and current != digest else {}
                    d.write(MANIFEST, _manifest_bytes({**files, path.name: digest}, note, replacing=replacing))
                d.move_in(tmp, path.name)
                if old != digest or (manifest is not None and (manifest.replacing or manifest.state)):
                    d.write(MANIFEST, _manifest_bytes({**files, path.name: digest}, note))
        finally:
            with contextlib.suppress(OSError):
                d.unlink(tmp)
    for name in overwritten:
        print(_overwrite_note(path.parent / name), file=sys.stderr)
    if held["caught"]:
        raise InterruptedAfterWrite()
    return path


#: the earlier name of :func:`write_file`
write_file_atomic = write_file


def write_csv(df: pd.DataFrame, path: str | Path, *, index: bool = False, force: bool = False) -> Path:
    """``df`` as a CSV file (:data:`CSV_OPTIONS`, the injection rule of :func:`csv_bytes`) through :func:`write_file`."""
    return write_file(path, csv_bytes(df, **{**CSV_OPTIONS, "index": index}), force=force)


def glob_escape(name: str) -> str:
    """``name`` with glob metacharacters bracketed, for ``Path.glob``."""
    return re.sub(r"([*?\[])", r"[\1]", name)


# ---------------------------------------------------------------------------
# output folders


def _is_within(inner: Path, outer: Path) -> bool:
    try:
        inner.relative_to(outer)
    except ValueError:
        return False
    return True


def _folder_policy(d: OutputDir, manifest: Manifest | None, force: bool) -> None:
    if manifest is FOREIGN:
        if not force:
            raise OutputError(f"--out {shown(d.path)} has a {MANIFEST} this tool did not write; choose an empty folder or pass --force")
        return
    if manifest is None and not force and any(not _is_scratch(n) for n in d.names()):
        raise OutputError(
            f"--out {shown(d.path)} is not empty and was not written by this tool (no {MANIFEST}); "
            "choose an empty or new folder, or pass --force to add the tables beside the files there"
        )


def check_output_folder(
    out_dir: str | Path, *, inputs: Iterable[str | Path] = (), names: Iterable[str] = (), force: bool = False
) -> Path:
    """Refuse a risky output folder before anything is read or written (nothing is changed here).

    Args:
        out_dir: the ``--out`` folder (may not exist yet).
        inputs: the input files and folders; none may lie inside ``out_dir``.
        names: the file names the run will write: a folder, symlink or special file of that name is
            refused; a file of that name the tool did not write, or changed since it wrote it
            (:class:`EditedOutputError`), is refused unless ``force``.
        force: accept a non-empty folder without manifest and overwrite the files of the run's
            names that are not the tool's or were changed (listed by the CLI); files with other
            names are still never touched.

    Returns:
        ``out_dir`` as a Path.

    Raises:
        OutputError: one sentence saying what is refused and what to do.
    """
    out = Path(out_dir)
    if out.is_symlink():
        raise OutputError(f"--out {shown(out)} is a symlink; name the real folder instead")
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {shown(out)} is a file, not a folder; choose another --out")
    real = out.resolve()
    for item in inputs:
        p = Path(item).resolve()
        if _is_within(p, real) or (p.is_dir() and p == real):
            raise OutputError(f"--out {shown(out)} contains the input {shown(item)}; choose a separate output folder")
    if not out.exists():
        return out
    with OutputDir(out, create=False) as d:
        manifest = _read_manifest(d)
        _folder_policy(d, manifest, force)
        _plan(d, manifest, {n: None for n in names if n != MANIFEST}, force)
    return out


def open_output_folder(out_dir: str | Path, *, inputs: Iterable[str | Path] = (), names: Iterable[str] = (),
                       force: bool = False) -> OutputDir:
    """:func:`check_output_folder`, then create and open the folder and take its lock (refused when held).

    The CLI calls this before reading its inputs, so that two runs into one folder do not both
    compute their tables: the second is refused at once with a message naming the folder.
    """
    out = check_output_folder(out_dir, inputs=inputs, names=names, force=force)
    d = OutputDir(out, create=True)
    try:
        d.lock(wait=False)
    except BaseException:
        d.close()
        raise
    return d


def discard_output_folder(d: OutputDir) -> None:
    """Close ``d``; if this run created it and wrote nothing there, remove it again (never a stray empty folder)."""
    try:
        if d.created and all(_is_scratch(n) for n in d.names()) and d.still_at_path():
            with contextlib.suppress(OSError):
                d.unlink(LOCK_NAME)
            d.close()
            with contextlib.suppress(OSError):
                os.rmdir(d.path)
    finally:
        d.close()


class WriteResult(tuple):
    """``(written, kept)`` of :func:`write_output_folder`; ``overwritten``: names replaced under ``force``."""

    overwritten: list[str]

    def __new__(cls, written: list[Path], kept: list[str], overwritten: list[str]):
        obj = super().__new__(cls, (written, kept))
        obj.overwritten = overwritten
        return obj


def _after_staging(d: OutputDir) -> None:
    """Called between staging and the swap (tests plant a symlink race here)."""


def write_output_folder(
    files: Mapping[str, bytes],
    out_dir: str | Path | OutputDir,
    *,
    inputs: Iterable[str | Path] = (),
    force: bool = False,
    note: str = NOTE_CLEAN,
) -> WriteResult:
    """Write ``files`` (name → bytes) into ``out_dir`` under the manifest rule, all or nothing.

    Steps: refuse a risky target (:func:`check_output_folder`); open the folder once and lock it
    (or use the :class:`OutputDir` of :func:`open_output_folder`); check every target again through
    the handle; write every file into a hidden staging folder inside it; verify the path still
    leads to the folder that was opened; then, with Ctrl-C held, record the old and new hashes in
    the manifest (``"state": "writing"``), rename each file into place, remove the files of the
    old manifest that this run does not write (only if their bytes are still the ones the tool
    wrote) and write the final manifest.

    Returns:
        :class:`WriteResult` ``(written, kept)``: the paths written (manifest last) and the names of
        old files kept because they changed since the tool wrote them (no longer in the manifest);
        ``.overwritten`` lists the files ``force`` replaced.

    Raises:
        OutputError: a refused target (nothing changed); :class:`EditedOutputError` for changed files.
        InterruptedAfterWrite: Ctrl-C during the swap (the new files are all in place).
        OSError: a failed write (before the swap: nothing changed).
    """
    if MANIFEST in files:
        raise ValueError(f"{MANIFEST} is written by write_output_folder itself")
    for name in files:
        if not name or "/" in name or name in (".", "..", LOCK_NAME) or _is_scratch(name):
            raise ValueError(f"not a plain file name: {name!r}")
    given = out_dir if isinstance(out_dir, OutputDir) else None
    if given is None:
        check_output_folder(out_dir, inputs=inputs, names=list(files) + [MANIFEST], force=force)
        d = OutputDir(out_dir, create=True)
    else:
        d = given
    ok = False
    try:
        d.lock(wait=False)
        d.check_still_at_path()
        manifest = _read_manifest(d)
        _folder_policy(d, manifest, force)
        new = {name: _sha256(data) for name, data in files.items()}
        overwritten = _plan(d, manifest, new, force)
        old = manifest.files if manifest not in (None, FOREIGN) else {}
        previous = manifest.replacing if manifest not in (None, FOREIGN) else {}
        for name in d.names():  # staging folders of runs that died (we hold the lock: none is running)
            if name.startswith(_STAGING):
                d.remove_tree(name)
        _clean_scratch_files(d)
        stage = d.subdir(f"{_STAGING}{os.getpid()}")
        try:
            for name, data in files.items():
                stage.create(name, data)
            _after_staging(d)
            d.check_still_at_path()
            with _sigint_held() as held:
                replacing = {}
                for name in files:
                    current = d.sha256(name) if d.lstat(name) is not None else None
                    if current and current != new[name]:
                        replacing[name] = current
                d.write(MANIFEST, _manifest_bytes({**old, **new}, note, state="writing", replacing=replacing))
                for name in files:
                    d.move_in(name, name, src=stage)
                kept = []
                for name, digest in sorted(old.items()):
                    if name in new:
                        continue
                    st = d.lstat(name)
                    if st is None:
                        continue
                    same = False
                    if stat.S_ISREG(st.st_mode):
                        with contextlib.suppress(OSError, OutputError):
                            same = d.sha256(name) in (digest, previous.get(name))
                    if same:
                        d.unlink(name)
                    else:
                        kept.append(name)
                d.write(MANIFEST, _manifest_bytes(new, note))
        finally:
            stage.close()
            d.remove_tree(stage.path.name)
        ok = True
    finally:
        if given is None:
            if ok:
                d.close()
            else:
                discard_output_folder(d)
    if held["caught"]:
        raise InterruptedAfterWrite()
    base = Path(d.path)
    return WriteResult([base / name for name in files] + [base / MANIFEST], kept, overwritten)


# ---------------------------------------------------------------------------
# reading what the tool wrote


def read_owned(folder: str | Path, names: Iterable[str], *, wait: float = READ_WAIT) -> dict[str, bytes | None]:
    """The bytes of ``names`` in ``folder`` (None when missing), checked against the folder's manifest.

    Waits (up to ``wait`` seconds) while another run holds the folder's lock. A folder without a
    manifest is read as it is; with one, every file read must have the bytes the tool wrote.

    Raises:
        OutputError: an interrupted write (``"state": "writing"``: a mix of two runs' files), a file
            changed since the tool wrote it, a file the tool did not write, a symlink, or a writer
            that does not finish in time.
    """
    names = list(names)
    with OutputDir(folder, create=False) as d:
        lock_fd = None
        try:
            lock_fd = os.open(LOCK_NAME, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), dir_fd=d.fd)
        except OSError:
            lock_fd = None
        try:
            if lock_fd is not None:
                deadline = time.monotonic() + wait
                while True:
                    try:
                        fcntl.flock(lock_fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() > deadline:
                            raise OutputError(f"{shown(folder)} is being written by another run; try again when it has finished") from None
                        time.sleep(0.1)
            manifest = _read_manifest(d)
            if manifest is FOREIGN:
                raise OutputError(f"{shown(Path(folder) / MANIFEST)} was not written by this tool; run `make data` into a folder of its own")
            if manifest is not None and manifest.state == "writing":
                raise OutputError(f"{shown(folder)}: a run writing these tables was interrupted in the middle, so the folder "
                                  "may mix two runs' files; run `make data` (or `python -m helpers clean`) again")
            out: dict[str, bytes | None] = {}
            changed = []
            for name in names:
                data = d.read(name)
                out[name] = data
                if data is None or manifest is None:
                    continue
                if name not in manifest.files:
                    raise OutputError(f"{shown(Path(folder) / name)} was not written by this tool (not in {MANIFEST}); "
                                      "move it away or run `make data` again")
                if _sha256(data) != manifest.files[name]:
                    changed.append(Path(folder) / name)
            if changed:
                raise OutputError(
                    f"{', '.join(shown(p) for p in changed[:5])} changed since the tool wrote "
                    f"{'it' if len(changed) == 1 else 'them'} (SHA-256 differs from {MANIFEST}); the tables are read only "
                    "as written: move your edited copy away and run `make data` (keep notes beside the tables: docs/safety.md)"
                )
            return out
        finally:
            if lock_fd is not None:
                os.close(lock_fd)


def verify_folder(folder: str | Path) -> None:
    """Refuse (:class:`OutputError`) a folder whose files do not match its manifest (see :func:`read_owned`)."""
    with OutputDir(folder, create=False) as d:
        manifest = _read_manifest(d)
    if manifest is None or manifest is FOREIGN:
        read_owned(folder, [])
        return
    read_owned(folder, sorted(manifest.files))


def release_edits(folders: Iterable[str | Path]) -> list[Path]:
    """``make ... FORCE=1``: accept the current bytes of changed files so the next write replaces them.

    For every folder (and its subfolders) holding a manifest of this tool, a file the manifest
    lists whose bytes changed since the tool wrote it, and a file it does not list (not hidden, not
    a folder or a link), is recorded with its current hash: the writers then overwrite it if the run
    writes a file of that name (they never remove one). Returns (and prints) the files concerned.
    """
    released: list[tuple[Path, str]] = []
    for top in folders:
        top = Path(top)
        if not top.is_dir() or top.is_symlink():
            continue
        for root, dirs, filenames in os.walk(top):
            dirs[:] = sorted(x for x in dirs if not x.startswith("."))
            if MANIFEST not in filenames:
                continue
            with OutputDir(root, create=False) as d:
                d.lock(wait=True)
                manifest = _read_manifest(d)
                if manifest in (None, FOREIGN):
                    continue
                files = dict(manifest.files)
                changed = False
                for name in d.names():
                    if name == MANIFEST or name.startswith(".") or _is_scratch(name):
                        continue
                    st = d.lstat(name)
                    if st is None or not stat.S_ISREG(st.st_mode):
                        continue
                    current = d.sha256(name)
                    if not manifest.accepts(name, current):
                        note = "changed since this tool wrote it" if name in files else "not recorded as written by this tool"
                        files[name] = current
                        released.append((Path(root) / name, note))
                        changed = True
                if changed:
                    d.write(MANIFEST, _manifest_bytes(files, manifest.note or NOTE_REPORTS))
    for path, note in released:
        print(f"will overwrite {shown(path)} if the run writes it (FORCE=1: {note})", file=sys.stderr)
    return [path for path, _ in released]


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.outputs release FOLDER...`` (used by ``make ... FORCE=1``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 2 or args[0] != "release":
        print("usage: python -m helpers.outputs release FOLDER...", file=sys.stderr)
        return 2
    try:
        release_edits(args[1:])
    except OutputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
