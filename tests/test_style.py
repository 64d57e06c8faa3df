"""helpers.present.style: Japanese renders with the bundled font (no missing glyphs), fixed grade colours, stable files.

Matplotlib reports a character its fonts cannot draw (a tofu box in the
figure) with ``warnings.warn("Glyph 23376 (\\N{CJK UNIFIED IDEOGRAPH-5B50})
missing from font(s) DejaVu Sans.")`` (``matplotlib._text_helpers``), and a
font family it cannot find with a ``logging`` warning on the ``matplotlib``
logger (``findfont: Font family 'X' not found.``). The checks below capture
both, and prove they would fail by drawing the same chart without the CJK font.
"""

from __future__ import annotations

import logging
import warnings
from contextlib import contextmanager

import matplotlib

matplotlib.use("Agg")  # tests only; notebooks keep the inline backend
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

import pytest  # noqa: E402

from helpers.present.style import (  # noqa: E402
    FONT_FAMILY, FULL_WIDTH, GRADE_COLORS, GRADE_ORDER, add_source, new_figure, save_figure, use_style,
)

LABELS = ["子育て広場", "延べ人数", "評価"]


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def font_problems():
    """Collect matplotlib's missing-glyph warnings and its font log warnings."""
    handler = _ListHandler()
    logger = logging.getLogger("matplotlib")
    logger.addHandler(handler)
    problems: list[str] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield problems
    finally:
        logger.removeHandler(handler)
        problems += [str(w.message) for w in caught if "missing from font" in str(w.message)]
        problems += [m for m in handler.messages if "findfont" in m or "missing" in m]


def draw_japanese(*, title: str = "子育て広場 延べ人数") -> plt.Figure:
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3))
    ax.bar(["前年度", "計画", "実績"], [354, 540, 397], color=GRADE_COLORS["A"])
    add_source(fig, "出典: 新潟市南区 地域福祉計画 進捗評価（テスト）")
    ax.set_title(title)
    ax.set_xlabel("延べ人数（人）")
    ax.set_ylabel("評価")
    ax.legend(["子育て広場"], title="評価")
    fig.canvas.draw()  # text is laid out (and glyphs looked up) here
    return fig


def test_japanese_labels_render_without_missing_glyphs():
    with matplotlib.rc_context():
        use_style()
        with font_problems() as problems:
            plt.close(draw_japanese())
        assert problems == []
        used = font_manager.findfont(font_manager.FontProperties(family=FONT_FAMILY))
        assert used.endswith("ipaexg.ttf")


def test_the_check_catches_tofu_without_the_cjk_font():
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        with font_problems() as problems:
            plt.close(draw_japanese())
    assert problems, "without a CJK font matplotlib must warn about missing glyphs"
    assert all("missing from font(s) DejaVu Sans" in p for p in problems)
    assert any(f"({c.encode('ascii', 'namereplace').decode()})" in p for p in problems for c in LABELS[0])


def test_the_check_catches_an_unknown_font_family():
    # the family lookup is cached per family name: use one no other test uses
    with matplotlib.rc_context({"font.family": ["No Such Font (test_style)"]}):
        with font_problems() as problems:
            plt.close(draw_japanese(title="評価"))
    assert any("findfont: Font family" in p for p in problems)


def test_use_style_is_idempotent():
    with matplotlib.rc_context():
        use_style()
        entries = len(font_manager.fontManager.ttflist)
        settings = dict(matplotlib.rcParams)
        use_style()
        assert len(font_manager.fontManager.ttflist) == entries
        assert dict(matplotlib.rcParams) == settings


def test_grade_colours_fixed_and_distinct():
    from helpers.present.tables import GRADE_ORDER as TABLES_GRADE_ORDER

    assert GRADE_ORDER == ["A", "B", "C", "D"] == TABLES_GRADE_ORDER
    assert list(GRADE_COLORS) == GRADE_ORDER
    assert len({to_hex(c) for c in GRADE_COLORS.values()}) == 4


def test_save_figure_names_and_bytes(tmp_path):
    with matplotlib.rc_context():
        use_style()
        saved = []
        for _ in range(2):  # draw the chart anew each time, as a re-run notebook does
            fig = draw_japanese()
            paths = save_figure(fig, "kosodate_hiroba", notebook="02", folder=tmp_path)
            plt.close(fig)
            saved.append({p.name: p.read_bytes() for p in paths})
    assert sorted(p.name for p in tmp_path.iterdir() if p.name not in {".helpers-lock", "helpers-manifest.json"}) == ["02_kosodate_hiroba.png", "02_kosodate_hiroba.svg"]
    assert paths.png.parent == tmp_path and paths.png.suffix == ".png" and paths.svg.suffix == ".svg"
    assert saved[0] == saved[1]
    png, svg = saved[0]["02_kosodate_hiroba.png"], saved[0]["02_kosodate_hiroba.svg"].decode("utf-8")
    assert png.startswith(b"\x89PNG") and b"tIME" not in png and b"Software" not in png
    assert "<dc:date>" not in svg  # no timestamp
    # text stays editable text in the SVG, with the font named (issue 9 §4)
    assert "<text" in svg and "IPAexGothic" in svg and "子育て広場" in svg
    assert repr(paths) == "FigurePaths(png='02_kosodate_hiroba.png', svg='02_kosodate_hiroba.svg')"


def test_png_is_print_resolution(tmp_path):
    from PIL import Image

    with matplotlib.rc_context():
        use_style()
        fig, ax = new_figure("half")  # the half width: a quarter of the pixels to draw (issue 16 §1)
        ax.bar(["計画", "実績"], [540, 397])
        add_source(fig, "出典：テスト")
        paths = save_figure(fig, "dpi", notebook="99", folder=tmp_path)
        plt.close(fig)
    with Image.open(paths.png) as im:
        assert round(im.info["dpi"][0]) == 300 and im.size == (960, 720)  # HALF_SIZE 3.2 × 2.4 in at 300 dpi


def test_layout_width_and_source_line_required(tmp_path):
    with matplotlib.rc_context():
        use_style()
        fig, ax = plt.subplots(figsize=(7.5, 3))
        add_source(fig, "出典: x")
        with pytest.raises(ValueError, match="layout width"):
            save_figure(fig, "w", notebook="99", folder=tmp_path)
        fig, ax = new_figure("half", 2)
        with pytest.raises(ValueError, match="source line"):
            save_figure(fig, "s", notebook="99", folder=tmp_path)
        plt.close("all")
    assert list(tmp_path.iterdir()) == []


def test_labels_are_plain_text_not_mathtext(tmp_path):
    """Issue 7 §4: a report's "$" must be drawn as printed, never parsed as mathtext."""
    with matplotlib.rc_context():
        use_style()
        fig, ax = new_figure("half", 2)
        ax.set_title("費用 $5 と $x^2$ の講座")  # would be mathtext (italic x, superscript) if parsed
        add_source(fig, "出典: $x$")
        paths = save_figure(fig, "math", notebook="99", folder=tmp_path)
        plt.close(fig)
    svg = paths.svg.read_text(encoding="utf-8")
    assert "費用 $5 と $x^2$ の講座" in svg and "出典: $x$" in svg


def test_save_figure_writes_atomically_and_refuses_a_symlink_target(tmp_path):
    """A figure file is replaced whole (no temporary file left), and a symlink at its name is refused:
    the file it points to is never written (docs/safety.md)."""
    from matplotlib.figure import Figure

    from helpers.outputs import OutputError
    from helpers.present.style import HALF_WIDTH, add_source, save_figure, use_style

    use_style()
    fig = Figure(figsize=(HALF_WIDTH, 2))
    fig.subplots().set_title("子育て広場")
    add_source(fig, "出典: テスト（合成）")
    paths = save_figure(fig, "demo", notebook="99", folder=tmp_path)
    assert paths.png.read_bytes().startswith(b"\x89PNG") and b"<svg" in paths.svg.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name not in {".helpers-lock", "helpers-manifest.json"}) == ["99_demo.png", "99_demo.svg"]
    victim = tmp_path / "notes.txt"
    victim.write_text("mine", encoding="utf-8")
    paths.png.unlink()
    paths.png.symlink_to(victim)
    with pytest.raises(OutputError):
        save_figure(fig, "demo", notebook="99", folder=tmp_path)
    assert victim.read_text(encoding="utf-8") == "mine"


def _layout_passes(monkeypatch) -> list[int]:
    """Count constrained-layout passes (each ``execute`` lays out every text of the figure once)."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    calls: list[int] = []
    real = ConstrainedLayoutEngine.execute

    def counting(self, fig):
        calls.append(1)
        return real(self, fig)

    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", counting)
    return calls


def _shown(monkeypatch) -> list[tuple[bytes, dict]]:
    """What show_figure / publish_figure hand to IPython's display: (PNG bytes, metadata)."""
    import IPython.display

    shown: list[tuple[bytes, dict]] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, metadata=None: shown.append((obj.data, metadata)))
    return shown


def _kosodate_chart():
    """子育て広場 延べ人数 as a full-width bar chart: 354 (prior), 540 (plan), 397 (result) people."""
    fig, ax = new_figure("full")
    ax.bar(["前年度", "計画", "実績"], [354, 540, 397], color=GRADE_COLORS["A"])
    ax.set_title("子育て広場 延べ人数")
    return fig


def test_publish_figure_is_save_and_show_with_one_layout(tmp_path, monkeypatch):
    """publish_figure = add_source + save_figure + show_figure: the same files after two layout passes instead of
    the five that constrained layout ran when every savefig laid the figure out again (issue 16 §1), and the
    figure shown is the saved 300-dpi PNG scaled to 100 dpi (650 × 480 px), not a third drawing."""
    import io

    from PIL import Image

    from helpers.present.style import publish_figure, show_figure

    shown = _shown(monkeypatch)
    with matplotlib.rc_context():
        use_style()
        fig = _kosodate_chart()
        add_source(fig, "出典：テスト")
        separate = save_figure(fig, "kosodate", notebook="02", folder=tmp_path / "a", tables=["02_people"], title="t")
        show_figure(fig, alt="子育て広場の棒グラフ")
        passes = _layout_passes(monkeypatch)
        publish_figure(_kosodate_chart(), "kosodate", notebook="02", source="出典：テスト", folder=tmp_path / "b",
                       tables=["people"], title="t", alt="子育て広場の棒グラフ")
    assert len(passes) == 2  # one layout (two passes), then the 300-dpi PNG and the SVG
    for p in separate:
        assert (tmp_path / "b" / p.name).read_bytes() == p.read_bytes(), p.name
    assert b"02_people" in (tmp_path / "b" / "02_kosodate.png").read_bytes()  # tables named with the notebook number
    assert len(shown) == 2 and shown[0][1] == shown[1][1] == {"image/png": {"alt": "子育て広場の棒グラフ"}}
    with Image.open(separate.png) as big, Image.open(io.BytesIO(shown[1][0])) as inline, \
            Image.open(io.BytesIO(shown[0][0])) as drawn:
        assert inline.size == drawn.size == (650, 480)
        assert inline.tobytes() == big.reduce(3).tobytes()  # each pixel the mean of the 3 × 3 it covers
        # and it shows what show_figure draws at 100 dpi: the same picture, up to anti-aliasing
        a, b = (im.convert("L").tobytes() for im in (inline, drawn))
        assert sum(abs(x - y) for x, y in zip(a, b)) / len(a) < 8


def test_publish_figure_refuses_before_writing_or_showing_and_keeps_the_layout_engine(tmp_path, monkeypatch):
    from helpers.present.style import publish_figure

    shown = _shown(monkeypatch)
    with matplotlib.rc_context():
        use_style()
        fig, ax = new_figure("half")
        fig.text(0.9, 0.5, "はみ出す長いラベル")  # cut at the right edge
        with pytest.raises(ValueError, match="does not fit"):
            publish_figure(fig, "cut", notebook="99", source="出典：テスト", title="t", alt="a", folder=tmp_path)
        assert fig.get_layout_engine().__class__.__name__ == "ConstrainedLayoutEngine"
        wide, _ = plt.subplots(figsize=(7.5, 3))
        with pytest.raises(ValueError, match="99_wide: figure width"):
            publish_figure(wide, "wide", notebook="99", source="出典：テスト", title="t", alt="a", folder=tmp_path)
        plt.close("all")
    assert shown == []
    assert list(tmp_path.iterdir()) == []


def test_publish_figure_without_files_checks_and_shows_the_same_layout(tmp_path, monkeypatch):
    """HELPERS_FIGURE_FILES=skip (the kernels nbval starts under make test): the same two layout passes and
    checks, the figure shown as show_figure draws it at 100 dpi, and no file rendered or written."""
    from helpers.present.style import FIGURE_FILES_ENV, publish_figure, show_figure

    shown = _shown(monkeypatch)
    monkeypatch.setenv(FIGURE_FILES_ENV, "skip")
    with matplotlib.rc_context():
        use_style()
        fig = _kosodate_chart()
        add_source(fig, "出典：テスト")
        show_figure(fig, alt="棒グラフ")
        passes = _layout_passes(monkeypatch)
        publish_figure(_kosodate_chart(), "kosodate", notebook="02", source="出典：テスト", folder=tmp_path / "b",
                       tables=["people"], title="t", alt="棒グラフ")
        assert len(passes) == 2
        cut, _ = new_figure("half")
        cut.text(0.9, 0.5, "はみ出す長いラベル")
        with pytest.raises(ValueError, match="99_cut: text does not fit"):
            publish_figure(cut, "cut", notebook="99", source="出典：テスト", title="t", alt="a", folder=tmp_path)
        monkeypatch.setenv(FIGURE_FILES_ENV, "yes")
        with pytest.raises(ValueError, match="HELPERS_FIGURE_FILES='yes'"):
            publish_figure(_kosodate_chart(), "x", notebook="99", source="出典：テスト", title="t", alt="a", folder=tmp_path)
        plt.close("all")
    assert list(tmp_path.iterdir()) == []
    assert len(shown) == 2 and shown[0] == shown[1]  # the same bytes and alt text as show_figure


def test_nbval_kernels_start_with_the_figure_files_skipped(monkeypatch):
    """tests/speed.py gives the kernels nbval starts HELPERS_FIGURE_FILES=skip, only while a notebook cell is set up,
    and gives the tests' process its environment back (set or unset) afterwards."""
    import os
    import types

    from helpers.present.style import FIGURE_FILES_ENV
    from tests.speed import NOTEBOOK_KERNEL_ENV, notebook_kernel_env

    assert NOTEBOOK_KERNEL_ENV == {FIGURE_FILES_ENV: "skip"}  # the plugin names the variable style.py reads
    IPyNbFile = type("IPyNbFile", (), {})  # nbval's notebook collector, by its class name
    cell = types.SimpleNamespace(parent=IPyNbFile())
    test = types.SimpleNamespace(parent=types.SimpleNamespace())
    for before in (None, "write"):
        if before is None:
            monkeypatch.delenv(FIGURE_FILES_ENV, raising=False)
        else:
            monkeypatch.setenv(FIGURE_FILES_ENV, before)
        with notebook_kernel_env(cell):
            assert os.environ[FIGURE_FILES_ENV] == "skip"
        assert os.environ.get(FIGURE_FILES_ENV) == before
        with notebook_kernel_env(test):
            assert os.environ.get(FIGURE_FILES_ENV) == before
