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
    # 子育て広場 354人 → 397人 printed in rows 2 and 7 (L51-64, L195-201): ranked once
    h = ranked[ranked["indicator"] == "子育て広場"]
    assert h.loc[h["ranked"], "row_no"].tolist() == [2] and h.loc[~h["ranked"], "row_no"].tolist() == [7]
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
    # 関係機関合同研修会 printed in rows 13 and 18 (L373, L458): one activity; 行事等 (L399) is no activity
    assert len(full) == 8 and "行事等" not in set(full["activity"])
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
