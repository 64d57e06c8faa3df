"""Issue 15 §5: what a reader sees is Japanese — no schema code word, TRUE/FALSE or bare fraction.

Walks every HTML page under ``reports/html``, every sheet of ``reports/minami_welfare_eval.xlsx`` and
the text of every SVG under ``reports/figures`` (the committed outputs of ``make report``). The code
words are collected from the code and the data, not from a hand list:

- every column name of the clean tables (:data:`helpers.read.schema.SCHEMA`) and of the summary
  tables (the headers of ``reports/tables/*.csv``);
- every code of the label table (:data:`helpers.present.labels.CODE_LABELS`) and of the event
  vocabulary (:data:`helpers.analyse.events.EVENT_KINDS`);
- every value of a coded column: a column of the clean or summary CSVs whose values are all ASCII
  snake_case words (or lists of them joined with ・) — ``actual``, ``own_evidence``, ``not_held``…

File names and paths (``initiatives.csv``, ``data/clean/``) are names of files, not codes, and are
left out; a ``code`` span of a page is checked as a whole (a command such as ``make report`` is not a
column name, but a span holding just ``kind`` is). The data dictionary sheet explains the ASCII
column names and codes of the CSVs: its 列名, 単位 (``unit 列``: the unit is in the CSV's ``unit``
column) and 説明 columns are the one place they are shown.
"""

from __future__ import annotations

import csv
import html.parser
import re
from functools import lru_cache
from pathlib import Path

import openpyxl
import pytest

from helpers.config import CLEAN_DATA_DIR, FIGURES_DIR, REPORTS_DIR

ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = REPORTS_DIR / "minami_welfare_eval.xlsx"

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CODE_VALUE = re.compile(r"[a-z][a-z0-9_]*")
_FILE = re.compile(r"[\w./-]*\.(?:csv|json|txt|ipynb|md|py|xlsx|html|png|svg)\b|(?:[\w.-]+/)+[\w.-]*")
_BOOLEAN = {"True", "False", "TRUE", "FALSE", "true", "false"}
_NUMBER_TEXT = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def _csv_columns(path: Path) -> dict[str, list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        return {}
    head, body = rows[0], rows[1:]
    return {h: [r[i] for r in body if i < len(r)] for i, h in enumerate(head)}


@lru_cache(maxsize=None)
def vocabulary() -> frozenset[str]:
    """The code words of the schema's and the notebooks' vocabularies (see the module docstring)."""
    from helpers.analyse.events import EVENT_KINDS
    from helpers.present.labels import CODE_LABELS
    from helpers.read.schema import SCHEMA

    words = {c.name for cols in SCHEMA.values() for c in cols}
    words |= {code for codes in CODE_LABELS.values() for code in codes}
    words |= set(EVENT_KINDS)
    for path in sorted(CLEAN_DATA_DIR.glob("*.csv")) + sorted((REPORTS_DIR / "tables").glob("*.csv")):
        if path.name == "data_dictionary.csv":
            continue
        for name, values in _csv_columns(path).items():
            words.add(name)
            parts = [p for v in values if v for p in v.split("・")]
            if parts and all(_CODE_VALUE.fullmatch(p) for p in parts):
                words |= set(parts)
    return frozenset(w for w in words if _CODE_VALUE.fullmatch(w) and len(w) > 1)


def leaks_in_text(text: str, vocab: frozenset[str] | None = None) -> list[str]:
    """Code words and booleans in a reader's text (file names and paths left out)."""
    vocab = vocabulary() if vocab is None else vocab
    return [w for w in _WORD.findall(_FILE.sub(" ", text)) if w in vocab or w in _BOOLEAN]


def leaks_in_code_span(text: str, vocab: frozenset[str] | None = None) -> list[str]:
    """A ``code`` span that is nothing but code words (``kind``, ``cancelled・closed``) is a leak."""
    vocab = vocabulary() if vocab is None else vocab
    parts = [p for p in re.split(r"[・、,\s]+", text.strip()) if p]
    return [text] if parts and all(p in vocab or p in _BOOLEAN for p in parts) else []


class _ReaderText(html.parser.HTMLParser):
    """The text a reader sees on a page: body text, the title, alt texts; not styles, scripts or metadata."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.in_title = False
        self.code = 0
        self.texts: list[str] = []
        self.codes: list[str] = []
        self._code_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip += 1
        elif tag == "title":
            self.in_title = True
        elif tag == "code":
            self.code += 1
            self._code_text = []
        for name, value in attrs:
            if name in ("alt", "title", "aria-label") and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip -= 1
        elif tag == "title":
            self.in_title = False
        elif tag == "code" and self.code:
            self.code -= 1
            self.codes.append("".join(self._code_text))

    def handle_data(self, data):
        if self.skip:
            return
        if self.code:
            self._code_text.append(data)
        else:
            self.texts.append(data)


def html_leaks(page: str, vocab: frozenset[str] | None = None) -> list[str]:
    parser = _ReaderText()
    parser.feed(page)
    found = [w for t in parser.texts for w in leaks_in_text(t, vocab)]
    found += [w for t in parser.codes for w in leaks_in_code_span(t, vocab)]
    return found


def workbook_leaks(path: Path, vocab: frozenset[str] | None = None) -> list[str]:
    """Every cell a reader sees: code words, booleans (TRUE/FALSE cells or text), bare fractions, numbers as text."""
    from helpers.read.schema import SCHEMA

    text_codes = {c.name_ja for cols in SCHEMA.values() for c in cols if c.dtype == "string"}  # e.g. 全国地方公共団体コード
    wb = openpyxl.load_workbook(path)
    found: list[str] = []
    for ws in wb.worksheets:
        head = [c.value for c in ws[1]]
        for row in ws.iter_rows():
            for c in row:
                col = head[c.column - 1] if c.column - 1 < len(head) else None
                where = f"{ws.title}!{c.coordinate}"
                if c.value is None:
                    continue
                if c.data_type == "b" or isinstance(c.value, bool):
                    found.append(f"{where}: boolean {c.value}")
                elif isinstance(c.value, float) and not c.value.is_integer() and c.number_format == "General":
                    found.append(f"{where}: fraction {c.value} in General format")
                elif isinstance(c.value, str):
                    if ws.title == "データ辞書" and col in ("列名", "単位", "説明"):
                        continue  # the dictionary explains the CSVs' ASCII names and codes
                    if c.row > 1 and _NUMBER_TEXT.fullmatch(c.value) and col not in text_codes:
                        found.append(f"{where}: number stored as text {c.value!r}")
                    found += [f"{where}: {w}" for w in leaks_in_text(c.value, vocab)]
    return found


def svg_leaks(svg: str, vocab: frozenset[str] | None = None) -> list[str]:
    texts = re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S) + re.findall(r"<title>(.*?)</title>", svg, re.S)
    return [w for t in texts for w in leaks_in_text(re.sub(r"<[^>]+>", "", t), vocab)]


# --- the committed outputs -------------------------------------------------------------------------


def test_the_vocabulary_comes_from_the_code_and_data():
    vocab = vocabulary()
    # a few words every reader has met (read from schema.py, labels.py, events.py and the CSVs)
    assert {"initiative_id", "layout_note", "actual", "estimate", "own_evidence", "not_held", "scheduled_only",
            "cancelled", "printed", "counted", "mixed", "indicator_label", "source_lines"} <= vocab
    assert len(vocab) > 200


def test_every_html_page_is_japanese_for_readers():
    pages = sorted((REPORTS_DIR / "html").glob("*.html"))
    assert pages, "no HTML pages: run make report"
    leaks = {p.name: html_leaks(p.read_text(encoding="utf-8")) for p in pages}
    assert {k: v[:10] for k, v in leaks.items() if v} == {}


def test_every_workbook_sheet_is_japanese_with_numbers_as_numbers():
    assert WORKBOOK.is_file(), "no workbook: run make report"
    leaks = workbook_leaks(WORKBOOK)
    assert leaks[:20] == []


def test_every_figure_is_japanese():
    svgs = sorted(FIGURES_DIR.glob("[0-9][0-9]_*.svg"))
    assert svgs
    leaks = {p.name: svg_leaks(p.read_text(encoding="utf-8")) for p in svgs}
    assert {k: v for k, v in leaks.items() if v} == {}


def test_no_html_page_shows_the_file_stem_where_the_sidecar_names_the_report():
    """Issue 15 §3: pages name the report by its sidecar (新潟市南区「…」（2021年度）), never by file stem."""
    reports = _csv_columns(CLEAN_DATA_DIR / "reports.csv")
    named = [r for r, t in zip(reports["report"], reports["title"]) if t]
    assert named  # the committed report has a sidecar with a title (data/raw/*.meta.json)
    for page in sorted((REPORTS_DIR / "html").glob("*.html")):
        parser = _ReaderText()
        parser.feed(page.read_text(encoding="utf-8"))
        seen = " ".join(parser.texts + parser.codes)
        for stem in named:
            assert stem not in seen, page.name
        assert "新潟市南区「南区地域福祉計画 進捗状況評価」（2021年度）" in seen, page.name


def test_csvs_write_whole_numbers_without_point_zero():
    """Issue 15 §5: 12, not 12.0, in every CSV a reader may open (summary tables and clean tables)."""
    paths = sorted((REPORTS_DIR / "tables").glob("*.csv")) + sorted(CLEAN_DATA_DIR.glob("*.csv"))
    found = [f"{p.name}: {name}={v}" for p in paths for name, values in _csv_columns(p).items()
             for v in values if re.fullmatch(r"-?\d+\.0+", v)]
    assert found[:10] == []


def test_the_csv_writer_drops_point_zero_in_mixed_columns():
    import pandas as pd

    from helpers.outputs import CSV_OPTIONS, csv_bytes

    df = pd.DataFrame({"plan_value": pd.Series([54.0, None, 0.70371], dtype=object), "unit": ["回", "人", "%"]})
    assert csv_bytes(df, **CSV_OPTIONS).decode("utf-8-sig") == "plan_value,unit\n54,回\n,人\n0.7037,%\n"


# --- the checks can fail ---------------------------------------------------------------------------


def test_the_checks_catch_leaks():
    """SYNTHETIC leaks of each kind: the scanners above name every one."""
    vocab = vocabulary()
    page = ("<html><head><title>05 検証</title><style>.label{}</style></head><body>"
            "<p>出来事: cancelled・closed、prior（2020年度・actual）70件</p><td>TRUE</td>"
            "<p>列 <code>kind</code> と <code>make report</code> と <code>initiatives.csv</code></p>"
            '<img alt="not_held の行"></body></html>')
    assert html_leaks(page, vocab) == ["cancelled", "closed", "prior", "actual", "TRUE", "not_held", "kind"]
    svg = '<svg><text x="1">own_evidence の行</text><text>出典：新潟市南区</text></svg>'
    assert svg_leaks(svg, vocab) == ["own_evidence"]


def test_the_workbook_check_catches_leaks(tmp_path):
    """A workbook written without the label table (plain openpyxl, SYNTHETIC values) fails every check."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "集計"
    ws.append(["indicator_label", "割合", "行", "区分"])
    ws.append(["子育て広場", 0.6333, "19", "printed"])
    ws.append(["x", 0.5, "373,377", True])
    path = tmp_path / "leaky.xlsx"
    wb.save(path)
    leaks = workbook_leaks(path)
    assert sorted(leaks) == sorted([
        "集計!A1: indicator_label", "集計!D2: printed", "集計!B2: fraction 0.6333 in General format",
        "集計!C2: number stored as text '19'", "集計!B3: fraction 0.5 in General format",
        "集計!C3: number stored as text '373,377'", "集計!D3: boolean True"])


def test_the_workbook_writer_passes_the_same_checks(tmp_path):
    """The same SYNTHETIC values through the project's writer come out in Japanese, as numbers, in %."""
    import pandas as pd

    from helpers.present.excel import write_workbook

    df = pd.DataFrame({"indicator_label": ["子育て広場", "x"], "share": [0.6333, 0.5],
                       "source_lines": ["19", "373,377"], "counting": ["printed", "counted"],
                       "agrees": [True, False], "what": ["cancelled・closed", "not_held"], "sessions": [12.0, 1.0]})
    path = write_workbook({"集計": df}, tmp_path / "ok.xlsx")
    assert workbook_leaks(path) == []
    ws = openpyxl.load_workbook(path)["集計"]
    assert [c.value for c in ws[1]] == ["指標（表示用）", "割合", "原文の行（テキストの行番号）", "数え方", "評価が一致", "出来事", "回数"]
    assert [c.value for c in ws[2]] == ["子育て広場", 0.6333, 19, "印刷どおり（再掲を含む）", "はい", "中止・休館", 12]
    assert ws["B2"].number_format == "0.0%" and ws["C3"].value == "373、377" and ws["G2"].data_type == "n"
