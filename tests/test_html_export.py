"""The readers' HTML (issue 9 §5, issue 17 §2): code-free pages in Japanese with alt text, no MathJax."""

from __future__ import annotations

import re
from html import parser as html_parser
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


# --- the notebook's Markdown markup never reaches readers as characters (issue 17b) -----------------

#: elements whose text a reader does not see as page text: styles, scripts, code cells (the readers'
#: pages leave code out, nbconvert's --no-input; a page made with input would keep it in these)
_HIDDEN_TAGS = {"style", "script", "template", "noscript"}
_CODE_CELL = re.compile(r"\b(?:input_area|input|jp-InputArea|jp-Editor|jp-InputPrompt|prompt)\b")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_BLOCK = {"p", "li", "td", "th", "div", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "figcaption", "caption"}


class _PageText(html_parser.HTMLParser):
    """A page as readers see it: every text run (alt texts included) and the lines of each <p>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden)
        self.texts: list[str] = []
        self.paragraphs: list[list[str]] = []  # each <p> as its lines (<br> and newlines split)
        self._para: list[str] | None = None

    @property
    def hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "br":
            if self._para is not None and not self.hidden:
                self._para.append("\n")
            return
        if tag == "img" and not self.hidden and attrs.get("alt"):
            self.texts.append(attrs["alt"])
        if tag in _VOID:
            return
        hidden = self.hidden or tag in _HIDDEN_TAGS or bool(_CODE_CELL.search(attrs.get("class") or ""))
        self.stack.append((tag, hidden))
        if tag == "p" and not hidden:
            self._para = []

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        while self.stack:  # close up to the matching tag (tolerates an unclosed inner element)
            open_tag, hidden = self.stack.pop()
            if open_tag == "p" and self._para is not None and not hidden:
                self.paragraphs.append("".join(self._para).split("\n"))
                self._para = None
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.hidden:
            return
        self.texts.append(data)
        if self._para is not None:
            self._para.append(data)


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _report_texts() -> list[str]:
    """What the inputs print (each report and its sidecar), whitespace removed: data, not markup."""
    from helpers.config import RAW_DATA_DIR

    return [_squeezed(p.read_text(encoding="utf-8", errors="replace"))
            for p in sorted(RAW_DATA_DIR.glob("*")) if p.suffix in (".txt", ".json")]


def markup_leaks(page: str, report_texts: list[str]) -> list[str]:
    """Markdown markup of the notebook shown literally on ``page``: ``**``, a backtick, a ``- `` line in a <p>.

    Report text that itself holds ``**`` or a backtick is data and must show as printed
    (tests/test_crafted_report.py), so a hit whose surrounding token is printed in one of the
    ``report_texts`` (whitespace ignored: a cell's text may span lines) is not a leak. The token is
    the ``**…**`` or ```…``` span on its line (else the marker with up to 8 characters either side);
    for a ``- `` line, ``-`` and the next 8 characters.
    """
    parser = _PageText()
    parser.feed(page)
    parser.close()

    def printed(token: str) -> bool:
        token = _squeezed(token)
        return any(token in text for text in report_texts)

    found = []
    for text in parser.texts:
        for line in text.split("\n"):
            for marker, pair in (("**", r"\*\*[^\n]{0,80}?\*\*"), ("`", r"`[^`\n]{0,80}`")):
                covered: list[tuple[int, int]] = []
                for m in re.finditer(pair, line):
                    covered.append(m.span())
                    if not printed(m.group(0)):
                        found.append(m.group(0))
                for m in re.finditer(re.escape(marker), line):
                    if any(a <= m.start() < b for a, b in covered):
                        continue
                    token = line[max(0, m.start() - 8):m.end() + 8]
                    if not printed(token):
                        found.append(token.strip())
    for lines in parser.paragraphs:
        for line in lines:
            line = line.lstrip(" \t")
            if line.startswith("- ") and not printed(line[:10]):
                found.append(line[:10])
    return found


def test_no_page_shows_markdown_markup_literally():
    """Every page under reports/html: no ``**``, backtick or ``- `` line in a paragraph reaches readers.

    Notebook sentences keep their markup only in the template form (``Markdown("…**{x}**…", x=v)``,
    ``Template``); an f-string sentence shows every character, so a notebook that writes
    ``Markdown(f"**{x}**")`` puts ``**`` on the page. The committed report prints no ``**``, no
    backtick and no line starting with ``- `` (asserted below on data/raw), so on the committed pages
    the check is simply "none at all"; the data exemption of :func:`markup_leaks` matters only for a
    report that prints such characters itself, which must stay literal.
    """
    pages = sorted((ROOT / "reports" / "html").glob("*.html"))
    assert len(pages) >= 6  # one page per notebook 01-06
    texts = _report_texts()
    leaks = {p.name: markup_leaks(p.read_text(encoding="utf-8"), texts) for p in pages}
    assert {k: v for k, v in leaks.items() if v} == {}


def test_the_committed_report_prints_no_markdown_markup():
    """Why the page check above is exact for the committed report: no line of it (lines 1-1300 of
    data/raw/niigata-minami_chiiki-fukushi-keikaku_hyoka_2021.txt) holds ``**`` or a backtick or starts with ``- ``."""
    raw = (ROOT / "data" / "raw" / "niigata-minami_chiiki-fukushi-keikaku_hyoka_2021.txt").read_text(encoding="utf-8")
    assert "**" not in raw and "`" not in raw
    assert not any(line.lstrip(" \t\u3000").startswith("- ") for line in raw.split("\n"))


def test_the_markup_check_catches_a_crafted_page():
    """A SYNTHETIC page: leaked notebook markup is caught; report text holding ** or backticks is not."""
    report = _squeezed("No.3 **太字MARK** の講座\n`コード`を含む名前\n- 見出しではない行")  # SYNTHETIC report text
    page = ("<html><head><style>b::after{content:'**`'}</style><script>let s = `**x**`;</script></head><body>"
            '<div class="input_area"><pre>f(**kwargs)  # `code`</pre></div>'
            '<div class="report-text"><p>- No.6 取り組み: 凡例では **B**、報告書は <strong>A</strong>。<br>\n'
            "- 次の行<br>\n<code>source_lines.csv</code> と `source_lines.csv`</p>"
            "<ul><li>一覧の項目</li></ul></div>"
            "<table><tr><td>No.3 **太字MARK** の講座</td><td>`コード`を含む名前</td></tr></table>"
            "<p>前の行<br>\n- 見出しではない行</p>"
            '<p>ひとつだけ ** 残った</p><img alt="図: `x`">'
            "</body></html>")
    assert markup_leaks(page, [report]) == ["**B**", "`source_lines.csv`", "ひとつだけ ** 残った", "`x`", "- No.6 取り組", "- 次の行"]
    # the same page without the crafted data: the report's own ** and backticks would be flagged too
    assert "**太字MARK**" in markup_leaks(page, []) and "`コード`" in markup_leaks(page, [])
