"""helpers.analyse.events on the real report: every expected value is read off the quoted report lines."""

from __future__ import annotations

import pytest

from helpers.analyse.events import alert_months, alert_note, covid_events, extract_events, fully_cancelled, is_vague_activity


@pytest.fixture(scope="module")
def tables(raw_tables):
    return raw_tables


@pytest.fixture(scope="module")
def events(tables):
    return covid_events(tables.initiatives, tables.source_lines)


def one(ev, row_no, what, activity=None, year=None):
    sub = ev[(ev["row_no"] == row_no) & (ev["what"] == what)]
    if activity is not None:
        sub = sub[sub["activity"] == activity]
    if year is not None:
        sub = sub[sub["fiscal_year"] == year]
    assert len(sub) == 1, sub
    return sub.iloc[0]


def test_sessions_where_printed(events):
    # line 39 "コロナ禍により、育児相談会を１回中止、電話で"
    e = one(events, 1, "cancelled", "育児相談会")
    assert (e.sessions_cancelled, e.fiscal_year, e.source_lines) == (1, 2021, "39")
    # line 74 "　子育て広場　中止22回"
    assert one(events, 2, "cancelled", "子育て広場").sessions_cancelled == 22
    # line 76 "　NP　第２期全6回中２回実施後中止（８人参" : 6 planned, 2 held, 4 cancelled
    e = one(events, 2, "cancelled", "NP 第2期")
    assert (e.sessions_planned, e.sessions_held, e.sessions_cancelled, e.source_lines) == (6, 2, 4, "76")
    # line 75 "　BP　第4期中止": a term cancelled, no session count printed
    e = one(events, 2, "cancelled", "BP")
    assert e.timing == "第4期" and pd_na(e.sessions_cancelled)
    # line 202 "…施設休館により中止８回"
    assert one(events, 7, "cancelled").sessions_cancelled == 8


def pd_na(x):
    import pandas as pd

    return x is pd.NA or pd.isna(x)


def test_year_aware(events):
    # line 643 prior cell "介護教室は中止" (2020) and line 647 result cell "介護教室は中止" (2021)
    assert one(events, 25, "cancelled", "介護教室", 2020).source_lines == "643"
    e = one(events, 25, "cancelled", "介護教室", 2021)
    assert e.source_lines == "647,648"  # merged with the comment "コロナ禍により中止。2年連続の中止…"
    # line 811 "7月は中止，10月は２会場で" is in the prior-year cell: a 2020 event, not 2021
    e = one(events, 32, "cancelled")
    assert (e.fiscal_year, e.timing, e.field) == (2020, "7月", "prior_text")
    # row 3: "訪問自粛期間は電話確認・相談" only in the prior-year cell (line 95-96): no 2021 event
    assert set(events.loc[events["row_no"] == 3, "fiscal_year"]) == {2020}


def test_not_held_reduced_adapted(events):
    # line 769 result "0回" and line 772 "出前講座としては開催なし"
    e = one(events, 30, "not_held", "出前講座")
    assert (e.sessions_held, e.source_lines) == (0, "769,772")
    # line 1015 "1回 1回 未実施 D"
    assert one(events, 44, "not_held").source_lines == "1015"
    # row 48 comment "工夫をしながら世代間交流を実施した地域があった" (an adaptation)
    assert one(events, 48, "adapted").activity == "工夫"
    # row 56 comment "訓練規模の縮小、時間の短縮を行った"
    assert set(events.loc[(events["row_no"] == 56) & (events["what"] == "reduced"), "activity"]) == {"訓練規模", "時間"}
    # line 1280 "戸別訪問　１回（予定）": scheduled, not held; line 1283 "６月時の戸別訪問が中止"
    assert one(events, 55, "scheduled_only").activity == "戸別訪問"
    e = one(events, 55, "cancelled", "戸別訪問")
    assert (e.timing, e.source_lines) == ("6月", "1283")
    # line 305 "コロナ禍による休館（9/3～9/16、1/21～" … "3/6）あり。"
    assert one(events, 10, "closed").timing == "9/3～9/16、1/21～3/6"


def test_fully_cancelled(events, tables):
    full = fully_cancelled(events, tables.trends)
    got = {(r, a) for r, a in zip(full["row_nos"], full["activity"])}
    # activities not held at all in 2021, one each: 関係機関合同研修会 (rows 13 and 18, lines 373 and 458: one
    # activity printed twice), フォーラム (607), 介護教室 (647), 出前講座 (772 開催なし), row 34's two courses
    # (lines 885-887), 短時間の交流 (1017-1018) and 研修会 (1031, 1035-1036); and 「コロナ禍により立ち上げ支援の
    # 周知ができなかった」 (lines 1061-1062): an activity not carried out (review round 3, 03-M3)
    assert got == {("13・18", "関係機関合同研修会"), ("23", "フォーラム"), ("25", "介護教室"), ("30", "出前講座"),
                   ("34", "ウォーキング講座"), ("34", "糖尿病フォローアップ講座"), ("44", "短時間の交流"), ("45", "研修会"),
                   ("47", "立ち上げ支援の周知")}
    # partial cancellations are not "fully cancelled": 中止22回 (row 2), 7月は中止 (2020, row 32)
    assert 2 not in set(full["row_no"]) and 32 not in set(full["row_no"])
    by = full.set_index("activity")
    assert bool(by.loc["介護教室", "also_prior_year"])  # "2年連続の中止" (line 648)
    assert bool(by.loc["関係機関合同研修会", "also_prior_year"])  # "関係機関合同研修会の中止" in 2020 (lines 365, 458)
    # the month a one-off was planned for does not make it partial: "2月に研修会を予定していたが" (line 1035)
    assert (by.loc["研修会", "timing"], by.loc["研修会", "timing_of"]) == ("2月", "planned")


def test_vague_collective_noun_is_not_an_activity(events, tables):
    # line 399 "コロナ禍により行事等が中止となり": 行事等 names no activity (and row 14 is graded A, line 394)
    assert is_vague_activity("行事等") and not is_vague_activity("研修会")
    full = fully_cancelled(events, tables.trends)
    assert 14 not in set(full["row_no"])
    listed = fully_cancelled(events, tables.trends, vague=True)
    assert listed.loc[listed["row_no"] == 14, ["activity", "vague"]].values.tolist() == [["行事等", True]]


def test_derived_counts_are_labelled(events):
    # line 76 "NP　第２期全6回中２回実施後中止": 4 is computed (6 − 2), not printed; line 74 "中止22回" is printed
    assert bool(one(events, 2, "cancelled", "NP 第2期").cancelled_derived)
    assert not bool(one(events, 2, "cancelled", "子育て広場").cancelled_derived)


def test_dated_covid_events_include_the_planned_month(events):
    # lines 1017-1018 "2月の研修後に短時間の交流を予定していたが、コロナ感染拡大に伴い中止とした。"
    e = one(events, 44, "cancelled", "短時間の交流")
    assert (e.timing, e.timing_of, bool(e.covid_stated)) == ("2月", "planned", True)
    # line 784 "講演会を3月27日に開催予定": dated, but no COVID cause anywhere in row 31 (lines 776-786)
    e = one(events, 31, "scheduled_only")
    assert (e.timing, bool(e.covid_stated), bool(e.row_mentions_covid)) == ("3月", False, False)


def test_alert_note(tables):
    # lines 1298-1299 "警報以上の発令月" / "4～６，8～10，1～3"
    note = alert_note(tables.initiatives, tables.source_lines)
    assert note[["row_no", "fiscal_year", "months", "source_lines"]].values.tolist() == [
        [56, 2021, "4,5,6,8,9,10,1,2,3", "1298,1299"]]
    assert alert_months("１～３") == [1, 2, 3]
    assert extract_events("") == []


def test_fewer_sessions_held_is_a_reduction(events):
    # line 356 "コロナ禍により各1回の開催。" (row 12, planned 2 meetings each, lines 348-349)
    e = one(events, 12, "reduced")
    assert (e.sessions_held, e.fiscal_year, e.covid_stated, e.source_lines) == (1, 2021, True, "356")


def test_events_of_review_round3(events):
    """03-M3/03-M4: 「コロナ禍により立ち上げ支援の周知ができなかった」 (L1061–1062); 「コロナ禍の中、地区の状況に
    合わせて事業を実施」 (L912); 「認知症カフェ（6月から再開」 (L740, FY2020); 講演会's online format is the FY2020
    session (「会場とオンラインで開催」 L781–782) while the FY2021 one is 「3月27日に開催予定」 (L784)."""
    e47 = events[(events["row_no"] == 47) & (events["fiscal_year"] == 2021)]
    assert e47[["what", "activity", "source_lines"]].values.tolist() == [["not_held", "立ち上げ支援の周知", "1062"]]
    assert events[(events["row_no"] == 35) & (events["fiscal_year"] == 2021)]["what"].tolist() == ["adapted"]
    cafe = events[(events["row_no"] == 29) & (events["fiscal_year"] == 2020)].iloc[0]
    assert (cafe.what, cafe.timing, cafe.timing_of) == ("suspended", "6月から再開", "resumed")
    r31 = events[events["row_no"] == 31]
    assert r31.loc[r31["fiscal_year"] == 2021, "what"].tolist() == ["scheduled_only"]
    online = r31[(r31["fiscal_year"] == 2020) & (r31["what"] == "adapted")].iloc[0]
    assert online.source_lines == "782,785"
