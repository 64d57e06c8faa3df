"""One chart style for every notebook: a bundled Japanese font, fixed grade colours, stable files.

``use_style()`` registers IPAexGothic, the font bundled with
``matplotlib-fontja`` (works offline, no system font needed), so Japanese
labels never render as tofu boxes; ``save_figure`` writes
``reports/figures/{notebook}_{name}.png`` (300 dpi, for print) and ``.svg``
(text kept as text, font named) without timestamps, so re-running a notebook rewrites
identical bytes.

Typical notebook use (keep the inline backend; never ``matplotlib.use("Agg")``
in a notebook)::

    from helpers.present.style import GRADE_COLORS, GRADE_ORDER, new_figure, publish_figure, use_style
    use_style()
    fig, ax = new_figure("full")            # FULL_SIZE: 6.5 × 4.8 in, constrained layout
    ...
    publish_figure(fig, "grades_by_field_plan", notebook="04", source="出典：…", title="…",
                   tables=["grades_by_field_plan"], alt="…")   # 出典 line, PNG + SVG, shown: one layout

(``publish_figure`` is ``add_source`` + ``save_figure`` + ``show_figure``, laid out once for the three.)

Every figure has one of two fixed sizes (:data:`SIZES`): full width 6.5 × 4.8 in (1950 × 1440 px at
300 dpi) or half width 3.2 × 2.4 in (960 × 720 px). :func:`save_figure` and :func:`show_figure` give
the figure its kind's size (the kind is read from the width), lay it out inside that canvas
(constrained layout) and never crop afterwards, so every PNG of a kind has the same pixel size
and its text comes out at the same size in a report.
"""

from __future__ import annotations

import contextlib
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
    "FULL_SIZE",
    "HALF_SIZE",
    "SIZES",
    "PNG_DPI",
    "INLINE_DPI",
    "FIGURE_FILES_ENV",
    "figure_kind",
    "fix_size",
    "cut_texts",
    "new_figure",
    "add_source",
    "show_figure",
    "publish_figure",
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
#: the two figure sizes (width, height) in inches, one per layout: one fixed aspect per kind (about
#: 4:3), so a figure of a kind is always the same size in inches and in pixels (docs/report_infrastructure.md).
FULL_SIZE = (FULL_WIDTH, 4.8)
HALF_SIZE = (HALF_WIDTH, 2.4)
SIZES = {"full": FULL_SIZE, "half": HALF_SIZE}
#: resolution of the saved PNGs: full 1950 × 1440 px, half 960 × 720 px.
PNG_DPI = 300
#: figures shown in a notebook (and in its HTML export): 650 × 480 px full width; a divisor of PNG_DPI
INLINE_DPI = 100
#: The environment variable that tells :func:`publish_figure` whether to write the figure files:
#: unset, empty or ``write``: write them (what every notebook run by ``make report`` does); ``skip``: lay
#: the figure out, run every check and show it drawn at :data:`INLINE_DPI`, but render and write no
#: print file. ``make test`` sets ``skip`` in the kernels nbval starts (tests/conftest.py): nbval compares
#: a notebook's text and tables, not its PNGs, and the print files are made and checked by ``make report``
#: and the e2e tier (docs/development.md, Tests). Any other value is refused.
FIGURE_FILES_ENV = "HELPERS_FIGURE_FILES"

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
    # the full-width size (FULL_SIZE: 16.5 × 12.2 cm fits an A4 page's text width). figure.dpi stays
    # 100 (it sets "<Figure size WxH>" in the stored notebook output, which nbval compares).
    # No "tight" bounding box: a figure is laid out inside its fixed canvas, never cropped.
    "figure.figsize": (6.5, 4.8),
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "savefig.bbox": "standard",
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


def figure_kind(fig) -> str:
    """``"full"`` or ``"half"``: the layout whose width ``fig`` has.

    Raises:
        ValueError: the width is not a layout width (:data:`WIDTHS`).

    >>> from matplotlib.figure import Figure
    >>> figure_kind(Figure(figsize=(HALF_WIDTH, 9)))
    'half'
    """
    width = fig.get_figwidth()
    for kind, w in WIDTHS.items():
        if abs(width - w) < 0.01:
            return kind
    raise ValueError(f"figure width {width} in is not a layout width {WIDTHS}")


def fix_size(fig) -> str:
    """Give ``fig`` its kind's fixed size (:data:`SIZES`) and lay it out inside that canvas; return the kind.

    The layout engine becomes matplotlib's constrained layout, which places titles, axis labels,
    legends outside the axes and the 出典 line (:func:`add_source`) inside the figure, so nothing is
    cropped when the figure is saved without a tight bounding box. A figure drawn at another height
    (or laid out by ``tight_layout`` before) is re-laid out at the fixed size.

    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(FULL_WIDTH, 2.0))
    >>> fix_size(fig), tuple(float(x) for x in fig.get_size_inches()), fig.get_layout_engine().__class__.__name__
    ('full', (6.5, 4.8), 'ConstrainedLayoutEngine')
    """
    kind = figure_kind(fig)
    fig.set_size_inches(*SIZES[kind], forward=False)
    if fig.get_layout_engine().__class__.__name__ != "ConstrainedLayoutEngine":
        fig.set_layout_engine("constrained")
    # one layout pass before any file is rendered: the first pass moves the axes by a rounding
    # error, which would change the SVG's clip-path ids between the first and a later save
    fig.draw_without_rendering()
    return kind


@contextlib.contextmanager
def _laid_out_once(fig, *, name: str | None = None):
    """Lay ``fig`` out at its fixed size once (:func:`fix_size`), then render it any number of times
    without laying it out again; the figure's layout engine is given back afterwards.

    With constrained layout on, every ``savefig`` lays the figure out again (a full pass over every
    text) before it draws: a PNG, an SVG and the inline PNG cost five layout passes for one layout.
    Inside this block the positions of two passes are kept (matplotlib's placeholder engine), so
    every file shows exactly the same layout, computed at the figure's own dpi.

    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(FULL_WIDTH, 2.0))
    >>> with _laid_out_once(fig):
    ...     inside = fig.get_layout_engine().__class__.__name__
    >>> inside, fig.get_layout_engine().__class__.__name__
    ('PlaceHolderLayoutEngine', 'ConstrainedLayoutEngine')

    A figure whose width is no layout width is refused before anything is drawn, its ``name`` (the
    file stem) first in the message.
    """
    try:
        figure_kind(fig)
    except ValueError as e:
        raise ValueError(f"{name}: {e}" if name else str(e)) from None
    fix_size(fig)
    # a second pass: the first one, from the figure as drawn, can leave an axes a rounding error
    # (1e-17) away from where a pass from the laid-out figure puts it; from the second on the
    # positions repeat, so saving the figure again gives the same bytes
    fig.draw_without_rendering()
    engine = fig.get_layout_engine()
    fig.set_layout_engine("none")
    try:
        yield fig
    finally:
        fig.set_layout_engine(engine)


def cut_texts(fig) -> list[str]:
    """The texts of ``fig`` that do not fit inside its canvas (drawn at the current size), as printed.

    :func:`save_figure` refuses a figure with any: a label cut at the edge is a bug, not a style.

    >>> from matplotlib.figure import Figure
    >>> use_style()
    >>> fig = Figure(figsize=SIZES["half"]); _ = fig.text(0.9, 0.5, "はみ出す長いラベル")
    >>> cut_texts(fig)
    ['はみ出す長いラベル']
    """
    from matplotlib.axis import Tick
    from matplotlib.text import Text

    box = fig.bbox
    # tick labels are placed by the layout (and ticks outside the view are kept but never drawn)
    ticks = {id(x) for tick in fig.findobj(Tick) for x in (tick.label1, tick.label2)}
    out = []
    for t in fig.findobj(Text):
        if id(t) in ticks or not t.get_visible() or not t.get_text().strip():
            continue
        e = t.get_window_extent()  # the figure's own renderer (any canvas)
        if e.x0 < box.x0 - 1 or e.y0 < box.y0 - 1 or e.x1 > box.x1 + 1 or e.y1 > box.y1 + 1:
            out.append(t.get_text())
    return out


def _has_source(fig) -> bool:
    label = fig.get_supxlabel() if hasattr(fig, "get_supxlabel") else ""
    return str(label).startswith("出典") or any(t.get_text().startswith("出典") for t in fig.texts)


def save_figure(fig, name: str, *, notebook: str, folder: str | Path | None = None, title: str | None = None,
                tables: tuple[str, ...] | list[str] = ()) -> FigurePaths:
    """Save ``fig`` as ``{notebook}_{name}.png`` (300 dpi) and ``.svg`` at its kind's fixed size, byte-stable.

    The figure gets its layout's fixed size (:func:`fix_size`: full 6.5 × 4.8 in = 1950 × 1440 px,
    half 3.2 × 2.4 in = 960 × 720 px) and is laid out inside that canvas (constrained layout); the
    files are never cropped to their contents, so every figure of a kind has the same size.
    No timestamps or version strings are written (PNG ``Software``, SVG ``Date``/``Creator``
    removed; SVG ids salted with a constant), so saving the same figure again gives the same bytes.
    dpi and bounding box are passed explicitly, so the files do not depend on the caller's
    rcParams (except the style itself).

    Args:
        fig: a matplotlib Figure whose width is a layout width (:data:`WIDTHS`).
        name: short ASCII snake_case name, e.g. ``"grades_by_field_plan"``.
        notebook: the notebook number, e.g. ``"04"`` (file prefix).
        folder: output folder; default ``reports/figures`` (:data:`helpers.config.FIGURES_DIR`).
        title: what the figure shows (PNG ``Title``, SVG title; read by :mod:`helpers.present.figindex`).
        tables: stems of the ``reports/tables`` CSVs holding the figure's data (PNG ``Source``).

    Raises:
        ValueError: the figure's width is not a layout width (:data:`WIDTHS`), it has no
            source line (:func:`add_source`), or a text does not fit inside the canvas
            (:func:`cut_texts`: it would be cut off in the file).

    Returns:
        FigurePaths: ``(png, svg)`` absolute paths.

    Examples:
        >>> import tempfile
        >>> from matplotlib.figure import Figure
        >>> from PIL import Image
        >>> use_style()
        >>> fig = Figure(figsize=(HALF_WIDTH, 2)); _ = fig.subplots().set_title("子育て広場")
        >>> add_source(fig, "出典：テスト")
        >>> with tempfile.TemporaryDirectory() as d:
        ...     first = [p.read_bytes() for p in save_figure(fig, "demo", notebook="99", folder=d)]
        ...     paths = save_figure(fig, "demo", notebook="99", folder=d)
        ...     same = first == [p.read_bytes() for p in paths]
        ...     size = Image.open(paths.png).size
        >>> paths, same, size  # a half-width figure: HALF_SIZE (3.2 × 2.4 in) at 300 dpi
        (FigurePaths(png='99_demo.png', svg='99_demo.svg'), True, (960, 720))
    """
    with _laid_out_once(fig, name=f"{notebook}_{name}"):
        return _save_files(fig, name, notebook=notebook, folder=folder, title=title, tables=tables)[0]


def _check_publishable(fig, stem: str) -> None:
    """:func:`save_figure`'s checks on a figure already laid out: its 出典 line, and no text cut off."""
    if not _has_source(fig):
        raise ValueError(f"{stem}: no source line; call add_source(fig, ...) first")
    cut = cut_texts(fig)
    if cut:
        raise ValueError(f"{stem}: text does not fit the {SIZES[figure_kind(fig)]} in canvas "
                         f"(shorten or wrap it): {cut[:3]}")


def _writes_figure_files() -> bool:
    """Whether :func:`publish_figure` writes its files (:data:`FIGURE_FILES_ENV`).

    >>> import os
    >>> before = os.environ.pop(FIGURE_FILES_ENV, None)
    >>> _writes_figure_files()
    True
    >>> os.environ[FIGURE_FILES_ENV] = "skip"; _writes_figure_files()
    False
    >>> os.environ[FIGURE_FILES_ENV] = "no"; _writes_figure_files()
    Traceback (most recent call last):
    ValueError: HELPERS_FIGURE_FILES='no': expected 'write', 'skip' or unset
    >>> _ = os.environ.pop(FIGURE_FILES_ENV); _ = before is None or os.environ.setdefault(FIGURE_FILES_ENV, before)
    """
    import os

    value = os.environ.get(FIGURE_FILES_ENV, "")
    if value in ("", "write"):
        return True
    if value == "skip":
        return False
    raise ValueError(f"{FIGURE_FILES_ENV}={value!r}: expected 'write', 'skip' or unset")


def _save_files(fig, name: str, *, notebook: str, folder, title, tables) -> tuple[FigurePaths, bytes]:
    """:func:`save_figure`'s checks and files, for a figure already laid out (:func:`_laid_out_once`);
    returns the paths and the PNG's pixels (:func:`_print_pixels`)."""
    _check_publishable(fig, f"{notebook}_{name}")
    out = Path(folder) if folder is not None else FIGURES_DIR
    stem = f"{notebook}_{name}"
    paths = FigurePaths(out / f"{stem}.png", out / f"{stem}.svg")
    common = {"bbox_inches": None}  # the whole fixed canvas: never cropped to the contents
    meta = {**_PNG_METADATA, "Title": title or "", "Source": " ".join(tables or ()), "Comment": f"notebook {notebook}"}
    # rendered in memory, then each file written by the one writer (helpers.outputs.write_file: atomic,
    # recorded in the folder's manifest, never through a symlink, never over an edited file; docs/safety.md)
    import matplotlib.image as mimage

    from ..outputs import write_file

    pixels = _print_pixels(fig)
    png, svg = io.BytesIO(), io.BytesIO()
    # what savefig(format="png") writes (backend_agg's print_png: imsave of the drawn buffer), from pixels
    # kept for the figure shown (:func:`_scaled_for_screen`), which then needs no decoding of the PNG
    mimage.imsave(png, pixels, format="png", origin="upper", dpi=PNG_DPI, metadata=meta)
    fig.savefig(svg, format="svg", metadata={**_SVG_METADATA, "Title": title or stem}, **common)
    write_file(paths.png, png.getvalue())
    write_file(paths.svg, svg.getvalue())
    return paths, pixels


def _print_pixels(fig):
    """``fig`` drawn at :data:`PNG_DPI` on its whole canvas: an RGBA array (height × width × 4, uint8)."""
    import numpy as np

    raw = io.BytesIO()
    fig.savefig(raw, format="rgba", dpi=PNG_DPI, bbox_inches=None)
    width, height = (round(v * PNG_DPI) for v in fig.get_size_inches())
    return np.frombuffer(raw.getvalue(), dtype=np.uint8).reshape(height, width, 4)


def new_figure(layout: str = "full", height: float | None = None, **subplots):
    """``plt.subplots`` at the layout's fixed size (``"full"`` or ``"half"``, :data:`SIZES`), constrained layout.

    ``height`` is accepted for old callers and ignored: every figure of a layout has the same size.
    Returns ``(fig, ax)``.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = new_figure("half")
    >>> tuple(float(x) for x in fig.get_size_inches())
    (3.2, 2.4)
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=SIZES[layout], layout="constrained", **subplots)


def add_source(fig, text: str) -> None:
    """Write the source line (``出典：…``) at the bottom of the figure, small and grey, wrapped to its width.

    The line is the figure's ``supxlabel``, so the constrained layout keeps room for it inside the
    canvas (nothing is cropped or drawn outside). ``text`` should start with ``出典``;
    :func:`save_figure` refuses a figure without one.
    """
    import textwrap

    per_line = int(fig.get_figwidth() * 72 / 7.5)  # about one full-width character per 7.5 pt at 7 pt
    wrapped = "\n".join(textwrap.wrap(text, per_line)) if len(text) > per_line else text
    fig.supxlabel(wrapped, x=0.01, ha="left", va="bottom", fontsize=7, color="#555555")


def show_figure(fig, alt: str) -> None:
    """Show ``fig`` in the notebook as a PNG carrying ``alt`` text (used by the HTML export), then close it."""
    if any(abs(fig.get_figwidth() - w) < 0.01 for w in WIDTHS.values()):
        with _laid_out_once(fig):  # shown as saved: the layout's fixed size, laid out inside the canvas
            _show_inline(fig, alt)
    else:
        _show_inline(fig, alt)


def _show_inline(fig, alt: str) -> None:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=INLINE_DPI, bbox_inches=None, metadata=_PNG_METADATA)
    _show_png(fig, buf.getvalue(), alt)


def _show_png(fig, png: bytes, alt: str) -> None:
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    plt.close(fig)
    display(Image(data=png, format="png"), metadata={"image/png": {"alt": alt}})


def _scaled_for_screen(pixels) -> bytes:
    """The print PNG's pixels (:data:`PNG_DPI`, :func:`_print_pixels`) scaled down to :data:`INLINE_DPI`, as a
    PNG: the figure shown is the file saved.

    Each screen pixel is the mean of the 3 × 3 print pixels it covers (Pillow's ``reduce``), which keeps
    thin lines and small text legible; scaling costs a fraction of drawing the figure again.

    >>> import numpy as np
    >>> from PIL import Image
    >>> Image.open(io.BytesIO(_scaled_for_screen(np.full((1440, 1950, 4), 255, dtype=np.uint8)))).size
    (650, 480)
    """
    from PIL import Image

    factor = PNG_DPI // INLINE_DPI
    height, width = pixels.shape[:2]
    with Image.frombuffer("RGBA", (width, height), pixels, "raw", "RGBA", 0, 1) as im:
        small = im.reduce(factor)
    out = io.BytesIO()
    small.save(out, format="png")  # Pillow writes no time or version chunk
    return out.getvalue()


def publish_figure(fig, name: str, *, notebook: str, source: str, alt: str, title: str,
                   tables: tuple[str, ...] | list[str] = (), folder: str | Path | None = None) -> None:
    """A notebook's figure, finished: its 出典 line, its two files, then shown with its alt text.

    :func:`add_source`, :func:`save_figure` and :func:`show_figure` in one step, laid out once: the
    PNG and the SVG come from one layout (two renders after two layout passes, where the three calls
    made five passes and three renders), and the figure shown in the notebook (and its HTML export) is
    the saved PNG scaled down to :data:`INLINE_DPI`, so what an analyst sees is the file. Returns
    nothing, so a cell ending with it prints no text.

    Args:
        fig: a figure of a layout width (:data:`WIDTHS`).
        name: the file name after the notebook number (``"grades_by_field_plan"``).
        notebook: the notebook number (``"04"``), the files' prefix.
        source: the 出典 line (:func:`helpers.present.charts.source_line`).
        alt: what the figure shows, for readers who cannot see it (kept in the HTML export).
        title: the files' title (PNG ``Title``, SVG title; the figure index lists it).
        tables: this notebook's tables that hold the figure's data, without the number
            (``["grades_by_field_plan"]`` → ``04_grades_by_field_plan``).
        folder: where the files go; default ``reports/figures``.

    With :data:`FIGURE_FILES_ENV` set to ``skip`` (``make test``'s notebooks), the figure gets the same
    layout and checks and is shown drawn at :data:`INLINE_DPI` (the same pixels but for anti-aliasing),
    and no file is rendered or written.

    Raises:
        ValueError: as :func:`save_figure`; the figure is then neither written nor shown.
    """
    add_source(fig, source)
    stems = [f"{notebook}_{t}" for t in tables]
    writes = _writes_figure_files()  # a wrong value is refused before any layout
    with _laid_out_once(fig, name=f"{notebook}_{name}"):
        if not writes:
            _check_publishable(fig, f"{notebook}_{name}")
            _show_inline(fig, alt)
            return
        _, pixels = _save_files(fig, name, notebook=notebook, folder=folder, title=title, tables=stems)
    _show_png(fig, _scaled_for_screen(pixels), alt)
