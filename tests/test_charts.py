"""helpers.present.charts: figures that show every row, never invent a value, and give the same bytes every run.

The frames are SYNTHETIC and small (a figure function is tested on its inputs, not through a notebook).
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from helpers.present.charts import plot_achievement_vs_grade, plot_change_bars, plot_sensitivity  # noqa: E402
from helpers.present.style import use_style  # noqa: E402


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _audit() -> pd.DataFrame:
    """22 A rows at 100 %, four D rows at 0 % (the shape of the 2021 report), and a few that disagree."""
    rows = [(100 + i, "A", 1.0, True) for i in range(22)]
    rows += [(18, "D", 0.0, True), (25, "D", 0.0, True), (30, "D", 0.0, True), (44, "D", 0.0, True)]
    rows += [(23, "A", 0.0, False), (6, "A", 0.8519, False), (8, "A", 0.8333, False), (10, "A", 0.8846, False),
             (45, "B", 0.5, False), (55, "B", 0.5, False), (34, "C", 0.6, True)]
    return pd.DataFrame(rows, columns=["row_no", "grade", "mean_achievement", "agrees"])


def test_achievement_figure_is_byte_stable_whatever_the_input_order():
    use_style()
    a = _audit()
    first = _png(plot_achievement_vs_grade(a, legend_pcts=[90, 75, 50], title="t"))
    shuffled = a.sample(frac=1.0, random_state=7).reset_index(drop=True)
    noisy = shuffled.assign(mean_achievement=shuffled["mean_achievement"] + 1e-12)  # float noise in the last digits
    assert _png(plot_achievement_vs_grade(shuffled, legend_pcts=[50, 75, 90], title="t")) == first
    assert _png(plot_achievement_vs_grade(noisy, legend_pcts=[90, 75, 50], title="t")) == first


def test_a_small_stack_at_zero_is_spread_however_tall_another_stack_is():
    use_style()
    fig = plot_achievement_vs_grade(_audit(), legend_pcts=[90, 75, 50], title="t")
    ax = fig.axes[0]
    points = [tuple(p) for c in ax.collections for p in c.get_offsets()]
    d = sorted(y for x, y in points if x == 0.0 and y < 0.5)  # grade D is the lowest band (y = 0)
    assert len(set(d)) == 4 and min(b - a for a, b in zip(d, d[1:])) >= 0.15
    labels = [t.get_text() for t in ax.texts]
    assert "No.8・6・10" in labels  # one label for neighbours (in order of achievement), not three overlapping ones
    plt.close(fig)


def test_change_bars_never_draw_a_missing_result_as_a_fall():
    use_style()
    df = pd.DataFrame({
        "label": ["子育て広場 No.2", "講演会 No.31", "食育講座 No.34", "フォーラム No.23"],
        "prior_value": [354, 129, 53, 182], "result_value": [397, None, 271, None],
        "change_rate": [0.1215, None, 4.11, None], "unit": ["人"] * 4,
        "rank_note": ["", "予定（報告時点で未実施）", "数え方が変わった（形を変えて実施）", ""],
    })
    fig = plot_change_bars(df, title="t")
    ax = fig.axes[0]
    widths = {t.get_text(): p.get_width() for t, p in zip(ax.get_yticklabels(), ax.patches)}
    assert widths["子育て広場 No.2"] > 0
    assert widths["講演会 No.31"] == widths["食育講座 No.34"] == widths["フォーラム No.23"] == 0  # no −100 %, no +411 %
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "順位なし: 実績なし" in texts and "順位なし: 予定" in texts and "+12%" in texts
    plt.close(fig)


def test_sensitivity_figure_rings_the_notebooks_reading():
    use_style()
    rows = []
    for s in ("exclude", "held", "zero"):
        for c in ("held", "exclude", "zero"):
            for w in ("indicator", "activity"):
                for p in ("kept", "dropped"):
                    agree = 34 - (s == "zero") - (c == "zero")
                    rows.append({"scheduled": s, "changed_format": c, "weight": w, "partial": p, "rows": 43, "agree": agree,
                                 "agreement": round(agree / 43, 4),
                                 "primary": (s, c, w, p) == ("exclude", "held", "indicator", "kept")})
    fig = plot_sensitivity(pd.DataFrame(rows), title="t")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert f"{round(32 / 43 * 100)}〜{round(34 / 43 * 100)}%" in texts  # 予定 0%: both readings of the other choices
    plt.close(fig)
