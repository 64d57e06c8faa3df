"""reports/figures/README.md lists every figure with its notebook and tables (issue 9 §4)."""

from __future__ import annotations

from helpers.config import FIGURES_DIR, NOTEBOOKS_DIR, REPORTS_DIR
from helpers.figindex import figure_rows, index_markdown


def test_index_is_complete_and_current():
    rows = figure_rows()
    pngs = sorted(p.name for p in FIGURES_DIR.glob("[0-9][0-9]_*.png"))
    assert pngs and [r["figure"] for r in rows] == pngs
    readme = (FIGURES_DIR / "README.md").read_text(encoding="utf-8")
    assert readme == index_markdown(rows), "reports/figures/README.md is stale: run python -m helpers.figindex"
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
