"""How a report is named for readers: 新潟市南区「南区地域福祉計画 進捗状況評価」（2021年度）.

The clean tables identify a report by its file stem (``report``); readers see its **display name**,
made by :func:`display_name` from the sidecar's fields in ``reports.csv`` (``municipality``,
``title`` — the sidecar's ``title`` or ``report_title`` —, ``plan_name``, ``fiscal_year``):

- ``{municipality}「{title}」（{fiscal_year}年度）``; a trailing bracket of the title that lists the
  period columns' years (``（2020年度実績・2021年度計画・…）``) is left out, because the 出典 line
  states the periods itself (:func:`helpers.present.charts.source_line`);
- without a title, the plan name: ``新潟市南区「南区地域福祉計画」（2021年度）``;
- with a municipality only, the file stem in its place;
- without any of them (no sidecar), the file stem as it is.

Everything a reader sees calls this one function: figure titles and 出典 lines
(:mod:`helpers.present.charts`), notebook sentences, displayed tables
(:func:`helpers.present.display.show_table` through :func:`for_readers`), the HTML page titles
(:class:`helpers.present.pagetitle.PageTitle`) and the workbook (:mod:`helpers.present.excel`).

:func:`helpers.present.tables.load_tables` registers the reports it loads (:func:`register`), so a
notebook's helpers know the names without passing the reports table around; every function also
takes an explicit ``reports`` table.

>>> display_name({"report": "x_2021", "municipality": "新潟市南区", "fiscal_year": 2021,
...               "title": "南区地域福祉計画 進捗状況評価（2020年度実績・2021年度計画・2021年度実績（見込み））"})
'新潟市南区「南区地域福祉計画 進捗状況評価」（2021年度）'
>>> display_name({"report": "x_2021", "fiscal_year": 2021})
'x_2021'
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import pandas as pd

from ..outputs import shown

__all__ = [
    "REPORT_COLUMNS", "ID_COLUMNS", "KEY_COLUMNS", "short_title", "display_name", "series_name", "register",
    "registered", "report_name", "source_name", "for_readers", "page_title",
]

#: columns holding a report id (file stem): shown as the display name
REPORT_COLUMNS = ("report", "report_a", "report_b", "previous_report", "estimate_report")
#: columns holding an initiative id ``{report}:{section}-{objective}-{row}``: shown without the report
ID_COLUMNS = ("initiative_id", "initiative_id_a", "initiative_id_b", "initiative_id_before", "initiative_id_after",
              "relisted_of", "relisted_id", "original_id")
#: columns holding an initiative key ``{series}:{section}-{objective}-{row}``: shown without the series
KEY_COLUMNS = ("initiative_key", "initiative_key_a", "initiative_key_b")

_MAX_NAME = 80  # characters of a sidecar's text kept in a name (a title, not a page of text)
# a trailing bracket (one level of nesting allowed) that names years: the period columns, not the title
_PERIOD_TAIL = re.compile(r"\s*[（(](?:[^（）()]|[（(][^（）()]*[）)])*[）)]\s*$")
_YEARISH = re.compile(r"年度|(?:19|20)\d{2}|令和|平成")

_REGISTRY: dict[str, dict] = {}  # report id -> its reports.csv row (as a dict), filled by register()


def _text(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return shown(str(value).strip(), _MAX_NAME)  # control characters visible, length bounded


def short_title(title) -> str:
    """The title without a trailing bracket that lists years (the periods go in the 出典 line).

    >>> short_title("南区地域福祉計画 進捗状況評価（2020年度実績・2021年度計画・2021年度実績（見込み））")
    '南区地域福祉計画 進捗状況評価'
    >>> short_title("地域福祉計画（第3期）"), short_title(None)
    ('地域福祉計画（第3期）', '')
    """
    text = _text(title)
    m = _PERIOD_TAIL.search(text)
    if m and _YEARISH.search(m.group()) and m.start() > 0:
        text = text[: m.start()]
    return text


def display_name(row: Mapping) -> str:
    """A report's name for readers from its ``reports.csv`` row (see the module docstring)."""
    stem = _text(row.get("report")) or "（報告書）"
    muni = _text(row.get("municipality"))
    name = short_title(row.get("title")) or _text(row.get("plan_name"))
    year = row.get("fiscal_year")
    when = f"（{int(year)}年度）" if year is not None and not pd.isna(year) else ""
    if name:
        return f"{muni}「{name}」{when}"
    if muni:
        return f"{muni}「{stem}」{when}"
    return stem


def series_name(row: Mapping) -> str:
    """A series for readers: ``新潟市南区「南区地域福祉計画」``; the series id without a plan name.

    >>> series_name({"series": "minami", "municipality": "新潟市南区", "plan_name": "南区地域福祉計画"})
    '新潟市南区「南区地域福祉計画」'
    >>> series_name({"series": "minami"})
    'minami'
    """
    plan = _text(row.get("plan_name"))
    return f"{_text(row.get('municipality'))}「{plan}」" if plan else _text(row.get("series"))


def _rows(reports) -> dict[str, dict]:
    if reports is None:
        return _REGISTRY
    if isinstance(reports, pd.DataFrame):
        return {str(r["report"]): r for r in reports.to_dict("records")}
    return dict(reports)


def register(reports: pd.DataFrame | None) -> None:
    """Remember the reports of the collection just loaded (``reports.csv`` rows) for :func:`report_name`."""
    _REGISTRY.clear()
    if reports is not None:
        _REGISTRY.update(_rows(reports))


def registered() -> list[str]:
    """The report ids registered by the last :func:`register` (load_tables)."""
    return list(_REGISTRY)


def report_name(report: str, reports: pd.DataFrame | None = None) -> str:
    """The display name of ``report`` (a file stem); the stem itself for a report without a row.

    >>> report_name("no_such_report", pd.DataFrame({"report": ["a"], "fiscal_year": [2021]}))
    'no_such_report'
    """
    row = _rows(reports).get(str(report))
    return display_name(row) if row is not None else _text(report)


def source_name(report: str, reports: pd.DataFrame | None = None) -> str:
    """``出典：新潟市南区「南区地域福祉計画 進捗状況評価」（2021年度）`` — the 出典 line of one report."""
    return "出典：" + report_name(report, reports)


def _strip_prefix(value, prefixes: set[str]):
    if not isinstance(value, str) or ":" not in value:
        return value
    head, _, tail = value.rpartition(":")
    return tail if head in prefixes else value


def for_readers(df: pd.DataFrame, reports: pd.DataFrame | None = None, *, drop_single_report: bool = True) -> pd.DataFrame:
    """``df`` with reports named for readers instead of by file stem.

    - ``report`` is dropped when the collection and the table hold one report (and
      ``drop_single_report``); otherwise every report column (:data:`REPORT_COLUMNS`) shows the
      display name;
    - ``series`` shows :func:`series_name`;
    - initiative ids and keys (:data:`ID_COLUMNS`, :data:`KEY_COLUMNS`) lose their
      ``{report}:`` / ``{series}:`` prefix (the report is in its own column or is the only one).

    >>> reps = pd.DataFrame({"report": ["m_2021"], "series": ["m"], "fiscal_year": [2021],
    ...                      "municipality": ["新潟市南区"], "plan_name": ["南区地域福祉計画"], "title": [None]})
    >>> for_readers(pd.DataFrame({"report": ["m_2021"], "initiative_id": ["m_2021:1-1-01"], "n": [3]}), reps).to_dict("list")
    {'initiative_id': ['1-1-01'], 'n': [3]}
    """
    rows = _rows(reports)
    out = df.copy()
    names = {stem: display_name(r) for stem, r in rows.items()}
    series = {str(r.get("series")): series_name(r) for r in rows.values() if r.get("series") is not None}
    in_table = set(out["report"].dropna().astype(str)) if "report" in out.columns else set()
    if "report" in out.columns and drop_single_report and len(in_table) <= 1 and len(rows) <= 1:
        out = out.drop(columns="report")
    stems = set(rows) | in_table
    for col in out.columns:
        values = out[col].astype(object).tolist()
        if col in REPORT_COLUMNS:
            new = [names.get(v, _text(v)) if isinstance(v, str) else v for v in values]
        elif col == "series":
            new = [series.get(v, v) if isinstance(v, str) else v for v in values]
        elif col in ID_COLUMNS:
            new = [_strip_prefix(v, stems) for v in values]
        elif col in KEY_COLUMNS:
            new = [_strip_prefix(v, set(series)) for v in values]
        else:
            continue
        out[col] = pd.Series(new, index=out.index, dtype=object)
    return out


def page_title(title: str, reports: pd.DataFrame | None = None, *, most: int = 2) -> str:
    """A page title with the reports it covers: ``01 報告書の構成｜新潟市南区「…」（2021年度）``.

    >>> page_title("01 構成", pd.DataFrame({"report": ["a", "b", "c"], "fiscal_year": [2021, 2022, 2023]}))
    '01 構成｜a、b ほか1件'
    """
    rows = _rows(reports)
    names = [display_name(r) for r in rows.values()]
    if not names:
        return title
    shown_names = "、".join(names[:most]) + (f" ほか{len(names) - most}件" if len(names) > most else "")
    return f"{title}｜{shown_names}"
