"""One chart style for every notebook: a bundled Japanese font, fixed grade colours, stable files.

``use_style()`` registers IPAexGothic, the font bundled with
``matplotlib-fontja`` (works offline, no system font needed), so Japanese
labels never render as tofu boxes; ``save_figure`` writes
``reports/figures/{notebook}_{name}.png`` (300 dpi, for print) and ``.svg``
(text kept as text, font named) without timestamps, so re-running a notebook rewrites
identical bytes.

Typical notebook use (keep the inline backend; never ``matplotlib.use("Agg")``
in a notebook)::

    from helpers.present.style import GRADE_COLORS, GRADE_ORDER, save_figure, use_style
    use_style()
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ...
    save_figure(fig, "grades_by_field_plan", notebook="04")
    plt.show()
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import NamedTuple

import matplotlib as mpl

from ..config import FIGURES_DIR

__all__ = [
    "GRADE_ORDER",
    "GRADE_COLORS",
    "PERIOD_COLORS",
    "FONT_FAMILY",
    "STYLE",
    "PALETTE",
    "INCREASE_COLOR",
    "DECREASE_COLOR",
    "FULL_WIDTH",
    "HALF_WIDTH",
    "WIDTHS",
    "new_figure",
    "add_source",
    "show_figure",
    "FigurePaths",
    "use_style",
    "save_figure",
]

#: Grades as in the report's legend, best first (same order as ``helpers.present.tables.GRADE_ORDER``).
GRADE_ORDER = ["A", "B", "C", "D"]
#: One colour per grade for every chart. Okabe–Ito palette (colour-blind safe: every pair stays
#: distinguishable under protan-, deuter- and tritanopia), cool = good → warm = bad:
#: A bluish green, B sky blue, C orange, D vermilion.
GRADE_COLORS = {"A": "#009E73", "B": "#56B4E9", "C": "#E69F00", "D": "#D55E00"}
#: prior / plan / result bars in trend charts (plan lightest, result the accent colour).
PERIOD_COLORS = {"prior": "#999999", "plan": "#CCCCCC", "result": "#0072B2"}
#: every colour a chart may use: the Okabe–Ito palette plus the greys above (tests check figures against it).
PALETTE = ["#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
           "#999999", "#CCCCCC", "#555555", "#333333"]
#: change charts: an increase in blue, a decrease in reddish purple — never grade D's vermilion.
INCREASE_COLOR = "#0072B2"
DECREASE_COLOR = "#CC79A7"

#: one width per layout, in inches: a full A4 text width (16.5 cm) and half of it (8.1 cm). Text sizes
#: stay the same once a figure is placed at its layout's width in a report.
FULL_WIDTH = 6.5
HALF_WIDTH = 3.2
WIDTHS = {"full": FULL_WIDTH, "half": HALF_WIDTH}

#: IPAexGothic (bundled with matplotlib-fontja) first; DejaVu Sans (bundled with matplotlib) only
#: as per-glyph fallback for the few symbols IPAexGothic lacks (≥, ≤). Text whose glyphs are in
#: IPAexGothic renders exactly as with IPAexGothic alone.
FONT_FAMILY = ["IPAexGothic", "DejaVu Sans"]

#: The rcParams set by :func:`use_style` (besides the font family).
STYLE: dict[str, object] = {
    # clean, seaborn-like look: no top/right spines, light grid behind the data
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "x",
    "axes.axisbelow": True,
    "grid.color": "#dddddd",
    # ASCII hyphen-minus for negative numbers, as typed in the report and in Excel
    "axes.unicode_minus": False,
    # print-friendly: 6.5 × 4 in (16.5 × 10 cm) fits an A4 page's text width; notebooks
    # usually pass figsize explicitly. figure.dpi stays 100 (it sets "<Figure size WxH>"
    # in the stored notebook output, which nbval compares).
    "figure.figsize": (6.5, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "savefig.bbox": "tight",
    # SVG: text stays text (editable in Illustrator/Inkscape/PowerPoint), the font named by family
    # (IPAexGothic, installed with matplotlib-fontja; Noto/Yu Gothic substitute where it is missing)
    "svg.fonttype": "none",
    # labels are plain text: a "$" in a report's text must not start mathtext
    "text.parse_math": False,
    "svg.hashsalt": "minami-welfare-eval",
}

_PNG_METADATA = {"Software": None}  # default "Matplotlib version…"; no time is written
_SVG_METADATA = {"Date": None, "Creator": None}  # default Date = now: the only volatile part


def _register_bundled_font() -> str:
    """Make sure matplotlib knows the font file of matplotlib-fontja; return its family name.

    ``import matplotlib_fontja`` already calls ``matplotlib_fontja.japanize()``
    (adds ``ipaexg.ttf`` to the font manager and sets ``font.family``).
    Calling ``japanize()`` again would append the same font entry once more
    each time, so we only add the file when it is missing (idempotent).
    """
    import matplotlib_fontja
    from matplotlib import font_manager

    path = matplotlib_fontja.get_font_ttf_path()
    target = Path(path).resolve()
    if not any(Path(f.fname).resolve() == target for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def use_style() -> None:
    """Apply the project's chart style; safe to call any number of times.

    Registers the bundled CJK font and sets :data:`FONT_FAMILY` and
    :data:`STYLE`. Call it once at the top of every notebook, after the
    imports.

    Examples:
        >>> use_style(); use_style()
        >>> import matplotlib as mpl
        >>> mpl.rcParams["font.family"]
        ['IPAexGothic', 'DejaVu Sans']
        >>> mpl.rcParams["svg.fonttype"], mpl.rcParams["axes.unicode_minus"], mpl.rcParams["text.parse_math"]
        ('none', False, False)
        >>> import matplotlib_fontja
        >>> from matplotlib import font_manager
        >>> bundled = Path(matplotlib_fontja.get_font_ttf_path()).resolve()
        >>> sum(Path(f.fname).resolve() == bundled for f in font_manager.fontManager.ttflist)
        1
    """
    family = _register_bundled_font()
    if family != FONT_FAMILY[0]:  # pragma: no cover - a different matplotlib-fontja font
        raise RuntimeError(f"matplotlib-fontja bundles {family!r}, expected {FONT_FAMILY[0]!r}")
    mpl.rcParams.update({"font.family": list(FONT_FAMILY), **STYLE})


class FigurePaths(NamedTuple):
    """The two files written by :func:`save_figure` (iterable: ``png, svg``).

    Its repr shows file names only, so a notebook cell that ends with
    ``save_figure(...)`` stores the same text output on every machine
    (nbval compares it), not an absolute path.

    Examples:
        >>> FigurePaths(Path("/x/reports/figures/02_a.png"), Path("/x/reports/figures/02_a.svg"))
        FigurePaths(png='02_a.png', svg='02_a.svg')
    """

    png: Path
    svg: Path

    def __repr__(self) -> str:
        return f"FigurePaths(png={self.png.name!r}, svg={self.svg.name!r})"


def save_figure(fig, name: str, *, notebook: str, folder: str | Path | None = None, title: str | None = None,
                tables: tuple[str, ...] | list[str] = ()) -> FigurePaths:
    """Save ``fig`` as ``{notebook}_{name}.png`` (300 dpi) and ``.svg``, byte-stable.

    No timestamps or version strings are written (PNG ``Software``, SVG
    ``Date``/``Creator`` removed; SVG ids salted with a constant), so saving
    the same figure again gives the same bytes. dpi and tight bounding box
    are passed explicitly, so the files do not depend on the caller's
    rcParams (except the style itself).

    Args:
        fig: a matplotlib Figure.
        name: short ASCII snake_case name, e.g. ``"grades_by_field_plan"``.
        notebook: the notebook number, e.g. ``"04"`` (file prefix).
        folder: output folder; default ``reports/figures`` (:data:`helpers.config.FIGURES_DIR`).
        title: what the figure shows (PNG ``Title``, SVG title; read by :mod:`helpers.present.figindex`).
        tables: stems of the ``reports/tables`` CSVs holding the figure's data (PNG ``Source``).

    Raises:
        ValueError: the figure's width is not a layout width (:data:`WIDTHS`) or it has no
            source line (:func:`add_source`).

    Returns:
        FigurePaths: ``(png, svg)`` absolute paths.

    Examples:
        >>> import tempfile
        >>> from matplotlib.figure import Figure
        >>> use_style()
        >>> fig = Figure(figsize=(FULL_WIDTH, 2)); _ = fig.subplots().set_title("子育て広場")
        >>> add_source(fig, "出典: テスト")
        >>> with tempfile.TemporaryDirectory() as d:
        ...     first = [p.read_bytes() for p in save_figure(fig, "demo", notebook="99", folder=d)]
        ...     paths = save_figure(fig, "demo", notebook="99", folder=d)
        ...     same = first == [p.read_bytes() for p in paths]
        >>> paths, same
        (FigurePaths(png='99_demo.png', svg='99_demo.svg'), True)
    """
    width = fig.get_figwidth()
    if not any(abs(width - w) < 0.01 for w in WIDTHS.values()):
        raise ValueError(f"{notebook}_{name}: figure width {width} in is not a layout width {WIDTHS}")
    if not any(t.get_text().startswith("出典") for t in fig.texts):
        raise ValueError(f"{notebook}_{name}: no source line; call add_source(fig, ...) first")
    out = Path(folder) if folder is not None else FIGURES_DIR
    stem = f"{notebook}_{name}"
    paths = FigurePaths(out / f"{stem}.png", out / f"{stem}.svg")
    common = {"bbox_inches": "tight", "pad_inches": 0.1}
    meta = {**_PNG_METADATA, "Title": title or "", "Source": " ".join(tables or ()), "Comment": f"notebook {notebook}"}
    # rendered in memory, then each file written by the one writer (helpers.outputs.write_file: atomic,
    # recorded in the folder's manifest, never through a symlink, never over an edited file; docs/safety.md)
    from ..outputs import write_file

    png, svg = io.BytesIO(), io.BytesIO()
    fig.savefig(png, format="png", dpi=300, metadata=meta, **common)
    fig.savefig(svg, format="svg", metadata={**_SVG_METADATA, "Title": title or stem}, **common)
    write_file(paths.png, png.getvalue())
    write_file(paths.svg, svg.getvalue())
    return paths


def new_figure(layout: str = "full", height: float = 3.0, **subplots):
    """``plt.subplots`` at the layout's width (``"full"`` or ``"half"``); returns ``(fig, ax)``.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = new_figure("half", 2.5)
    >>> bool(fig.get_figwidth() == HALF_WIDTH)
    True
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(WIDTHS[layout], height), **subplots)


def add_source(fig, text: str) -> None:
    """Write the source line (``出典: …``) under the figure, small and grey, wrapped to its width.

    ``text`` should start with ``出典``; :func:`save_figure` refuses a figure without one.
    """
    import textwrap

    per_line = int(fig.get_figwidth() * 72 / 7.5)  # about one full-width character per 7.5 pt at 7 pt
    wrapped = "\n".join(textwrap.wrap(text, per_line)) if len(text) > per_line else text
    fig.text(0.0, 0.0, wrapped, ha="left", va="top", fontsize=7, color="#555555")


def show_figure(fig, alt: str) -> None:
    """Show ``fig`` in the notebook as a PNG carrying ``alt`` text (used by the HTML export), then close it."""
    import io

    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", pad_inches=0.1, metadata=_PNG_METADATA)
    plt.close(fig)
    display(Image(data=buf.getvalue(), format="png"), metadata={"image/png": {"alt": alt}})
