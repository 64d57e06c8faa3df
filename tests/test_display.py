"""helpers.present.display: notebook tables and sentences as a reader sees them, report text never as markup.

The crafted strings are SYNTHETIC (issue 17 §2): what a report could print in an initiative name or a
comment. The end-to-end check through `make report` is tests/test_crafted_report.py.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from helpers.present.display import IGNORE_MATH, Markdown, sentence_html, table_html

CRAFTED = [
    "https://evil.example/init",
    "[L](http://evil.example/i)",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "**太字**",
    "__下線__ と _斜体_",
    "`コード`",
    "$\\href{http://evil.example}{x}$",
    "\\(x^2\\)",
    "www.evil.example",
    "mail@evil.example",
    "# 見出し",
    "&amp; &lt;",
]


def _rendered(html: str) -> str:
    """What a browser shows of ``html`` (entities decoded, tags removed)."""
    import html as h

    return h.unescape(re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize("crafted", CRAFTED)
def test_report_text_in_a_sentence_is_shown_literally(crafted):
    for out in (sentence_html(f"取り組み「{crafted}」は 3件"), sentence_html("取り組み「{x}」は **3件**", {"x": crafted})):
        assert "<a" not in out and "<img" not in out and "<script" not in out and "<em" not in out and "<h1" not in out
        assert crafted in _rendered(out)  # every character shown as printed
    templated = sentence_html("取り組み「{x}」は **3件**", {"x": crafted})
    assert templated.count("<strong>") == 1 and "<strong>3件</strong>" in templated  # the template's bold only
    assert "<code>" not in templated


def test_a_value_cannot_close_or_open_the_templates_markup():
    out = sentence_html("**{a}** と `{b}`", {"a": "x** <b>y</b> **z", "b": "`"})
    assert out == "<p><strong>x** &lt;b&gt;y&lt;/b&gt; **z</strong> と <code>`</code></p>"


def test_lines_and_list_items_come_from_the_template_only():
    assert sentence_html("- a {x}\n- b", {"x": "1"}) == "<ul><li>a 1</li><li>b</li></ul>"
    assert sentence_html("- a\n- b") == "<p>- a<br>\n- b</p>"  # no values: all literal, line by line
    assert sentence_html("{x}", {"x": "- 見出しではない\n2行目"}) == "<p>- 見出しではない\n2行目</p>"


def test_sentences_and_tables_are_marked_for_mathjax_to_skip():
    assert IGNORE_MATH in Markdown("$x$")._repr_html_()
    df = pd.DataFrame({"initiative": ["$\\href{http://evil.example}{x}$ **b**"]})
    out = table_html(df)
    assert f'class="dataframe {IGNORE_MATH}"' in out and "<strong>" not in out and "<a" not in out


def test_every_notebook_renders_sentences_with_the_escaping_markdown():
    from helpers.config import NOTEBOOKS_DIR

    for nb in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")):
        code = "".join("".join(c["source"]) for c in json.loads(nb.read_text(encoding="utf-8"))["cells"]
                       if c["cell_type"] == "code")
        if "Markdown(" in code:
            assert "from helpers.present.display import Markdown" in code, nb.name
            assert "from IPython.display import Markdown" not in code, nb.name
        assert "to_csv(" not in code and "write_text(" not in code and "write_bytes(" not in code, nb.name  # one writer
