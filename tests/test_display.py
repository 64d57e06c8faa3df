"""helpers.present.display: notebook tables and sentences as a reader sees them, report text never as markup."""

from __future__ import annotations


def test_sentences_with_report_text_never_become_html_in_the_export():
    """A crafted initiative name in a rendered sentence stays text in nbconvert's HTML (SYNTHETIC text)."""
    import json

    from nbconvert.filters.markdown import markdown2html

    from helpers.config import NOTEBOOKS_DIR
    from helpers.present.display import Markdown

    crafted = "子育て広場<img src=x onerror=alert(1)>[x](javascript:alert(2))"
    rendered = markdown2html(Markdown(f"**{crafted}** は 3件")._repr_markdown_())
    assert "<img" not in rendered and "<a " not in rendered  # no tag, no link
    assert "&lt;img" in rendered and "<strong>" in rendered  # the words are shown, the template's bold kept
    # every notebook renders its sentences with the escaping Markdown, never IPython's directly
    for nb in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")):
        code = "".join("".join(c["source"]) for c in json.loads(nb.read_text(encoding="utf-8"))["cells"]
                       if c["cell_type"] == "code")
        if "Markdown(" in code:
            assert "from helpers.present.display import Markdown" in code, nb.name
            assert "from IPython.display import Markdown" not in code, nb.name
