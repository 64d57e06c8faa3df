"""Exploration entry point: one initiative's series, grade, comment, events and source lines at once.

>>> from helpers import load_tables
>>> parts = initiative_parts(load_tables(), 30)
>>> parts["heading"]
'No.30 認知症予防出前講座の開催 — 評価 D（健康福祉課）'
>>> parts["source"]["line_no"].tolist()[:2]
[764, 765]

In a notebook: ``show_initiative(tables, 30)`` (a table row number), ``show_initiative(tables,
"子育て広場")`` (part of an initiative or indicator name; every match is shown) or
``show_initiative(tables, key)`` with an ``initiative_key`` when the clean tables have one.
The function works the same in a live kernel, nbval and the HTML. Where a kernel is live,
``explorer(tables)`` adds an ipywidgets drop-down of every table row (and a report selector when the
tables hold several reports) that calls :func:`show_initiative` for the chosen one.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["find_initiatives", "initiative_parts", "show_initiative", "explorer_options", "explorer"]


def find_initiatives(tables, query, *, report: str | None = None) -> pd.DataFrame:
    """Rows of ``tables.initiatives`` matching ``query``: a table row number, an initiative_key /
    initiative_id, or text contained in the initiative name or in one of its indicators."""
    ini = tables.initiatives
    if report is not None:
        ini = ini[ini["report"] == report]
    if isinstance(query, (int,)) and not isinstance(query, bool):
        return ini[ini["row_no"] == query]
    q = str(query)
    for col in ("initiative_key", "initiative_id"):
        if col in ini.columns and (ini[col] == q).any():
            return ini[ini[col] == q]
    by_name = ini["initiative"].str.contains(q, regex=False, na=False)
    ind = tables.trends[tables.trends["indicator"].astype("string").str.contains(q, regex=False, na=False)]
    return ini[by_name | ini["initiative_id"].isin(ind["initiative_id"])]


def initiative_parts(tables, query, *, report: str | None = None) -> dict:
    """The pieces :func:`show_initiative` displays, for the first match (heading, series, comment, events, source)."""
    from .charts import period_label
    from ..analyse.events import covid_events

    rows = find_initiatives(tables, query, report=report)
    if rows.empty:
        raise KeyError(f"no initiative matches {query!r}")
    r = rows.iloc[0]
    rid = r["initiative_id"]
    depts = "・".join(tables.departments.loc[tables.departments["initiative_id"] == rid, "department"])
    series = tables.trends[tables.trends["initiative_id"] == rid][
        ["indicator", "unit", "prior_value", "plan_value", "result_value", "achievement_rate"]].rename(columns={
            "prior_value": period_label(r["prior_year"], r["prior_status"]),
            "plan_value": period_label(r["plan_year"], "plan"),
            "result_value": period_label(r["result_year"], r["result_status"])})
    ev = covid_events(rows.iloc[:1], tables.source_lines)
    src = tables.source_lines[tables.source_lines["initiative_id"] == rid][["line_no", "field", "text"]]
    src = src.drop_duplicates().reset_index(drop=True)
    return {
        "heading": f"No.{r['row_no']} {r['initiative']} — 評価 {r['grade']}（{depts}）",
        "report": r["report"], "series": series.reset_index(drop=True),
        "comment": r["comment"] if isinstance(r["comment"], str) else "",
        "events": ev[["fiscal_year", "what_ja", "activity", "sessions_cancelled", "timing", "source_lines"]],
        "source": src, "matches": rows["row_no"].tolist(),
    }


def show_initiative(tables, query, *, report: str | None = None) -> None:
    """Display one initiative (see the module docstring); lists the other matches when several match."""
    from IPython.display import display

    from .display import Markdown, show_table

    p = initiative_parts(tables, query, report=report)
    display(Markdown("**{heading}**（報告書 `{report}`）", heading=p["heading"], report=p["report"]))
    if len(p["matches"]) > 1:
        display(Markdown("ほかに一致した表の行番号: " + "、".join(f"No.{n}" for n in p["matches"][1:])))
    show_table(p["series"], rates=["achievement_rate"])
    display(Markdown("コメント（印刷どおり）: {comment}", comment=p["comment"] or "—"))
    if len(p["events"]):
        show_table(p["events"])
    show_table(p["source"], wrap=40)


def explorer_options(tables, *, report: str | None = None) -> list[tuple[str, int]]:
    """``(label, row_no)`` for every table row of one report, as the explorer's drop-down lists them.

    >>> from helpers import load_tables
    >>> explorer_options(load_tables())[1]
    ('No.2 子育て中の保護者同士の交流促進、ネットワークづくり（C）', 2)
    """
    ini = tables.initiatives
    report = report or sorted(ini["report"].unique())[-1]
    rows = ini[ini["report"] == report].sort_values("row_no")
    return [(f"No.{r.row_no} {r.initiative}{'（再掲）' if r.is_relisted else ''}（{r.grade}）", int(r.row_no))
            for r in rows.itertuples()]


def explorer(tables, *, report: str | None = None):
    """An ipywidgets control (report, then table row) showing :func:`show_initiative` for the choice.

    Needs a live kernel with a widget front end (JupyterLab); the stored notebook and its HTML
    keep a plain :func:`show_initiative` call instead. Returns the widget (display it, or let the
    cell show it).
    """
    import ipywidgets as widgets

    reports = sorted(tables.initiatives["report"].unique())
    pick_report = widgets.Dropdown(options=reports, value=report or reports[-1], description="報告書",
                                   layout=widgets.Layout(width="95%"))
    pick_row = widgets.Dropdown(options=explorer_options(tables, report=pick_report.value), description="取り組み",
                                layout=widgets.Layout(width="95%"))
    out = widgets.Output()

    def refresh(*_):
        out.clear_output()
        with out:
            show_initiative(tables, pick_row.value, report=pick_report.value)

    def new_report(change):
        pick_row.options = explorer_options(tables, report=change["new"])

    pick_report.observe(new_report, names="value")
    pick_row.observe(refresh, names="value")
    refresh()
    return widgets.VBox([pick_report, pick_row, out])
