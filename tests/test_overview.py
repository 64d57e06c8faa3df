"""helpers.analyse.overview, helpers.present.display and helpers.present.explore on the real report (values read off its lines)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.present.display import formatted, table_html
from helpers.present.explore import find_initiatives, initiative_parts
from helpers.analyse.overview import OVERVIEW_COLUMNS, initiatives_overview, low_grade_reasons, same_figures_different_grades
from helpers.present.tables import CleanTables


@pytest.fixture(scope="module")
def tables(raw_tables):
    t = raw_tables
    return CleanTables(initiatives=t.initiatives, departments=t.departments, source_lines=t.source_lines,
                       grade_legend=t.grade_legend, metrics=t.metrics, trends=t.trends)


@pytest.fixture(scope="module")
def overview(tables):
    return initiatives_overview(tables)


def test_overview_one_row_per_printed_row(overview):
    full = overview
    assert list(full.columns) == OVERVIEW_COLUMNS and len(full) == 56
    ov = full.set_index("row_no")
    # line 769 "健康福祉課 ８回　48人 12回　72人 0回 D": 12 sessions planned, none held, not held (開催なし, line 772)
    r = ov.loc[30]
    assert (r.sessions_planned, r.sessions_held, r.not_held, r.grade) == (12, 0, True, "D")
    # lines 1277-1281: plan 戸別訪問 1回 + 区だより 2回; result 戸別訪問 １回（予定） (not held) + 区だより 1回
    r = ov.loc[55]
    assert (r.sessions_planned, r.sessions_held, r.scheduled_only, r.cancelled) == (3, 1, True, True)
    # （再掲） decisions carried into the master table
    assert (ov.loc[5, "relisted_decision"], ov.loc[10, "relisted_decision"]) == ("duplicate", "own_evidence")
    assert not ov.loc[27, "counts_as_initiative"] and ov.loc[18, "counts_as_initiative"]
    # line 305 "コロナ禍による休館（9/3～9/16、1/21～": closed, 2021
    assert ov.loc[10, "closed"] and ov.loc[10, "mentions_covid"]
    # row 3 mentions no COVID (自粛 only, lines 95-96) and has no 2021 event
    assert ov.loc[3, "covid_events"] == "" and not ov.loc[3, "mentions_covid"]


def test_session_counts_in_the_master_table(overview):
    ov = overview.set_index("row_no")
    # row 1: "1歳6か月児健診，3歳児健診 各12回" is 12 each (lines 26-27, 33-34): 6 + 8 + 24 + 12 = 50 planned, 49 held
    assert (ov.loc[1, "sessions_planned"], ov.loc[1, "sessions_held"]) == (50, 49)
    # row 35: 各地区学習会 11回 + 健康づくり講演会 1回 (lines 906-907); row 50: 圏域１回 + 地区３回 (lines 1173-1174)
    assert ov.loc[35, "sessions_held"] == 12 and ov.loc[50, "sessions_held"] == 4
    assert "以上" in ov.loc[35, "sessions_note"]  # "1回以上" (lines 903-904) is a floor
    # row 37: "2回（うち1回は社協だよりとの合併号…）" (lines 941-951): 2, not 3
    assert (ov.loc[37, "sessions_planned"], ov.loc[37, "sessions_held"]) == (2, 2)
    # row 11: "各館2回" (lines 320-328): the halls are not counted, so no total
    assert pd.isna(ov.loc[11, "sessions_planned"]) and "各" in ov.loc[11, "sessions_note"]
    # row 44: "1回 1回 未実施" (line 1015): none held; row 55: 戸別訪問 １回（予定） (line 1280) is scheduled
    assert ov.loc[44, "sessions_held"] == 0 and ov.loc[55, "sessions_scheduled"] == 1
    # what each row's achievement rests on: row 23 measured on 1 of 3 items (lines 598-608), row 31 scheduled (784)
    assert (ov.loc[23, "items"], ov.loc[23, "items_measured"]) == (3, 1)
    assert ov.loc[31, "achievement_status"] == "scheduled" and pd.isna(ov.loc[31, "mean_achievement"])


def test_same_figures_different_grades(tables):
    pairs = same_figures_different_grades(tables)
    got = {(a, b, ga, gb) for a, b, ga, gb in pairs[["row_a", "row_b", "grade_a", "grade_b"]].itertuples(index=False)}
    # rows 2 (C, line 83) and 7 (B, line 202) print 子育て広場 54回→38回 and 540人→397人 (lines 62-67, 198-202);
    # row 6 (A) prints the same 54回→38回 (lines 177-183); 関係機関合同研修会 中止: row 13 B, row 18 D (lines 373, 458)
    assert got == {(2, 6, "C", "A"), (2, 7, "C", "B"), (6, 7, "A", "B"), (13, 18, "B", "D")}
    by = pairs.set_index(["row_a", "row_b"])
    shared = by.loc[(2, 7), "shared"]
    assert "540人→397人" in shared and "54回→38回" in shared
    # the share of items in common: row 2 prints 子育て広場, BP, NP, 屋外交流会 (lines 64-69), row 7 only 子育て広場
    # (lines 201-202); row 13 prints 区だより, 社協だより, 研修会 (lines 371-373), row 18 only the 研修会 (line 458)
    assert by.loc[(2, 7), ["shared_items", "items_a", "items_b"]].tolist() == [1, 4, 1]
    assert by.loc[(13, 18), ["shared_items", "items_a", "items_b"]].tolist() == [1, 3, 1]
    assert not by["same_items"].any()


def test_low_grade_rows_with_reasons(overview):
    ov = overview
    low = low_grade_reasons(ov)
    # every C and D printed: rows 2, 5, 12, 18, 25, 30, 34, 44, 56 (lines 71, 158, 356, 458, 647, 769, 883, 1015, 1291);
    # row 5 repeats row 2 (（再掲）, lines 129-166): one rule for duplicates, so 8 initiatives
    assert low["row_no"].tolist() == [2, 12, 18, 25, 30, 34, 44, 56]
    assert low_grade_reasons(ov, duplicates=True)["row_no"].tolist() == [2, 5, 12, 18, 25, 30, 34, 44, 56]
    assert low.set_index("row_no").loc[56, "comment"].startswith("全23組織中、実施は9組織。")


def test_display_and_explore(tables):
    f = formatted(tables.trends.head(4)[["indicator", "prior_value", "change_rate", "achievement_rate"]],
                  rates=["change_rate", "achievement_rate"])
    # line 20 "育児相談会　18回" → 11回 of 12 planned
    assert f.iloc[3].tolist() == ["育児相談会", "18", "-38.9%", "91.7%"]
    assert "<script>" not in table_html(tables.initiatives.assign(comment="<script>x</script>").head(1)[["comment"]])
    assert find_initiatives(tables, "子育て広場")["row_no"].tolist() == [2, 5, 6, 7]
    p = initiative_parts(tables, 55)
    assert p["heading"].startswith("No.55 地域の避難行動要支援者登録対象者への意識付け — 評価 B")
    assert 1280 in p["source"]["line_no"].tolist()


def test_master_table_counts_of_round3(overview):
    """05-W1: 「各地区保健会で事業を1回以上実施」 (L903–904): no planned total (the districts are not counted), not 1.
    05-M1: 活動報告会 1回 「3月末に延期」 (L183, L186–187) and 相談会 1回 「3月には…開催する」 (L1030, L1038–1039)
    are scheduled, not held."""
    ov = overview.set_index("row_no")
    assert pd.isna(ov.loc[35, "sessions_planned"]) and "数が印刷されていない" in ov.loc[35, "sessions_note"]
    assert (ov.loc[6, "sessions_held"], ov.loc[6, "sessions_scheduled"]) == (38, 1)  # 子育て広場 38回 (L182)
    assert (ov.loc[45, "sessions_held"], ov.loc[45, "sessions_scheduled"]) == (0, 1)  # 研修会 中止 (L1031)
