"""The readers' HTML (issue 9 §5): the Makefile's own recipe gives code-free pages in Japanese with alt text."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def html_recipe_flags() -> list[str]:
    """The nbconvert flags of the Makefile's reports/html/%.html recipe (output folder left out)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    # the recipe ends with $< (and the filter of nbconvert's alt-text notice, tests/test_noise.py)
    recipe = re.search(r"^reports/html/%\.html: notebooks.*\n\t\$\(NBCONVERT\) (.*)\$<(?: \$\(QUIET_ALT_TEXT\))?$",
                       makefile, re.M).group(1)
    return [f for f in shlex.split(recipe) if f not in ("--output-dir", "reports/html")]


def test_html_recipe_is_code_free_japanese_with_alt_text(tmp_path):
    flags = html_recipe_flags()
    assert {"--no-input", "--HTMLExporter.language_code=ja", "classic"} <= set(flags)
    nb = ROOT / "notebooks" / "04_grade_distribution.ipynb"
    subprocess.run([sys.executable, "-m", "nbconvert", *flags, "--output-dir", str(tmp_path), str(nb)],
                   check=True, capture_output=True)
    html = (tmp_path / "04_grade_distribution.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in html
    # the page title: the notebook's heading and the report by its display name (data/clean/reports.csv, sidecar)
    assert "<title>04 評価（A〜D）の分布｜新潟市南区「南区地域福祉計画 進捗状況評価」（2021年度）</title>" in html
    assert "grade_table(" not in html and "import matplotlib" not in html  # no code
    alts = re.findall(r'<img[^>]*\balt="([^"]+)"', html)
    imgs = re.findall(r"<img\b", html)
    assert imgs and len(alts) == len(imgs) and all("件" in a for a in alts)


def test_html_recipe_leaves_out_the_live_widget_cells(tmp_path):
    """Notebook 05's explorer (cells tagged `widget`) needs a kernel: the readers' page leaves both cells out."""
    flags = html_recipe_flags()
    nb = ROOT / "notebooks" / "05_grade_audit.ipynb"
    assert '"widget"' in nb.read_text(encoding="utf-8")  # the notebook does have such cells
    subprocess.run([sys.executable, "-m", "nbconvert", *flags, "--output-dir", str(tmp_path), str(nb)],
                   check=True, capture_output=True)
    html = (tmp_path / "05_grade_audit.html").read_text(encoding="utf-8")
    assert "explorer-widget" not in html and "explorer-md" not in html and "ドロップダウン" not in html
    assert "from helpers.present.explore import explorer" not in html  # no code either
