"""The notebooks agree with each other and with the report (issue 18, issue 15 §4).

Reads the summary tables the notebooks saved (``reports/tables/*.csv``, committed with the executed
notebooks), so it is fast and checks what a reader gets. Expected values come from the report's
lines (L<n>), not from the code.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.analyse.analysis import status_conflicts

TABLES = Path(__file__).resolve().parents[1] / "reports" / "tables"
REPORT = "niigata-minami_chiiki-fukushi-keikaku_hyoka_2021"


def table(name: str) -> pd.DataFrame:
    path = TABLES / f"{name}.csv"
    if not path.exists():
        pytest.skip(f"{path.name} not built (run make report)")
    df = pd.read_csv(path, encoding="utf-8-sig")
    return df[df["report"] == REPORT] if "report" in df.columns else df


def truthy(s: pd.Series) -> pd.Series:
    return s.astype(str).str.strip().isin(["True", "true", "TRUE", "1", "1.0", "○"])


def test_no_activity_is_a_rise_in_one_notebook_and_not_held_in_another():
    ranked = table("02_people_change_ranked").assign(ranked=lambda d: truthy(d["ranked"]))
    counted = table("05_indicator_achievement")
    assert status_conflicts(ranked, counted).empty
    # 幼児を対象とした食育講座, row 34: ５３人 (L864) → 271人 (L880) after "集団を個別相談に変更して実施" (L888-889)
    r = ranked[(ranked["row_no"] == 34) & (ranked["indicator"] == "幼児を対象とした食育講座")].iloc[0]
    assert not r.ranked and r.rank_note.startswith("数え方が変わった")
    c = counted[(counted["row_no"] == 34) & (counted["indicator"] == "幼児を対象とした食育講座")]
    assert set(c["status"]) == {"changed_format"} and truthy(c["held"]).all()
    # 講演会, row 31: "講演会を3月27日に開催予定" (L784) is scheduled in both, never −100 %
    r = ranked[(ranked["row_no"] == 31) & (ranked["indicator"] == "講演会")].iloc[0]
    assert not r.ranked and r.rank_note.startswith("予定")
    assert set(counted.loc[counted["row_no"] == 31, "status"]) == {"scheduled"}
    # 子育て広場 354人 → 397人 printed in rows 2 and 7 (L51-64, L195-201): never ranked twice; and since review
    # round 3 not at all: row 2's （再掲） duplicate, row 5, prints 337人 for the same activity (L151), and only
    # row 5's 32回 fits 中止22回 (L144, L151, L161): the report contradicts 397人, so it is left out, with the reason
    h = ranked[ranked["indicator"] == "子育て広場"].set_index("row_no")
    assert not h["ranked"].any() and sorted(h.index) == [2, 7]
    assert h.loc[2, "rank_note"] == "再掲と食い違い（No.5は337人）" and h.loc[7, "rank_note"].startswith("同じ数字の行")
    # 認知症カフェ 143人 "6月から再開…（1月開催まで）" (L740-742) against a year: not ranked
    cafe = ranked[(ranked["row_no"] == 29) & ranked["indicator"].str.startswith("認知症カフェ")].iloc[0]
    assert not cafe.ranked and cafe.rank_note.startswith("期間が違う")


def test_one_rule_for_duplicates_in_every_count_of_low_grades():
    # C and D as printed: rows 2 (L71), 5 (L158), 12 (L356), 18 (L458), 25 (L647), 30 (L769), 34 (L883), 44 (L1015),
    # 56 (L1291); row 5 repeats row 2 (（再掲）, L129-166): 8 initiatives in every notebook
    low = table("05_low_grade_reasons")
    assert sorted(low["row_no"]) == [2, 12, 18, 25, 30, 34, 44, 56]
    overall = table("04_grades_overall").set_index("counting")
    assert int(overall.loc["counted", "C"] + overall.loc["counted", "D"]) == 8
    assert int(overall.loc["printed", "C"] + overall.loc["printed", "D"]) == 9
    mention = table("03_grades_by_covid_mention")
    assert int(mention["C"].sum() + mention["D"].sum()) == 8


def test_fully_cancelled_counts_activities_once():
    full = table("03_fully_cancelled")
    # 関係機関合同研修会 printed in rows 13 and 18 (L373, L458): one activity; 行事等 (L399) is no activity;
    # 9 since review round 3: 「コロナ禍により立ち上げ支援の周知ができなかった」 (L1061–1062) is an activity not carried out
    assert len(full) == 9 and "行事等" not in set(full["activity"])
    assert full.loc[full["activity"] == "関係機関合同研修会", "row_nos"].tolist() == ["13・18"]


def test_the_timeline_reads_every_dated_covid_event():
    ev = table("03_covid_events")
    ev = ev[ev["fiscal_year"] == 2021]
    # "2月の研修後に短時間の交流を予定していたが、コロナ感染拡大に伴い中止" (L1017-1018); "2月に研修会を予定していたが、
    # コロナ感染拡大により中止" (L1035-1036): dated February, COVID stated
    for row in (44, 45):
        e = ev[(ev["row_no"] == row) & (ev["what"] == "cancelled")].iloc[0]
        assert e.timing == "2月" and truthy(pd.Series([e.covid_stated])).all()
    # 講演会 (L784): dated, but no COVID cause in row 31 (L776-786): not a COVID event on the timeline
    e = ev[ev["row_no"] == 31].iloc[0]
    assert not truthy(pd.Series([e.row_mentions_covid])).any()


def test_query_list_holds_the_contradictions():
    q = table("01_ward_queries")
    rows = set(q["row_nos"].astype(str))
    assert {"2・5・6・7", "13・18", "31", "34", "29", "56"} <= rows
    assert q["text_lines"].str.match(r"^L\d+(, L\d+)*$").all() and q["question"].str.len().gt(5).all()


# --- review round 3 (notes/review-round3.md): the saved tables hold each fix ------------------------------

def test_round3_master_table_and_rates():
    ov = table("initiatives_overview").set_index("row_no")
    # 05-W1: 「各地区保健会で事業を1回以上実施」 (L903–904): the districts are not counted, no planned total (like 各館, L324)
    assert pd.isna(ov.loc[35, "sessions_planned"]) and pd.isna(ov.loc[11, "sessions_planned"])
    # 05-W2: 「実施率　4割弱」 (L1291) with 「(実施率39.1％)」 (L1293) against 「７割以上」: 39.1 / 70
    assert round(float(ov.loc[56, "mean_achievement"]), 4) == round(39.1 / 70, 4)
    basis = table("04_grade_basis").set_index("row_no")
    assert round(float(basis.loc[56, "mean_achievement"]), 4) == round(39.1 / 70, 4)


def test_round3_scheduled_results_of_section_4():
    # 01-M1/04-M1/05-M1: 戸別訪問 「１回（予定）」 (L1280); 相談会 1回 (L1030) 「3月には…開催する」 (L1038–1039);
    # 活動報告会 1回 (L183) 「3月末に延期」 (L186–187)
    ind = table("05_indicator_achievement")
    st = {(int(r), i): s for r, i, s in zip(ind["row_no"], ind["indicator"], ind["status"])}
    assert st[(55, "戸別訪問")] == st[(45, "相談会")] == st[(6, "支援リーダー活動報告会")] == "scheduled"
    basis = table("04_grade_basis").set_index("row_no")
    assert {6, 31, 45, 55} <= set(basis.index[basis["scheduled_items"] > 0])


def test_round3_bp_is_a_contradiction_everywhere():
    # 01-M2/02-M1: BP ４回 28人 (L66) in row 2, 3回 21人 (L153) in its （再掲） row 5; 「BP　第4期中止」 (L75)
    q = table("01_ward_queries")
    bp = q[q["topic"].str.startswith("BP")]
    assert len(bp) == 1 and bp["row_nos"].iloc[0] == "2・5" and "L153" in bp["text_lines"].iloc[0]
    ranked = table("02_people_change_ranked")
    b = ranked[(ranked["row_no"] == 2) & ranked["indicator"].str.startswith("BP")].iloc[0]
    assert not truthy(pd.Series([b.ranked])).any() and "No.5は21人" in b.rank_note
    # 02-M2: BP and NP count courses (「第２期全6回」 L76): no per-session rate
    per = table("02_rates_per_session")
    courses = per[per["activity"].str.match(r"^(BP|NP)")]
    assert truthy(courses["sessions_are_courses"]).all() and courses["result_per_session_derived"].isna().all()


def test_round3_covid_events_and_next_steps():
    ev = table("03_covid_events")
    ev21 = ev[ev["fiscal_year"] == 2021]
    # 03-M3: 「周知ができなかった」 (L1061–1062), 「地区の状況に合わせて事業を実施」 (L912); 03-M4: no FY2021 online
    # event for 講演会, whose FY2021 session is 「3月27日に開催予定」 (L784)
    assert set(ev21.loc[ev21["row_no"] == 47, "what"]) == {"not_held"} and set(ev21.loc[ev21["row_no"] == 35, "what"]) == {"adapted"}
    assert set(ev21.loc[ev21["row_no"] == 31, "what"]) == {"scheduled_only"}
    # 03-M1: 「連携強化の進め方について検討中」 (L460–461), 「内容についても検討していく」 (L1214–1215)
    nxt = table("03_next_year_actions")
    assert {8, 18, 51} <= set(nxt["row_no"])
    f = table("03_cancelled_followup").set_index("activity")
    # 03-M2: 「参考資料の配布を予定している」 (L1036–1037); 03-U1: 「57人の予定」 (L861–862)
    assert truthy(pd.Series([f.loc["研修会", "substitute_planned"]])).all()
    assert truthy(pd.Series([f.loc["ウォーキング講座", "prior_unknown"]])).all()


def test_round3_each_in_the_trend_table():
    # 06-M1: 「1歳6か月児健診，3歳児健診　各8回 / 各12回 / 各12回」 (L18–19, L26–27, L33–34): 16 / 24 / 24
    fig = table("06_figures_by_year")
    k = fig[fig["indicator"].str.startswith("1歳6か月児健診")]
    assert k["value"].tolist() == [16, 24, 24] and k["printed"].tolist() == ["各8回", "各12回", "各12回"]
