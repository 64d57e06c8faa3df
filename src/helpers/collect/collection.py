"""Stage 3a — the *collection*: which reports were read, which series each belongs to.

A collection is every report given to one ``clean`` run (``data/raw/*.txt`` for
``make data``).  One report is its smallest case.  This module writes
``reports.csv`` (one row per report) and decides two things the later stages
rely on:

Report id
    The file stem, as everywhere else (``report`` column).

Series id
    Reports of one *series* (one ward's plan over the years) are linked row to
    row by :mod:`helpers.collect.link`; reports of different series are only ever
    compared side by side.  The series is the sidecar's ``series`` key when it
    has one, else the file stem with its four-digit year removed
    (:func:`default_series`): ``…_hyoka_2021`` and ``…_hyoka_2022`` are one
    series whether or not each has a sidecar.  Two reports of one series for
    the same fiscal year are an error (:class:`~helpers.read.extract.ReportError`,
    exit code 2) that names both files.

Sidecar ``<stem>.meta.json`` (optional, next to the report)
    A JSON object.  Keys read here (all optional; a missing key or a missing
    sidecar gives an empty field, never a guess):

    ``municipality``  e.g. ``新潟市南区``
    ``plan_name``     e.g. ``南区地域福祉計画``
    ``title``         the report's title, e.g. ``南区地域福祉計画 進捗状況評価（…）``
                      (``report_title`` is read when ``title`` is absent); with
                      ``municipality`` and the fiscal year it names the report for
                      readers (:mod:`helpers.present.names`)
    ``lg_code``       全国地方公共団体コード, 6 digits with check digit, e.g. ``151068``
                      (``local_government_code``, the name used by the first
                      sidecar, is read when ``lg_code`` is absent)
    ``series``        explicit series id (overrides the file-stem rule)

    Other keys (provenance, checksums, notes) are kept for people, not read.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd

from ..read.extract import ReportError
from ..read.sidecar import SIDECAR_SUFFIX, read_sidecar

__all__ = ["default_series", "reports_table", "add_collection"]

_YEAR_RE = re.compile(r"(?:(?<=[_\-.\s])|^)(?:19|20)\d{2}(?=$|[_\-.\s])")


def default_series(stem: str) -> str:
    """The series id of a report without an explicit one: its file stem without the year.

    The first standalone four-digit year (19xx/20xx, delimited by ``_ - .`` or
    the ends) is removed together with one adjoining delimiter; a stem without
    a year is its own series.

    >>> default_series("niigata-minami_chiiki-fukushi-keikaku_hyoka_2021")
    'niigata-minami_chiiki-fukushi-keikaku_hyoka'
    >>> default_series("2022_minami_hyoka"), default_series("report"), default_series("a_2021_v2")
    ('minami_hyoka', 'report', 'a_v2')
    """
    m = _YEAR_RE.search(stem)
    if not m:
        return stem
    before, after = stem[: m.start()], stem[m.end():]
    if before and before[-1] in "_-. ":
        before = before[:-1]
    elif after and after[0] in "_-. ":
        after = after[1:]
    return (before + after) or stem


def _file_facts(path: Path) -> tuple[str, int]:
    from ..read.files import read_input
    from ..read.text import max_bytes_limit

    data = read_input(path, limit=max_bytes_limit())
    return hashlib.sha256(data).hexdigest(), len(data)


def _one(values: list, what: str, path: Path):
    distinct = sorted(set(values))
    if len(distinct) != 1:
        raise ReportError(path, f"the column headers give different {what}: {distinct}")
    return distinct[0]


def _status(values: list) -> str:
    distinct = sorted(set(values))
    return distinct[0] if len(distinct) == 1 else "mixed"


def reports_table(tables, paths: dict[str, Path], facts: dict[str, tuple[str, int]] | None = None) -> pd.DataFrame:
    """One row per report (columns: :func:`helpers.read.schema.columns_of` ``("reports")``).

    Args:
        tables: the :class:`helpers.read.tidy.Tables` of the run (initiatives and accounting).
        paths: report id -> the file it was read from.
        facts: report id -> (SHA-256, bytes) of what was read (default: read the file again).

    Raises:
        ReportError: headers with several fiscal years in one report, a bad
            sidecar, or two reports of one series for the same fiscal year.
    """
    from ..read.tidy import _frame

    ini = tables.initiatives
    lines = {a["report"]: a["lines_read"] for a in tables.accounting}
    rows = []
    # each report's rows as plain lists, in one pass (a DataFrame slice per report costs more than its sums)
    cols = ["report", "grade", "prior_year", "prior_status", "plan_year", "result_year", "result_status", "is_relisted"]
    by_report: dict[str, list[tuple]] = {}
    for t in zip(*(ini[c].tolist() for c in cols)):
        by_report.setdefault(t[0], []).append(t)
    for report, path in paths.items():
        path = Path(path)
        part = dict(zip(cols, map(list, zip(*by_report[report])))) if report in by_report else {c: [] for c in cols}
        side = read_sidecar(path)
        sha, size = facts[report] if facts and report in facts else _file_facts(path)
        rec = {
            "report": report,
            "series": side["series"] or default_series(report),
            "fiscal_year": _one(part["result_year"], "result years", path),
            "previous_report": None,
            "source_file": path.name,
            "sha256": sha,
            "bytes": size,
            "lines": lines[report],
            "prior_year": _one(part["prior_year"], "prior years", path),
            "prior_status": _status(part["prior_status"]),
            "plan_year": _one(part["plan_year"], "plan years", path),
            "result_year": _one(part["result_year"], "result years", path),
            "result_status": _status(part["result_status"]),
            "prior_estimate_rows": part["prior_status"].count("estimate"),
            "result_estimate_rows": part["result_status"].count("estimate"),
            "rows": len(part["report"]),
            "relisted_rows": sum(bool(x) for x in part["is_relisted"]),
            **{f"grade_{g.lower()}": part["grade"].count(g) for g in "ABCD"},
            "municipality": side["municipality"],
            "plan_name": side["plan_name"],
            "title": side["title"],
            "lg_code": side["lg_code"],
            "sidecar": side["sidecar"],
        }
        rows.append(rec)
    seen: dict[tuple[str, int], dict] = {}
    for rec in rows:
        k = (rec["series"], rec["fiscal_year"])
        if k in seen:
            other = seen[k]
            raise ReportError(
                paths[rec["report"]],
                f"same series '{k[0]}' and fiscal year {k[1]} as {paths[other['report']]}; "
                "a series holds one report per fiscal year (rename one file, or give it its own "
                f"\"series\" in its {SIDECAR_SUFFIX} sidecar)",
            )
        seen[k] = rec
    rows.sort(key=lambda r: (r["series"], r["fiscal_year"], r["report"]))
    for prev, rec in zip(rows, rows[1:]):
        if prev["series"] == rec["series"]:
            rec["previous_report"] = prev["report"]
    return _frame(rows, "reports")


def add_collection(tables, paths: dict[str, Path], *, with_series: bool = True,
                   facts: dict[str, tuple[str, int]] | None = None) -> None:
    """Add ``reports``, ``initiative_key`` + ``links`` and (with metrics) ``series`` to ``tables`` in place.

    The overrides file :data:`helpers.collect.link.OVERRIDES_FILE` is read from every
    folder holding an input report (missing = no overrides).
    """
    from .link import OVERRIDES_FILE, link_collection, read_overrides
    from .series import build_series, validate_series

    tables.reports = reports_table(tables, paths, facts)
    folders = sorted({Path(p).resolve().parent for p in paths.values()})
    overrides = [o for f in folders for o in read_overrides(f / OVERRIDES_FILE)]
    tables.links = link_collection(tables, tables.reports, overrides)
    if with_series and tables.metrics is not None:
        tables.series = build_series(tables.metrics, tables.initiatives, tables.reports)
        validate_series(tables.series)
