"""The report's sidecar ``<stem>.meta.json``: provenance and declarations kept next to the report.

A sidecar is optional.  It is read once, by :func:`load_sidecar`; the collection stage takes the
documented keys (:data:`SIDECAR_KEYS`, see :mod:`helpers.collect.collection`) from it.

The file gets every input rule of :mod:`helpers.read.files`: a regular file of at most
:data:`SIDECAR_MAX_BYTES` (a sidecar is a few hundred bytes; a FIFO or a link to ``/dev/zero`` is
refused before anything is read), strict UTF-8, no control character in its text nor escaped in a
value (ESC, LF, U+2028 …, refused with line and column), nesting, numbers and strings bounded.
"""

from __future__ import annotations

import os
from pathlib import Path

from .extract import ReportError
from .files import decode_utf8, load_json, read_input

__all__ = ["SIDECAR_SUFFIX", "SIDECAR_KEYS", "SIDECAR_MAX_BYTES", "sidecar_path", "load_sidecar", "read_sidecar"]

SIDECAR_SUFFIX = ".meta.json"
#: largest sidecar read, in bytes (the committed one has 700; room for a layout declaration)
SIDECAR_MAX_BYTES = 64 * 1024
#: sidecar key -> reports.csv column
SIDECAR_KEYS = {"municipality": "municipality", "plan_name": "plan_name", "title": "title", "lg_code": "lg_code",
                "series": "series"}
#: key -> the names read for it, first present wins (older sidecars use the longer names)
_ALIASES = {"lg_code": ("lg_code", "local_government_code"), "title": ("title", "report_title")}


def sidecar_path(report_path: str | Path) -> Path:
    """``data/raw/<stem>.meta.json`` for ``data/raw/<stem>.txt``."""
    p = Path(report_path)
    return p.with_name(p.stem + SIDECAR_SUFFIX)


def load_sidecar(report_path: str | Path) -> dict | None:
    """The whole sidecar of one report as a JSON object, or ``None`` when the report has none.

    The one place a sidecar file is read: every key (collection keys, a declared layout, …) is
    taken from what this returns.  Read under the input rules of :mod:`helpers.read.files`
    (module docstring): every string in it is one line of plain text of at most
    :data:`helpers.read.files.MAX_TEXT_CHARS` characters.

    Raises:
        ReportError: the sidecar exists but is not a regular file of at most
            :data:`SIDECAR_MAX_BYTES` bytes holding a UTF-8 JSON object under those rules.
    """
    path = sidecar_path(report_path)
    if not os.path.lexists(path):  # a dangling symlink is read (and refused), not taken for "no sidecar"
        return None
    raw = read_input(path, limit=SIDECAR_MAX_BYTES, what="sidecar", hint=" (a sidecar holds a few keys)")
    data = load_json(decode_utf8(raw, path, what="sidecar"), path, what="sidecar")
    if not isinstance(data, dict):
        raise ReportError(path, "sidecar must be a JSON object {\"municipality\": …, \"plan_name\": …, \"lg_code\": …, \"series\": …}")
    return data


def read_sidecar(report_path: str | Path) -> dict[str, str | None]:
    """The documented sidecar keys of one report (``None`` where absent).

    Raises:
        ReportError: the sidecar exists but is not a JSON object, or a key is not text.
    """
    path = sidecar_path(report_path)
    out: dict[str, str | None] = {k: None for k in SIDECAR_KEYS}
    out["sidecar"] = None
    data = load_sidecar(report_path)
    if data is None:
        return out
    for key in SIDECAR_KEYS:
        names = _ALIASES.get(key, (key,))
        value = next((data[n] for n in names if data.get(n) not in (None, "")), None)
        if value is not None and not isinstance(value, str):
            raise ReportError(path, f"sidecar key '{key}' must be a string, got {type(value).__name__}")
        out[key] = value.strip() if isinstance(value, str) and value.strip() else None
    out["sidecar"] = path.name
    return out
