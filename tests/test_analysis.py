"""helpers.analyse.analysis on the real report: expected values read off the lines quoted."""

from __future__ import annotations

import pytest

from helpers.analyse.analysis import covid_evidence, covid_impact, find_terms, grade_table, CANCEL_TERMS, ADAPT_TERMS
from helpers.pipeline import clean_reports


@pytest.fixture(scope="module")
def ini(raw_path):
    return clean_reports([raw_path], with_metrics=False).initiatives


def by_row(df, row_no):
    return df[df["row_no"] == row_no].iloc[0]


def test_cancelled_sessions_where_stated(ini):
    ci = covid_impact(ini)
    # line 74 "　子育て広場　中止22回" (row 2 and its （再掲） copy, row 5, line 161)
    assert by_row(ci, 2).cancelled_sessions == 22 and by_row(ci, 5).cancelled_sessions == 22
    # line 202 "…施設休館により中止８回" (full-width 8)
    r7 = by_row(ci, 7)
    assert (r7.cancelled_sessions, r7.cancel_terms, r7.mentions_covid) == (8, "休館・中止", True)


def test_not_held_and_adaptations(ini):
    ci = covid_impact(ini)
    # line 1015 "社会福祉協議会 1回 1回 未実施 D"; 1018 "コロナ感染拡大に伴い中止とした"
    r44 = by_row(ci, 44)
    assert (r44.cancel_terms, r44.mentions_covid, r44.grade) == ("未実施・中止", True, "D")
    # line 782 "（会場とオンラインで開催）": adapted, but COVID is not named in that row
    r31 = by_row(ci, 31)
    assert (r31.adapted, r31.adapt_terms, r31.mentions_covid) == (True, "オンライン", False)
    # lines 888-889 "集団を個別相談に変" / "更して実施" (joined across the line break)
    assert "個別相談に変更" in by_row(ci, 34).adapt_terms
    # 個別ケア会議 (lines 661, 664) is not an adaptation
    assert "個別" not in by_row(ci, 26).adapt_terms


def test_row_without_any_keyword(ini):
    # lines 110-125 支援の必要な妊産婦への支援: no comment, no keyword
    r4 = by_row(covid_impact(ini), 4)
    assert not (r4.mentions_covid or r4.cancelled or r4.adapted)


def test_evidence_keeps_printed_context(ini):
    ev = covid_evidence(ini)
    hit = ev[(ev["row_no"] == 7) & (ev["term"] == "中止")].iloc[0]
    assert hit.field == "comment" and "中止８回" in hit.context


def test_find_terms_counts_only_cancellations():
    assert [(h["term"], h["sessions"]) for h in find_terms("会場受講に加えてオンラインでも受講", ADAPT_TERMS)] == [("オンライン", None)]
    assert find_terms("", CANCEL_TERMS) == []


def test_grade_table_with_and_without_relisted(ini):
    # grades per field plan, counted from the hand readings (tests/data, ../shared/examples)
    g = grade_table(ini, "field_plan")
    assert g.loc["子ども・子育て支援"].tolist() == [8, 1, 2, 0, 11]
    assert g["total"].sum() == 56
    once = grade_table(ini, "field_plan", relisted=False)
    # the 5 （再掲） rows: 子ども 2 (C, A), 障がい 1 (D), 高齢 2 (A, A)
    assert once.loc["子ども・子育て支援"].tolist() == [7, 1, 1, 0, 9]
    assert once.loc["障がい者・生活困窮者支援"].tolist() == [7, 1, 1, 0, 9]
    assert once["total"].sum() == 51


def test_compare_relisted_finds_the_report_own_inconsistency(raw_path):
    from helpers.analyse.analysis import compare_relisted

    t = clean_reports([raw_path], with_metrics=False)
    c = compare_relisted(t.initiatives, t.departments).set_index(["relisted_row", "field"])
    # row 5 (lines 151-153: 32回 延べ337人, BP 3回 21人) vs row 2 (lines 64-66: 38回 延べ397人, BP ４回 28人)
    r = c.loc[(5, "result_text")]
    assert not r.same_normalised and "延べ337" in r.relisted_text and "延べ397" in r.original_text
    # row 5's prior differs only by spacing and width (line 142 "　   1回　5人" vs line 55 "　1回　５人")
    assert not c.loc[(5, "prior_text")].same and c.loc[(5, "prior_text")].same_normalised
    # rows 27 and 28 repeat rows 22 and 26 exactly
    assert c.loc[27]["same"].all() and c.loc[28]["same"].all()
    # row 18 (line 458) is another activity under the same name: other department and grade D vs A
    assert (c.loc[(18, "grade")].original_text, c.loc[(18, "grade")].relisted_text) == ("A", "D")
    assert (c.loc[(18, "departments")].original_text, c.loc[(18, "departments")].relisted_text) == ("社会福祉協議会", "健康福祉課")


def test_people_trends_and_grade_audit(raw_path):
    from helpers.analyse.analysis import grade_audit, people_trends

    t = clean_reports([raw_path])
    p = people_trends(t.trends, t.initiatives)
    hiroba = p[(p["row_no"] == 2) & (p["indicator"] == "子育て広場")].iloc[0]
    assert (hiroba.prior_value, hiroba.plan_value, hiroba.result_value) == (354, 540, 397)  # lines 51-65
    assert 5 not in set(p["row_no"])  # （再掲） rows left out by default
    a = grade_audit(t.trends, t.initiatives, t.grade_legend).set_index("row_no")
    # row 2: median of its 8 capped achievements (0.4 … 1.0) is 0.60 -> C, printed Ｃ (line 71)
    assert (a.loc[2, "rubric_grade"], a.loc[2, "grade"], bool(a.loc[2, "agrees"])) == ("C", "C", True)
    # row 7: 38/54 = 0.70 and 397/540 = 0.735 -> C, but the report prints B (line 202)
    assert (a.loc[7, "rubric_grade"], a.loc[7, "grade"]) == ("C", "B")
    # row 30: 0回 against a plan of 12回 (line 769) -> D, printed D
    assert (a.loc[30, "achievement"], a.loc[30, "rubric_grade"]) == (0.0, "D")
    # row 34: ウォーキング講座 and 糖尿病フォローアップ講座 are planned (lines 870, 874) but absent from the result
    assert a.loc[34, "planned_without_result"] >= 2


def test_relisted_decisions_per_row(raw_path):
    from helpers.analyse.analysis import relisted_decisions, without_duplicates

    t = clean_reports([raw_path])
    d = relisted_decisions(t.initiatives, t.departments).set_index("relisted_row")
    # rows 27/28 repeat rows 22/26 word for word; row 5 repeats row 2's activity (same summary, prior,
    # plan) but prints other results (line 142 "子育て広場　32回" vs line 64 "38回"): a duplicate whose
    # figures differ. Row 10 (施設利用者数, lines 281-309) and row 18 (研修会, lines 451-461) describe
    # other activities than rows 7 and 14: their own evidence.
    assert d["decision"].to_dict() == {5: "duplicate", 10: "own_evidence", 18: "own_evidence",
                                       27: "duplicate", 28: "duplicate"}
    assert d.loc[5, "figures_differ"] and not d.loc[27, "figures_differ"]
    kept = without_duplicates(t.initiatives, d.reset_index())
    assert len(kept) == 53 and {10, 18} <= set(kept["row_no"]) and not {5, 27, 28} & set(kept["row_no"])


def test_missing_results_lower_achievement(raw_path):
    from helpers.analyse.analysis import measured_achievement

    t = clean_reports([raw_path])
    m = measured_achievement(t.trends, t.metrics, t.initiatives, t.grade_legend).set_index("row_no")
    # row 34: five courses planned with 回 (lines 869-875); results print 回 for 免疫力アップ講座 (1回)
    # and 糖尿病予防教室 (2回) only (lines 877-881): 3 of 5 without a result → (1 + 1 + 0 + 0 + 0) / 5
    r = m.loc[34]
    assert (r.planned, r.with_result, r.without_result, r.mean_achievement, r.rubric_grade, r.grade) == (5, 2, 3, 0.4, "D", "C")
    # row 55: line 1280 "戸別訪問　１回（予定）" is only scheduled: 0 of 1; 区だより 1 of 2 (line 1281)
    r = m.loc[55]
    assert (r.scheduled_only, r.mean_achievement, r.rubric_grade) == (1, 0.25, "D")
    # row 13: line 373 "関係機関合同研修会　中止" counts as a planned activity not held (2 of 3)
    assert m.loc[13, "mean_achievement"] == round(2 / 3, 4) and m.loc[13, "rubric_grade"] == "C"
    # row 7: 38/54 回 and 397/540 人 (line 189-202) → mean 71.9 % → C, printed B; row 2 same figures → C
    assert m.loc[7, "rubric_grade"] == "C" and m.loc[7, "grade"] == "B" and m.loc[2, "grade"] == "C"


def test_canonical_departments_counts_a_respelled_department_once(tmp_path, raw_path):
    """One page prints 地域包括支援センター in half-width kana (SYNTHETIC variant of the committed report):
    grouping by the printed name would split it in two; canonical_departments keeps it one."""
    import tests.hostile_cases as H
    from helpers.analyse.analysis import canonical_departments

    lines = H.raw_lines()
    first = lines.index("地域包括支援センター")  # 0-based; the other occurrences stay full-width
    variant = tmp_path / "variant_hyoka_2021.txt"
    variant.write_bytes(H.join(H.with_line(lines, first + 1, "地域包括支援ｾﾝﾀｰ")))
    committed = clean_reports([raw_path]).departments
    t = clean_reports([variant]).departments
    assert t["department"].nunique() == committed["department"].nunique() + 1  # the printed names differ
    canon = canonical_departments(t)
    assert canon["department"].nunique() == committed["department"].nunique()
    assert sorted(canon.groupby("department").size()) == sorted(committed.groupby("department").size())
    assert "地域包括支援ｾﾝﾀｰ" in set(t["department"])  # the data keeps the text as printed
