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


def _typed_reference(df, table):
    """helpers.read.tidy._typed as it was before issue 16's second round: a copy changed column by column."""
    from helpers.read.schema import SCHEMA

    kinds = {"string": "str", "category": "str", "integer": "Int64", "boolean": "bool", "number": "Float64"}
    out = df.copy()
    for c in SCHEMA[table]:
        if c.dtype in ("string", "category"):
            out[c.name] = out[c.name].astype("str").where(out[c.name].notna(), None)
        else:
            out[c.name] = out[c.name].astype(kinds[c.dtype])
    return out


def test_frames_built_column_by_column_equal_the_records_route(two_report_folder, monkeypatch):
    """Every table of a two-report run (records as the stages hand them over): the frame built from
    typed columns equals DataFrame.from_records + the old cast, dtypes, missing values and index included."""
    import pandas as pd

    import helpers.read.tidy as T
    from helpers.read.schema import columns_of

    seen = []
    real = T._frame

    def spy(records, table):
        seen.append((list(records), table))
        return real(records, table)

    real_rows = T._frame_rows
    made = {}  # table -> the frame _frame_rows made (source_lines, metrics, trends: tuples a row, issue 16 §2)

    def spy_rows(rows, table, names):
        seen.append(([dict(zip(names, r)) for r in rows], table))
        made[table] = real_rows(rows, table, names)
        return made[table]

    monkeypatch.setattr(T, "_frame", spy)
    monkeypatch.setattr(T, "_frame_rows", spy_rows)
    clean_reports([two_report_folder])
    assert {t for _, t in seen} >= {"initiatives", "departments", "source_lines", "grade_legend", "metrics", "trends",
                                    "reports", "links"}
    assert set(made) == {"metrics", "trends", "source_lines"}
    for records, table in seen:
        old = _typed_reference(pd.DataFrame.from_records(records, columns=columns_of(table)), table)
        new = made[table] if table in made else real(records, table)
        pd.testing.assert_frame_equal(new, old, check_index_type=True, check_column_type=True)
        assert list(new.dtypes) == list(old.dtypes), table
    # a value of another kind (here an int in a text column) takes the records route, and gives the same frame
    records = [dict(r, department=7) if i == 0 else r for i, r in enumerate(next(r for r, t in seen if t == "departments"))]
    old = _typed_reference(pd.DataFrame.from_records(records, columns=columns_of("departments")), "departments")
    pd.testing.assert_frame_equal(real(records, "departments"), old)
    for table in ("links", "metrics", "trends", "source_cells"):  # no records: the same empty frame
        old = _typed_reference(pd.DataFrame.from_records([], columns=columns_of(table)), table)
        pd.testing.assert_frame_equal(real([], table), old, check_index_type=True)


def _value(dtype: str):
    """Values of a column of ``dtype`` as records carry them, and now and then one of another kind."""
    from hypothesis import strategies as st

    own = {
        "string": st.one_of(st.none(), st.text(max_size=3)),
        "category": st.one_of(st.none(), st.sampled_from(["A", "B", "amount"])),
        "integer": st.one_of(st.none(), st.integers(-2**54, 2**54), st.integers(-3, 3),
                             st.sampled_from([2**53, 2**53 + 1, -2**53 - 1, 2**60])),
        "boolean": st.booleans(),
        "number": st.one_of(st.none(), st.floats(allow_infinity=False), st.integers(-2**54, 2**54), st.just(2**53 + 1)),
    }[dtype]
    return st.one_of(own, own, own, st.sampled_from([None, 1, 1.5, True, "x"]))


def _records_strategy(table: str):
    from hypothesis import strategies as st

    from helpers.read.schema import SCHEMA

    return st.lists(st.fixed_dictionaries({c.name: _value(c.dtype) for c in SCHEMA[table]}), max_size=6)


#: examples of the two properties below (records → _frame, tuples → _frame_rows): ``make test`` runs a fifth of
#: them, ``make test-e2e`` all of them (issue 16: the fast tier within 30 s; .ci/run runs both tiers)
FAST_EXAMPLES, E2E_EXAMPLES = (12, 8), (60, 40)


@pytest.mark.parametrize("table", ["departments", "metrics"])
def test_frame_equals_the_records_route_on_any_values(table):
    """_frame's one-pass transposition and kind test (issue 16 §2) against DataFrame.from_records + the
    old cast: ints beyond 2**53, bools among ints, ints among floats, missing values, empty tables.

    The fast tier runs :data:`FAST_EXAMPLES` examples; ``make test-e2e`` the same property on
    :data:`E2E_EXAMPLES` (test below)."""
    records_route_property(table, *FAST_EXAMPLES)


@pytest.mark.e2e
@pytest.mark.parametrize("table", ["departments", "metrics"])
def test_frame_equals_the_records_route_on_any_values_many_examples(table):
    """The property above on :data:`E2E_EXAMPLES` examples (``make test-e2e``)."""
    records_route_property(table, *E2E_EXAMPLES)


def records_route_property(table: str, frame_examples: int, rows_examples: int) -> None:
    import pandas as pd
    from hypothesis import given, settings

    import helpers.read.tidy as T
    from helpers.read.schema import columns_of

    @settings(max_examples=frame_examples, deadline=None)
    @given(_records_strategy(table))
    def check(records):
        try:
            old = _typed_reference(pd.DataFrame.from_records(records, columns=columns_of(table)), table)
        except (TypeError, ValueError, OverflowError):  # a cast pandas refuses: _frame must refuse it too
            with pytest.raises((TypeError, ValueError, OverflowError)):
                T._frame(records, table)
            return
        new = T._frame(records, table)
        pd.testing.assert_frame_equal(new, old, check_index_type=True, check_column_type=True)

    check()
    # _frame_rows (tuples a row, in the schema's order) makes the same frames as _frame of the records
    names = tuple(columns_of(table))

    @settings(max_examples=rows_examples, deadline=None)
    @given(_records_strategy(table))
    def check_rows(records):
        rows = [tuple(r[n] for n in names) for r in records]
        try:
            old = T._frame(records, table)
        except (TypeError, ValueError, OverflowError):
            with pytest.raises((TypeError, ValueError, OverflowError)):
                T._frame_rows(rows, table, names)
            return
        pd.testing.assert_frame_equal(T._frame_rows(rows, table, names), old, check_index_type=True,
                                      check_column_type=True)

    check_rows()
    with pytest.raises(ValueError, match="schema"):  # values in another order than the schema's: refused
        T._frame_rows([], table, names[::-1])
    # beyond 2**53 beside a missing value, from_records goes through float64 (…993 becomes …992): so must _frame
    from helpers.read.schema import SCHEMA

    name = next(c.name for c in SCHEMA[table] if c.dtype == "integer")
    base = {c.name: None for c in SCHEMA[table]} | {c.name: False for c in SCHEMA[table] if c.dtype == "boolean"}
    check.hypothesis.inner_test([dict(base), dict(base, **{name: 2**53 + 1})])


@pytest.mark.parametrize("column", ["summary", "relisted_of"])  # a column without and one with missing values
def test_line_break_inside_a_field_fails(snippet, column):
    # issue 16 §2: a text column without missing values is joined as it is, one with them filtered first
    t, texts = _tables(snippet, (1, 212))
    assert t.initiatives[column].isna().any() == (column == "relisted_of")
    t.initiatives.loc[0, column] = "改行\nあり"
    with pytest.raises(ValidationError, match=f"initiatives.{column}: line break inside a field"):
        validate_tables(t, texts=texts)


def test_a_one_cell_line_with_more_text_fails(snippet):
    # line 9 holds the whole initiative of row 1-1-01 (one fragment): the shortcut for a line equal to
    # its only fragment must not pass a line holding more
    t, texts = _tables(snippet, (1, 212))
    texts = {"r": list(texts["r"])}
    texts["r"][8] = texts["r"][8] + " 追記"
    with pytest.raises(ValidationError, match="r:9: text ' 追記' is in no cell"):
        validate_tables(t, texts=texts)
