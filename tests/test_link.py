"""helpers.collect.link: initiative_key and links.csv on the committed report + its synthetic next year.

The synthetic report (tests/make_synthetic_report.py) keeps every row of the
committed report except 4-1-07 ボランティア活動支援 (dropped) and rewords 4-1-06
ボランティア交流会の実施 → …の開催.  So, read off the two texts: rows up to
4-1-06 continue under the same id suffix, the committed 4-1-08 災害ボランティアの
育成 continues as the synthetic 4-1-07, and the rest of the page under its
own suffix (4-2-*, 4-3-*, 4-4-* are other objectives).
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.read.extract import ReportError
from helpers.collect.link import ACCEPT, REVIEW, _features, link_rows, read_overrides
from helpers.pipeline import clean_reports

from .make_synthetic_report import SYNTHETIC_NEXT, REAL, REAL_SERIES, two_report_collection

SYN = SYNTHETIC_NEXT
OVERRIDE_HEADER = "series,report_a,initiative_id_a,report_b,initiative_id_b,action,note\n"


@pytest.fixture(scope="module")
def folder(two_report_folder):
    return two_report_folder


@pytest.fixture(scope="module")
def two(folder):
    return clean_reports([folder], with_metrics=False)


def _suffix(rid):
    return None if pd.isna(rid) else rid.split(":", 1)[1]


def test_every_continued_row_is_linked_to_its_counterpart(two):
    real_ids = two.initiatives.loc[two.initiatives["report"] == REAL.stem, "initiative_id"].map(_suffix).tolist()
    assert len(real_ids) == 56
    expected = {s: s for s in real_ids if s not in ("4-1-07", "4-1-08")}
    expected["4-1-08"] = "4-1-07"
    links = two.links
    acc = links[links["status"] == "accepted"]
    got = dict(zip(acc["initiative_id_a"].map(_suffix), acc["initiative_id_b"].map(_suffix)))
    assert got == expected  # 55 links, each to its own counterpart
    assert (acc["initiative_key_a"] == acc["initiative_key_b"]).all()
    assert set(acc["report_a"]) == {REAL.stem} and set(acc["report_b"]) == {SYN}
    assert set(links["series"]) == {REAL_SERIES}


def test_dropped_row_is_not_linked(two):
    links = two.links
    dropped = links[links["initiative_id_a"] == f"{REAL.stem}:4-1-07"]
    assert len(dropped) == 1
    row = dropped.iloc[0]
    assert row["method"] == "none" and row["status"] == "unlinked" and pd.isna(row["initiative_id_b"])
    assert row["initiative_a"] == "ボランティア活動支援"
    assert len(links) == 56  # 55 links + the dropped row; no new rows in the synthetic report


def test_reworded_row_is_a_fuzzy_link(two):
    row = two.links[two.links["initiative_id_a"] == f"{REAL.stem}:4-1-06"].iloc[0]
    assert (row["initiative_a"], row["initiative_b"]) == ("ボランティア交流会の実施", "ボランティア交流会の開催")
    assert row["method"] == "fuzzy" and row["status"] == "accepted" and ACCEPT <= row["score"] < 100
    others = two.links[(two.links["status"] == "accepted") & (two.links["initiative_id_a"] != f"{REAL.stem}:4-1-06")]
    assert set(others["method"]) == {"exact"} and set(others["score"]) == {100}


def test_same_name_rows_and_relisted_rows_link_one_to_one(two):
    acc = two.links[two.links["status"] == "accepted"]
    pairs = dict(zip(acc["initiative_id_a"].map(_suffix), acc["initiative_id_b"].map(_suffix)))
    # the three 健康寿命延伸に向けた取り組みの実施 rows (lines 807, 830, 854)
    assert [pairs[s] for s in ("3-3-01", "3-3-02", "3-3-03")] == ["3-3-01", "3-3-02", "3-3-03"]
    # （再掲） rows and their originals
    for original, relisted in (("1-1-02", "1-2-01"), ("1-2-03", "1-3-01"), ("2-2-01", "2-3-03"),
                               ("3-1-01", "3-2-01"), ("3-1-05", "3-2-02")):
        assert pairs[original] == original and pairs[relisted] == relisted
    assert acc["initiative_id_a"].is_unique and acc["initiative_id_b"].is_unique


def test_same_name_rows_link_by_their_other_cells_not_by_position(two):
    real = two.initiatives[two.initiatives["report"] == REAL.stem]
    f = _features(real, two.departments)
    health = f[f["initiative"] == "健康寿命延伸に向けた取り組みの実施"].reset_index(drop=True)
    assert len(health) == 3
    shuffled = health.iloc[[2, 0, 1]].reset_index(drop=True).copy()
    shuffled["row_no"] = health["row_no"].tolist()  # positions now point to the wrong namesake
    recs = link_rows("s", "a", health, "b", shuffled)
    assert {(r["initiative_id_a"], r["initiative_id_b"]) for r in recs} == {(x, x) for x in health["initiative_id"]}


def test_keys(two):
    ini = two.initiatives
    assert not ini.duplicated(["report", "initiative_key"]).any()
    k = ini.set_index("initiative_id")["initiative_key"]
    assert k[f"{REAL.stem}:1-1-01"] == f"{REAL_SERIES}:1-1-01" == k[f"{SYN}:1-1-01"]
    assert k[f"{SYN}:4-1-07"] == k[f"{REAL.stem}:4-1-08"] == f"{REAL_SERIES}:4-1-08"
    assert k[f"{REAL.stem}:4-1-07"] not in set(ini.loc[ini["report"] == SYN, "initiative_key"])


def test_low_score_is_listed_to_review_not_accepted(two):
    real = two.initiatives[two.initiatives["report"] == REAL.stem]
    f = _features(real, two.departments)
    a = f[f["initiative_id"].str.endswith(":1-1-01")].reset_index(drop=True)
    b = a.copy()
    b["summary"] = "まったく別の概要"  # same name, objective, section, department; another summary
    recs = link_rows("s", "a", a, "b", b)
    assert len(recs) == 1 and REVIEW <= recs[0]["score"] < ACCEPT
    assert recs[0]["status"] == "to_review" and recs[0]["method"] == "fuzzy"
    b["objective"] = "別の目標"  # below REVIEW: no candidate at all, each row stands alone
    recs = link_rows("s", "a", a, "b", b)
    assert [(r["status"], r["method"]) for r in recs] == [("unlinked", "none"), ("unlinked", "none")]


def test_overrides_force_and_forbid(tmp_path):
    folder = two_report_collection(tmp_path / "c")
    (folder / "link_overrides.csv").write_text(
        OVERRIDE_HEADER
        + f"{REAL_SERIES},{REAL.stem},4-1-06,{SYN},4-1-06,forbid,different event\n"
        + f",{REAL.stem},{REAL.stem}:4-1-07,{SYN},4-1-07,force,test only\n", encoding="utf-8")
    t = clean_reports([folder], with_metrics=False)
    links = t.links
    forbidden = links[links["status"] == "forbidden"]
    assert forbidden[["initiative_id_a", "initiative_id_b"]].map(_suffix).values.tolist() == [["4-1-06", "4-1-06"]]
    assert "link_overrides.csv:2: different event" in forbidden["reason"].item()
    forced = links[links["method"] == "override"]
    row = forced[forced["status"] == "accepted"].iloc[0]
    assert (_suffix(row["initiative_id_a"]), _suffix(row["initiative_id_b"])) == ("4-1-07", "4-1-07")
    k = t.initiatives.set_index("initiative_id")["initiative_key"]
    assert k[f"{SYN}:4-1-06"] == f"{REAL_SERIES}:4-1-06@2022"  # not linked: a key of its own
    assert k[f"{SYN}:4-1-07"] == k[f"{REAL.stem}:4-1-07"]
    # every row of each report is in exactly one non-forbidden links row
    live = links[links["status"] != "forbidden"]
    assert live["initiative_id_a"].dropna().is_unique and live["initiative_id_b"].dropna().is_unique
    assert live["initiative_id_a"].notna().sum() == 56 and live["initiative_id_b"].notna().sum() == 55


def test_override_errors(tmp_path, folder):
    bad = tmp_path / "link_overrides.csv"
    bad.write_text(OVERRIDE_HEADER + f",{REAL.stem},1-1-01,{SYN},1-1-01,merge,\n", encoding="utf-8")
    with pytest.raises(ReportError, match=r"link_overrides.csv:2: action must be 'force' or 'forbid'"):
        read_overrides(bad)
    bad.write_text("report_a,report_b\n", encoding="utf-8")
    with pytest.raises(ReportError, match="lacks columns"):
        read_overrides(bad)
    assert read_overrides(tmp_path / "missing.csv") == []
    (folder / "link_overrides.csv").write_text(OVERRIDE_HEADER + f",{REAL.stem},9-9-99,{SYN},1-1-01,force,\n", encoding="utf-8")
    try:
        with pytest.raises(ReportError, match=r"link_overrides.csv:2: initiative_id_a '9-9-99' is not a row"):
            clean_reports([folder], with_metrics=False)
    finally:
        (folder / "link_overrides.csv").unlink()


def test_reports_of_different_series_are_never_linked(tmp_path):
    import shutil

    from .make_synthetic_report import write_synthetic

    shutil.copyfile(REAL, tmp_path / "ward-a_2021.txt")
    write_synthetic(tmp_path, stem="ward-b_2022", sidecar=False)
    t = clean_reports([tmp_path], with_metrics=False)
    assert len(t.links) == 0
    keys = t.initiatives.groupby("report")["initiative_key"].apply(set)
    assert not (keys["ward-a_2021"] & keys["ward-b_2022"])


def test_section_blocking_for_large_remainders_gives_the_same_links(two, monkeypatch):
    import helpers.collect.link as link

    real = two.initiatives[two.initiatives["report"] == REAL.stem]
    f = _features(real, two.departments)
    b = f.copy()
    b["summary"] = b["summary"] + "等"  # no row is exact any more: all 56 go to the fuzzy pass
    full = [(r["initiative_id_a"], r["initiative_id_b"], r["status"]) for r in link_rows("s", "a", f, "b", b)]
    monkeypatch.setattr(link, "MAX_PAIRS", 10)
    blocked = [(r["initiative_id_a"], r["initiative_id_b"], r["status"]) for r in link_rows("s", "a", f, "b", b)]
    assert blocked == full
    assert {(x, y) for x, y, s in full if s == "accepted"} == {(x, x) for x in f["initiative_id"]}


def test_a_section_too_large_is_compared_in_a_band_with_the_same_links(two, monkeypatch):
    """Issue 17 §3: above MAX_PAIRS pairs in one section, rows are compared with the rows near their
    position only (linear); rows in print order still find their counterparts."""
    import helpers.collect.link as link

    real = two.initiatives[two.initiatives["report"] == REAL.stem]
    f = _features(real, two.departments)
    b = f.copy()
    b["summary"] = b["summary"] + "等"  # no row is exact: all 56 go to the fuzzy pass
    full = [(r["initiative_id_a"], r["initiative_id_b"], r["status"]) for r in link_rows("s", "a", f, "b", b)]
    monkeypatch.setattr(link, "MAX_PAIRS", 10)  # every section is "too large"
    monkeypatch.setattr(link, "BAND", 3)
    banded = [(r["initiative_id_a"], r["initiative_id_b"], r["status"]) for r in link_rows("s", "a", f, "b", b)]
    assert banded == full
    assert {(x, y) for x, y, s in banded if s == "accepted"} == {(x, x) for x in f["initiative_id"]}


def test_a_row_moved_beyond_the_band_is_unlinked_with_a_reason(two, monkeypatch):
    import helpers.collect.link as link

    real = two.initiatives[two.initiatives["report"] == REAL.stem]
    f = _features(real, two.departments).reset_index(drop=True)
    first_sec = f["section"].iat[0]
    rows = f.index[f["section"] == first_sec].tolist()
    assert len(rows) >= 8  # section 1 of the report holds more rows than the band below covers
    b = f.copy()
    b["summary"] = b["summary"] + "等"
    order = rows[1:] + [rows[0]] + [i for i in f.index if i not in rows]  # first row of section 1 moved to its end
    b = b.loc[order].reset_index(drop=True)
    monkeypatch.setattr(link, "MAX_PAIRS", 10)
    monkeypatch.setattr(link, "BAND", 2)
    recs = link_rows("s", "a", f, "b", b)
    moved = f["initiative_id"].iat[rows[0]]
    lost = [r for r in recs if r["initiative_id_a"] == moved]
    assert [r["status"] for r in lost] == ["unlinked"]
    assert link.BANDED_NOTE in lost[0]["reason"]
    # every other row of the section still finds itself
    linked = {(r["initiative_id_a"], r["initiative_id_b"]) for r in recs if r["status"] == "accepted"}
    assert {(x, x) for x in f["initiative_id"] if x != moved} <= linked
