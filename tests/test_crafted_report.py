"""Issue 15 §1 and issue 17 §2, end to end: a crafted report through the whole ``make report``.

A temporary copy of the project gets, beside the committed report, the SYNTHETIC next-year report
with crafted text in row 1-1-01 (tests/make_synthetic_report.py ``CRAFTED``: formula text at the
start of the initiative name and of the comment, HTML and script, bare URLs, a Markdown link,
``**``, ``_``, backticks, ``$\\href{…}{…}$`` and ``\\(…\\)``). ``make report`` runs once per session
(``crafted_build`` in conftest.py). The tests walk every folder it writes (``data/clean`` and
``reports``, not a list of known files) and scan every CSV, workbook sheet, HTML page, SVG and
Markdown file: no field Excel would run, no formula, no external link, no live tag, link,
emphasis, code span or maths made from report text.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers.outputs import DANGEROUS_FIRST

from .make_synthetic_report import CRAFTED_MARKERS, SYNTHETIC_NEXT

pytestmark = pytest.mark.e2e

OUTPUT_FOLDERS = ("data/clean", "reports")


def outputs(root: Path, suffix: str) -> list[Path]:
    found = []
    for folder in OUTPUT_FOLDERS:
        for dirpath, dirnames, filenames in os.walk(root / folder):
            dirnames[:] = [d for d in dirnames if d != ".executed"]  # make's stamps, not outputs
            found += [Path(dirpath) / f for f in filenames if f.lower().endswith(suffix)]
    return sorted(found)


@pytest.fixture(scope="module")
def built(crafted_build):
    root, r = crafted_build
    assert r.returncode == 0, r.stderr[-3000:]
    assert "Traceback" not in r.stderr
    return root


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def test_the_crafted_report_was_read_and_reaches_the_outputs(built):
    reports = (built / "data" / "clean" / "reports.csv").read_text(encoding="utf-8-sig")
    assert SYNTHETIC_NEXT in reports
    overview = (built / "reports" / "tables" / "initiatives_overview.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(" in overview and "'=1+2コロナ禍により" in overview  # through the one writer: escaped


def test_no_csv_field_excel_would_run(built):
    files = outputs(built, ".csv")
    assert len(files) > 20  # clean tables and every notebook's tables
    crafted_seen = 0
    for path in files:
        text = path.read_bytes().decode("utf-8-sig")
        crafted_seen += "=HYPERLINK(" in text
        for line_no, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            for field in row:
                if field and field[0] in DANGEROUS_FIRST and field[0] != "'" and not _is_number(field):
                    pytest.fail(f"{path.relative_to(built)}:{line_no}: a field Excel would run: {field[:60]!r}")
    assert crafted_seen >= 2  # the crafted name is in several tables, escaped


def test_workbook_has_no_formula_no_external_link_and_keeps_the_text(built):
    import openpyxl

    books = outputs(built, ".xlsx")
    assert books
    for book in books:
        with zipfile.ZipFile(book) as z:
            for name in z.namelist():
                data = z.read(name).decode("utf-8", "replace")
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    assert not re.search(r"<f[ >]", data), f"{book.name}:{name}: a formula"
                if name.endswith(".rels"):
                    assert 'TargetMode="External"' not in data, f"{book.name}:{name}: an external link"
        wb = openpyxl.load_workbook(book)
        texts = []
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{book.name}!{ws.title}!{cell.coordinate}: a formula"
                    if isinstance(cell.value, str):
                        texts.append(cell.value)
                    if cell.hyperlink is not None:
                        assert not cell.hyperlink.target, f"{ws.title}!{cell.coordinate}: an external hyperlink"
        assert any(t.startswith('=HYPERLINK("http://evil.example/init"') for t in texts)  # shown as printed, as text


class _Scan(HTMLParser):
    """Every element with its attributes and the text inside it (nesting tracked)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[list] = []  # [tag, attrs, text parts]
        self.elements: list[tuple[str, dict, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            self.elements.append((tag, dict(attrs), ""))
        else:
            self.stack.append([tag, dict(attrs), []])

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), ""))

    def handle_endtag(self, tag):
        for k in range(len(self.stack) - 1, -1, -1):
            if self.stack[k][0] == tag:
                t, a, parts = self.stack.pop(k)
                text = "".join(parts)
                self.elements.append((t, a, text))
                for outer in self.stack:
                    outer[2].append(text)
                del self.stack[k:]
                return

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][2].append(data)


def test_html_pages_hold_no_live_markup_from_report_text(built):
    pages = outputs(built, ".html")
    assert len(pages) >= 6
    shown_literally = 0
    for page in pages:
        source = page.read_text(encoding="utf-8")
        scan = _Scan()
        scan.feed(source)
        name = page.relative_to(built)
        for tag, attrs, text in scan.elements:
            for key, value in attrs.items():
                assert not key.startswith("on"), f"{name}: <{tag} {key}=…> (an event handler)"
                assert "evil.example" not in (value or "") or key == "alt", f"{name}: <{tag} {key}={value!r}>"
            if tag == "script":
                assert "XSS" not in text and "evil" not in text, f"{name}: a script from report text"
                assert "mathjax" not in (attrs.get("src") or "").lower() and "MathJax" not in text, f"{name}: MathJax"
            if tag in {"a", "strong", "b", "em", "i", "code", "h1", "h2", "h3", "math"}:
                assert not any(m in text for m in CRAFTED_MARKERS), f"{name}: <{tag}> made from report text: {text[:80]!r}"
                assert "evil.example" not in text or tag not in {"a"}, f"{name}: a link from report text"
        visible = html.unescape(re.sub(r"<[^>]+>", "", source))
        shown_literally += "**太字MARK**" in visible and "<script>alert(\"XSS\")</script>" in visible
    assert shown_literally >= 1  # the crafted text is on a page, as the characters it is


def test_svg_figures_and_markdown_files_hold_no_live_markup(built):
    for svg in outputs(built, ".svg"):
        text = svg.read_text(encoding="utf-8")
        assert "<script" not in text and "<a " not in text and not re.search(r"\son\w+=", text), svg.name
    for md in outputs(built, ".md"):
        text = md.read_text(encoding="utf-8")
        assert "evil.example" not in text or not re.search(r"\]\(https?://evil|<https?://evil|(?<!\\)https?://evil", text), md.name
        assert "<script" not in text, md.name
