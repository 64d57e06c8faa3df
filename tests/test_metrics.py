"""helpers.read.metrics: metrics.csv and trends.csv on the whole report, values read off the report."""

from __future__ import annotations

import pytest

from helpers.read.metrics import rubric_grade


@pytest.fixture(scope="module")
def t(raw_tables):
    return raw_tables


def trend(t, row_no, indicator, unit):
    ini = t.initiatives.set_index("row_no")
    rid = ini.loc[row_no, "initiative_id"]
    tr = t.trends
    hit = tr[(tr["initiative_id"] == rid) & (tr["indicator"] == indicator) & (tr["unit"] == unit)]
    assert len(hit) == 1, hit
    return hit.iloc[0]


def test_kosodate_hiroba_attendance(t):
    # lines 51-52, 57-58, 64-65: 延べ354人 -> 延べ540人 (plan) -> 延べ397人, grade Ｃ (line 71)
    r = trend(t, 2, "子育て広場", "人")
    assert (r.prior_value, r.plan_value, r.result_value, bool(r.cumulative)) == (354, 540, 397, True)
    assert round(r.achievement_rate, 3) == 0.735 and r.rubric_grade == "C" and r.grade == "C"
    assert (r.change, round(r.change_rate, 3)) == (43, 0.121)
    # the （再掲） copy (row 5, lines 151-152) prints 延べ337人
    assert trend(t, 5, "子育て広場", "人").result_value == 337


def test_facility_users_and_cards(t):
    # lines 288-301 and 835-844
    assert tuple(trend(t, 10, "白根つくし園利用者数", "人")[["prior_value", "plan_value", "result_value"]]) == (5883, 6000, 5700)
    assert tuple(trend(t, 33, "カード配布", "枚")[["prior_value", "plan_value", "result_value"]]) == (8658, 10000, 9630)


def test_metrics_rows(t):
    m = t.metrics
    ini = t.initiatives.set_index("row_no")
    # line 1291: 2割強 / ７割以上 / 4割弱, periods from the section-4 header (line 916)
    rid = ini.loc[56, "initiative_id"]
    rows = m[m["initiative_id"] == rid]
    assert rows[["period", "fiscal_year", "status", "value", "unit", "qualifier"]].values.tolist() == [
        ["prior", 2020, "estimate", 2.0, "割", "強"],
        ["plan", 2021, "plan", 7.0, "割", "以上"],
        ["result", 2021, "actual", 4.0, "割", "弱"],
    ]
    assert rows["source_line"].tolist() == [1291, 1291, 1291]
    # every amount of the hand readings is present: 308 (see test_quantities)
    assert (m["kind"] == "amount").sum() == 308
    # qualitative entries are kept apart from zero: 新生児訪問 全戸 (line 29) has no value
    q = m[(m["kind"] == "qualitative") & (m["qualifier"] == "全戸")]
    assert q["value"].isna().all() and len(q) >= 2


def test_rubric_comes_from_the_legend():
    legend = [{"grade": "A", "min_achievement_pct": 90}, {"grade": "B", "min_achievement_pct": 75},
              {"grade": "C", "min_achievement_pct": 50}, {"grade": "D", "min_achievement_pct": None}]
    assert [rubric_grade(x, legend) for x in (0.95, 0.8, 0.5, 0.49)] == ["A", "B", "C", "D"]
    stricter = [dict(r, min_achievement_pct=(r["min_achievement_pct"] + 5 if r["min_achievement_pct"] else None)) for r in legend]
    assert rubric_grade(0.92, stricter) == "B"


def test_digits_accounted(t):
    [acc] = t.accounting
    assert acc["digits_leftover"] == []
    assert acc["digits_excluded"] > 0


def test_metrics_checks_fail(raw_tables):
    import copy

    from helpers.read.metrics import validate_metrics
    from helpers.read.tidy import ValidationError

    t = copy.deepcopy(raw_tables)  # changed below: the module's tables stay as cleaned
    validate_metrics(t)
    t.metrics.loc[0, "value"] = None  # an amount without its number
    with pytest.raises(ValidationError, match="exactly for amounts"):
        validate_metrics(t)


def _rubric_reference(rate, legend):
    """rubric_grade as written before issue 16 (the legend ranked again for every rate)."""
    import math

    import pandas as pd

    if rate is None or (isinstance(rate, float) and math.isnan(rate)):
        return None
    ranked = sorted((r for r in legend if r["min_achievement_pct"] is not None and not pd.isna(r["min_achievement_pct"])),
                    key=lambda r: -r["min_achievement_pct"])
    for r in ranked:
        if rate * 100 >= r["min_achievement_pct"] - 1e-9:
            return r["grade"]
    rest = [r["grade"] for r in legend if r["min_achievement_pct"] is None or pd.isna(r["min_achievement_pct"])]
    return rest[0] if rest else None


def test_rubric_ranked_once_grades_as_ranked_per_rate():
    import pandas as pd
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from helpers.read.metrics import _rubric

    pct = st.one_of(st.none(), st.just(pd.NA), st.integers(0, 120), st.floats(0, 120))
    legends = st.lists(st.fixed_dictionaries({"grade": st.sampled_from("ABCD"), "min_achievement_pct": pct}), max_size=5)
    rates = st.lists(st.one_of(st.none(), st.floats(allow_infinity=False), st.sampled_from([0.9, 0.75, 0.5, 0.49999999999])))

    @settings(max_examples=150, deadline=None)
    @given(legends, rates)
    def check(legend, rates):
        grade = _rubric(legend)
        assert [grade(r) for r in rates] == [_rubric_reference(r, legend) for r in rates]
        assert [rubric_grade(r, legend) for r in rates] == [_rubric_reference(r, legend) for r in rates]

    check()


def test_cell_columns_are_cell_lines_as_two_lists(t):
    """add_metrics reads each period cell as (line numbers, texts): the same lines as cell_lines."""
    from helpers.read.metrics import _cell_columns, cell_lines

    want = cell_lines(t.source_lines)
    got = _cell_columns(t.source_lines)
    assert want and list(got) == list(want)
    assert all(got[k] == ([n for n, _ in v], [t for _, t in v]) for k, v in want.items())
