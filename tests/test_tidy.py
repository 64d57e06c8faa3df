"""Unit tests of helpers.read.tidy: joining, （再掲）, ids, and that the hard checks really fail."""

from __future__ import annotations

import pytest

from helpers.read.extract import extract_report
from helpers.pipeline import clean_reports
from helpers.read.tidy import ValidationError, build_tables, join_cell, strip_relisted, tidy_extraction, validate_tables

from .test_extract import HEADER_1, LEGEND_FOOTER_1


def test_strip_relisted_full_and_half_width():
    # lines 281 and 675-676 (（再 / 掲） wrapped: the marker is checked after joining)
    assert strip_relisted("子育て中の親子の居場所の確保（再掲）") == ("子育て中の親子の居場所の確保", True)
    assert strip_relisted("地域全体で高齢者を見守る体制の構築" + "（再" + "掲）") == ("地域全体で高齢者を見守る体制の構築", True)
    assert strip_relisted("X(再掲)") == ("X", True)
    assert strip_relisted("再掲について") == ("再掲について", False)


def _tables(snippet, *ranges, report="r"):
    text = snippet(*ranges)
    lines = text.split("\n")[:-1]
    rec = tidy_extraction(extract_report(text), report=report, lines=lines)
    return build_tables([rec]), {report: lines}


def test_grades_are_normalised_and_ids_count_within_objective(snippet):
    # page 1 rows 1-7 (grades A, Ｃ, A, A, Ｃ, A, B as printed)
    t, _ = _tables(snippet, (1, 212))
    ini = t.initiatives
    assert ini["grade"].tolist() == ["A", "C", "A", "A", "C", "A", "B"]
    assert ini["initiative_id"].tolist() == ["r:1-1-01", "r:1-1-02", "r:1-1-03", "r:1-1-04", "r:1-2-01", "r:1-2-02", "r:1-2-03"]
    assert ini.loc[4, "relisted_of"] == "r:1-1-02"


def test_period_text_joined_without_separator(snippet):
    t, _ = _tables(snippet, (1, 212))
    # lines 51-55
    assert t.initiatives.loc[1, "prior_text"] == "子育て広場　33回　延べ354人BP(親子の絆づくり)  3回19人NP(子育て支援)　1回　５人"


def test_checks_fail_on_a_tampered_cell(snippet):
    t, texts = _tables(snippet, (1, 212))
    validate_tables(t, texts=texts)  # the untouched tables pass
    t.initiatives.loc[0, "summary"] = t.initiatives.loc[0, "summary"] + "（追記）"
    with pytest.raises(ValidationError, match="summary differs from its source lines"):
        validate_tables(t, texts=texts)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("grade", "E", "is not one of A–D"),
        ("initiative_id", "r:1-1-02", "duplicate initiative_id"),
        ("summary", "", "empty summary"),
    ],
)
def test_checks_fail(snippet, column, value, message):
    t, texts = _tables(snippet, (1, 212))
    t.initiatives.loc[0, column] = value
    with pytest.raises(ValidationError, match=message):
        validate_tables(t, texts=texts)


def test_row_without_department_fails(snippet):
    t, texts = _tables(snippet, (1, 212))
    t.departments = t.departments[t.departments["initiative_id"] != "r:1-1-01"]
    with pytest.raises(ValidationError, match="no department"):
        validate_tables(t, texts=texts)


def test_fragment_not_in_its_line_fails(snippet):
    t, texts = _tables(snippet, (1, 212))
    texts = {"r": list(texts["r"])}
    texts["r"][8] = "別の文字列"  # line 9 no longer holds the initiative
    with pytest.raises(ValidationError, match="is not the next part of the line"):
        validate_tables(t, texts=texts)


def test_join_cell_adds_nothing():
    from helpers.read.extract import Fragment

    frags = [Fragment(51, 0, "子育て広場　33回　延べ354"), Fragment(52, 0, "人")]
    assert join_cell(frags) == "子育て広場　33回　延べ354人"
