"""Writing outputs safely: owned output folders, atomic files, CSV text that Excel never runs.

The rules (README, "Safety and limits"):

* **An output folder holds a manifest** (:data:`MANIFEST`, ``helpers-manifest.json``) listing the
  files the tool wrote there, with their SHA-256. The tool owns those files and nothing else: a
  rerun replaces them (all written to a temporary sibling first, then ``os.replace`` one by one),
  removes the ones the new run no longer writes (only if unchanged since the tool wrote them), and
  never touches any other file. :func:`check_output_folder` refuses, before anything changes, a
  path that is a file or a symlink, a folder that holds an input, and a non-empty folder without a
  manifest (unless ``force``; even then only the tool's own file names are written, nothing is
  deleted).
* **Single files** (the workbook, a notebook's summary table) are written to a temporary sibling
  and moved into place with ``os.replace``; a directory or symlink at the target is refused.
* **CSV text never starts with a character a spreadsheet evaluates** (OWASP "CSV injection"):
  :func:`escape_csv_text` puts a ``'`` before a text value starting with ``= + - @``, TAB, CR, LF,
  the full-width ``＝ ＋ － ＠`` or ``'`` itself; :func:`unescape_csv_text` removes exactly one
  leading ``'``, so the rule is reversible. Numbers are never escaped.
* **Messages show source text escaped** (:func:`shown`): control and invisible characters as
  ``\\x1b`` / ``\\u200b``, cut to a length.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import shutil
import signal
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pandas as pd

__all__ = [
    "CSV_OPTIONS",
    "format_float",
    "MANIFEST",
    "OutputError",
    "shown",
    "escape_csv_text",
    "unescape_csv_text",
    "escape_frame",
    "unescape_frame",
    "csv_bytes",
    "check_output_folder",
    "write_output_folder",
    "check_output_file",
    "write_file_atomic",
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
_TOOL = "minami-welfare-eval helpers"  # the manifest's and the temp marker's signature
_TMP_MARKER = ".helpers-tmp"  # a file inside every temporary folder this tool creates


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
    for i in range(df.shape[1]):
        s = df.iloc[:, i]
        dtype = s.dtype
        if isinstance(dtype, pd.StringDtype) or dtype == object:
            values = s.tolist()
            if isinstance(dtype, pd.StringDtype):  # str or a missing value (NaN / None / NA)
                if s.hasnans:
                    values = [v if v.__class__ is str else "" for v in values]
            elif all(v.__class__ is str for v in values):
                pass
            elif all(isinstance(v, str) or v is None or (isinstance(v, float) and v != v) for v in values):
                values = [v if isinstance(v, str) else "" for v in values]
            else:
                return None  # mixed objects: pandas decides how to print them
            if "\r" in "".join(values):
                k = next(k for k, v in enumerate(values) if "\r" in v)
                raise OutputError(
                    f"column {shown(escape_csv_text(df.columns[i]))}, row {k + 1}: the text holds a carriage "
                    "return (CR), which would split the CSV row"
                )
            field = ["'" + v if v[:1] in DANGEROUS_FIRST else v for v in values]
        elif isinstance(dtype, pd.BooleanDtype) or dtype == bool:
            field = ["" if v is pd.NA else ("True" if v else "False") for v in s.tolist()]
        elif isinstance(dtype, pd.Int64Dtype) or dtype == "int64":
            field = ["" if v is pd.NA else str(v) for v in s.tolist()]
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
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=options.get("lineterminator", os.linesep), quoting=csv.QUOTE_MINIMAL)
    writer.writerow([escape_csv_text(c) for c in df.columns])
    writer.writerows(zip(*columns))
    return buffer.getvalue()


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
    return path


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - another user's process
        return True
    return True


def write_file_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary sibling and ``os.replace`` (never half-written).

    The temporary file ``.NAME.PID.helpers-tmp`` is removed on any error; one left by a killed
    process (its PID no longer running) is removed by the next write of the same file.
    """
    path = check_output_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{glob_escape(path.name)}.*.helpers-tmp"):
        pid = stale.name[len(path.name) + 2 : -len(".helpers-tmp")]
        if pid.isdigit() and not _pid_alive(int(pid)) and stale.is_file() and not stale.is_symlink():
            stale.unlink()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.helpers-tmp")
    try:
        with open(tmp, "xb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return path


def glob_escape(name: str) -> str:
    """``name`` with glob metacharacters bracketed, for ``Path.glob``."""
    return re.sub(r"([*?\[])", r"[\1]", name)


# ---------------------------------------------------------------------------
# output folders


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(folder: Path) -> dict[str, str] | None:
    """The manifest's ``{file: sha256}``, or None when there is no valid manifest of this tool."""
    path = folder / MANIFEST
    if not path.is_file() or path.is_symlink() or path.stat().st_size > 1_000_000:  # ours are < 2 KB
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("tool") != _TOOL or not isinstance(doc.get("files"), dict):
        return None
    files = {k: v for k, v in doc["files"].items() if isinstance(k, str) and isinstance(v, str)}
    return {k: v for k, v in files.items() if k and "/" not in k and "\\" not in k and k not in (".", "..", MANIFEST)}


def _manifest_bytes(files: Mapping[str, str]) -> bytes:
    doc = {
        "tool": _TOOL,
        "note": "Files written by `python -m helpers clean`; the tool replaces or removes only these.",
        "files": dict(sorted(files.items())),
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _is_within(inner: Path, outer: Path) -> bool:
    try:
        inner.relative_to(outer)
    except ValueError:
        return False
    return True


def check_output_folder(
    out_dir: str | Path, *, inputs: Iterable[str | Path] = (), names: Iterable[str] = (), force: bool = False
) -> Path:
    """Refuse a risky output folder before anything is written (nothing is changed here).

    Args:
        out_dir: the ``--out`` folder (may not exist yet).
        inputs: the input files and folders; none may lie inside ``out_dir``.
        names: the file names the run will write (a foreign file of that name is refused
            unless ``force``).
        force: accept a non-empty folder without manifest, and foreign files with the tool's
            names (they are overwritten); files with other names are still never touched.

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
    manifest = _read_manifest(out)
    entries = [p.name for p in out.iterdir()]
    for name in names:
        target = out / name
        if target.is_dir() and not target.is_symlink():
            raise OutputError(f"{shown(target)} is a folder where the tool writes a file; move it away")
    if manifest is None:
        if (out / MANIFEST).exists():
            if not force:
                raise OutputError(
                    f"--out {shown(out)} has a {MANIFEST} this tool did not write; choose an empty folder or pass --force"
                )
        elif entries and not force:
            raise OutputError(
                f"--out {shown(out)} is not empty and was not written by this tool (no {MANIFEST}); "
                "choose an empty or new folder, or pass --force to add the tables beside the files there"
            )
        return out
    if not force:
        foreign = sorted(n for n in names if n not in manifest and n != MANIFEST and (out / n).exists())
        if foreign:
            raise OutputError(
                f"{shown(out / foreign[0])} was not written by this tool (not in {MANIFEST}); move it away or pass --force"
            )
    return out


def _clean_stale_temps(parent: Path, name: str) -> None:
    """Remove temporary siblings of earlier runs that crashed (marker present, writer no longer running)."""
    for stale in parent.glob(f".{glob_escape(name)}.tmp-*"):
        marker = stale / _TMP_MARKER
        if stale.is_symlink() or not stale.is_dir() or not marker.is_file():
            continue
        try:
            info = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        pid = info.get("pid") if isinstance(info, dict) else None
        if not isinstance(info, dict) or info.get("tool") != _TOOL or not isinstance(pid, int) or _pid_alive(pid):
            continue  # not ours, or the run that made it is still writing
        if any(p.is_dir() and not p.is_symlink() for p in stale.iterdir()):
            continue  # the tool only ever writes plain files there
        shutil.rmtree(stale, ignore_errors=True)


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Hold Ctrl-C while files are swapped into place (milliseconds); the swap then completes.

    A Ctrl-C received here is not re-raised: the folder is consistent and the run has written
    everything, which the CLI then reports.
    """
    try:
        previous = signal.signal(signal.SIGINT, lambda *a: None)
    except ValueError:  # not the main thread: nothing to defer
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def write_output_folder(
    files: Mapping[str, bytes],
    out_dir: str | Path,
    *,
    inputs: Iterable[str | Path] = (),
    force: bool = False,
) -> tuple[list[Path], list[str]]:
    """Write ``files`` (name → bytes) into ``out_dir`` under the manifest rule.

    Steps: refuse a risky target (:func:`check_output_folder`); remove stale temporary siblings of
    crashed runs; write every file and the new manifest into a temporary sibling
    ``.NAME.tmp-XXXX`` (inside ``out_dir`` when it is a mount point, as ``os.replace`` cannot
    cross file systems); then, with Ctrl-C held, record old ∪ new files in the manifest, ``os.replace``
    each file into ``out_dir``, remove the files of the old manifest that this run does not write
    (only if their bytes are still the ones the tool wrote), and put the final manifest in place.

    Returns:
        ``(written, kept)``: the paths written (manifest last) and the names of old files kept
        because they changed since the tool wrote them (no longer in the manifest).

    Raises:
        OutputError: a refused target (nothing changed).
        OSError: a failed write (before the swap: nothing changed).
    """
    out = check_output_folder(out_dir, inputs=inputs, names=list(files) + [MANIFEST], force=force)
    if MANIFEST in files:
        raise ValueError(f"{MANIFEST} is written by write_output_folder itself")
    real = out.resolve()  # "--out ." has no name of its own
    parent = real.parent
    parent.mkdir(parents=True, exist_ok=True)
    if out.is_dir() and os.stat(out).st_dev != os.stat(parent).st_dev:
        parent = real  # a mount point: os.replace cannot cross file systems, so stage inside it
    _clean_stale_temps(parent, real.name)
    new = {name: _sha256(data) for name, data in files.items()}
    tmp = Path(tempfile.mkdtemp(prefix=f".{real.name}.tmp-", dir=parent))
    try:
        (tmp / _TMP_MARKER).write_text(json.dumps({"tool": _TOOL, "pid": os.getpid()}), encoding="utf-8")
        for name, data in files.items():
            (tmp / name).write_bytes(data)
            os.chmod(tmp / name, 0o644)
        old = (_read_manifest(out) if out.is_dir() else None) or {}
        with _sigint_deferred():
            out.mkdir(exist_ok=True)
            (tmp / MANIFEST).write_bytes(_manifest_bytes({**old, **new}))
            os.replace(tmp / MANIFEST, out / MANIFEST)  # first: every file about to change is the tool's
            for name in files:
                os.replace(tmp / name, out / name)
            kept = []
            for name, digest in sorted(old.items()):
                if name in new:
                    continue
                stale = out / name
                try:
                    same = stale.is_file() and not stale.is_symlink() and _sha256(stale.read_bytes()) == digest
                except OSError:
                    same = False
                if same:
                    stale.unlink()
                elif stale.exists() or stale.is_symlink():
                    kept.append(name)
            (tmp / MANIFEST).write_bytes(_manifest_bytes(new))
            os.replace(tmp / MANIFEST, out / MANIFEST)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [out / name for name in files] + [out / MANIFEST], kept
