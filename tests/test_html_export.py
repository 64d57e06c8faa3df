"""The readers' HTML (issue 9 §5, issue 17 §2): code-free pages in Japanese with alt text, no MathJax."""

from __future__ import annotations

import re
from pathlib import Path

from helpers.present import export

ROOT = Path(__file__).resolve().parents[1]


def test_make_report_builds_each_page_with_the_exporter():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    rule = makefile.split("reports/html/%.html: notebooks/%.ipynb", 1)[1].split("\n\n", 1)[0]
    assert "-m helpers.present.export $(call shq,$<) --out reports/html" in rule


def test_page_is_code_free_japanese_with_alt_text_and_no_mathjax():
    html = export.html_page(ROOT / "notebooks" / "04_grade_distribution.ipynb").decode("utf-8")
    assert '<html lang="ja">' in html
    # the page title: the notebook's heading and the report by its display name (data/clean/reports.csv, sidecar)
    assert "<title>04 評価（A〜D）の分布｜新潟市南区「南区地域福祉計画 進捗状況評価」（2021年度）</title>" in html
    assert "grade_table(" not in html and "import matplotlib" not in html  # no code
    alts = re.findall(r'<img[^>]*\balt="([^"]+)"', html)
    imgs = re.findall(r"<img\b", html)
    assert imgs and len(alts) == len(imgs) and all("件" in a for a in alts)
    scripts = " ".join(re.findall(r"<script\b[^>]*>", html, re.I)) + " ".join(re.findall(r"(?s)<script\b.*?</script>", html))
    assert "mathjax" not in scripts.lower() and "tex2jax:" not in html  # no script that typesets "$…$"


def test_page_leaves_out_the_live_widget_cells():
    """Notebook 05's explorer (cells tagged `widget`) needs a kernel: the readers' page leaves both cells out."""
    nb = ROOT / "notebooks" / "05_grade_audit.ipynb"
    assert '"widget"' in nb.read_text(encoding="utf-8")  # the notebook does have such cells
    html = export.html_page(nb).decode("utf-8")
    assert "explorer-widget" not in html and "explorer-md" not in html and "ドロップダウン" not in html
    assert "from helpers.present.explore import explorer" not in html  # no code either


def test_only_nbconverts_alt_text_notice_is_dropped():
    import logging

    f = export._QuietAltText()
    rec = lambda msg: logging.LogRecord("x", logging.WARNING, __file__, 1, msg, (), None)  # noqa: E731
    assert not f.filter(rec("Alternative text is missing on 2 image(s)."))
    assert f.filter(rec("Some other warning")) and f.filter(rec("Notebook JSON is invalid: Alternative text is missing"))
