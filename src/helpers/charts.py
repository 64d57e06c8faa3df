"""Chart builders shared by the notebooks (colours and fonts come from :mod:`helpers.style`)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from .tables import GRADE_ORDER

__all__ = ["plot_grade_bars"]


def plot_grade_bars(counts: pd.DataFrame, *, title: str, ax=None, share: bool = False, label_totals: bool = True):
    """Horizontal stacked bars of grades A–D per group, one fixed colour per grade.

    Args:
        counts: a :func:`helpers.analysis.grade_table` result (columns A–D [, total]).
        title: chart title (Japanese is fine).
        ax: axes to draw on (a new figure when None).
        share: plot shares of each row instead of counts.
        label_totals: print the row total (件) at the end of each bar.

    Returns:
        The matplotlib Figure.
    """
    from .style import GRADE_COLORS

    data = counts[GRADE_ORDER].astype(float)
    if share:
        data = data.div(data.sum(axis=1), axis=0) * 100
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(data) + 1.4))
    else:
        fig = ax.figure
    labels = [" / ".join(map(str, i)) if isinstance(i, tuple) else str(i) for i in data.index]
    left = pd.Series(0.0, index=data.index)
    for g in GRADE_ORDER:
        ax.barh(labels[::-1], data[g].iloc[::-1], left=left.iloc[::-1], color=GRADE_COLORS[g], label=g, height=0.6)
        left += data[g]
    if label_totals:
        totals = counts[GRADE_ORDER].sum(axis=1)
        for y, (x, n) in enumerate(zip(left.iloc[::-1], totals.iloc[::-1])):
            ax.text(x + (1 if share else 0.2), y, f"{int(n)}件", va="center", fontsize=9)
    ax.set_xlabel("割合（%）" if share else "取り組みの数")
    ax.set_title(title)
    ax.legend(title="評価", loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    ax.set_xlim(0, (100 if share else left.max()) * 1.12)
    fig.tight_layout()
    return fig
