"""Issue 15 §2: every figure is one of two fixed sizes, laid out inside its canvas, never cropped.

Full width 6.5 × 4.8 in (1950 × 1440 px at 300 dpi; SVG 468 × 345.6 pt), half width 3.2 × 2.4 in
(960 × 720 px; SVG 230.4 × 172.8 pt): docs/report_infrastructure.md, "Figure sizes".
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")  # tests only; notebooks keep the inline backend
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from helpers.config import FIGURES_DIR  # noqa: E402
from helpers.present.style import (  # noqa: E402
    FULL_WIDTH, HALF_WIDTH, PNG_DPI, SIZES, add_source, cut_texts, new_figure, save_figure, use_style,
)

#: the pixel and point sizes of each kind, written out (not computed from SIZES: a changed size must
#: show up here and in the docs)
PNG_SIZES = {"full": (1950, 1440), "half": (960, 720)}
SVG_SIZES = {"full": ("468pt", "345.6pt"), "half": ("230.4pt", "172.8pt")}


def test_the_two_sizes():
    assert SIZES == {"full": (FULL_WIDTH, 4.8), "half": (HALF_WIDTH, 2.4)} and PNG_DPI == 300
    for kind, (w, h) in SIZES.items():
        assert (round(w * PNG_DPI), round(h * PNG_DPI)) == PNG_SIZES[kind]
        assert (f"{w * 72:g}pt", f"{h * 72:g}pt") == SVG_SIZES[kind]


def test_every_committed_png_and_svg_is_one_of_the_two_sizes():
    pngs = sorted(FIGURES_DIR.glob("*.png"))
    assert pngs, "no figures: run make report"
    for png in pngs:
        with Image.open(png) as im:
            assert im.size in PNG_SIZES.values(), (png.name, im.size)
            assert tuple(round(d) for d in im.info["dpi"]) == (PNG_DPI, PNG_DPI), png.name
        kind = next(k for k, v in PNG_SIZES.items() if v == im.size)
        svg = png.with_suffix(".svg").read_text(encoding="utf-8")
        head = re.search(r"<svg\b[^>]*>", svg).group()
        size = (re.search(r'\bwidth="([^"]+)"', head).group(1), re.search(r'\bheight="([^"]+)"', head).group(1))
        assert size == SVG_SIZES[kind], (png.name, size)
    assert sorted(FIGURES_DIR.glob("*.svg")) == [p.with_suffix(".svg") for p in pngs]


def test_every_committed_png_keeps_a_blank_margin_at_print_resolution():
    """The layout is computed once, at the figure's own dpi (style._laid_out_once), and the 300-dpi PNG is drawn
    with it: a text a little wider at 300 dpi than measured at 100 would reach the edge. Every committed PNG has
    at least 5 px (0.4 mm) of blank canvas on each side."""
    import numpy as np

    for png in sorted(FIGURES_DIR.glob("*.png")):
        with Image.open(png) as im:
            ink = np.asarray(im.convert("L")) < 250
        rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        margins = (int(cols[0]), int(rows[0]), ink.shape[1] - 1 - int(cols[-1]), ink.shape[0] - 1 - int(rows[-1]))
        assert min(margins) >= 5, (png.name, "left, top, right, bottom:", margins)


@pytest.mark.parametrize("kind", ["full", "half"])
def test_a_figure_drawn_at_another_height_is_saved_at_its_kind_s_size(kind, tmp_path):
    with matplotlib.rc_context():
        use_style()
        fig, ax = plt.subplots(figsize=(SIZES[kind][0], 7.9))  # a height the old notebooks computed from rows
        ax.barh(["子育て広場", "認知症カフェ"], [397, 129])
        ax.set_title("参加者数")
        add_source(fig, "出典：テスト（合成）")
        paths = save_figure(fig, "size", notebook="99", folder=tmp_path)
        plt.close(fig)
    with Image.open(paths.png) as im:
        assert im.size == PNG_SIZES[kind]
    assert f'width="{SVG_SIZES[kind][0]}" height="{SVG_SIZES[kind][1]}"' in paths.svg.read_text(encoding="utf-8")


def test_the_source_line_is_inside_the_canvas(tmp_path):
    """The 出典 line is laid out with the figure (no tight bounding box adds room for it afterwards)."""
    with matplotlib.rc_context():
        use_style()
        fig, ax = new_figure("full")
        ax.plot([2020, 2021], [354, 397])
        add_source(fig, "出典：新潟市南区「南区地域福祉計画 進捗状況評価」（2021年度）。期間列：2020年度 実績・"
                        "2021年度 計画・2021年度 見込み（テスト）")
        save_figure(fig, "source", notebook="99", folder=tmp_path)
        label = fig.get_supxlabel()
        box = fig._supxlabel.get_window_extent()
        assert label.startswith("出典") and box.y0 >= 0 and box.x0 >= 0 and box.x1 <= fig.bbox.x1
        plt.close(fig)


def test_a_text_that_would_be_cut_is_refused(tmp_path):
    with matplotlib.rc_context():
        use_style()
        fig, ax = new_figure("half")
        ax.set_title("担当部署別の評価: 件数と割合（重複の再掲を除く、共同担当は各部署に計上）")  # wider than 3.2 in
        add_source(fig, "出典：テスト（合成）")
        assert cut_texts(fig)
        with pytest.raises(ValueError, match="does not fit"):
            save_figure(fig, "cut", notebook="99", folder=tmp_path)
        plt.close(fig)
    assert list(tmp_path.iterdir()) == []
