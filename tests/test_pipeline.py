"""End-to-end: the whole report through extract + tidy, checked against reading the report.

Expected values come from the hand readings (section 1: ../shared/examples, a
careful human reading; sections 2-4: independent readings in tests/data made
without looking at the parser) and from counts taken straight off the text
(grade tokens counted with a one-line grep-like scan: A 40, B 7, C 5, D 4).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata

import pandas as pd
import pytest

from helpers.read.extract import ReportError
from helpers.pipeline import clean_reports, write_tables
from helpers.read.text import read_report

from .conftest import load_readings


@pytest.fixture(scope="module")
def tables(raw_tables):
    return raw_tables


def test_rows_per_section_and_relisted(tables):
    ini = tables.initiatives
    assert ini.groupby("section_no").size().tolist() == [11, 10, 14, 21]
    assert int(ini["is_relisted"].sum()) == 5
    assert ini["field_plan"].drop_duplicates().tolist() == [
        "子ども・子育て支援", "障がい者・生活困窮者支援", "高齢者介護者支援・健康寿命の延伸", "地域づくり"]


def test_grade_counts(tables):
    assert tables.initiatives["grade"].value_counts().sort_index().to_dict() == {"A": 40, "B": 7, "C": 5, "D": 4}


def test_every_line_accounted_for(tables):
    [acc] = tables.accounting
    assert acc["unplaced"] == 0 and acc["missing"] == []
    assert acc["lines_read"] == 1300
    assert acc["blank"] + acc["boilerplate"] + acc["placed"] == 1300


READINGS = load_readings()
READ_ROWS = [(s + 1, r) for s, d in enumerate(READINGS) for r in d["rows"]]


@pytest.mark.parametrize("section_no, row", READ_ROWS, ids=[f"s{s}-r{r['seq']}" for s, r in READ_ROWS])
def test_row_matches_hand_reading(tables, section_no, row):
    ini = tables.initiatives
    got = ini[ini["section_no"] == section_no].iloc[row["seq"] - 1]
    flat = lambda text: text.replace("\n", "")  # readings keep line breaks; our cells join without separator
    assert got.objective_no == row["objective_no"]
    assert got.objective == row["objective"]
    assert got.initiative == row["initiative"]
    assert bool(got.is_relisted) == row["relisted"]
    assert got.summary == row["summary"]
    assert got.prior_text == flat(row["fy2020"])
    assert got.plan_text == flat(row["fy2021_plan"])
    assert got.result_text == flat(row["fy2021_actual"])
    assert got.grade == row["grade"]
    assert (got.comment or "") == flat(row["comment"])
    assert (got.remarks or "") == flat(row["remarks"])
    assert [got.source_first_line, got.source_last_line] == row["source_lines"]
    dep = tables.departments
    assert dep[dep["initiative_id"] == got.initiative_id]["department"].tolist() == row["departments"]


def test_period_headers_match_reading(tables):
    ini = tables.initiatives
    for s, d in enumerate(READINGS, start=1):
        h = d["section"]["period_headers"]
        sec = ini[ini["section_no"] == s]
        status = lambda label: "estimate" if "見込" in label else "actual"
        assert set(sec["prior_status"]) == {status(h["fy2020"])}
        assert set(sec["result_status"]) == {status(h["fy2021_actual"])}
        assert set(sec["prior_year"]) == {int(unicodedata.normalize("NFKC", h["fy2020"])[:4])}
        # the labels as printed (issue 13): the hand reading's header text, page by page the same
        assert (set(sec["prior_label"]), set(sec["plan_label"]), set(sec["result_label"])) == (
            {h["fy2020"]}, {h["fy2021_plan"]}, {h["fy2021_actual"]})


def test_one_row_in_full(tables):
    # lines 189-202, read directly from the report
    row = tables.initiatives.set_index("row_no").loc[7]
    assert row.initiative == "子育て中の親子の居場所の確保"
    assert row.summary == "子育て支援リーダーによる子育て広場を開催し、子育て中の親子が気軽に利用できる居場所を提供する。"
    assert (row.prior_text, row.plan_text, row.result_text) == (
        "子育て広場  33回　延べ354人", "子育て広場　54回　延べ540人", "子育て広場　38回 延べ397人")
    assert (row.grade, row.comment, row.remarks) == ("B", "コロナ禍による施設休館により中止８回", "")
    assert (row.prior_year, row.prior_status, row.plan_year, row.result_year, row.result_status) == (
        2020, "actual", 2021, 2021, "estimate")
    assert (row.source_first_line, row.source_last_line) == (189, 202)
    assert (row.section_no, row.objective_no, row.basic_goal) == (1, 2, "安心して産み子育てできるまち")


def test_relisted_rows_point_to_their_originals(tables):
    ini = tables.initiatives.set_index("initiative_id")
    pairs = {
        ini.loc[rid, "row_no"]: ini.loc[orig, "row_no"]
        for rid, orig in ini["relisted_of"].dropna().items()
    }
    # （再掲） rows (by printed order) and the first row of the same name:
    # 5 -> 2 (交流促進), 10 -> 7 (居場所の確保), 18 -> 14 (民生委員…連携強化),
    # 27 -> 22 (高齢者を見守る体制), 28 -> 26 (地域ケア会議)
    assert pairs == {5: 2, 10: 7, 18: 14, 27: 22, 28: 26}


def test_merged_initiative_recorded_once(tables):
    ini, src = tables.initiatives, tables.source_lines
    merged = ini[ini["initiative_merged"]]
    assert merged["row_no"].tolist() == [32, 33, 34]
    assert set(merged["initiative"]) == {"健康寿命延伸に向けた取り組みの実施"}
    line_915 = src[src["line_no"] == 915]
    assert line_915[["role", "field", "initiative_id"]].values.tolist() == [
        ["cell", "initiative", merged["initiative_id"].iloc[0]]]


def test_departments(tables):
    # counted over the hand readings' department lists
    dep = tables.departments
    assert dep["department"].value_counts().to_dict() == {
        "健康福祉課": 33, "社会福祉協議会": 25, "地域包括支援センター": 4, "地域総務課": 3,
        "支え合いのしくみづくり会議及び推進員": 1, "NPO法人": 1}


def test_ids_are_stable_and_unique(tables):
    ids = tables.initiatives["initiative_id"]
    assert ids.is_unique
    assert ids.iloc[0] == "niigata-minami_chiiki-fukushi-keikaku_hyoka_2021:1-1-01"


def _digest(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.name != ".helpers-lock"}


def test_same_input_same_bytes(raw_path, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write_tables(clean_reports([raw_path]), a)
    write_tables(clean_reports([raw_path]), b)
    assert _digest(a) == _digest(b)


def test_encoding_and_line_ends_do_not_change_the_output(raw_path, tmp_path):
    # CP932 cannot encode "—" (U+2014, line 1187), so compare on pages 1-6 (lines 1-1109)
    text = "\n".join(raw_path.read_text(encoding="utf-8").split("\n")[:1109]) + "\n"
    variants = {
        "utf8": text.encode("utf-8"),
        "utf8bom_crlf": b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"),
        "cp932": text.encode("cp932"),
        "cp932_crlf": text.replace("\n", "\r\n").encode("cp932"),
    }
    digests = {}
    for name, data in variants.items():
        src = tmp_path / name / "report.txt"
        src.parent.mkdir()
        src.write_bytes(data)
        out = tmp_path / f"out_{name}"
        write_tables(clean_reports([src]), out)
        digests[name] = _digest(out)
    assert read_report(tmp_path / "cp932" / "report.txt").encoding == "cp932"
    # reports.csv records the input file itself (sha256, bytes): the only file allowed to differ
    reports = {n: pd.read_csv(tmp_path / f"out_{n}" / "reports.csv", encoding="utf-8-sig") for n in variants}
    assert len({r.drop(columns=["sha256", "bytes"]).to_csv() for r in reports.values()}) == 1
    assert len({r["sha256"].item() for r in reports.values()}) == 4
    packages = {n: json.loads((tmp_path / f"out_{n}" / "datapackage.json").read_text(encoding="utf-8")) for n in variants}
    assert len({json.dumps({k: v for k, v in d.items() if k != "sources"}) for d in packages.values()}) == 1
    for d in digests.values():  # …the data package, whose sources carry the same SHA-256 and size…
        d.pop("reports.csv")
        d.pop("datapackage.json")
        d.pop("helpers-manifest.json")  # …and the manifest, which lists both files' SHA-256
    assert len({tuple(d.items()) for d in digests.values()}) == 1


def test_several_reports_are_kept_apart(raw_path, tmp_path):
    a = tmp_path / "a_2021.txt"
    b = tmp_path / "b_2021.txt"
    a.write_bytes(raw_path.read_bytes())
    b.write_bytes(raw_path.read_bytes())
    t = clean_reports([tmp_path])
    assert t.initiatives.groupby("report").size().to_dict() == {"a_2021": 56, "b_2021": 56}
    assert t.initiatives["initiative_id"].is_unique
    assert len(t.accounting) == 2


def test_same_report_name_twice_is_an_error(raw_path, tmp_path):
    (tmp_path / "x").mkdir()
    copy = tmp_path / "x" / raw_path.name
    copy.write_bytes(raw_path.read_bytes())
    with pytest.raises(ReportError, match="same name"):
        clean_reports([raw_path, copy])


def test_committed_clean_data_is_reproduced(raw_path, raw_tables, tmp_path):
    committed = raw_path.parents[1] / "clean"
    if not committed.exists():
        pytest.skip("data/clean not built yet")
    write_tables(raw_tables, tmp_path / "clean")
    assert _digest(tmp_path / "clean") == _digest(committed)


def test_csv_contract(raw_tables, tmp_path):
    write_tables(raw_tables, tmp_path / "c")
    for path in (tmp_path / "c").glob("*.csv"):
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), path.name
        assert b"\r" not in data
        header = data[3:].split(b"\n", 1)[0].decode("ascii")
        assert all(c.isascii() for c in header)
        df = pd.read_csv(path, encoding="utf-8-sig")
        assert all(name == name.lower() and " " not in name for name in df.columns)


def test_years_and_status_come_from_the_headers(raw_path, tmp_path):
    # the same report one year later: nothing about 2020/2021 is hard-coded
    text = raw_path.read_text(encoding="utf-8").replace("2021年度", "2022年度").replace("2020年度", "2021年度")
    later = tmp_path / "report_2022.txt"
    later.write_text(text, encoding="utf-8")
    ini = clean_reports([later], with_metrics=False).initiatives
    assert set(ini["prior_year"]) == {2021} and set(ini["plan_year"]) == {2022} and set(ini["result_year"]) == {2022}
    assert ini.groupby("section_no")["result_status"].first().tolist() == ["estimate", "estimate", "estimate", "actual"]


def test_manifest_lists_every_written_file_with_its_hash(raw_tables, tmp_path):
    out = tmp_path / "c"
    written = write_tables(raw_tables, out)
    manifest = json.loads((out / "helpers-manifest.json").read_text(encoding="utf-8"))
    assert [p.name for p in written][-1] == "helpers-manifest.json"
    assert sorted(manifest["files"]) == sorted(p.name for p in written[:-1]) == sorted(
        p.name for p in out.iterdir() if p.name not in ("helpers-manifest.json", ".helpers-lock"))
    assert manifest["files"] == {n: hashlib.sha256((out / n).read_bytes()).hexdigest() for n in manifest["files"]}
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "helpers-manifest.json" in readme and "extra leading `'`" in readme


def test_clean_and_write_pause_the_cyclic_collector_and_resume_it(raw_path, tmp_path, monkeypatch):
    """Issue 16 §2: clean_reports and write_tables run with the cyclic garbage collector paused; it is
    on again afterwards (also after a refusal), and the files are those of the unpaused functions."""
    import gc

    import helpers.pipeline as P

    seen = []
    real_extract = P.extract_report
    monkeypatch.setattr(P, "extract_report", lambda *a, **k: (seen.append(gc.isenabled()), real_extract(*a, **k))[1])
    assert gc.isenabled()
    paused = write_tables(clean_reports([raw_path]), tmp_path / "paused")
    assert seen == [False] and gc.isenabled()
    plain = P.write_tables.__wrapped__(P.clean_reports.__wrapped__([raw_path]), tmp_path / "plain")
    assert seen == [False, True]
    assert [p.name for p in paused] == [p.name for p in plain]
    for p, q in zip(paused, plain):
        assert p.read_bytes() == q.read_bytes(), p.name
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(ReportError, match="empty"):
        clean_reports([empty])
    assert gc.isenabled()
    gc.disable()  # a caller that switched the collector off keeps it off
    try:
        clean_reports([raw_path])
        assert not gc.isenabled()
    finally:
        gc.enable()
