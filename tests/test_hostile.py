"""Issue 7 §3–§5: every honest dump reads the same; hostile input ends fast in one clear message.

Each variant is built in the test from the committed report (tests/hostile_cases.py) and written
under the committed report's own file name, so the ``report`` column and the ids are the same.
The expected tables are the committed ones (``clean_reports`` of data/raw reproduces
data/clean byte for byte: tests/test_pipeline.py::test_committed_clean_data_is_reproduced).
Line numbers in the expectations were read off the report with ``cat -n`` (see
tests/hostile_cases.py).  No timing is asserted: ``make bench`` prints the times and peak memory.
"""

from __future__ import annotations

import os
import stat

import pandas as pd
import pytest

from helpers import cli
from helpers.read.extract import (MAX_LINE_CHARS, Fragment, ReportError, _department_span, extract_report,
                             normalise_lines, parse_grade_legend)
from helpers.pipeline import clean_reports
from helpers.read.text import DEFAULT_MAX_BYTES, expand_inputs, read_report
from helpers.read.quantities import MAX_AMOUNTS_PER_CELL, CellError, analyse_cell

from . import hostile_cases as H

TABLES = ("initiatives", "departments", "source_lines", "grade_legend", "metrics", "trends")


@pytest.fixture(scope="module")
def committed(raw_path, raw_tables):
    assert H.RAW == raw_path
    return raw_tables


def clean_variant(tmp_path, data: bytes, **kw):
    path = tmp_path / H.RAW.name
    path.write_bytes(data)
    return clean_reports([path], **kw)


def refusal(tmp_path, data: bytes, **kw) -> ReportError:
    with pytest.raises(ReportError) as e:
        clean_variant(tmp_path, data, **kw)
    return e.value


def assert_same_tables(got, expected, skip=()):
    for name in TABLES:
        if name not in skip:
            pd.testing.assert_frame_equal(getattr(got, name), getattr(expected, name), obj=name)


# ------------------------------------------------------------------ §3 honest dumps
def test_committed_report_accounting(committed):
    [acc] = committed.accounting
    assert (acc["lines_read"], acc["unplaced"], acc["rows"]) == (1300, 0, 56)


def test_pdftotext_form_feeds_read_as_page_breaks(tmp_path, committed):
    """A form feed before each page's header and one at the end of the file (what pdftotext writes)."""
    t = clean_variant(tmp_path, H.pdftotext_form_feeds())
    assert_same_tables(t, committed)  # same line numbers: \f adds no line ...
    [acc], [base] = t.accounting, committed.accounting
    # ... except the last, which holds only the final \f: one more line, and it is blank
    assert acc["lines_read"] == base["lines_read"] + 1 and acc["blank"] == base["blank"] + 1
    assert not t.source_lines["text"].str.contains("\f").any()


def test_form_feed_on_the_line_before_each_header(tmp_path, committed):
    t = clean_variant(tmp_path, H.form_feed_before_header())
    assert_same_tables(t, committed)
    assert t.accounting == committed.accounting


@pytest.mark.parametrize("fill", ["\u3000", "\u00a0", " \t ", "\u200b", "\ufeff", "\u3000\u200b \t\u00a0\u2060"],
                         ids=["U+3000", "NBSP", "spaces-tabs", "ZWSP", "BOM", "mixed"])
def test_whitespace_only_lines_are_blank(tmp_path, committed, fill):
    t = clean_variant(tmp_path, H.odd_blanks(fill))
    assert_same_tables(t, committed)
    assert t.accounting == committed.accounting


def test_u3000_line_after_a_comment_does_not_glue_rows(tmp_path, committed):
    """Line 41 (between row 1's comment and row 2's initiative 子育て中の保護者同士の交流促進…) holds U+3000."""
    t = clean_variant(tmp_path, H.blank_after_comment("\u3000"))
    assert_same_tables(t, committed)
    ini = t.initiatives
    assert ini.loc[0, "comment"] == "コロナ禍により、育児相談会を１回中止、電話で相談対応。"
    assert ini.loc[1, "initiative"] == "子育て中の保護者同士の交流促進、ネットワークづくり"


def test_trailing_spaces_and_crlf(tmp_path, committed):
    t = clean_variant(tmp_path, H.trailing_spaces_crlf())
    assert_same_tables(t, committed)
    assert t.accounting == committed.accounting


def _department_changes(t, committed, changed: dict[int, str]):
    """Everything equal but the printed text of the changed department lines."""
    assert_same_tables(t, committed, skip=("departments", "source_lines"))
    dep, base = t.departments, committed.departments
    pd.testing.assert_frame_equal(dep.drop(columns="department"), base.drop(columns="department"))
    src = t.source_lines
    at = src["line_no"].isin(list(changed))
    assert sorted(src.loc[at, "line_no"]) == sorted(changed)  # one fragment each, still a department cell
    assert set(src.loc[at, "field"]) == {"department"}
    assert dict(zip(src.loc[at, "line_no"], src.loc[at, "text"])) == changed  # printed text kept
    pd.testing.assert_frame_equal(src[~at], committed.source_lines[~at])
    # grouped by the key, the department counts are those of the committed report
    assert dep.groupby("department_key").size().to_dict() == base.groupby("department").size().to_dict()


@pytest.mark.parametrize("kind", sorted(H.DEPARTMENT_VARIANTS))
def test_department_with_invisible_character_is_one_department(tmp_path, committed, kind):
    t = clean_variant(tmp_path, H.department_variant(kind))
    _department_changes(t, committed, {13: H.DEPARTMENT_VARIANTS[kind]})
    assert t.departments.loc[0, "department"] == H.DEPARTMENT_VARIANTS[kind]
    assert t.departments.loc[0, "department_key"] == "健康福祉課"


def test_halfwidth_kana_department_is_one_department(tmp_path, committed):
    data, changed = H.halfwidth_kana_department()
    assert len(changed) >= 2
    t = clean_variant(tmp_path, data)
    _department_changes(t, committed, {no: "地域包括支援ｾﾝﾀｰ" for no in changed})
    assert set(t.departments.loc[t.departments["department"] == "地域包括支援ｾﾝﾀｰ", "department_key"]) == {"地域包括支援センター"}


@pytest.mark.parametrize(("kind", "code"), [("form_feed_inside", "U+000C"), ("esc", "U+001B"), ("u2028", "U+2028"),
                                            ("u0085", "U+0085"), ("nul", "U+0000")])
def test_control_character_in_a_cell_is_refused_with_its_line(tmp_path, kind, code):
    """Decision: refused (exit 2), never removed silently nor passed on; line 1284, column 4 (after となっ)."""
    data = H.control_in_cell(kind)
    if kind == "nul":
        assert data.index(b"\x00") > 8192  # past the binary-file sniffing window
    e = refusal(tmp_path, data)
    assert e.line == 1284
    assert f"control character {code} at column 4" in e.message
    assert "となっ" in e.message and "たが、３月" in e.message  # the excerpt ...
    assert not any(ch in e.message for ch in "\f\x1b\u2028\u0085\x00")  # ... escaped


def test_control_character_is_never_echoed_raw(tmp_path, capsys):
    path = tmp_path / "esc.txt"
    path.write_bytes(H.control_in_cell("esc"))
    assert cli.main(["clean", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b[31m" in err and f"{path}:1284:" in err
    assert not (tmp_path / "out").exists()


def test_normalise_lines_keeps_line_numbers():
    assert normalise_lines(["\fa", "\u3000", "b\t", "\f\f"]) == ["a", "", "b\t", ""]


# ------------------------------------------------------------------ §4 hostile input
def test_digit_run_is_refused_by_the_line_cap(tmp_path):
    e = refusal(tmp_path, H.digits_in_period_cell(20_000))
    assert e.line == 17 and f"at most {MAX_LINE_CHARS:,}" in e.message


def test_digit_run_under_the_line_cap_is_refused_as_a_number(tmp_path):
    e = refusal(tmp_path, H.digits_in_period_cell(4_900))
    # the cell's lines are joined: the run goes on into the "1" of line 18 (1歳6か月児健診)
    assert e.line == 17 and "a number of 4,901 digits" in e.message


def test_many_era_dates_on_one_line(tmp_path, committed):
    assert refusal(tmp_path, H.many_era_dates(20_000)).line == 17
    t = clean_variant(tmp_path, H.many_era_dates(1_200))  # 6,000 characters? no: 4 × 1,200 = 4,800, under the cap
    [acc] = t.accounting
    assert acc["unplaced"] == 0 and acc["digits_leftover"] == []
    assert acc["digits_excluded"] >= 1_200  # every "a.1" is an era-style name (R4.1), not an amount
    assert t.initiatives.loc[0, "prior_text"].count("a.1回") == 1_200


def test_spaces_in_a_legend_item(tmp_path, committed):
    assert refusal(tmp_path, H.spaces_in_legend(50_000)).line == 204
    t = clean_variant(tmp_path, H.spaces_in_legend(4_900))
    cols = ["grade", "meaning", "min_achievement_pct"]
    pd.testing.assert_frame_equal(t.grade_legend[cols], committed.grade_legend[cols])


def test_legend_parsing_is_linear_in_a_space_run():
    """Parsed directly (no line cap): 200,000 U+3000 inside an item still give the four grades."""
    text = "〔評価の指標〕　Ａ．" + "\u3000" * 200_000 + "目標を達成（概ね90％以上）　Ｂ．ほぼ達成（概ね75％以上）　Ｃ．一部達成（概ね50％以上）　Ｄ．ほとんど実施せず"
    rows = parse_grade_legend(text)
    assert [(r["grade"], r["meaning"], r["min_achievement_pct"]) for r in rows] == [
        ("A", "目標を達成", 90), ("B", "ほぼ達成", 75), ("C", "一部達成", 50), ("D", "ほとんど実施せず", None)]


def test_department_span_looks_at_a_bounded_number_of_lines(monkeypatch):
    """By construction: however many short lines follow a 。, at most 31 are joined and tested."""
    import helpers.read.extract as ex

    calls = []
    real = ex.is_department_name
    monkeypatch.setattr(ex, "is_department_name", lambda t: calls.append(t) or real(t))
    region = [Fragment(no, 0, "あ") for no in range(1, 150_001)]
    assert _department_span(region, 0) == []
    assert len(calls) <= 31 and max(map(len, calls)) <= 31


@pytest.mark.slow
def test_150000_short_lines_after_a_summary(tmp_path):
    """Row 1's summary (10–11) runs on into 150,000 lines: its department is no longer after a 。,
    so its lines fit no cell.  Outcome: one refusal naming the first of them (the initiative, line 9)
    and their number, instead of a listing of 150,000 lines."""
    e = refusal(tmp_path, H.short_lines_after_summary(150_000))
    assert e.line == 9 and "150,027 lines could not be placed" in e.message  # 150,000 + row 1's 27
    assert "'多様な手法による子育て情報の発信'" in e.message


def test_a_few_unplaced_lines_are_still_listed(tmp_path):
    """Under the cap, unplaced lines are reported one by one (exit 1 in the CLI), as before."""
    t = clean_variant(tmp_path, H.short_lines_after_summary(500))
    [acc] = t.accounting
    # row 1's own lines: 9, 10–11, 13, 15–22, 24–29, 31–36, 38 and its comment 39–40 = 27 lines
    assert acc["rows"] == 55 and acc["unplaced"] == 500 + 27 and acc["missing"] == []


def test_too_many_amounts_in_a_cell(tmp_path):
    e = refusal(tmp_path, H.labelled_amounts(1_000))
    assert "1,004 amounts in one period cell" in e.message and f"at most {MAX_AMOUNTS_PER_CELL}" in e.message
    # the first amount over the cap: cell lines 15 and 17 hold one amount each, the added ones start at 18
    assert e.line == 18 + MAX_AMOUNTS_PER_CELL - 2


def test_amounts_at_the_cap_in_every_period_are_paired(tmp_path, committed):
    t = clean_variant(tmp_path, H.labelled_amounts_each_period(25))
    assert len(t.metrics) == len(committed.metrics) + 75
    first = t.metrics[t.metrics["initiative_id"] == t.initiatives.loc[0, "initiative_id"]]
    # the report's own amounts in row 1 (lines 15–36): prior 2回 9回 各8回 18回; plan 6回 8回 各12回 12回 全戸;
    # result 6回 8回 各12回 11回 全戸 -- plus 25 added to each
    assert first.groupby("period").size().to_dict() == {"plan": 5 + 25, "prior": 4 + 25, "result": 5 + 25}


@pytest.mark.parametrize(("data", "digits"), [(H.huge_number(4_900), "4,900"), (H.huge_decimal(400), "401")],
                         ids=["int", "decimal"])
def test_numbers_with_thousands_of_digits(tmp_path, data, digits):
    e = refusal(tmp_path, data)
    assert e.line == 17 and f"a number of {digits} digits" in e.message


def test_sixteen_digits_are_refused_fifteen_read():
    with pytest.raises(CellError):
        analyse_cell(["件数　" + "1" * 16 + "件"])
    [q], _ = analyse_cell(["件数　" + "9" * 15 + "件"])
    assert q.value == 999_999_999_999_999


def test_report_concatenated_twice(tmp_path):
    e = refusal(tmp_path, H.concatenated_twice())
    assert e.line == 1300 + 9  # row 1 again: its initiative on line 9 of the second copy
    assert "row at line 9" in e.message and "twice" in e.message


def test_size_cap(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(50_000_000)  # sparse: refused on its size, before anything is read
    with pytest.raises(ReportError, match=f"more than the limit of {DEFAULT_MAX_BYTES:,}"):
        read_report(big)
    small = tmp_path / "r.txt"
    small.write_bytes(H.RAW.read_bytes())
    with pytest.raises(ReportError, match="limit of 1,000"):
        read_report(small, max_bytes=1_000)
    monkeypatch.setenv("HELPERS_MAX_BYTES", "2000")
    with pytest.raises(ReportError, match="limit of 2,000"):
        read_report(small)
    monkeypatch.setenv("HELPERS_MAX_BYTES", "lots")
    with pytest.raises(ReportError, match="positive number of bytes"):
        read_report(small)
    monkeypatch.delenv("HELPERS_MAX_BYTES")
    assert read_report(small).lines[0].startswith(" 目標")


def test_cli_max_bytes_option(tmp_path, capsys):
    assert cli.main(["clean", str(H.RAW), "--out", str(tmp_path / "out"), "--max-bytes", "1000"]) == 2
    assert "limit of 1,000" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_and_devices_are_refused(tmp_path):
    fifo = tmp_path / "r.txt"
    os.mkfifo(fifo)  # no writer: a blocking open would hang forever
    with pytest.raises(ReportError, match="FIFO"):
        read_report(fifo)
    with pytest.raises(ReportError, match="character device"):
        read_report("/dev/zero")
    with pytest.raises(ReportError, match="FIFO"):  # a folder of them: listed, then refused
        clean_reports([tmp_path])


def test_folder_skips_hidden_files_and_finds_upper_case_suffix(tmp_path, committed):
    (tmp_path / "._R.txt").write_bytes(b"\x00\x05\x16\x07 AppleDouble")
    (tmp_path / ".notes.txt").write_text("メモ")
    (tmp_path / "R.TXT").write_bytes(H.RAW.read_bytes())
    assert [p.name for p in expand_inputs([tmp_path])] == ["R.TXT"]
    t = clean_reports([tmp_path])
    assert t.initiatives["report"].unique().tolist() == ["R"] and len(t.initiatives) == 56


def test_read_report_refuses_a_folder_given_as_file(tmp_path):
    with pytest.raises(ReportError, match="folder"):
        read_report(tmp_path)
    assert stat.S_ISDIR(os.stat(tmp_path).st_mode)


# ------------------------------------------------------------------ §5 truncated files
# Rows near the end (cat -n): 1256–1262 避難行動要支援者名簿と登録対象者の確認 (grade A on 1262, no comment);
# 1264 地域の避難行動要支援者登録対象者への意識付け, summary 1266–1269, departments 1271–1272,
# period cells 1274–1275 / 1277–1278 / 1280–1281, grade B on 1281, comment 1283–1285;
# 1287 自主防災訓練を通しての要支援者支援訓練の実施, summary 1288–1289, 1291 department + cells + grade C.
ROW_1256 = "The last complete row is at lines 1256–1262 (initiative '避難行動要支援者名簿と登録対象者の確認', grade A)"
ROW_1264 = "The last complete row is at lines 1264–1281 (initiative '地域の避難行動要支援者登録対象者への意識付け', grade B)"


@pytest.mark.parametrize(("cut", "line", "has", "missing", "last"), [
    (1266, 1266, "the start of an initiative or summary", "the end of its summary (。), the department", ROW_1256),
    (1270, 1266, "an initiative and a summary", "the department, the 3 period cells", ROW_1256),
    (1272, 1264, "its initiative, summary and department;", "3 of its 3 period cells", ROW_1256),
    (1275, 1264, "1 of 3 period cells", "2 of its 3 period cells, the grade (評価) and the comment", ROW_1256),
    (1279, 1264, "2 of 3 period cells", "1 of its 3 period cells", ROW_1256),
    (1288, 1287, "the start of an initiative or summary", "the end of its summary (。)", ROW_1264),
    (1289, 1287, "an initiative and a summary", "the department, the 3 period cells, the grade (評価)", ROW_1264),
])
def test_truncated_file_names_last_complete_row_and_what_is_missing(tmp_path, cut, line, has, missing, last):
    e = refusal(tmp_path, H.truncated(cut))
    assert e.line == line
    assert f"the file ends inside it, after line {cut}" in e.message
    assert has in e.message and missing in e.message and last in e.message


def test_cut_between_rows_reads_the_complete_rows(tmp_path):
    """A cut at a row boundary cannot be seen: the complete rows are read (documented limit)."""
    t = clean_variant(tmp_path, H.truncated(1285))
    assert len(t.initiatives) == 55 and t.accounting[0]["unplaced"] == 0


def test_extract_only_also_refuses_controls():
    with pytest.raises(ReportError, match=r"U\+001B at column 16"):
        extract_report(" 目標 具体的な取り組み・事業\x1b\n")


def test_file_name_with_escape_sequence_is_echoed_escaped(tmp_path, capsys):
    path = tmp_path / "\x1b[2J.txt"
    path.write_bytes(b"")
    assert cli.main(["clean", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b[2J.txt" in err and "file name holds the control character U+001B" in err


# ------------------------------------------------------------------ never a traceback
#: examples of the property below: a few in `make test` (each is a whole clean, ~0.1 s), many in `make test-e2e`
FAST_EXAMPLES, E2E_EXAMPLES = 12, 120


@pytest.mark.slow
def test_mutated_reports_give_tables_or_one_clear_error(tmp_path):
    """Random cuts, repeats, deletions and odd characters: a result or ReportError/ValidationError, nothing else.

    The fast tier runs the first :data:`FAST_EXAMPLES` examples (derandomized: the same ones every run);
    ``make test-e2e`` runs the same property on :data:`E2E_EXAMPLES` (test below).
    """
    mutated_reports_property(tmp_path, FAST_EXAMPLES)


@pytest.mark.e2e
def test_mutated_reports_give_tables_or_one_clear_error_many_examples(tmp_path):
    """The property above on :data:`E2E_EXAMPLES` examples (``make test-e2e``)."""
    mutated_reports_property(tmp_path, E2E_EXAMPLES)


def mutated_reports_property(tmp_path, examples: int) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from helpers.read.tidy import ValidationError

    base = H.raw_lines()
    odd = st.sampled_from(["\u3000", "\u200b", "\ufeff", "\f", "\x1b", " ", "Ａ", "。", "課", "1", "回", "（１）", "\t"])
    edit = st.tuples(st.sampled_from(["delete", "repeat", "insert", "cut"]), st.integers(1, len(base)), odd)

    @settings(max_examples=examples, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.lists(edit, min_size=1, max_size=4))
    def check(edits):
        lines = list(base)
        for op, at, ch in edits:
            at = min(at, len(lines)) - 1
            if op == "delete":
                del lines[at]
            elif op == "repeat":
                lines.insert(at, lines[at])
            elif op == "insert":
                lines[at] = lines[at][:2] + ch + lines[at][2:]
            else:
                lines = lines[: at + 1]
        path = tmp_path / "r.txt"
        path.write_bytes(H.join(lines))
        try:
            clean_reports([path])
        except (ReportError, ValidationError):
            pass

    check()
