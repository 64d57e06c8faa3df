"""helpers.analyse.review on the real report: every expected value is read off the quoted report lines (L<n>)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.analyse.review import (
    cancellation_check,
    cancellation_followup,
    counting_rules,
    daily_averages,
    grade_basis,
    next_year_actions,
    plan_ambition,
    rates_per_session,
    ward_queries,
)


@pytest.fixture(scope="module")
def tables(raw_tables):
    return raw_tables


# Each function's result on the report, computed once for the tests that read it (do not modify):
# ward_queries alone takes about a second.


@pytest.fixture(scope="module")
def ambition(tables):
    return plan_ambition(tables)


@pytest.fixture(scope="module")
def per_session(tables):
    return rates_per_session(tables)


@pytest.fixture(scope="module")
def followup(tables):
    return cancellation_followup(tables)


@pytest.fixture(scope="module")
def checked(tables):
    return cancellation_check(tables)


@pytest.fixture(scope="module")
def queries(tables):
    return ward_queries(tables)


def test_plans_below_the_previous_year(ambition):
    a = ambition
    below = {(int(r), str(i)) for r, i in zip(a.loc[a["below_prior"], "row_no"], a.loc[a["below_prior"], "indicator"].fillna(""))}
    # read off the prior and plan cells: 1歳歯科健診 9→8 (L17, L25), 育児相談会 18→12 (L20, L28), 支援リーダー勉強会 3→2
    # (L238, L242), 支援センター会議 4→3 (L321, L325), 就労支援 28→20, 就職者 16→10, 就職実績率 57%→50% (L468-474),
    # 26回→20回 (L974), 3団体→2団体 (L990), 学習会 9→8 (L998, L1001), 3団体→2団体 (L1057)
    assert below == {(1, "1歳歯科健診"), (1, "育児相談会"), (8, "支援リーダー勉強会"), (11, "支援センター会議"),
                     (19, "就労支援対象者"), (19, "就職者"), (19, "就職実績率"), (40, ""), (42, ""), (43, "学習会"), (47, "")}
    r = a[(a["row_no"] == 1) & (a["indicator"] == "育児相談会")].iloc[0]
    assert (r.prior_value, r.plan_value, r.plan_vs_prior) == (18, 12, round(12 / 18 - 1, 4))
    # "ウォーキング講座 ３回 57人の予定" (L861-862): a planned prior figure is not a result
    assert not ((a["row_no"] == 34) & (a["unit"] == "人")).any()
    # スキルアップ研修 8回 → plan ８回 (L237, L241): equal is not below
    assert not a[(a["row_no"] == 8) & (a["indicator"] == "スキルアップ研修")]["below_prior"].iloc[0]
    # section 4's prior column is headed 見込み (L916): its prior figures are estimates
    assert set(a.loc[a["row_no"] >= 36, "prior_status"]) == {"estimate"}


def test_rates_per_session(per_session):
    r = per_session.set_index(["row_no", "activity"])
    # 子育て広場 33回 延べ354人 (L51) → 38回 延べ397人 (L64)
    h = r.loc[(2, "子育て広場")]
    assert (h.prior_per_session_derived, h.result_per_session_derived) == (round(354 / 33, 2), round(397 / 38, 2))
    assert h.change_per_session_derived == round(round(397 / 38, 2) / round(354 / 33, 2) - 1, 4)
    assert int(r.loc[(7, "子育て広場"), "same_as_row"]) == 2  # row 7 prints the same figures (L195-201)
    # 認知症サポーター養成講座 ２回 21人 (L744) → 4回 52人 (L755)
    assert r.loc[(29, "認知症サポーター養成講座実績"), "result_per_session_derived"] == 13.0
    # 食育講座 ２回 ５３人 (L864) → 271人 in individual consultations (L880, L888): no comparable rate
    f = r.loc[(34, "幼児を対象とした食育講座")]
    assert f.status == "changed_format" and pd.isna(f.change_per_session_derived)


def test_daily_averages_from_the_comment(tables):
    d = daily_averages(tables).set_index("facility")
    # L307-309 "1日平均は白根つくし園20人（前年度と同数）、児童館・児童センター232人（前年度比＋12％）"
    assert d.loc["白根つくし園", "result_per_day"] == 20 and d.loc["白根つくし園", "prior_per_day_derived"] == 20
    k = d.loc["児童館・児童センター"]
    assert (k.result_per_day, k.per_day_change_derived, k.prior_per_day_derived) == (232, 0.12, round(232 / 1.12, 1))
    # totals 延べ68,410人 (L292) → 68,000人 (L301): the total fell while the daily average rose
    assert (k.prior_total, k.result_total) == (68410, 68000) and k.total_change < 0
    assert k.result_open_days_derived == round(68000 / 232, 1)
    assert k.source_lines == "307,308,309"


def test_what_the_grades_rest_on(tables):
    b = grade_basis(tables).set_index("row_no")
    a = b[b["grade"] == "A"]
    # plans in words only: 全数連絡・全戸訪問 (L98-101), 随時 (L494), 事業の推進 (L565-568), 情報の発信 (L629-631),
    # ケア会議の開催 (L663-664), 情報の発信 (L748-749), 検討する (L1159-1162)
    assert set(a.index[a["basis"] == "no_numeric_plan"]) == {3, 20, 22, 24, 26, 29, 49}
    # a plan number no result number answers: 1回以上 (L903) vs 学習会 11回 (L906); 勉強会 2回 vs 圏域１回・地区３回 (L1170-1174)
    assert set(a.index[a["basis"] == "plan_unmeasurable"]) == {35, 50}
    assert set(b.index[b["basis"] == "scheduled"]) == {31}  # "講演会を3月27日に開催予定" (L784)
    # result columns headed 見込み in sections 1-3 (L2-3, L214-215, L545-546, L796-797), not in section 4 (L916):
    # rows 1-35 without the duplicates 5, 27, 28 = 32 rows
    assert int(b["on_estimate"].sum()) == 32 and not b.loc[36:, "on_estimate"].any()


def test_three_ways_of_counting_relisted_rows(tables):
    c = counting_rules(tables).set_index("counting")[["A", "B", "C", "D", "total"]]
    # printed grades A40 B7 C5 D4 (56 rows); （再掲） rows 5 C (L158), 10 A (L303), 18 D (L458), 27 A (L702), 28 A (L727);
    # duplicates 5, 27, 28 (notebook 01)
    assert c.loc["printed"].tolist() == [40, 7, 5, 4, 56]
    assert c.loc["counted"].tolist() == [38, 7, 4, 4, 53]
    assert c.loc["no_relisted"].tolist() == [37, 7, 4, 3, 51]


def test_next_year_actions(tables):
    a = next_year_actions(tables)
    text = " ".join(a["statement"])
    assert "BP2を新たに実施" in text  # L82-83
    assert "糖尿病予防相談会に変更" in text  # L890-891
    assert "受託事業者と協議" in text  # L648-649
    # "ミニドック型集団健診は対象者を3年未受診者に変更し、重点化して実施する" (L827-828) follows a 新年度 sentence
    assert any(s.startswith("ミニドック型集団健診") for s in a["statement"])
    # "次年度申請書類" (L1019) and "次年度申請の書類作成" (L1039) are this year's paperwork, not next year's actions
    assert not {44, 45} & set(a["row_no"])
    assert a.set_index("row_no").loc[25, "kind"] == "検討・協議"


def test_cancelled_activities_and_substitutes(followup):
    f = followup.set_index("activity")
    # 介護教室: "2年連続の中止" (L648), no substitute named
    assert bool(f.loc["介護教室", "two_years"]) and f.loc["介護教室", "substitute"] == ""
    # 関係機関合同研修会 (rows 13 and 18): cancelled in 2020 too (L365, L458); "代替として児童支援者向けの研修会を開催" (L378)
    r = f.loc["関係機関合同研修会"]
    assert (r.row_nos, bool(r.two_years)) == ("13・18", True) and "代替" in r.substitute
    assert "ビデオ" in f.loc["フォーラム", "substitute"]  # L607-608, L615-616
    assert "代わりに" in f.loc["研修会", "substitute"]  # L1036
    # row 34's 食育講座 change (L888) is no substitute for the cancelled ウォーキング講座 (L886-887)
    assert f.loc["ウォーキング講座", "substitute"] == "" and f.loc["ウォーキング講座", "next_step"] == ""


def test_printed_cancellation_counts_checked(checked):
    c = checked.set_index(["row_no", "activity"])
    # row 5 （再掲）: 32回 (L151) + 中止22回 (L161) = 54回, the plan (L144)
    r = c.loc[(5, "子育て広場")]
    assert (r.check, r.plan_value, r.result_value, r.sessions_cancelled, bool(r.is_duplicate)) == ("agrees", 54, 32, 22, True)
    # row 2: 38回 (L64) + 中止22回 (L74) = 60; row 7: 38回 (L201) + 中止８回 (L202) = 46
    assert c.loc[(2, "子育て広場"), "check"] == "differs" and c.loc[(7, "子育て広場"), "check"] == "differs"
    # 育児相談会 12回 planned (L28), 11回 held (L35), １回中止 (L39)
    assert c.loc[(1, "育児相談会"), "check"] == "agrees"
    # "NP 第２期全6回中２回実施後中止" (L76): 4 is computed, not printed
    assert c.loc[(2, "NP 第2期"), "check"] == "derived" and bool(c.loc[(2, "NP 第2期"), "derived"])


def test_ward_queries(queries):
    q = queries
    by_rows = q.set_index("row_nos")
    # rows 2/5/7 (and row 6, same 54回→38回): lines of the results and the cancellation counts
    first = by_rows.loc["2・5・6・7"]
    for line in ("L64", "L74", "L151", "L161", "L201", "L202"):
        assert line in first.text_lines.split(", ")
    assert "No.5 の版だけが中止回数と合う" in first.question
    assert "L373" in by_rows.loc["13・18", "text_lines"] and "L458" in by_rows.loc["13・18", "text_lines"]
    assert by_rows.loc["31", "rule"] == "scheduled" and "L784" in by_rows.loc["31", "text_lines"]
    assert by_rows.loc["34", "rule"] == "changed_format" and "L888" in by_rows.loc["34", "text_lines"]
    assert by_rows.loc["29", "rule"] == "period_differs" and "L741" in by_rows.loc["29", "text_lines"]
    assert by_rows.loc["56", "rule"] == "context_note" and by_rows.loc["56", "text_lines"] == "L1298, L1299"
    assert by_rows.loc["23", "rule"] == "a_below_legend"  # フォーラム中止 (L607) under an A (L610)
    # the plan is quoted with its qualifier: 「各地区保健会で事業を1回以上実施」 (L903–904) is at least once
    assert by_rows.loc["35", "rule"] == "plan_unmatched"
    assert "計画「各地区保健会で事業を 1回以上」" in by_rows.loc["35", "finding"] and "各地区学習会 11回" in by_rows.loc["35", "finding"]
    assert q["question"].str.len().gt(5).all() and q["departments"].ne("").all()
    assert q["query_no"].tolist() == list(range(1, len(q) + 1))


# --- review round 3 (notes/review-round3.md) ---------------------------------------------------------------

def test_a_course_cancellation_is_checked_against_plan_and_result(checked, queries):
    """01-M2: 「BP　第4期中止」 (L75, L162) cancels one course of the 4回 planned (L59, L146): 4 − 1 = 3 fits
    row 5's 「BP　3回」 (L153), not row 2's 「BP　４回」 (L66)."""
    c = checked.set_index(["row_no", "activity"])
    assert (c.loc[(5, "BP"), "check"], c.loc[(5, "BP"), "plan_minus_cancelled"]) == ("agrees", 3)
    assert c.loc[(2, "BP"), "check"] == "differs" and c.loc[(2, "BP"), "cancelled_text"] == "第4期中止（1期）"
    q = queries.set_index("row_nos")
    bp = q[q["topic"].str.startswith("BP")].iloc[0]
    assert bp.name == "2・5" and {"L66", "L75", "L153", "L162"} <= set(bp.text_lines.split(", "))
    assert "No.5 の版だけが中止回数と合う" in bp.question


def test_courses_are_not_sessions_and_only_printed_延べ_is_延べ(per_session):
    """02-M2: BP and NP count courses (「NP　第２期全6回中２回実施後中止」 L76: a 期 is 6 sessions; 「BP　第4期中止」
    L75): no per-session rate. 延べ is printed for 子育て広場 (L51, L64) only among these (BP L53–54, NP L55)."""
    r = per_session.set_index(["row_no", "activity"])
    for act in ("BP(親子の絆づくり)", "NP(子育て支援)"):
        assert bool(r.loc[(2, act), "sessions_are_courses"]) and pd.isna(r.loc[(2, act), "result_per_session_derived"])
    assert bool(r.loc[(2, "子育て広場"), "cumulative"]) and not bool(r.loc[(2, "子育て広場"), "sessions_are_courses"])
    assert not r.loc[(29, "認知症サポーター養成講座実績"), "cumulative"]  # 「２回　21人」 (L744)


def test_next_steps_without_a_year(tables, followup):
    """03-M1: 「連携強化の進め方について検討中」 (L460–461), 「内容についても検討していく」 (L1214–1215),
    「ウィズコロナでの実施方法を検討」 (L253–254); 「関係機関と取り組みについて検討した」 (No.17) is done."""
    a = next_year_actions(tables)
    open_ = a[a["horizon"] == "時期の記載なし"].set_index("row_no")
    assert {8, 18, 51} <= set(open_.index)
    assert "検討中" in open_.loc[18, "statement"] and not (a["statement"].str.contains("検討した")).any()
    f = followup.set_index("activity")
    assert "検討中" in f.loc["関係機関合同研修会", "next_step"]  # row 18's next step for the activity cancelled in 13 and 18


def test_planned_substitute_and_unknown_prior_year(followup):
    """03-M2: 「代わりに、感染症等に関する参考資料の配布を予定している」 (L1036–1037) is a planned substitute;
    03-U1: 「ウォーキング講座　３回　57人の予定」 (L861–862): the prior year's holding is unknown."""
    f = followup.set_index("activity")
    assert bool(f.loc["研修会", "substitute_planned"]) and not bool(f.loc["フォーラム", "substitute_planned"])
    assert bool(f.loc["ウォーキング講座", "prior_unknown"]) and not bool(f.loc["ウォーキング講座", "two_years"])
    assert not bool(f.loc["介護教室", "prior_unknown"])


def test_a_prior_figure_printed_with_its_parts(ambition):
    """05-M4: 「支援センター会議　4回（定例３回、臨時１回）」 (L321–322) against a plan of 3回 (L325)."""
    a = ambition
    r = a[(a["row_no"] == 11) & (a["indicator"] == "支援センター会議")].iloc[0]
    assert r.prior_breakdown == "定例3回・臨時1回（L321–L322）で、計画 3回 は定例の数と同じ"
    assert (a.loc[a["row_no"] != 11, "prior_breakdown"] == "").all()
