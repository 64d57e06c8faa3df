"""helpers.analyse.year_over_year: the tables behind notebook 06, on the committed report and the synthetic next year.

Expected values: column headers of the committed report (sections 1-3: 2020年度（実績）/
2021年度実績（見込み）, 30 rows without （再掲）; section 4: 2020年度（見込み）/2021年度実績,
21 rows) and the documented edits of tests/make_synthetic_report.py.
"""

from __future__ import annotations

from helpers.analyse.year_over_year import grade_transitions, link_changes, period_overview, pick_figures, revisions

from .make_synthetic_report import SYNTHETIC_NEXT, REAL

SYN = SYNTHETIC_NEXT




def test_period_overview_follows_the_headers(two):
    p = period_overview(two.series)
    real = p[p["report"] == REAL.stem]
    assert list(zip(real["period"], real["fiscal_year"], real["kind"])) == [
        ("prior", 2020, "actual"), ("prior", 2020, "estimate"), ("plan", 2021, "plan"),
        ("result", 2021, "actual"), ("result", 2021, "estimate")]
    by = real.set_index(["period", "kind"])["initiatives"]
    assert by[("prior", "actual")] <= 30 and by[("prior", "estimate")] <= 21 and by[("result", "actual")] <= 21
    assert p.columns[0] == "report"


def test_grade_transitions_and_changes(two):
    t = grade_transitions(two.initiatives, two.links)
    assert t.columns[0] == "report" and set(t["report"]) == {SYN} and set(t["previous_report"]) == {REAL.stem}
    assert t.set_index(["grade_before", "grade_after"])["initiatives"].to_dict() == {
        ("A", "A"): 34, ("A", "B"): 2, ("B", "B"): 7, ("C", "C"): 4, ("D", "D"): 3}
    with_relisted = grade_transitions(two.initiatives, two.links, relisted=True)
    assert with_relisted["initiatives"].sum() == 55  # the 5 （再掲） rows are counted only when asked
    c = link_changes(two.links)
    assert c["change"].tolist() == ["reworded", "dropped"]
    assert c["initiative_before"].tolist() == ["ボランティア交流会の実施", "ボランティア活動支援"]


def test_revisions_one_row_per_figure(two):
    r = revisions(two.series, two.initiatives)
    assert not r.duplicated(["initiative_key", "indicator", "unit", "fiscal_year"]).any()
    row = r[(r["initiative_key"].str.endswith(":1-1-01")) & (r["indicator"] == "育児相談会")].iloc[0]
    assert (row["report"], row["estimate_report"], row["estimate_value"], row["actual_value"]) == (SYN, REAL.stem, 11, 12)
    assert row["initiative"] == "多様な手法による子育て情報の発信"


def test_pick_figures_is_deterministic_and_respects_keys(two):
    a = pick_figures(two.series, n=6)
    b = pick_figures(two.series.sample(frac=1, random_state=1).sort_index(), n=6)
    assert a["_order"].nunique() == 6 and a.equals(b)
    key = "niigata-minami_chiiki-fukushi-keikaku_hyoka:4-1-05"
    only = pick_figures(two.series, keys=[key])
    assert set(only["initiative_key"]) == {key}
    # line 974: 26回 20回 35回 (committed), 35回 30回 28回 (synthetic); section 4: prior is 見込み, result 実績
    got = {(r, int(y), k, float(v)) for r, y, k, v in zip(only["report"], only["fiscal_year"], only["kind"], only["value"])}
    assert got == {(REAL.stem, 2020, "estimate", 26), (REAL.stem, 2021, "plan", 20), (REAL.stem, 2021, "actual", 35),
                   (SYN, 2021, "estimate", 35), (SYN, 2022, "plan", 30), (SYN, 2022, "actual", 28)}


def test_each_figures_become_totals_by_the_one_rule():
    """06-M1: 「1歳6か月児健診，3歳児健診　各8回 / 各12回 / 各12回」 (L18–19, L26–27, L33–34): 16 → 24 → 24,
    as notebook 05 adds them; 「各館2回」 (L324) lists no names: no total. SYNTHETIC frame of those cells."""
    import pandas as pd

    from helpers.analyse.year_over_year import each_totals

    f = pd.DataFrame({"indicator": ["1歳6か月児健診，3歳児健診"] * 3 + ["児童館運営協議会"],
                      "unit": ["回"] * 4, "each": [True] * 4, "value": [8.0, 12.0, 12.0, 2.0]})
    out = each_totals(f)
    assert out["value"].tolist()[:3] == [16, 24, 24] and pd.isna(out["value"].iloc[3])
    assert out["printed"].tolist() == ["各8回", "各12回", "各12回", "各2回"]
    assert out["indicator"].iloc[0] == "1歳6か月児健診，3歳児健診（2つの合計）"
