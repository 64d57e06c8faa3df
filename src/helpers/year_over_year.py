"""Stage 5 (analyse) — the year-over-year view of notebook 06, from links.csv and series.csv.

Every table here has ``report`` as its first column (the report a row comes
from; for a comparison of two reports, the *later* one, with
``previous_report`` next to it), so nothing pools two reports silently.
（再掲） rows are left out unless asked for (``relisted=True``): they repeat
another row of the same report.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator
import pandas as pd

from .series import FIGURE_KEY
from .style import FULL_WIDTH, PERIOD_COLORS
from .tables import GRADE_ORDER

__all__ = ["period_overview", "grade_transitions", "link_changes", "revisions", "pick_figures", "plot_figures",
           "plot_grade_transitions"]


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


def plot_figures(rows: pd.DataFrame, *, names: pd.Series, labels: dict[str, str], title: str):
    """Small multiples: one panel per figure, x = fiscal year; actual ● / estimate ○ joined per report, plan ×."""
    figs = list(dict.fromkeys(rows["_order"]))
    ncols = 2
    nrows = max(1, -(-len(figs) // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(FULL_WIDTH, 2.3 * nrows + 0.6), squeeze=False)
    # one colour per report, from the project palette (the result colour first, then the prior's grey)
    colors = [PERIOD_COLORS["result"], "#E69F00", "#999999", "#009E73", "#CC79A7", "#56B4E9"]
    reports = list(dict.fromkeys(rows["report"]))
    for ax, f in zip(axes.flat, figs):
        d = rows[rows["_order"] == f]
        for k, rep in enumerate(reports):
            r = d[d["report"] == rep]
            if r.empty:
                continue
            c = colors[k % len(colors)]
            done = r[r["kind"] != "plan"].sort_values("fiscal_year")
            ax.plot(done["fiscal_year"].astype(int), done["value"].astype(float), color=c, lw=1.2, label=labels[rep])
            for kind, face in (("actual", c), ("estimate", "white")):
                p = done[done["kind"] == kind]
                ax.scatter(p["fiscal_year"].astype(int), p["value"].astype(float), color=c, facecolor=face, zorder=3, s=28)
            p = r[r["kind"] == "plan"]
            ax.scatter(p["fiscal_year"].astype(int), p["value"].astype(float), color=c, marker="x", zorder=3, s=30)
        first = d.iloc[0]
        name = str(names.get(first["initiative_id"], ""))
        ind = first["indicator"] or "（指標名なし）"
        ax.set_title(f"{name[:20]}{'…' if len(name) > 20 else ''}\n{ind[:20]}・{first['unit']}", fontsize=8)
        years = sorted(set(d["fiscal_year"].astype(int)))
        ax.set_xticks(years)
        ax.set_xticklabels([f"{y}" for y in years])
        ax.set_ylim(0, float(d["value"].astype(float).max()) * 1.1 or 1)  # headroom: a marker at the top is not cut
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))  # counts: no 7.5 回
    for ax in list(axes.flat)[len(figs):]:
        ax.axis("off")
    handles, labs = axes.flat[0].get_legend_handles_labels()
    from matplotlib.lines import Line2D

    handles += [Line2D([], [], marker="o", color="#999999", ls="", label="実績"),
                Line2D([], [], marker="o", color="#999999", markerfacecolor="white", ls="", label="見込み"),
                Line2D([], [], marker="x", color="#999999", ls="", label="計画")]
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 4), frameon=False, fontsize=8,
               bbox_to_anchor=(0.5, 0.0))
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def plot_grade_transitions(transitions: pd.DataFrame, *, title: str, labels: dict[str, str] | None = None):
    """One heat map (grade before × after) per consecutive pair of reports, counts written in the cells.

    ``labels`` maps report ids to short axis labels (default: the ids).
    """
    labels = labels or {}
    pairs = list(dict.fromkeys(zip(transitions["previous_report"], transitions["report"])))
    ncols = min(2, max(1, len(pairs)))
    nrows = max(1, -(-len(pairs) // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(FULL_WIDTH, 3.2 * nrows), squeeze=False)
    for ax, (a, b) in zip(axes.flat, pairs):
        t = transitions[(transitions["previous_report"] == a) & (transitions["report"] == b)]
        m = t.pivot_table(index="grade_before", columns="grade_after", values="initiatives", aggfunc="sum", fill_value=0)
        m = m.reindex(index=GRADE_ORDER, columns=GRADE_ORDER, fill_value=0)
        ax.imshow(m.to_numpy(), cmap="Blues")
        for i in range(4):
            for j in range(4):
                v = int(m.iat[i, j])
                ax.text(j, i, str(v), ha="center", va="center", color="white" if v > m.to_numpy().max() / 2 else "black")
        ax.set_xticks(range(4), GRADE_ORDER)
        ax.set_yticks(range(4), GRADE_ORDER)
        ax.set_xlabel(f"後の評価（{labels.get(b, b)}）", fontsize=9)
        ax.set_ylabel(f"前の評価（{labels.get(a, a)}）", fontsize=9)
        ax.grid(False)
    for ax in list(axes.flat)[len(pairs):]:
        ax.axis("off")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
