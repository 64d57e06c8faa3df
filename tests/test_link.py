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
from hypothesis import strategies as st

from helpers.read.extract import ReportError
from helpers.collect.link import ACCEPT, REVIEW, _features, link_rows, read_overrides
from helpers.pipeline import clean_reports

from .conftest import two_tiers
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


# ---------------------------------------------------------------------------
# issue 17 §3: the fuzzy pass ranks the pairs in numpy; it must decide as the exhaustive greedy does


def _exhaustive(fa: pd.DataFrame, fb: pd.DataFrame) -> list[tuple]:
    """The linking rule of the module docstring, the obvious way (the reference): identical rows
    first, in row order; then every pair of the rest scored one by one (the weighted
    ``fuzz.ratio``), the pairs scoring REVIEW or more sorted by a Python key (descending score
    rounded to 9 decimals, nearer row numbers, row numbers) and taken greedily."""
    from rapidfuzz import fuzz

    from helpers.collect.link import WEIGHTS

    cols = list(WEIGHTS)
    tup_a = list(zip(*(fa[c].tolist() for c in cols)))
    tup_b = list(zip(*(fb[c].tolist() for c in cols)))
    rows_a, rows_b = fa["row_no"].tolist(), fb["row_no"].tolist()
    taken_a, taken_b, out = set(), set(), []
    for i, ta in enumerate(tup_a):
        for j, tb in enumerate(tup_b):
            if j not in taken_b and ta == tb:
                taken_a.add(i)
                taken_b.add(j)
                out.append((i, j, "accepted", "exact", 100.0))
                break
    cands = []
    for i in range(len(tup_a)):
        for j in range(len(tup_b)):
            if i not in taken_a and j not in taken_b:
                s = sum(w * fuzz.ratio(tup_a[i][k], tup_b[j][k]) for k, w in enumerate(WEIGHTS.values()))
                if s >= REVIEW:
                    cands.append((s, i, j))
    cands.sort(key=lambda c: (-round(c[0], 9), abs(rows_a[c[1]] - rows_b[c[2]]), rows_a[c[1]], rows_b[c[2]]))
    for s, i, j in cands:
        if i in taken_a or j in taken_b:
            continue
        taken_a.add(i)
        taken_b.add(j)
        if s >= ACCEPT:
            out.append((i, j, "accepted", "exact" if tup_a[i] == tup_b[j] else "fuzzy", round(s, 2)))
        else:
            out.append((i, j, "to_review", "fuzzy", round(s, 2)))
    out += [(i, None, "unlinked", "none", None) for i in range(len(tup_a)) if i not in taken_a]
    out += [(None, j, "unlinked", "none", None) for j in range(len(tup_b)) if j not in taken_b]
    ids_a, ids_b = fa["initiative_id"].tolist(), fb["initiative_id"].tolist()
    return sorted(((None if i is None else ids_a[i], None if j is None else ids_b[j], st, m, s)
                   for i, j, st, m, s in out), key=repr)


def _decided(fa: pd.DataFrame, fb: pd.DataFrame) -> list[tuple]:
    recs = link_rows("s", "a", fa, "b", fb)
    return sorted(((r["initiative_id_a"], r["initiative_id_b"], r["status"], r["method"], r["score"]) for r in recs),
                  key=repr)


def _variants(f: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """B sides for one report's features: reworded (no row exact), reworded and printed in reverse
    order (ties broken by row distance), half the rows reworded and the other half dropped."""
    reworded = f.copy()
    reworded["summary"] = reworded["summary"] + "等"
    backwards = reworded.iloc[::-1].copy()
    backwards["row_no"] = list(range(1, len(backwards) + 1))
    mixed = f.copy()
    mixed.loc[mixed.index[::2], "objective"] = mixed.loc[mixed.index[::2], "objective"] + "の推進"
    return {"reworded": reworded.reset_index(drop=True), "backwards": backwards.reset_index(drop=True),
            "mixed": mixed.iloc[: len(mixed) // 2 + 3].reset_index(drop=True)}


def test_fuzzy_pass_decides_like_the_exhaustive_one_on_the_report(two):
    """The committed report against its synthetic next year (the `two` collection) and against three
    rewordings of itself: every decision (pair, status, method, score) is the exhaustive one's."""
    ini = two.initiatives
    fa = _features(ini[ini["report"] == REAL.stem].reset_index(drop=True), two.departments)
    fb = _features(ini[ini["report"] == SYN].reset_index(drop=True), two.departments)
    assert len(fa) > 50 and len(fb) > 50
    want = _exhaustive(fa, fb)
    assert _decided(fa, fb) == want
    assert sum(d[3] == "fuzzy" for d in want) >= 1 and sum(d[2] == "unlinked" for d in want) >= 1
    for name, b in _variants(fa).items():
        want = _exhaustive(fa, b)
        assert _decided(fa, b) == want, name
        assert sum(d[3] == "fuzzy" for d in want) >= 10, name  # the fuzzy pass is exercised


def test_fuzzy_pass_decides_like_the_exhaustive_one_on_every_raw_report():
    """Every report under data/raw/ (cleaned on its own) against its rewordings."""
    from helpers.config import RAW_DATA_DIR

    raws = sorted(RAW_DATA_DIR.glob("*.txt"))
    assert raws
    for raw in raws:
        t = clean_reports([raw], with_metrics=False)
        f = _features(t.initiatives.reset_index(drop=True), t.departments)
        for name, b in _variants(f).items():
            assert _decided(f, b) == _exhaustive(f, b), (raw.name, name)


_CELLS = {
    "initiative": ["交流会の実施", "交流会の開催", "健康寿命延伸に向けた取り組みの実施", "健康寿命延伸", "子育て広場"],
    "summary": ["保護者同士が交流できる場を提供する。", "保護者同士が交流できる場を提供している。", "健診を実施する。", ""],
    "objective": ["参加者の増加", "参加者の増加を図る", ""],
    "section": ["1／1", "1／2"],
    "departments": ["健康福祉課", "地域総務課"],
}


def _frame_of(picks: list[tuple], side: str) -> pd.DataFrame:
    cols = list(_CELLS)
    f = pd.DataFrame({c: [_CELLS[c][p[k] % len(_CELLS[c])] for p in picks] for k, c in enumerate(cols)},
                     columns=cols)
    f.insert(0, "initiative_text", f["initiative"])
    f.insert(0, "row_no", list(range(1, len(picks) + 1)))
    f.insert(0, "initiative_id", [f"{side}:{k}" for k in range(len(picks))])
    return f


_ROW = st.tuples(*(st.integers(0, 4) for _ in _CELLS))


def _fuzzy_pass_on_small_synthetic_collections(rows_a, rows_b):
    """SYNTHETIC rows drawn from a few cells each: many identical rows, equal scores and namesakes,
    so the exact pass, the ties and the one-to-one rule all matter."""
    fa, fb = _frame_of(rows_a, "a"), _frame_of(rows_b, "b")
    assert _decided(fa, fb) == _exhaustive(fa, fb)


# 15 examples in make test, 60 in make test-e2e (tests/conftest.py two_tiers)
(test_fuzzy_pass_decides_like_the_exhaustive_one_on_small_synthetic_collections,
 test_fuzzy_pass_decides_like_the_exhaustive_one_on_small_synthetic_collections_many_examples) = two_tiers(
    _fuzzy_pass_on_small_synthetic_collections, st.lists(_ROW, max_size=14), st.lists(_ROW, max_size=14),
    fast=15, full=60, deadline=None)


def test_a_banded_section_says_so_on_every_fuzzy_decision(two, monkeypatch):
    """A cap that can change a result is explicit: in a section compared in a band, accepted and
    to_review links name the band in their reason as unlinked rows do (the CLI counts them)."""
    import helpers.collect.link as link

    real = two.initiatives[two.initiatives["report"] == REAL.stem]
    f = _features(real, two.departments)
    b = f.copy()
    b["summary"] = b["summary"] + "等"
    monkeypatch.setattr(link, "MAX_PAIRS", 10)
    monkeypatch.setattr(link, "BAND", 3)
    recs = link_rows("s", "a", f, "b", b)
    fuzzy = [r for r in recs if r["method"] == "fuzzy"]
    assert len(fuzzy) == len(f)
    assert all(link.BANDED_NOTE in r["reason"] for r in fuzzy)
    monkeypatch.setattr(link, "MAX_PAIRS", 250_000)
    assert all(r["reason"] is None for r in link_rows("s", "a", f, "b", b) if r["status"] == "accepted")
