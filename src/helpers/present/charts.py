"""Chart builders shared by the notebooks (colours, widths and fonts come from :mod:`helpers.present.style`).

Every builder draws at a layout's fixed size (:data:`helpers.present.style.SIZES`) with constrained layout
(never ``tight_layout``, never cropped afterwards), puts values on bars with their bases, keeps legends off the
labels, and leaves the source line to the caller (:func:`helpers.present.style.add_source` with
:func:`source_line`), who knows the report and years.
"""

from __future__ import annotations

import re
import unicodedata

import matplotlib.pyplot as plt
import pandas as pd

from ..read.schema import GRADE_ORDER

__all__ = ["display_label", "plot_grade_bars", "plot_grade_counts_and_shares", "plot_achievement_dots",
           "plot_change_bars", "period_label", "source_line", "report_caption",
           "plot_figures", "plot_grade_transitions", "plot_achievement_vs_grade", "plot_sensitivity"]


def display_label(indicator, *, fallback: str = "", row_no=None, width: int = 22) -> str:
    """An indicator label fit for a chart; the data keeps the printed text.

    Unbalanced brackets from a wrapped cell are closed or dropped, a fragment before a comma that
    belongs to the previous line is dropped, an empty label falls back to ``fallback`` (the
    initiative), and ``No.n`` (the table row) is appended when given. Long labels are shortened.

    >>> display_label("認知症カフェ（6月から再開し延べ参加者数")
    '認知症カフェ（延べ参加者数）'
    >>> display_label("実施，受診者", row_no=32)
    '受診者 No.32'
    >>> display_label(None, fallback="認知症予防出前講座の開催")
    '認知症予防出前講座の開催'
    """
    text = indicator if isinstance(indicator, str) and indicator.strip() else fallback
    text = re.sub(r"\s+", " ", str(text)).strip()
    if text.count("（") > text.count("）"):  # 認知症カフェ（6月から再開し延べ参加者数
        head, _, inner = text.rpartition("（")
        inner = re.sub(r"^.*?[しで](?=延べ)", "", inner)
        text = f"{head}（{inner}）" if inner else head
    if "，" in text or "," in text:
        parts = re.split("[，,]", text)
        if len(parts[0]) <= 3 or parts[0].endswith("実施"):  # 実施，受診者: the tail of the previous line
            text = parts[-1]
    text = text.strip("，,、 ")
    if len(text) > width:
        text = text[: width - 1] + "…"
    return f"{text} No.{row_no}" if row_no is not None else text


def period_label(year, status: str | None) -> str:
    """``2021年度 実績（見込み）`` / ``2020年度 実績`` / ``2021年度 計画``.

    >>> period_label(2021, "estimate"), period_label(2020, "actual"), period_label(2021, "plan")
    ('2021年度 実績（見込み）', '2020年度 実績', '2021年度 計画')
    """
    from .labels import code_labels

    word = "実績（見込み）" if status == "estimate" else code_labels("status").get(status or "", str(status))
    return f"{int(year)}年度 {word}"


def source_line(initiatives: pd.DataFrame, reports=None, *, note: str = "", names: pd.DataFrame | None = None) -> str:
    """``出典：新潟市南区「南区地域福祉計画 進捗状況評価」（2021年度）。期間列：2020年度 実績・2021年度 計画・2021年度 見込み``.

    The report is named by :func:`helpers.present.names.report_name` (its sidecar's municipality,
    title and fiscal year; the file stem only when there is no sidecar). The years and the
    actual/estimate status are read from the rows (their column headers), so the caveat follows
    the data.

    Args:
        initiatives: the initiatives table (years and statuses per report).
        reports: the report ids shown (all in ``initiatives`` when None).
        note: a sentence appended after the line.
        names: the ``reports.csv`` table for the names (default: the one :func:`helpers.load_tables` loaded).
    """
    from .names import report_name

    ini = initiatives if reports is None else initiatives[initiatives["report"].isin(list(reports))]
    parts = []
    for report, g in ini.groupby("report", sort=True):
        py, ly, ry = (int(g[c].iloc[0]) for c in ("prior_year", "plan_year", "result_year"))
        def st(col):
            s = set(g[col].astype(str))
            return "実績" if s == {"actual"} else "見込み" if s == {"estimate"} else "分野により実績または見込み"
        parts.append(f"{report_name(report, names)}。期間列：{py}年度 {st('prior_status')}・{ly}年度 計画・"
                     f"{ry}年度 {st('result_status')}")
    return "出典：" + "／".join(parts) + (f"。{note}" if note else "")


def plot_grade_bars(counts: pd.DataFrame, *, title: str, ax=None, share: bool = False, label_totals: bool = True,
                    layout: str = "full"):
    """Horizontal stacked bars of grades A–D per group, one fixed colour per grade, values on segments.

    Args:
        counts: a :func:`helpers.analyse.analysis.grade_table` result (columns A–D [, total]).
        title: chart title.
        ax: axes to draw on (a new figure at the layout width when None).
        share: plot shares of each row (%) instead of counts.
        label_totals: print the row total (件) at the end of each bar.
        layout: ``"full"`` or ``"half"`` (:data:`helpers.present.style.WIDTHS`).

    Returns:
        The matplotlib Figure.
    """
    from .style import GRADE_COLORS, SIZES

    data = counts[GRADE_ORDER].astype(float)
    totals = counts[GRADE_ORDER].sum(axis=1)
    if share:
        data = data.div(data.sum(axis=1), axis=0) * 100
    if ax is None:
        fig, ax = plt.subplots(figsize=SIZES[layout], layout="constrained")
    else:
        fig = ax.figure
    labels = [" / ".join(map(str, i)) if isinstance(i, tuple) else str(i) for i in data.index]
    left = pd.Series(0.0, index=data.index)
    for g in GRADE_ORDER:
        bars = ax.barh(labels[::-1], data[g].iloc[::-1], left=left.iloc[::-1], color=GRADE_COLORS[g], label=g, height=0.6)
        raw = counts[g].iloc[::-1]
        # a segment is labelled only where its number fits inside it (a "1" beside "1件" reads as 11)
        texts = [(f"{v:.0f}%" if share else f"{int(n)}") if v >= (8 if share else max(0.6, float(totals.max()) * 0.05)) else ""
                 for v, n in zip(data[g].iloc[::-1], raw)]
        ax.bar_label(bars, labels=texts, label_type="center", fontsize=7, color="black")
        left += data[g]
    if label_totals:
        for y, (x, n) in enumerate(zip(left.iloc[::-1], totals.iloc[::-1])):
            ax.text(x + (1 if share else 0.2), y, f"{int(n)}件", va="center", fontsize=8)
    ax.set_xlabel("割合（%）" if share else "取り組みの数（件）")
    ax.set_title(title, fontsize=10)
    ax.legend(title="評価", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    ax.set_xlim(0, (100 if share else left.max()) * 1.15)
    return fig


def plot_grade_counts_and_shares(counts: pd.DataFrame, *, title: str):
    """Counts (left) and shares in % (right) of grades per group, side by side, one legend."""
    from .style import FULL_SIZE, GRADE_COLORS

    fig, (a1, a2) = plt.subplots(1, 2, figsize=FULL_SIZE, sharey=True, layout="constrained")
    for ax, share in ((a1, False), (a2, True)):
        data = counts[GRADE_ORDER].astype(float)
        if share:
            data = data.div(data.sum(axis=1), axis=0) * 100
        labels = [str(i) for i in data.index][::-1]
        left = pd.Series(0.0, index=data.index)
        for g in GRADE_ORDER:
            bars = ax.barh(labels, data[g].iloc[::-1], left=left.iloc[::-1], color=GRADE_COLORS[g], label=g, height=0.6)
            room = 12 if share else data.sum(axis=1).max() * 0.07  # label a segment only where it fits
            texts = [(f"{v:.0f}%" if share else f"{int(v)}") if v >= room else "" for v in data[g].iloc[::-1]]
            ax.bar_label(bars, labels=texts, label_type="center", fontsize=7)
            left += data[g]
        if not share:
            for y, n in enumerate(left.iloc[::-1]):
                ax.text(n + left.max() * 0.02, y, f"{int(n)}件", va="center", fontsize=7)
        ax.set_xlim(0, 100 if share else left.max() * 1.2)
        ax.set_xlabel("割合（%）" if share else "件数")
    a1.set_title("件数", fontsize=9)
    a2.set_title("割合", fontsize=9)
    fig.suptitle(title, fontsize=10)
    a2.legend(title="評価", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    return fig


def plot_achievement_dots(points: pd.DataFrame, *, title: str, group: str = "field_plan", cap: float = 2.0):
    """Dot plot of indicator achievement (result ÷ plan, %) per group, every indicator visible.

    ``points`` needs ``group``, ``achievement_rate`` (float, 0 for a planned indicator without result) and
    ``held`` (False draws a hollow dot). Dots with the same value in a group are stacked side by side
    (a deterministic beeswarm), never hidden by jitter. Values above ``cap`` are drawn at the cap
    with their value printed.
    """
    from .style import FULL_SIZE, PALETTE

    groups = list(dict.fromkeys(points[group]))
    fig, ax = plt.subplots(figsize=FULL_SIZE, layout="constrained")
    for gi, gname in enumerate(groups[::-1]):
        sub = points[points[group] == gname].sort_values("achievement_rate", kind="stable")
        binned = (sub["achievement_rate"].clip(upper=cap) * 100 / 4).round().astype(int)  # 4 % bins share a stack
        rank = binned.groupby(binned).cumcount()
        n = binned.groupby(binned).transform("size")
        step = min(0.13, 0.8 / max(int(n.max()), 1))  # a stack stays inside its group's band
        offset = (rank - (n - 1) / 2) * step
        for b_, cnt in binned.value_counts().items():
            if cnt >= 5:  # dense stacks: print how many dots they hold
                ax.annotate(f"{cnt}", (min(b_ * 4, cap * 100), gi + 0.42), ha="center", fontsize=6, color=PALETTE[10])
        x = sub["achievement_rate"].clip(upper=cap) * 100
        held = sub["held"].astype(bool)
        ax.scatter(x[held], gi + offset[held], s=22, color=PALETTE[5], zorder=3, label="実績あり" if gi == 0 else None)
        ax.scatter(x[~held], gi + offset[~held], s=22, facecolor="white", edgecolor=PALETTE[7], zorder=3,
                   label="計画にあり実績なし（0%）" if gi == 0 else None)
        for xv, yv, v in zip(x, gi + offset, sub["achievement_rate"]):
            if v > cap:
                ax.annotate(f"{v:.0%}", (xv, yv), xytext=(3, 0), textcoords="offset points", fontsize=6, va="center")
    for pct in (50, 75, 90):
        ax.axvline(pct, color=PALETTE[8], linestyle="--", linewidth=0.7, zorder=1)
    ax.set_yticks(range(len(groups)), [str(g) for g in groups[::-1]], fontsize=8)
    ax.set_xlim(-5, cap * 100 + 12)
    ax.set_xlabel("指標ごとの計画達成率（実績 ÷ 計画、%）\n破線は凡例の目安、点の上の数字は重なった点の数", fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.2), ncol=2, frameon=False, fontsize=8)
    return fig


def plot_change_bars(df: pd.DataFrame, *, title: str, unit_col: str = "unit", note_col: str = "rank_note"):
    """Horizontal bars of change rate (%) with the base and result printed: ``5→10人 +100%``.

    ``df`` needs ``label``, ``prior_value``, ``result_value`` and ``change_rate``. A row with a note
    in ``note_col`` (a figure left out of the ranking: not held, only scheduled, counted differently,
    another period, printed twice) gets no bar: its figures and the note are written at the zero line,
    so it is shown, never drawn as a change (a missing result is not −100 %). Ranked rows come first,
    in order of change.
    """
    from .style import DECREASE_COLOR, FULL_SIZE, INCREASE_COLOR, PALETTE

    d = df.copy()
    notes = d[note_col].fillna("").astype(str) if note_col in d.columns else pd.Series("", index=d.index)
    notes = notes.where(notes != "", "")
    notes = notes.where(~(d["result_value"].isna() & (notes == "")), "実績なし")
    d["note"] = notes
    d["rate"] = d["change_rate"].astype("Float64").astype(float) * 100
    d["ranked"] = d["note"] == ""
    d = pd.concat([d[~d["ranked"]].sort_values("label", kind="stable").iloc[::-1],
                   d[d["ranked"]].sort_values(["rate", "label"], kind="stable")])
    fig, ax = plt.subplots(figsize=FULL_SIZE, layout="constrained")
    widths = d["rate"].where(d["ranked"], 0.0).fillna(0.0)
    colors = [INCREASE_COLOR if r >= 0 else DECREASE_COLOR for r in widths]
    bars = ax.barh(d["label"], widths, color=colors, height=0.6)
    for b, p, r, u, rate, note in zip(bars, d["prior_value"], d["result_value"], d[unit_col], widths, d["note"]):
        base = f"{float(p):,.0f}→" + ("数値なし" if pd.isna(r) else f"{float(r):,.0f}{u}")
        text = f"{base} {rate:+.0f}%" if not note else f"{base}（順位なし: {note}）"
        # values right of the bar (increase) or right of the zero line (decrease, unranked): never over the labels
        x = b.get_width() + 2 if rate >= 0 and not note else 2
        ax.text(x, b.get_y() + b.get_height() / 2, text, va="center", ha="left", fontsize=7,
                color="black" if not note else PALETTE[10])
    ranked = widths[d["ranked"]]
    lo, hi = min(ranked.min() if len(ranked) else 0, 0), max(ranked.max() if len(ranked) else 0, 0)
    ax.set_xlim(lo - 10, hi + 150)
    ax.axvline(0, color=PALETTE[11], linewidth=0.8)
    n_out = int((~d["ranked"]).sum())
    if n_out and d["ranked"].any():
        ax.axhline(n_out - 0.5, color=PALETTE[9], linewidth=0.8)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel("前年度比の増減（%）\n灰色の文字は順位に入れない数字（理由を併記）", fontsize=8)
    ax.set_title(title, fontsize=10)
    return fig


def report_caption(initiatives: pd.DataFrame, report: str, *, names: pd.DataFrame | None = None) -> str:
    """The report a chart shows, for its title: its display name (:func:`helpers.present.names.report_name`).

    ``新潟市南区「南区地域福祉計画 進捗状況評価」（2021年度）``; the file stem only for a report without
    a sidecar. (``initiatives`` is kept for the callers; the years shown are in the 出典 line.)
    """
    from .names import report_name

    return report_name(report, names)


# Notebook 06 (year over year): figures over fiscal years, grade transitions between reports.

def plot_figures(rows: pd.DataFrame, *, names: pd.Series, labels: dict[str, str], title: str):
    """Small multiples: one panel per figure, x = fiscal year; actual ● / estimate ○ joined per report, plan ×."""
    from matplotlib.ticker import MaxNLocator

    from .style import FULL_SIZE, PERIOD_COLORS

    figs = list(dict.fromkeys(rows["_order"]))
    ncols = 3 if len(figs) > 4 else 2
    nrows = max(1, -(-len(figs) // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=FULL_SIZE, squeeze=False, layout="constrained")
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
        cut = 20 if ncols == 2 else 14  # characters that fit a panel's width at 8 pt
        ax.set_title(f"{name[:cut]}{'…' if len(name) > cut else ''}\n{ind[:cut]}・{first['unit']}", fontsize=8)
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
    # the legend sits under the title at the top (the bottom edge holds the 出典 line), the title as its heading
    fig.legend(handles=handles, loc="outside upper center", ncol=min(len(handles), 4), frameon=False, fontsize=8,
               title=title, title_fontsize=10)
    return fig


def plot_grade_transitions(transitions: pd.DataFrame, *, title: str, labels: dict[str, str] | None = None):
    """One heat map (grade before × after) per consecutive pair of reports, counts written in the cells.

    ``labels`` maps report ids to short axis labels (default: the ids).
    """
    from .style import FULL_SIZE

    labels = labels or {}
    pairs = list(dict.fromkeys(zip(transitions["previous_report"], transitions["report"])))
    ncols = min(2, max(1, len(pairs)))
    nrows = max(1, -(-len(pairs) // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=FULL_SIZE, squeeze=False, layout="constrained")
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
    return fig


def plot_achievement_vs_grade(audit: pd.DataFrame, *, legend_pcts, title: str):
    """Row achievement (x, %) against the printed grade (y), every row visible, the same bytes every run.

    ``audit`` needs row_no, grade, mean_achievement (measured rows only) and agrees. Rows closer than
    2.5 % in one grade share a stack; each stack gets its own spacing (a small stack of D rows at 0 %
    is spread as widely as it needs, however tall the stack of A rows at 100 % is), and a stack of more
    than six rows prints how many it holds. Rows whose grade differs from the legend's are labelled
    with their table row numbers, one label per stack. Positions come from rounded values and a stable
    order by (grade, stack, row), so neither the order of the input nor float noise in the last digit
    changes a pixel.
    """
    from .style import FULL_SIZE, GRADE_COLORS, PALETTE

    a = audit[["row_no", "grade", "mean_achievement", "agrees"]].copy()
    a["x"] = (a["mean_achievement"].astype(float) * 100).round(2)
    a["bin"] = (a["x"] / 2.5).round().astype(int)
    a["row_no"] = a["row_no"].astype(int)
    a = a.sort_values(["grade", "bin", "row_no"], kind="stable").reset_index(drop=True)
    a["k"] = a.groupby(["grade", "bin"], sort=True).cumcount()
    a["n"] = a.groupby(["grade", "bin"], sort=True)["row_no"].transform("size")
    a["step"] = (0.8 / a["n"]).clip(upper=0.17).round(4)
    ypos = {g: i for i, g in enumerate(GRADE_ORDER[::-1])}
    a["y"] = (a["grade"].map(ypos) + (a["k"] - (a["n"] - 1) / 2) * a["step"]).round(4)
    fig, ax = plt.subplots(figsize=FULL_SIZE, layout="constrained")
    for g in GRADE_ORDER:
        sub = a[a["grade"] == g]
        ax.scatter(sub["x"], sub["y"], color=GRADE_COLORS[g], s=26, edgecolor="white", linewidth=0.4, zorder=3)
        off = sub[~sub["agrees"].astype(bool)]
        ax.scatter(off["x"], off["y"], facecolor="none", edgecolor=PALETTE[0], s=46, linewidth=0.6, zorder=4)
    for (g, b), grp in a.groupby(["grade", "bin"], sort=True):
        if len(grp) > 6:
            ax.annotate(f"{len(grp)}行", (float(grp["x"].mean().round(2)), ypos[g] + 0.44), ha="center", fontsize=6,
                        color=PALETTE[10])
    # one label per cluster of rows that disagree (points within 10 % of each other in one grade)
    for g, grp in a[~a["agrees"].astype(bool)].groupby("grade", sort=True):
        grp = grp.sort_values(["x", "row_no"], kind="stable")
        clusters: list[list] = []
        for r in grp.itertuples():
            if clusters and r.x - clusters[-1][0].x <= 10:
                clusters[-1].append(r)
            else:
                clusters.append([r])
        for c in clusters:
            label = "No." + "・".join(str(r.row_no) for r in c)
            ax.annotate(label, (c[0].x, max(r.y for r in c)), xytext=(-2, 7), textcoords="offset points", fontsize=6.5,
                        va="bottom", ha="left", color=PALETTE[11])
    for pct in sorted(float(p) for p in legend_pcts):
        ax.axvline(pct, color=PALETTE[8], linestyle="--", linewidth=0.8, zorder=1)
    ax.set_yticks(list(ypos.values()), list(ypos.keys()))
    ax.set_ylim(-0.7, 3.75)
    ax.set_xlim(-6, 118)
    ax.set_ylabel("報告書の評価")
    ax.set_xlabel("行の計画達成率（%、指標ごとに100%で頭打ちにした平均。実績なしは0%、予定のみは除く）。\n"
                  "黒い輪は凡例と評価が違う行", fontsize=7.5)
    ax.set_title(title, fontsize=10)
    return fig


def plot_sensitivity(sens: pd.DataFrame, *, title: str):
    """Agreement (%) by reading of the audit: for each choice, the range over every other choice.

    ``sens`` is :func:`helpers.analyse.analysis.audit_sensitivity` for one report. One line per choice
    (予定の扱い, 形式を変えた実施の扱い, 重み, 一部だけ測れた行): its dots are the readings that make that
    choice, the line their range; the notebooks' reading is ringed, the full range shaded.
    """
    from .style import FULL_SIZE, PALETTE

    dims = [("scheduled", "予定のみの実績", {"exclude": "除く", "held": "実施と数える", "zero": "0%と数える"}),
            ("changed_format", "形を変えた実施", {"held": "実施と数える", "exclude": "除く", "zero": "0%と数える"}),
            ("weight", "行の中の重み", {"indicator": "指標ごとに同じ", "activity": "活動ごとに同じ"}),
            ("partial", "一部の項目だけ測れた行", {"kept": "含む", "dropped": "除く"})]
    d = sens.assign(pct=(sens["agreement"].astype(float) * 100).round(2))
    labels, y = [], 0
    fig, ax = plt.subplots(figsize=FULL_SIZE, layout="constrained")
    ax.axvspan(float(d["pct"].min()), float(d["pct"].max()), color=PALETTE[9], alpha=0.35, zorder=0, linewidth=0)
    prim = d[d["primary"].astype(bool)]
    for col, name, values in dims:
        for code, word in values.items():
            sub = d[d[col] == code].sort_values("pct", kind="stable")
            ax.plot([sub["pct"].min(), sub["pct"].max()], [y, y], color=PALETTE[8], linewidth=1.2, zorder=1)
            ax.scatter(sub["pct"], [y] * len(sub), s=12, color=PALETTE[5], zorder=3)
            p = prim[prim[col] == code]
            if len(p):
                ax.scatter(p["pct"], [y] * len(p), s=55, facecolor="none", edgecolor=PALETTE[6], linewidth=1.0, zorder=4)
            ax.text(float(sub["pct"].max()) + 0.5, y, f"{sub['pct'].min():.0f}〜{sub['pct'].max():.0f}%", fontsize=6.5,
                    va="center", color=PALETTE[10])
            labels.append(f"{name}: {word}")
            y += 1
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(float(d["pct"].min()) - 4, float(d["pct"].max()) + 8)
    ax.set_xlabel("報告書の評価と凡例による評価が一致する行の割合（%）。\n赤い輪はこの notebook の読み方、網掛けは全体の幅", fontsize=7.5)
    ax.set_title(title, fontsize=10)
    return fig
