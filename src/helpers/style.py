"""One chart style for every notebook: a bundled Japanese font, fixed grade colours, stable files.

``use_style()`` registers IPAexGothic from ``matplotlib-fontja`` (ships with
the package, works offline) so Japanese labels never render as tofu boxes;
``save_figure`` writes ``reports/figures/{notebook}_{name}.png`` (300 dpi,
for print) and ``.svg`` with no timestamps, so re-running a notebook
rewrites identical bytes.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl

from .config import FIGURES_DIR

__all__ = ["GRADE_ORDER", "GRADE_COLORS", "PERIOD_COLORS", "use_style", "save_figure"]

GRADE_ORDER = ["A", "B", "C", "D"]
# Colour-blind-safe (Okabe–Ito), good → bad: A blue-green, B sky blue, C orange, D vermilion.
GRADE_COLORS = {"A": "#009E73", "B": "#56B4E9", "C": "#E69F00", "D": "#D55E00"}
# prior / plan / result bars in trend charts
PERIOD_COLORS = {"prior": "#999999", "plan": "#CCCCCC", "result": "#0072B2"}


def use_style() -> None:
    """Apply the project's chart style (idempotent).

    >>> use_style(); import matplotlib as mpl
    >>> mpl.rcParams["font.family"]
    ['IPAexGothic']
    """
    import matplotlib_fontja

    matplotlib_fontja.japanize()  # registers ipaexg.ttf and sets font.family
    mpl.rcParams.update({
        "font.family": ["IPAexGothic"],
        "axes.unicode_minus": False,  # the font has no U+2212
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.grid.axis": "x",
        "axes.axisbelow": True,
        "grid.color": "#dddddd",
        "figure.dpi": 100,
        "savefig.dpi": 300,
        "savefig.bbox": "tight",
        "svg.fonttype": "path",  # glyphs as paths: the SVG needs no font installed
        "svg.hashsalt": "minami-welfare-eval",  # stable ids inside SVG files
    })


def save_figure(fig, name: str, *, notebook: str, folder: str | Path | None = None) -> list[Path]:
    """Save ``fig`` as PNG (300 dpi) and SVG named ``{notebook}_{name}``.

    Args:
        fig: a matplotlib Figure.
        name: short ASCII name, e.g. ``"grades_by_field_plan"``.
        notebook: the notebook number, e.g. ``"04"``.
        folder: default ``reports/figures``.

    Returns:
        The two paths written.
    """
    out = Path(folder) if folder else FIGURES_DIR
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{notebook}_{name}.png", out / f"{notebook}_{name}.svg"]
    fig.savefig(paths[0], format="png", metadata={"Software": None})
    fig.savefig(paths[1], format="svg", metadata={"Date": None, "Creator": None})
    return paths
