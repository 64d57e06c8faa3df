"""Unit tests of helpers.read.extract: one test per layout quirk, on real snippets of the report.

Line ranges refer to data/raw/niigata-minami_chiiki-fukushi-keikaku_hyoka_2021.txt
(``cat -n``).  Expected values are read off the report text quoted in each test.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.read.extract import (
    MAX_PREAMBLE_LINES,
    ReportError,
    decode_report,
    extract_report,
    is_blank,
    parse_period_header,
    split_departments,
)

from .conftest import two_tiers

HEADER_1 = (1, 5)  # " 目標 … 2020年度（実績） 2021年度計画" / "2021年度実績" / "（見込み）" / "" / "評価 …"
LEGEND_FOOTER_1 = (204, 208)  # legend + 基本目標 安心して産み子育てできるまち / 分野別計画 子ども・子育て支援
LEGEND_FOOTER_2 = (519, 523)  # legend + section 2 footers


def cell(row, name: str, sep: str = "") -> str:
    return sep.join(f.text for f in row.cells[name])


def test_wrapped_cells_are_joined_and_keep_their_lines(snippet):
    # lines 42-83: 子育て中の保護者同士の交流促進、ネット / ワークづくり …
    ex = extract_report(snippet(HEADER_1, (6, 7), (42, 83), (84, 84), LEGEND_FOOTER_1))
    [row] = ex.rows
    assert cell(row, "initiative") == "子育て中の保護者同士の交流促進、ネットワークづくり"
    assert [f.text for f in row.cells["initiative"]] == ["子育て中の保護者同士の交流促進、ネット", "ワークづくり"]
    assert cell(row, "summary") == "子育て支援リーダーによる子育て広場や、子育て支援プログラムを開催し、保護者同士が交流できる場を提供する。"
    # a number wraps away from its unit: 延べ354 / 人
    assert cell(row, "prior", "\n").startswith("子育て広場　33回　延べ354\n人\nBP(親子の絆づくり)  3回\n19人")
    # full-width grade Ｃ (line 71) is kept as printed here; tidy normalises it
    assert cell(row, "grade") == "Ｃ"
    assert cell(row, "comment").endswith("BP2を新たに実施。")
    assert ex.unplaced == []


def test_several_cells_on_one_line(snippet):
    # line 394: "社会福祉協議会 1地区で実施 6地区で実施 7地区で実施 A"
    ex = extract_report(snippet((333, 337), (383, 413), LEGEND_FOOTER_2))
    first, second = ex.rows
    assert cell(first, "initiative") == "民生委員・児童委員、地区社会福祉協議会や地域コミュニティ協議会及びその他の団体との連携強化"
    assert [cell(first, k) for k in ("department", "prior", "plan", "result", "grade")] == [
        "社会福祉協議会", "1地区で実施", "6地区で実施", "7地区で実施", "A"]
    # line 407: full-width spaces stay inside a cell: "講座　９回"
    assert [cell(second, k) for k in ("prior", "plan", "result")] == ["講座　９回", "講座　10回", "15回実施"]
    assert cell(second, "initiative") == "障がいの理解のための講座、研修会の開催"
    assert ex.unplaced == []


def test_grade_shares_a_line_with_the_comment(snippet):
    # line 356: "C コロナ禍により各1回の開催。"
    ex = extract_report(snippet((333, 357), LEGEND_FOOTER_2))
    [row] = ex.rows
    assert cell(row, "grade") == "C"
    assert cell(row, "comment") == "コロナ禍により各1回の開催。"
    assert cell(row, "result", "\n") == "エリア担当者会議　1回\n相談支援事業所連絡会　１回"


def test_unit_grade_and_comment_on_one_line(snippet):
    # line 202: "人 B コロナ禍による施設休館により中止８回" — end of result, grade, comment
    ex = extract_report(snippet(HEADER_1, (6, 7), (189, 212)))
    [row] = ex.rows
    assert cell(row, "result", "\n") == "子育て広場　38回 延べ397\n人"
    assert cell(row, "grade") == "B"
    assert cell(row, "comment") == "コロナ禍による施設休館により中止８回"


def test_footers_printed_before_the_body_name_the_section(snippet):
    # page 5 (lines 795-915) prints its legend and footers (801-805) before its rows;
    # its objective heading (３) is printed at the end of page 4 (line 788)
    ex = extract_report(snippet((795, 805), (788, 788), (806, 915)))
    assert len(ex.rows) == 4
    assert {r.section_key for r in ex.rows} == {("高齢者も安心して暮らせるまち", "高齢者介護者支援・健康寿命の延伸")}
    assert {(r.objective_no, r.objective) for r in ex.rows} == {(3, "健康寿命の延伸")}


def test_row_before_any_objective_is_an_error(snippet):
    # page 2 alone: its first row (229) inherits objective (2) from page 1 in the full report
    with pytest.raises(ReportError, match="objective heading"):
        extract_report(snippet((213, 278)))


def test_period_headers_differ_between_sections(snippet):
    # line 916: one-line header with 2020年度（見込み） … 2021年度実績
    ex = extract_report(snippet((916, 935), (1073, 1077)))
    [row] = ex.rows
    prior, plan, result = row.periods
    assert (prior.year, prior.status, prior.label) == (2020, "estimate", "2020年度（見込み）")
    assert (plan.year, plan.status) == (2021, "plan")
    assert (result.year, result.status, result.label) == (2021, "actual", "2021年度実績")
    # line 927 "社会福祉協議会 相談随時": department + prior on one line; 928-929 are the plan
    assert cell(row, "prior") == "相談随時"
    assert cell(row, "plan", "\n") == "相談随時\n情報誌掲載　1回"
    assert cell(row, "result", "\n") == "相談随時\n情報誌掲載　1回"


def test_parse_period_header_rejects_a_header_without_three_periods():
    with pytest.raises(ReportError, match="expected 3"):
        parse_period_header("目標 具体的な取り組み・事業 概要 担当部署 2021年度計画 評価 コメント・課題等 備考")


def test_vertically_merged_initiative_printed_at_page_end(snippet):
    # page 5 (795-915): rows 807, 830, 854 print no initiative; line 915 holds it once
    ex = extract_report(snippet((795, 805), (788, 788), (806, 915), (916, 935), (1073, 1077)))
    rows = ex.rows[:4]
    assert [r.initiative_merged for r in rows] == [True, True, True, False]
    assert {cell(r, "initiative") for r in rows[:3]} == {"健康寿命延伸に向けた取り組みの実施"}
    assert cell(rows[0], "summary") == "特定健診とがん検診が一緒に受けられるミニドック型集団健診を実施する。"
    assert cell(rows[3], "initiative") == "地区保健会活動の推進"
    assert cell(rows[3], "remarks") == ""
    assert ex.unplaced == []


def test_trailing_block_on_a_page_without_merged_rows_is_remarks(snippet):
    # lines 1287-1299: the last row; 1298-1299 "警報以上の発令月" / "4～６，8～10，1～3"
    ex = extract_report(snippet((1110, 1116), (1254, 1299)))
    last = ex.rows[-1]
    assert cell(last, "initiative") == "自主防災訓練を通しての要支援者支援訓練の実施"
    assert cell(last, "comment").startswith("全23組織中、実施は9組織。")
    assert cell(last, "remarks", "\n") == "警報以上の発令月\n4～６，8～10，1～3"
    assert [cell(last, k) for k in ("prior", "plan", "result", "grade")] == [
        "実施率　2割強", "実施率　７割以上", "実施率　4割弱", "C"]


def test_initiative_and_summary_on_one_line(snippet):
    # line 643: "介護者の支援 圏域ごとに介護教室を開催する。 健康福祉課 介護教室は中止"
    ex = extract_report(snippet((544, 550), (643, 650), (790, 794)))
    [row] = ex.rows
    assert [cell(row, k) for k in ("initiative", "summary", "department", "prior")] == [
        "介護者の支援", "圏域ごとに介護教室を開催する。", "健康福祉課", "介護教室は中止"]
    assert cell(row, "plan") == "区内3圏域での介護教室の開催"
    assert [cell(row, "result"), cell(row, "grade")] == ["介護教室は中止", "D"]


def test_two_period_cells_printed_without_blank_are_split(snippet):
    # lines 490-497: prior, then "随時" (plan) glued to the result "新規相談件数　60件 …"
    ex = extract_report(snippet((333, 340), (484, 505), LEGEND_FOOTER_2))
    [row] = ex.rows
    assert cell(row, "plan") == "随時"
    assert cell(row, "result", "\n") == "新規相談件数　60件\n他機関へ紹介・各事業\n活用　60％"
    assert any("split before line" in n for n in row.layout_notes)


def test_cell_interrupted_by_a_blank_line(snippet):
    # lines 1242-1246: "個別ケース検討会議　10回" / "ひとり親世帯及び生活困窮者" / "" / "世帯への食料支援　6回" / "A"
    ex = extract_report(snippet((1110, 1116), (1182, 1183), (1225, 1253)))
    [row] = ex.rows
    assert cell(row, "result") == "個別ケース検討会議　10回ひとり親世帯及び生活困窮者世帯への食料支援　6回"
    assert cell(row, "grade") == "A"


def test_department_cell_variants():
    assert split_departments(["社会福祉協議", "会"]) == ["社会福祉協議会"]  # lines 263-264
    assert split_departments(["健康福祉課", "地域包括支援センター", "NPO法人"]) == [
        "健康福祉課", "地域包括支援センター", "NPO法人"]  # lines 736-738


def test_department_glued_to_the_prior_cell(snippet):
    # lines 115-117: "健康福祉課" / "母子ケース検討会　12回" / "要支援者への全数連絡" (no blank line)
    ex = extract_report(snippet(HEADER_1, (6, 8), (110, 126), LEGEND_FOOTER_1))
    [row] = ex.rows
    assert cell(row, "department") == "健康福祉課"
    assert cell(row, "prior", "\n") == "母子ケース検討会　12回\n要支援者への全数連絡"


def test_comment_glued_to_grade_is_not_the_next_initiative(snippet):
    # lines 185-189: "A" / "コロナ禍により、活動報告会を例年の１月末から" / "3月末に延期" / "" / next row
    ex = extract_report(snippet(HEADER_1, (6, 7), (168, 203), LEGEND_FOOTER_1))
    first, second = ex.rows
    assert cell(first, "comment") == "コロナ禍により、活動報告会を例年の１月末から3月末に延期"
    assert cell(second, "initiative") == "子育て中の親子の居場所の確保"


def test_a_title_above_the_table_is_preamble(snippet):
    """A published report prints its title over the table: recorded as preamble, the rows unchanged."""
    # lines 333-357 + 519-523: section 2's header, its first row (No.12), the legend and footers
    plain = extract_report(snippet((333, 357), LEGEND_FOOTER_2))
    title = "令和3年度 南区地域福祉計画 進捗状況評価\n\n令和4年3月\n"  # synthetic title lines (not in the report)
    ex = extract_report(title + snippet((333, 357), LEGEND_FOOTER_2))
    assert ex.unplaced == [] and {no: k for no, k in ex.boilerplate.items() if no <= 3} == {1: "preamble", 3: "preamble"}
    assert [{k: [f.text for f in v] for k, v in r.cells.items()} for r in ex.rows] == [
        {k: [f.text for f in v] for k, v in r.cells.items()} for r in plain.rows]
    assert len(ex.rows) == 1 and ex.rows[0].cells["grade"][0].text == "C"  # L356: No.12 基幹相談支援センターの充実, graded C


def test_more_lines_before_the_table_than_a_title_are_unplaced(snippet):
    """Eleven lines before the header (a cover page, an introduction): not swallowed as a title."""
    ex = extract_report("".join(f"まえがき{k}\n" for k in range(MAX_PREAMBLE_LINES + 1)) + snippet((333, 357), LEGEND_FOOTER_2))
    assert [f.line_no for f in ex.unplaced] == list(range(1, MAX_PREAMBLE_LINES + 2))
    assert "preamble" not in ex.boilerplate.values()


def test_truncated_report_names_the_row_without_grade(snippet):
    # cut after line 1280: the row starting at 1264 has no grade
    text = snippet((1110, 1116), (1254, 1280))
    with pytest.raises(ReportError, match="no grade") as e:
        extract_report(text, path="cut.txt")
    assert e.value.path == "cut.txt"
    assert e.value.line == 1 + (1264 - 1254) + 7  # first line of the trailing region after the last grade


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes([0x82, 0xA0, 0x81]), "cannot decode"),  # あ then a cut-off lead byte: neither UTF-8 nor CP932
    ],
)
def test_decode_rejects_bad_input(data, message):
    with pytest.raises(ReportError, match=message):
        decode_report(data, path="bad.txt")


def test_text_without_table():
    with pytest.raises(ReportError, match="no evaluation table"):
        extract_report("新潟市南区\n地域福祉計画\n", path="memo.txt")


# ---------------------------------------------------------------------------
# issue 16 §2: the faster line classification gives the items the straightforward one gave


def _classify_reference(lines, path, spans):
    """The line classification as it was written before issue 16 (one NFKC per line, a Fragment per
    cell through its constructor, the furniture's blank appended after the branch)."""
    from helpers.read import extract as E

    items, boiler = [], {}
    header_at = {h.first - 1: h for h in spans}
    first_header = min(header_at, default=0)
    preamble = 0 < sum(1 for t in lines[:first_header] if t.strip(" \t")) <= E.MAX_PREAMBLE_LINES
    page, prev_content, i = -1, None, 0
    while i < len(lines):
        no = i + 1
        raw = lines[i].strip(" \t")
        if not raw:
            items.append(E._Blank(no))
            i += 1
            continue
        if i in header_at:
            page += 1
            h = header_at[i]
            for k in h.lines:
                boiler[k] = "header"
            items.append(E._PageBreak(no, page))
            prev_content = None
            i = h.last
            continue
        norm = E._nfkc(raw).strip(" \t")
        if E.LEGEND_MARK in raw:
            boiler[no] = "legend"
        elif norm.startswith(E.FOOTER_GOAL + " ") or norm.startswith(E.FOOTER_PLAN + " "):
            boiler[no] = "footer"
        elif preamble and i < first_header:
            boiler[no] = "preamble"
        elif (m := E._OBJECTIVE_RE.match(norm)) and page >= 0:
            boiler[no] = "objective"
            printed = raw
            parts = [E._nfkc(ch) for ch in printed]  # _printed_span without the per-character cache
            norm_text, origin = [], []
            for k, n in enumerate(parts):
                norm_text.append(n)
                origin += [k] * len(n)
            seg = m.group("title")
            at = "".join(norm_text).find(seg)
            title = seg if at < 0 else printed[origin[at]: origin[at + len(seg) - 1] + 1]
            items.append(E._Heading(no, int(m.group("no")), title))
            prev_content = None
        else:
            parts = E._split_cells_of_line(raw, prev_content)
            for k, t in enumerate(parts):
                items.append(E.Fragment(no, k, t, len(parts)))
            prev_content = parts[-1]
        if boiler.get(no) in ("legend", "footer"):
            items.append(E._Blank(no))
        i += 1
    return items, boiler, list(spans)


def _typed_items(result):
    items, boiler, spans = result
    return [(type(it).__name__, tuple(it)) for it in items], boiler, spans


def _lines_and_spans(text: str):
    from helpers.read.extract import normalise_lines, split_lines
    from helpers.read.layout import find_headers

    lines = normalise_lines(split_lines(text))
    return lines, find_headers(lines)


def test_classify_equals_the_straightforward_classification_on_the_report(raw_path):
    from helpers.read.extract import _classify

    lines, spans = _lines_and_spans(raw_path.read_text(encoding="utf-8"))
    got = _typed_items(_classify(lines, "r.txt", spans))
    assert got == _typed_items(_classify_reference(lines, "r.txt", spans))
    kinds = {k for k, _ in got[0]}
    assert kinds == {"_Blank", "_PageBreak", "_Heading", "Fragment"}  # every branch was taken
    assert set(got[1].values()) == {"header", "legend", "footer", "objective"}


# pieces of report lines and the characters NFKC treats specially: full-width brackets and digits,
# ⑴ (NFKC "(1)"), U+3000, half-width katakana with a voicing mark, a combining dakuten (か + ゙ → が),
# a CJK compatibility ideograph (U+F9A8 → 令), zero-width characters, the furniture's words
_PIECES = ["（１）", "(2)", "⑴", "⒊", "地域の", "支え合い", "健康福祉課", "社会福祉協議会", "。", "事業を実施する。",
           "基本目標", "分野別計画", "〔評価の指標〕", "Ａ", "A", "B", "１２回", "延べ397人", "ｶﾞｲﾄﾞ", "か\u3099",
           "\u0301", "\uf9a8和", "\u200b", "\ufeff", "\u3000", " ", "  ", "\t", "ﾃﾞｰﾀ", "①"]


def _classify_on_crafted_lines(snippet, body):
    # lines 1-5: the column header of page 1, so that objective headings (page >= 0) are read too
    from helpers.read.extract import _classify

    header, spans = _lines_and_spans(snippet((1, 5)))
    lines = header + ["" if is_blank(line) else line for line in body]
    assert _typed_items(_classify(lines, "x.txt", spans)) == _typed_items(_classify_reference(lines, "x.txt", spans))


# 25 examples in make test, 100 in make test-e2e (tests/conftest.py two_tiers)
(test_classify_equals_the_straightforward_classification_on_crafted_lines,
 test_classify_equals_the_straightforward_classification_on_crafted_lines_many_examples) = two_tiers(
    _classify_on_crafted_lines,
    st.lists(st.lists(st.sampled_from(_PIECES), max_size=8).map("".join), min_size=1, max_size=40),
    fast=25, full=100, deadline=None)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(), max_size=20))
def test_nfkc_lines_is_nfkc_line_by_line(lines):
    from helpers.read.extract import _nfkc, _nfkc_lines

    assert _nfkc_lines(lines) == [_nfkc(line) for line in lines]


def test_nfkc_lines_removes_zero_width_characters_line_by_line():
    from helpers.read.extract import _nfkc_lines

    assert _nfkc_lines(["健康\u200b福祉課", "（１）", "\ufeffＡ"]) == ["健康福祉課", "(1)", "A"]


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30))
def test_display_width_is_the_sum_of_character_widths(text):
    import unicodedata

    from helpers.read.extract import _display_width

    assert _display_width(text) == sum(2 if unicodedata.east_asian_width(c) in "FW" else 1 for c in text)


def test_lines_handed_over_give_the_same_extraction(raw_path):
    # clean_reports hands extract_report the lines read_report split and checked (issue 16 §2)
    from helpers.read.text import read_report

    rep = read_report(raw_path)
    assert extract_report(rep.text, path=raw_path, lines=rep.lines) == extract_report(rep.text, path=raw_path)


def _find_department_reference(region):
    """_find_department scanning forward and keeping the last match (before issue 16 §2's backward scan)."""
    from helpers.read.extract import Fragment, _Blank, _department_span

    best, prev = None, None
    for idx, it in enumerate(region):
        if isinstance(it, _Blank):
            continue
        if not isinstance(it, Fragment):
            prev = None
            continue
        if prev is not None and prev.text.endswith("。") and _department_span(region, idx):
            best = idx
        prev = it
    return best


def _report_items():
    from helpers.read.extract import _classify, normalise_lines, split_lines
    from helpers.read.layout import find_headers

    from .conftest import RAW

    lines = normalise_lines(split_lines(RAW.read_text(encoding="utf-8")))
    return _classify(lines, str(RAW), find_headers(lines))[0]


def _find_department_on_report_slices(data):
    """Any slice of the report's item stream (lines 1–1,309: rows, page breaks, headings, blank
    lines, comments ending in 。 before the next row's department): the same department index."""
    from helpers.read.extract import _find_department

    if not _ITEMS:  # the report's items, made once for all examples
        _ITEMS.extend(_report_items())
    items = _ITEMS
    start = data.draw(st.integers(0, len(items) - 1))
    end = data.draw(st.integers(start, min(len(items), start + 120)))
    region = items[start:end]
    assert _find_department(region) == _find_department_reference(region)


# 75 examples in make test, 300 in make test-e2e (tests/conftest.py two_tiers)
(test_find_department_backward_scan_agrees_with_the_forward_reference,
 test_find_department_backward_scan_agrees_with_the_forward_reference_many_examples) = two_tiers(
    _find_department_on_report_slices, st.data(), fast=75, full=300, deadline=None)

_ITEMS: list = []
