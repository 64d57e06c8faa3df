"""helpers.analyse.analysis on the real report: expected values read off the lines quoted."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.analyse.analysis import covid_evidence, covid_impact, find_terms, grade_table, CANCEL_TERMS, ADAPT_TERMS
from helpers.pipeline import clean_reports


@pytest.fixture(scope="module")
def ini(raw_tables):
    return raw_tables.initiatives


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


def test_compare_relisted_finds_the_report_own_inconsistency(raw_tables):
    from helpers.analyse.analysis import compare_relisted

    t = raw_tables
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


def test_people_trends_and_grade_audit(raw_tables):
    from helpers.analyse.analysis import grade_audit, people_trends

    t = raw_tables
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


def test_relisted_decisions_per_row(raw_tables):
    from helpers.analyse.analysis import relisted_decisions, without_duplicates

    t = raw_tables
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


@pytest.fixture(scope="module")
def tables(raw_tables):
    return raw_tables


def test_missing_results_lower_achievement(tables):
    from helpers.analyse.analysis import measured_achievement

    m = measured_achievement(tables).set_index("row_no")
    # row 34: five courses planned with 回 (lines 869-875). Results: 免疫力アップ講座 1回 (877), 糖尿病予防教室 2回
    # (881), 幼児を対象とした食育講座 271人 (879-880) "集団を個別相談に変更して実施" (888-889): held in another form;
    # ウォーキング講座 and 糖尿病フォローアップ講座 "中止" (886-887) → (1 + 0 + 1 + 1 + 0) / 5 = 60 % → C, printed C (883)
    r = m.loc[34]
    assert (r.planned, r.with_result, r.without_result, r.changed_format) == (5, 3, 2, 1)
    assert (r.mean_achievement, r.rubric_grade, r.grade, bool(r.agrees)) == (0.6, "C", "C", True)
    # row 55: line 1280 "戸別訪問　１回（予定）" is scheduled: not measured (never 0 %); 区だより 1 of 2 (line 1281)
    r = m.loc[55]
    assert (r.scheduled_only, r.measured, r.mean_achievement, r.rubric_grade) == (1, 1, 0.5, "C")
    # row 31: line 784 "講演会を3月27日に開催予定" in a 見込み column (line 797): scheduled, no achievement at all
    r = m.loc[31]
    assert (r.status, r.measured, r.rubric_grade) == ("scheduled", 0, "") and pd.isna(r.mean_achievement)
    # row 25: the one plan item "区内3圏域での介護教室の開催" (lines 644-645) is the "介護教室は中止" of line 647
    r = m.loc[25]
    assert (r.planned, r.without_result, r["items"], r.mean_achievement) == (1, 1, 1, 0.0)
    # row 23: measured on one of three items (フォーラム 300人 → 中止, lines 603, 607); 茶の間新設数 1か所 and
    # 区、圏域会議開催回数 1回 (605-606) have no number in the plan (598-602)
    r = m.loc[23]
    assert (r["items"], r.items_measured, r.mean_achievement, r.grade) == (3, 1, 0.0, "A")
    assert r.unmeasured == ""  # the forum is measured; the other two items were never planned with a number
    # row 13: line 373 "関係機関合同研修会　中止" counts as a planned activity not held (2 of 3)
    assert m.loc[13, "mean_achievement"] == round(2 / 3, 4) and m.loc[13, "rubric_grade"] == "C"
    # row 7: 38/54 回 and 397/540 人 (lines 198-201) → mean 71.9 % → C, printed B; row 2 same figures → C
    assert m.loc[7, "rubric_grade"] == "C" and m.loc[7, "grade"] == "B" and m.loc[2, "grade"] == "C"


def test_audit_alternatives(tables):
    from helpers.analyse.analysis import measured_achievement

    readings: dict[tuple, pd.DataFrame] = {}  # each reading computed once (five readings, nine rows read)

    def row(rn, **kw):
        key = tuple(sorted(kw.items()))
        if key not in readings:
            readings[key] = measured_achievement(tables, **kw).set_index("row_no")
        return readings[key].loc[rn]

    # row 34 (lines 869-889): the 食育講座 left out → (1 + 0 + 1 + 0) / 4 = 50 % (C); counted 0 → 40 % (D)
    assert row(34, changed_format="exclude").mean_achievement == 0.5
    assert (row(34, changed_format="zero").mean_achievement, row(34, changed_format="zero").rubric_grade) == (0.4, "D")
    # row 55 (lines 1277-1281): scheduled 戸別訪問 counted 0 → (0 + 0.5) / 2; counted held → (1 + 0.5) / 2
    assert row(55, scheduled="zero").mean_achievement == 0.25 and row(55, scheduled="held").mean_achievement == 0.75
    # row 31 (line 784): counted held → 100 % (A, as printed); counted 0 → 0 %
    assert row(31, scheduled="held").rubric_grade == "A" and row(31, scheduled="zero").mean_achievement == 0.0
    # row 2 (lines 57-69): activities weighted equally: 子育て広場 (38/54, 397/540), BP (4/4, 28/36), NP (1/2, 10/24),
    # 屋外交流会 (1/2, 8/20) → mean of the four activity means
    expect = round(((38 / 54 + 397 / 540) / 2 + (1 + 28 / 36) / 2 + (0.5 + 10 / 24) / 2 + (0.5 + 0.4) / 2) / 4, 4)
    assert row(2, weight="activity").mean_achievement == expect
    with pytest.raises(ValueError):
        measured_achievement(tables, scheduled="maybe")


def test_each_multiplies_and_subsets_do_not_add(tables):
    from helpers.analyse.analysis import each_multiplier, session_totals

    s = session_totals(tables.metrics).merge(tables.initiatives[["initiative_id", "row_no"]])
    s = s.set_index(["row_no", "period"])
    # row 1: 股関節検診 6 + 1歳歯科健診 8 + "1歳6か月児健診，3歳児健診 各12回" (lines 24-28: 12 each of two) + 育児相談会 12
    assert s.loc[(1, "plan"), "sessions"] == 6 + 8 + 2 * 12 + 12 == 50
    assert s.loc[(1, "result"), "sessions"] == 6 + 8 + 2 * 12 + 11 == 49  # lines 31-35
    # row 37: "2回（うち1回は社協だより…）" (lines 941-951): the うち is part of the 2
    assert s.loc[(37, "result"), "sessions"] == 2 and "内数" in s.loc[(37, "result"), "note"]
    # row 35: 各地区学習会 11回 + 健康づくり講演会 1回 (lines 906-907); row 50: 圏域１回 + 地区３回 (1173-1174)
    assert s.loc[(35, "result"), "sessions"] == 12 and s.loc[(50, "result"), "sessions"] == 4
    # row 11: "児童館運営協議会　各館2回" (line 324): the halls are not counted → total unknown
    assert pd.isna(s.loc[(11, "plan"), "sessions"]) and "印刷されていない" in s.loc[(11, "plan"), "note"]
    # row 55: "戸別訪問　１回（予定）" (line 1280) is scheduled, not held; 区だより掲載 1回 held (line 1281)
    assert (s.loc[(55, "result"), "sessions"], s.loc[(55, "result"), "scheduled"]) == (1, 1)
    # row 24: "区だよりに月1回の連載記事" (line 633) is a frequency, not a count
    assert pd.isna(s.loc[(24, "result"), "sessions"])
    assert each_multiplier("1歳6か月児健診，3歳児健診") == 2 and each_multiplier(None) is None


def test_one_status_per_activity(tables):
    from helpers.analyse.analysis import indicator_status

    st = indicator_status(tables).set_index(["row_no", "indicator", "unit"]).sort_index()
    # row 34 幼児を対象とした食育講座: 53人 (line 864) → 271人 (880), "集団を個別相談に変更して実施" (888-889)
    assert st.loc[(34, "幼児を対象とした食育講座", "人"), "status"] == "changed_format"
    assert st.loc[(34, "幼児を対象とした食育講座", "回"), "status"] == "changed_format"  # 2回 planned, none printed
    # "新年度は、糖尿病予防教室を糖尿病予防相談会に変更し" (lines 890-891) is next year's plan, not this year's change
    assert st.loc[(34, "糖尿病予防教室", "人"), "status"] == "held"
    # row 31 講演会: "講演会を3月27日に開催予定" (line 784)
    assert set(st.loc[31, "status"]) == {"scheduled"}
    # row 29 認知症カフェ: "6月から再開し延べ参加者数 143人（1月開催まで）" (lines 740-742): part of a year
    assert bool(st.loc[(29, "認知症カフェ（6月から再開し延べ参加者数", "人"), "period_differs"])
    assert not st.loc[2, "period_differs"].any()
    # row 34 ウォーキング講座 "57人の予定" (lines 861-862) is a prior-year plan, not a count
    assert bool(st.loc[(34, "ウォーキング講座", "人"), "prior_is_plan_only"])


def test_change_ranking_marks_what_cannot_be_ranked():
    """SYNTHETIC small frame: one row per reason a figure is not ranked."""
    from helpers.analyse.analysis import change_ranking, status_conflicts

    base = {"report": "r", "unit": "人", "plan_value": 10.0, "period_differs": False, "prior_is_plan_only": False}
    people = pd.DataFrame([
        {**base, "row_no": 2, "indicator": "子育て広場", "prior_value": 354.0, "result_value": 397.0, "status": "held"},
        {**base, "row_no": 7, "indicator": "子育て広場", "prior_value": 354.0, "result_value": 397.0, "status": "held"},
        {**base, "row_no": 34, "indicator": "食育講座", "prior_value": 53.0, "result_value": 271.0, "status": "changed_format"},
        {**base, "row_no": 31, "indicator": "講演会", "prior_value": 129.0, "result_value": None, "status": "scheduled"},
        {**base, "row_no": 29, "indicator": "カフェ", "prior_value": 143.0, "result_value": 129.0, "status": "held",
         "period_differs": True},
    ])
    r = change_ranking(people).set_index("row_no")
    assert r["ranked"].to_dict() == {2: True, 7: False, 34: False, 31: False, 29: False}
    assert r.loc[7, "rank_note"] == "同じ数字の行（No.2と同じ）"
    assert r.loc[34, "rank_note"].startswith("数え方が変わった") and r.loc[31, "rank_note"].startswith("予定")
    # the cross-notebook check: a rise ranked in one table, "not held" in another
    ranked = pd.DataFrame({"report": ["r", "r"], "row_no": [34, 2], "indicator": ["食育講座", "子育て広場"],
                           "change_rate": [4.1, 0.12], "ranked": [True, True]})
    counted = pd.DataFrame({"report": ["r", "r"], "row_no": [34, 2], "indicator": ["食育講座", "子育て広場"],
                            "status": ["not_held", "held"]})
    assert status_conflicts(ranked, counted)[["row_no", "status"]].values.tolist() == [[34, "not_held"]]
    assert status_conflicts(ranked.assign(ranked=[False, True]), counted).empty  # marked, not ranked: allowed


def test_canonical_departments_counts_a_respelled_department_once(tmp_path, raw_tables):
    """One page prints 地域包括支援センター in half-width kana (SYNTHETIC variant of the committed report):
    grouping by the printed name would split it in two; canonical_departments keeps it one."""
    import tests.hostile_cases as H
    from helpers.analyse.analysis import canonical_departments

    lines = H.raw_lines()
    first = lines.index("地域包括支援センター")  # 0-based; the other occurrences stay full-width
    variant = tmp_path / "variant_hyoka_2021.txt"
    variant.write_bytes(H.join(H.with_line(lines, first + 1, "地域包括支援ｾﾝﾀｰ")))
    committed = raw_tables.departments
    t = clean_reports([variant]).departments
    assert t["department"].nunique() == committed["department"].nunique() + 1  # the printed names differ
    canon = canonical_departments(t)
    assert canon["department"].nunique() == committed["department"].nunique()
    assert sorted(canon.groupby("department").size()) == sorted(committed.groupby("department").size())
    assert "地域包括支援ｾﾝﾀｰ" in set(t["department"])  # the data keeps the text as printed


# --- review round 3 (notes/review-round3.md): rules held as facts read from the report -------------------

def test_each_over_an_uncounted_set_has_no_total(tables):
    """05-W1: 「各地区保健会で事業を1回以上実施」 (L903–904) is at least once in *each* district, and the
    districts are not counted: no planned total (not 1), like 「児童館運営協議会　各館2回」 (L324)."""
    from helpers.analyse.analysis import each_unit_unknown, session_totals

    s = session_totals(tables.metrics).merge(tables.initiatives[["initiative_id", "row_no"]]).set_index(["row_no", "period"])
    assert pd.isna(s.loc[(35, "plan"), "sessions"]) and "印刷されていない" in s.loc[(35, "plan"), "note"]
    assert pd.isna(s.loc[(11, "plan"), "sessions"])
    # 「各地区学習会　11回」 (L906) names the sessions as a noun and prints their total: 11 + 講演会 1 (L907)
    assert s.loc[(35, "result"), "sessions"] == 12
    assert each_unit_unknown("各地区保健会で事業を") and not each_unit_unknown("各地区学習会")


def test_an_exact_rate_printed_in_the_row_beats_an_approximate_one(tables):
    """05-W2: 「実施率　4割弱」 (L1291) with 「(実施率39.1％)」 in the comment (L1293); plan 「７割以上」 (L1291)."""
    from helpers.analyse.analysis import exact_rates, measured_achievement

    e = exact_rates(tables).merge(tables.initiatives[["initiative_id", "row_no"]]).set_index("row_no")
    assert (e.loc[56, "approx_value"], e.loc[56, "value"], e.loc[56, "line"]) == (4.0, 3.91, 1293)
    r = measured_achievement(tables).set_index("row_no").loc[56]
    assert r.mean_achievement == round(39.1 / 70, 4) and r.rubric_grade == "C" == r.grade  # 55.9 %, not 4/7 = 57.1 %


def test_a_result_the_comment_puts_in_a_later_month_is_scheduled(tables):
    """01-M1/04-M1/05-M1: 活動報告会 1回 (L183) 「3月末に延期」 (L186–187); 相談会 1回 (L1030) 「3月には…相談会を
    予約制で開催する」 (L1038–1039); 戸別訪問 「１回（予定）」 (L1280). 育児相談会 11回 (L35) with 「１回中止」 (L39)
    names no later month: held."""
    from helpers.analyse.analysis import indicator_status, measured_achievement

    st = indicator_status(tables).set_index(["row_no", "indicator", "unit"])
    assert st.loc[(6, "支援リーダー活動報告会", "回"), "status"] == "scheduled"
    assert "延期" in st.loc[(6, "支援リーダー活動報告会", "回"), "scheduled_by_comment"]
    assert st.loc[(45, "相談会", "回"), "status"] == "scheduled" and st.loc[(55, "戸別訪問", "回"), "status"] == "scheduled"
    assert st.loc[(1, "育児相談会", "回"), "status"] == "held" and st.loc[(45, "研修会", "回"), "status"] == "not_held"
    a = measured_achievement(tables).set_index("row_no")
    # row 6 is measured on 子育て広場 38/54 (L179, L182) alone; row 45 on 研修会 中止 (L1031) alone: 0 %, legend D, printed B
    assert a.loc[6, "mean_achievement"] == round(38 / 54, 4) and a.loc[6, "unmeasured"] == "支援リーダー活動報告会（回）"
    assert (a.loc[45, "mean_achievement"], a.loc[45, "rubric_grade"], a.loc[45, "grade"]) == (0, "D", "B")


def test_every_figure_a_duplicate_prints_differently(tables):
    """01-M2/02-M1: row 5 repeats row 2 (L129–166) but prints 子育て広場 32回 337人 and BP 3回 21人 (L151, L153)
    against 38回 397人 and BP ４回 28人 (L64, L66); NP 1回 10人 is the same (L67, L154)."""
    from helpers.analyse.analysis import relisted_figure_conflicts

    c = relisted_figure_conflicts(tables)
    got = {(r.activity, r.unit, r.original_value, r.relisted_value, r.original_line, r.relisted_line)
           for r in c[c["period"] == "result"].itertuples()}
    assert got == {("子育て広場", "回", 38, 32, 64, 151), ("子育て広場", "人", 397, 337, 64, 151),
                   ("BP", "回", 4, 3, 66, 153), ("BP", "人", 28, 21, 66, 153)}
    assert set(c["original_row"]) == {2} and set(c["relisted_row"]) == {5}


def test_change_ranking_leaves_out_a_figure_its_duplicate_contradicts():
    """SYNTHETIC small frame: BP 19人 → 28人 in row 2, while its （再掲） row 5 prints 21人 (L66, L153)."""
    from helpers.analyse.analysis import change_ranking

    base = {"report": "r", "unit": "人", "plan_value": 36.0, "period_differs": False, "prior_is_plan_only": False,
            "status": "held"}
    people = pd.DataFrame([{**base, "row_no": 2, "indicator": "BP(親子の絆づくり)", "prior_value": 19.0, "result_value": 28.0},
                           {**base, "row_no": 2, "indicator": "NP(子育て支援)", "prior_value": 5.0, "result_value": 10.0}])
    conflicts = pd.DataFrame([{"report": "r", "original_row": 2, "relisted_row": 5, "activity": "BP", "unit": "人",
                               "period": "result", "original_value": 28.0, "relisted_value": 21.0, "relisted_line": 153}])
    r = change_ranking(people, conflicts).set_index("indicator")
    assert not r.loc["BP(親子の絆づくり)", "ranked"] and r.loc["NP(子育て支援)", "ranked"]
    assert r.loc["BP(親子の絆づくり)", "rank_note"] == "再掲と食い違い（No.5は21人）"
    assert change_ranking(people)["ranked"].all()  # without the conflicts, nothing is left out


def test_notebook_05_method_percentages_are_the_codes_rules(tables):
    """Notebook 05 §1 states three rules in words (100 % cap, 0 % when not held, scheduled never 0 %):
    the sentences are in the notebook and the code applies them to the report's rows."""
    import json

    from helpers.analyse.analysis import indicator_achievement

    nb = json.loads((Path(__file__).resolve().parents[1] / "notebooks" / "05_grade_audit.ipynb").read_text(encoding="utf-8"))
    method = next("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown" and "## 1. 方法" in "".join(c["source"]))
    assert "100% で頭打ち" in method and "実績なしは 0%" in method and "予定のみは 0% にしない" in method
    a = indicator_achievement(tables)
    # row 8: スキルアップ研修 plan ８回 (line 241), result 9回 (line 245): 9/8 = 112.5 %, counted as 100 %
    r = a[(a["row_no"] == 8) & (a["indicator"] == "スキルアップ研修")].iloc[0]
    assert (r.achievement_rate, r.capped) == (1.125, 1.0)
    assert a["capped"].max() == 1.0
    # row 25: 介護教室 planned (lines 644-645), 「介護教室は中止」 (line 647): 0 %, not left out
    assert a.loc[a["row_no"] == 25, "capped"].tolist() == [0.0]
    # row 31: 講演会 1回 300人 planned, result 「3月27日に開催予定」 (line 784): scheduled, not measured, never 0 %
    r31 = a[a["row_no"] == 31]
    assert len(r31) and r31["capped"].isna().all() and not r31["measured"].astype(bool).any()
