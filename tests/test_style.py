"""helpers.style: Japanese renders with the bundled font (no missing glyphs), fixed grade colours, stable files."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")  # tests only; notebooks keep the inline backend
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from helpers.charts import plot_grade_bars  # noqa: E402
from helpers.style import GRADE_COLORS, save_figure, use_style  # noqa: E402


def draw_japanese():
    fig, ax = plt.subplots()
    ax.bar(["前年度", "計画", "実績"], [354, 540, 397])
    ax.set_title("子育て広場 延べ人数")
    ax.set_ylabel("評価")
    fig.canvas.draw()
    plt.close(fig)


def glyph_warnings() -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw_japanese()
    return [str(w.message) for w in caught if "missing from font" in str(w.message) or "Glyph" in str(w.message)]


def test_no_missing_glyphs_with_the_project_style():
    use_style()
    assert glyph_warnings() == []


def test_the_check_catches_tofu():
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        assert glyph_warnings(), "without a CJK font matplotlib must warn about missing glyphs"


def test_grade_colours_fixed_and_distinct():
    assert list(GRADE_COLORS) == ["A", "B", "C", "D"]
    assert len(set(GRADE_COLORS.values())) == 4


def test_save_figure_names_and_bytes(tmp_path):
    use_style()
    import pandas as pd

    counts = pd.DataFrame({"A": [8, 7], "B": [1, 1], "C": [2, 1], "D": [0, 1], "total": [11, 10]},
                          index=["子ども・子育て支援", "障がい者・生活困窮者支援"])
    paths = []
    for _ in range(2):
        fig = plot_grade_bars(counts, title="分野別の評価")
        paths.append([p.read_bytes() for p in save_figure(fig, "test", notebook="99", folder=tmp_path)])
        plt.close(fig)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["99_test.png", "99_test.svg"]
    assert paths[0] == paths[1]
