"""helpers.collect.collection: reports.csv, sidecars, the series rule and the same-year error.

Expected values come from the committed report and its sidecar (sha256, size,
line count are in data/raw/*.meta.json; the column headers on lines 1-3 and 916
read 2020年度（実績）/2021年度実績（見込み） for sections 1-3 and 2020年度（見込み）/
2021年度実績 for section 4 = 21 rows; grade tokens A 40, B 7, C 5, D 4; 5 （再掲）
rows) and from the documented edits of tests/make_synthetic_report.py.
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from helpers.collect.collection import default_series
from helpers.read.sidecar import read_sidecar
from helpers.read.extract import ReportError
from helpers.pipeline import clean_reports

from .make_synthetic_report import SYNTHETIC_NEXT, REAL, REAL_SERIES, two_report_collection, write_synthetic

SYN = SYNTHETIC_NEXT




def test_reports_csv_of_the_committed_report(raw_path, raw_tables):
    assert raw_path == REAL
    meta = json.loads(REAL.with_name(REAL.stem + ".meta.json").read_text(encoding="utf-8"))
    r = raw_tables.reports
    assert len(r) == 1
    row = r.iloc[0].to_dict()
    assert row["report"] == REAL.stem and row["source_file"] == REAL.name
    assert row["series"] == REAL_SERIES and row["fiscal_year"] == 2021 and pd.isna(row["previous_report"])
    assert row["sha256"] == meta["sha256"] and row["bytes"] == meta["size_bytes"] and row["lines"] == meta["line_count"]
    assert (row["prior_year"], row["plan_year"], row["result_year"]) == (2020, 2021, 2021)
    # status differs by page: section 4's header says 2020年度（見込み） / 2021年度実績
    assert row["prior_status"] == "mixed" and row["result_status"] == "mixed"
    assert (row["prior_estimate_rows"], row["result_estimate_rows"]) == (21, 35)
    assert (row["rows"], row["relisted_rows"]) == (56, 5)
    assert [row[f"grade_{g}"] for g in "abcd"] == [40, 7, 5, 4]
    assert (row["municipality"], row["plan_name"], row["lg_code"]) == ("新潟市南区", "南区地域福祉計画", "151068")
    assert row["sidecar"] == REAL.stem + ".meta.json"


def test_reports_csv_of_two_reports(two):
    r = two.reports.set_index("report")
    assert r.index.tolist() == [REAL.stem, SYN]  # series, then fiscal year
    syn = r.loc[SYN]
    assert syn["series"] == REAL_SERIES  # named by the synthetic sidecar
    assert syn["previous_report"] == REAL.stem
    assert (syn["prior_year"], syn["plan_year"], syn["result_year"], syn["fiscal_year"]) == (2021, 2022, 2022, 2022)
    # one row dropped (4-1-07, grade A); 1-1-01 and 4-1-05 A -> B
    assert syn["rows"] == 55 and syn["relisted_rows"] == 5
    assert [int(syn[f"grade_{g}"]) for g in "abcd"] == [37, 9, 5, 4]
    # the grades are counted per report, never pooled
    assert two.initiatives.groupby("report")["grade"].value_counts().loc[REAL.stem].to_dict() == {"A": 40, "B": 7, "C": 5, "D": 4}


def test_report_without_sidecar_works_and_is_not_guessed(tmp_path):
    shutil.copyfile(REAL, tmp_path / "minami_2021.txt")
    write_synthetic(tmp_path, stem="minami_2022", sidecar=False)
    t = clean_reports([tmp_path])
    r = t.reports.set_index("report")
    assert r["series"].tolist() == ["minami", "minami"]  # default rule: the stem without its year
    assert r[["municipality", "plan_name", "lg_code", "sidecar"]].isna().all().all()
    assert r.loc["minami_2022", "previous_report"] == "minami_2021"
    assert (t.links["status"] == "accepted").sum() == 55


def test_default_series_rule():
    assert default_series("niigata-minami_chiiki-fukushi-keikaku_hyoka_2022") == REAL_SERIES
    assert default_series("hyoka-2021-minami") == "hyoka-minami"
    assert default_series("hyoka_12021") == "hyoka_12021"  # not a standalone year


def test_same_series_same_year_is_an_error_naming_both_files(tmp_path):
    shutil.copyfile(REAL, tmp_path / "a_2021.txt")
    shutil.copyfile(REAL, tmp_path / "b_2021.txt")
    (tmp_path / "b_2021.meta.json").write_text('{"series": "a"}', encoding="utf-8")
    with pytest.raises(ReportError) as e:
        clean_reports([tmp_path])
    msg = str(e.value)
    assert "a_2021.txt" in msg and "b_2021.txt" in msg and "fiscal year 2021" in msg


def test_same_year_error_exit_code_2(tmp_path):
    from helpers.cli import main

    shutil.copyfile(REAL, tmp_path / "w_2021.txt")
    write_synthetic(tmp_path, years=0, edits=False, stem="w_2021_copy", sidecar=True, series="w")
    assert main(["clean", str(tmp_path), "--out", str(tmp_path / "out"), "-q"]) == 2
    assert not (tmp_path / "out").exists()


def test_bad_sidecar_is_a_clear_error(tmp_path):
    shutil.copyfile(REAL, tmp_path / "x_2021.txt")
    (tmp_path / "x_2021.meta.json").write_text('{"series": ', encoding="utf-8")
    with pytest.raises(ReportError, match=r"x_2021.meta.json:1: the sidecar is not valid JSON: Expecting value \(column 12\)"):
        clean_reports([tmp_path])
    (tmp_path / "x_2021.meta.json").write_text('{"lg_code": 151068}', encoding="utf-8")
    with pytest.raises(ReportError, match="lg_code' must be a string"):
        read_sidecar(tmp_path / "x_2021.txt")


def test_sidecar_lg_code_alias(tmp_path):
    p = tmp_path / "y_2021.txt"
    (tmp_path / "y_2021.meta.json").write_text('{"local_government_code": "151068", "municipality": " "}', encoding="utf-8")
    side = read_sidecar(p)
    assert side["lg_code"] == "151068" and side["municipality"] is None and side["series"] is None


def test_input_order_does_not_change_the_collection_tables(tmp_path):
    folder = two_report_collection(tmp_path / "c")
    syn = folder / f"{SYN}.txt"
    real = folder / REAL.name
    a, b = clean_reports([real, syn]), clean_reports([syn, real])
    for name in ("reports", "links", "series"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    key = ["report", "initiative_id"]
    ka = a.initiatives.set_index(key)["initiative_key"].sort_index()
    kb = b.initiatives.set_index(key)["initiative_key"].sort_index()
    pd.testing.assert_series_equal(ka, kb)
