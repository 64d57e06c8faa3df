"""reports/figures/README.md lists every figure with its notebook and tables (issue 9 §4)."""

from __future__ import annotations

from helpers.config import FIGURES_DIR, NOTEBOOKS_DIR, REPORTS_DIR
from helpers.present.figindex import figure_rows, index_markdown


def test_index_is_complete_and_current():
    rows = figure_rows()
    pngs = sorted(p.name for p in FIGURES_DIR.glob("[0-9][0-9]_*.png"))
    assert pngs and [r["figure"] for r in rows] == pngs
    readme = (FIGURES_DIR / "README.md").read_text(encoding="utf-8")
    assert readme == index_markdown(rows), "reports/figures/README.md is stale: run python -m helpers.present.figindex"
    for r in rows:
        assert r["title"], f"{r['figure']}: no title in the PNG (save_figure(title=...))"
        assert r["tables"], f"{r['figure']}: no data table named (save_figure(tables=...))"
        for t in r["tables"]:
            assert (REPORTS_DIR / "tables" / f"{t}.csv").is_file(), f"{r['figure']}: {t}.csv missing"
        assert (NOTEBOOKS_DIR / r["notebook"]).is_file()
        assert r["notebook"][:2] == r["figure"][:2]
        svg = (FIGURES_DIR / r["svg"]).read_text(encoding="utf-8")
        assert "<text" in svg and "IPAexGothic" in svg  # editable text, font named
        assert "出典" in svg  # the source line is on the figure


def test_figures_use_the_palette_and_plain_titles():
    """Issue 9 §4: the palette only (no stray blue), no nested brackets in titles, a width per layout."""
    import re

    from PIL import Image

    from helpers.present.style import PALETTE, WIDTHS

    allowed = {c.lower() for c in PALETTE} | {"#ffffff", "#dddddd"}  # + background and grid
    for svg in sorted(FIGURES_DIR.glob("[0-9][0-9]_*.svg")):
        text = svg.read_text(encoding="utf-8")
        used = {c.lower() for c in re.findall(r'(?:fill|stroke)(?:=|:\s*)"?(#[0-9a-fA-F]{6})', text)}
        assert used <= allowed, f"{svg.name}: colours outside the palette {sorted(used - allowed)}"
    for r in figure_rows():
        depth = deepest = 0
        for ch in r["title"]:
            depth += ch in "（(「"
            depth -= ch in "）)」"
            deepest = max(deepest, depth)
        assert deepest <= 1, f"{r['figure']}: nested brackets in the title {r['title']!r}"
        with Image.open(FIGURES_DIR / r["figure"]) as im:
            width_in = im.size[0] / im.info["dpi"][0]
        # saved at the layout's fixed size, never cropped (tests/test_figure_sizes.py checks both sizes exactly)
        assert min(abs(width_in - w) for w in WIDTHS.values()) < 0.01, (r["figure"], width_in)



def test_the_index_is_written_by_the_one_writer_never_through_a_symlink(tmp_path):
    """Issue 17: write_text followed a symlink at reports/figures/README.md; the writer refuses it."""
    import pytest

    from helpers.outputs import OutputError
    from helpers.present.figindex import write_index

    victim = tmp_path / "victim.md"
    victim.write_text("theirs", encoding="utf-8")
    figures = tmp_path / "figures"
    figures.mkdir()
    (figures / "README.md").symlink_to(victim)
    with pytest.raises(OutputError, match="is a symlink"):
        write_index(figures)
    assert victim.read_text(encoding="utf-8") == "theirs"
    (figures / "README.md").unlink()
    path = write_index(figures)
    assert path.read_text(encoding="utf-8").startswith("# 図の一覧")
    assert "README.md" in (figures / "helpers-manifest.json").read_text(encoding="utf-8")


def test_titles_are_literal_markdown():
    from helpers.present.figindex import index_markdown

    row = {"figure": "01_x.png", "svg": "01_x.svg", "title": "[L](https://evil.example) **b** `c` <i>",
           "notebook": "01_a.ipynb", "tables": []}
    line = index_markdown([row]).splitlines()[-1]
    assert "\\[L\\]\\(https\\:\\/\\/evil\\.example\\) \\*\\*b\\*\\* \\`c\\` \\<i\\>" in line
