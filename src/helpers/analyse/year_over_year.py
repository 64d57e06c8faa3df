"""Stage 5 (analyse) — the year-over-year view of notebook 06, from links.csv and series.csv.

Every table here has ``report`` as its first column (the report a row comes
from; for a comparison of two reports, the *later* one, with
``previous_report`` next to it), so nothing pools two reports silently.
（再掲） rows are left out unless asked for (``relisted=True``): they repeat
another row of the same report.
"""

from __future__ import annotations

import pandas as pd

from ..collect.series import FIGURE_KEY
from ..read.schema import GRADE_ORDER

__all__ = ["period_overview", "grade_transitions", "link_changes", "revisions", "pick_figures", "each_totals"]


def _plain(df: pd.DataFrame, relisted: bool) -> pd.DataFrame:
    return df if relisted else df[~df["is_relisted"].astype(bool)]


def period_overview(series: pd.DataFrame, *, relisted: bool = False) -> pd.DataFrame:
    """Figures per report and period: which fiscal year and kind each column holds, how many figures and rows."""
    s = _plain(series, relisted)
    out = (s.groupby(["report", "period", "fiscal_year", "kind"], observed=True, sort=False)
           .agg(figures=("value", "size"), initiatives=("initiative_id", "nunique")).reset_index())
    order = {"prior": 0, "plan": 1, "result": 2}
    return out.sort_values(["report", "period", "fiscal_year", "kind"], key=lambda c: c.map(order) if c.name == "period" else c,
                           kind="stable").reset_index(drop=True)


def grade_transitions(initiatives: pd.DataFrame, links: pd.DataFrame, *, relisted: bool = False) -> pd.DataFrame:
    """Grade before → after for every accepted link: one row per (report, previous_report, grade_before, grade_after)."""
    cols = ["report", "previous_report", "grade_before", "grade_after", "initiatives"]
    acc = links[links["status"] == "accepted"]
    if acc.empty:
        return pd.DataFrame(columns=cols)
    ini = initiatives.set_index("initiative_id")
    df = pd.DataFrame({
        "report": acc["report_b"].astype(str).to_numpy(),
        "previous_report": acc["report_a"].astype(str).to_numpy(),
        "grade_before": acc["initiative_id_a"].map(ini["grade"]).astype(str).to_numpy(),
        "grade_after": acc["initiative_id_b"].map(ini["grade"]).astype(str).to_numpy(),
        "relisted": acc["initiative_id_b"].map(ini["is_relisted"]).astype(bool).to_numpy(),
    })
    if not relisted:
        df = df[~df["relisted"]]
    out = df.groupby(["report", "previous_report", "grade_before", "grade_after"], sort=True).size().rename("initiatives")
    return out.reset_index()[cols]


def link_changes(links: pd.DataFrame) -> pd.DataFrame:
    """Initiatives dropped, added or reworded between consecutive reports, and the links to review.

    ``change`` is ``dropped`` (row of the previous report without partner),
    ``added`` (new row), ``reworded`` (accepted link whose initiative name
    differs) or ``to_review`` (a candidate below the acceptance threshold).
    """
    cols = ["report", "previous_report", "change", "initiative_id_before", "initiative_before",
            "initiative_id_after", "initiative_after", "score", "method", "reason"]
    rows = []
    for r in links.to_dict("records"):
        a, b = r["initiative_id_a"], r["initiative_id_b"]
        has_a, has_b = isinstance(a, str), isinstance(b, str)
        if r["status"] == "unlinked":
            change = "dropped" if has_a else "added"
        elif r["status"] == "to_review":
            change = "to_review"
        elif r["status"] == "accepted" and r["initiative_a"] != r["initiative_b"]:
            change = "reworded"
        else:
            continue
        rows.append({"report": r["report_b"], "previous_report": r["report_a"], "change": change,
                     "initiative_id_before": a if has_a else None, "initiative_before": r["initiative_a"] if has_a else None,
                     "initiative_id_after": b if has_b else None, "initiative_after": r["initiative_b"] if has_b else None,
                     "score": r["score"], "method": r["method"], "reason": r["reason"]})
    return pd.DataFrame(rows, columns=cols)


def revisions(series: pd.DataFrame, initiatives: pd.DataFrame, *, relisted: bool = False) -> pd.DataFrame:
    """Figures printed as an estimate in one report and as an actual in another: one row per figure.

    ``report`` is the report that prints the actual, ``estimate_report`` the
    one that printed the estimate; ``revision`` = actual − estimate.
    """
    s = _plain(series, relisted)
    key = [c for c in FIGURE_KEY]
    act = s[(s["kind"] == "actual") & s["revision"].notna()]
    est = s[s["kind"] == "estimate"][key + ["report", "source_line"]].rename(
        columns={"report": "estimate_report", "source_line": "estimate_line"})
    m = act.merge(est, on=key, how="inner")
    m = m[m["estimate_report"] != m["report"]]
    names = initiatives.set_index("initiative_id")["initiative"]
    out = pd.DataFrame({
        "report": m["report"].astype(str), "estimate_report": m["estimate_report"].astype(str),
        "initiative_key": m["initiative_key"], "initiative": m["initiative_id"].map(names),
        "indicator": m["indicator"], "unit": m["unit"], "fiscal_year": m["fiscal_year"],
        "estimate_value": m["estimate_value"], "actual_value": m["actual_value"], "revision": m["revision"],
        "estimate_line": m["estimate_line"], "actual_line": m["source_line"],
    })
    return out.reset_index(drop=True)


def pick_figures(series: pd.DataFrame, *, n: int = 6, keys: list[str] | None = None) -> pd.DataFrame:
    """Rows of ``series`` for ``n`` figures to chart: those printed for the most fiscal years, then with
    the most kinds (actual, estimate, plan: a figure whose result is printed under another label would
    otherwise look as if it had none), ties in key order.

    ``keys`` restricts the choice to these initiative_keys.
    """
    s = _plain(series, False)
    if keys:
        s = s[s["initiative_key"].isin(keys)]
    fig_key = [c for c in FIGURE_KEY if c != "fiscal_year"]
    g = s.fillna({"indicator": ""}).groupby(fig_key, sort=False, dropna=False)
    span = g["fiscal_year"].nunique().rename("years").reset_index()
    span["kinds"] = g["kind"].nunique().to_numpy()
    span["_order"] = range(len(span))
    top = (span.sort_values(["years", "kinds", "_order"], ascending=[False, False, True]).head(n)
           .drop(columns=["years", "kinds"]))
    return s.fillna({"indicator": ""}).merge(top, on=fig_key).sort_values(["_order", "fiscal_year", "report_year"])


def each_totals(figures: pd.DataFrame) -> pd.DataFrame:
    """Figures printed with 各 as totals, by the one rule of :func:`helpers.analyse.analysis.each_multiplier`.

    ``1歳6か月児健診，3歳児健診 各8回 / 各12回 / 各12回`` (lines 18–19, 26–27, 33–34) is 8, 12 and 12 of *each*
    of two check-ups: 16 → 24 → 24 sessions, as notebook 05 adds them (row 1: 50 planned, 49 held). A 各
    without names listed (各館2回, line 324) has no total: its value becomes NA. The printed amount is kept
    in ``printed`` (``各8回``) and the label says what the total adds up.

    Returns:
        ``figures`` with ``value`` the total, ``printed`` (the amount as printed: ``各8回``, or the value) and
        ``indicator`` labelled ``…（2つの合計）`` where 各 multiplied.
    """
    from .analysis import each_multiplier

    out = figures.copy()
    each = out["each"].astype(bool) if "each" in out.columns else pd.Series(False, index=out.index)
    k = out["indicator"].map(each_multiplier)
    printed = [f"{'各' if e else ''}{v:g}{u if isinstance(u, str) else ''}" if pd.notna(v) else ""
               for e, v, u in zip(each, out["value"], out["unit"])]
    total = out["value"].astype("Float64") * k.astype("Float64")
    out["value"] = out["value"].astype("Float64").mask(each, total)
    out["indicator"] = [f"{i}（{int(m)}つの合計）" if e and pd.notna(m) else i for i, e, m in zip(out["indicator"], each, k)]
    out["printed"] = printed
    return out
