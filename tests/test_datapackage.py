"""Issue 15 §6: data/clean/datapackage.json — a Frictionless data package that validates, and fails when broken.

The package is written by the same writer as the tables (:func:`helpers.pipeline.table_files`), from
:data:`helpers.read.schema.SCHEMA`. The validator is the ``frictionless`` package (a dev dependency).
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from helpers.config import CLEAN_DATA_DIR
from helpers.outputs import MANIFEST
from helpers.read.schema import SCHEMA

ROOT = Path(__file__).resolve().parents[1]
SIDECAR = ROOT / "data" / "raw" / "niigata-minami_chiiki-fukushi-keikaku_hyoka_2021.meta.json"


def _errors(report) -> list[tuple[str, str]]:
    return [(e[0], e[1]) for e in report.flatten(["type", "note"])]


def _validate(folder: Path):
    from frictionless import Package  # imported where used: only the process running these tests pays for it

    return Package(str(folder / "datapackage.json")).validate()


def test_the_committed_package_validates_and_is_in_the_manifest():
    report = _validate(CLEAN_DATA_DIR)
    assert report.valid, _errors(report)[:10]
    manifest = json.loads((CLEAN_DATA_DIR / MANIFEST).read_text(encoding="utf-8"))
    assert "datapackage.json" in manifest["files"]


def test_every_table_validates_on_its_own():
    from frictionless import Resource

    package = json.loads((CLEAN_DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    paths = sorted(r["path"] for r in package["resources"])
    assert paths == sorted(p.name for p in CLEAN_DATA_DIR.glob("*.csv"))  # every CSV is a resource
    for r in package["resources"]:
        descriptor = {k: v for k, v in r.items()}
        descriptor["schema"] = {k: v for k, v in r["schema"].items() if k != "foreignKeys"}  # keys need the others
        report = Resource(descriptor, basepath=str(CLEAN_DATA_DIR)).validate()
        assert report.valid, (r["path"], _errors(report)[:5])


def test_the_package_says_what_the_schema_says():
    package = json.loads((CLEAN_DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    by_path = {r["path"]: r for r in package["resources"]}
    types = {"string": "string", "category": "string", "integer": "integer", "number": "number", "boolean": "boolean"}
    for table, cols in SCHEMA.items():
        if table == "source_cells":
            continue  # written only when a PDF is read: tests/test_pdf.py checks its resource
        r = by_path[f"{table}.csv"]
        fields = r["schema"]["fields"]
        assert [f["name"] for f in fields] == [c.name for c in cols]
        assert [(f["type"], f["title"], f["description"], f.get("unit", "")) for f in fields] == [
            (types[c.dtype], c.name_ja, c.description, c.unit) for c in cols]
        # the CSVs as written: UTF-8 with BOM, LF, the leading ' of the injection escape said in words
        assert r["encoding"] == "utf-8-sig" and r["dialect"]["lineTerminator"] == "\n"
        assert "先頭に ' を1つ付けている" in r["description"]
    ini = by_path["initiatives.csv"]["schema"]
    assert ini["primaryKey"] == ["initiative_id"]
    assert {"fields": ["relisted_of"], "reference": {"resource": "", "fields": ["initiative_id"]}} in ini["foreignKeys"]
    links = by_path["links.csv"]["schema"]["foreignKeys"]
    assert {"fields": ["initiative_id_b"], "reference": {"resource": "initiatives", "fields": ["initiative_id"]}} in links
    grade = next(f for f in by_path["initiatives.csv"]["schema"]["fields"] if f["name"] == "grade")
    assert grade["constraints"]["enum"] == ["A", "B", "C", "D"]
    assert package["licenses"] == []  # for the publisher to fill


def test_sources_carry_the_reports_sha256():
    """The report read is a source with the SHA-256 its sidecar records (data/raw/*.meta.json)."""
    package = json.loads((CLEAN_DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    side = json.loads(SIDECAR.read_text(encoding="utf-8"))
    assert package["sources"] == [{
        "title": "新潟市南区「南区地域福祉計画 進捗状況評価」（2021年度）",
        "path": "data/raw/niigata-minami_chiiki-fukushi-keikaku_hyoka_2021.txt",
        "hash": f"sha256:{side['sha256']}", "bytes": side["size_bytes"], "municipality": "新潟市南区",
        "lg_code": "151068", "sidecar": "niigata-minami_chiiki-fukushi-keikaku_hyoka_2021.meta.json",
    }]


@pytest.fixture(scope="module")
def broken(tmp_path_factory, small_clean) -> dict[str, list[tuple[str, str]]]:
    """A copy of the clean folder of a small real report (tests/conftest.py SMALL_REPORT: two rows) with
    four SYNTHETIC edits, each in its own table, validated ONCE (a validation costs about a second,
    whatever the size of the tables): ``{resource name: [(error type, note), ...]}``. Each test below
    reads the errors of the table it broke; the other tables must have none.
    """
    folder = tmp_path_factory.mktemp("broken") / "clean"
    shutil.copytree(small_clean, folder)
    _edit_csv(folder / "metrics.csv", 3, "fiscal_year", "二〇二一")  # a year as text
    _edit_csv(folder / "departments.csv", 1, "initiative_id", "no-such-report:9-9-99")  # a dangling key
    _edit_csv(folder / "initiatives.csv", 2, "grade", "E")  # not a grade of the legend
    _edit_csv(folder / "reports.csv", 0 + 1, "prior_status", "guess")
    report = _validate(folder)
    assert not report.errors, report.errors  # the package itself (descriptor) is fine
    return {task.name: [(e.type, e.note) for e in task.errors] for task in report.tasks}


def _edit_csv(path: Path, row: int, column: str, value: str) -> None:
    """Rewrite one field of a clean CSV (UTF-8 with BOM, LF), keeping every other byte as written."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    rows[row][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def test_a_wrong_type_fails(broken):
    errors = broken["metrics"]
    assert [e for e, _ in errors] == ["type-error"]
    assert "integer" in errors[0][1]
    # the tables not edited validate
    assert {name: e for name, e in broken.items() if e and name not in {"metrics", "departments", "initiatives", "reports"}} == {}


def test_a_dangling_key_fails(broken):
    errors = broken["departments"]
    assert [e for e, _ in errors] == ["foreign-key"]
    assert "no-such-report:9-9-99" in errors[0][1]


def test_an_unknown_code_and_a_duplicate_key_fail(broken):
    types = sorted(e for e, _ in broken["initiatives"] + broken["reports"])
    assert "constraint-error" in types and "foreign-key" in types  # the enum, and grade → grade_legend


def test_a_two_report_collection_validates(two, tmp_path):
    """The committed report and the SYNTHETIC next year: links and series join across both reports."""
    from helpers.pipeline import write_tables

    write_tables(two, tmp_path / "clean")
    report = _validate(tmp_path / "clean")
    assert report.valid, _errors(report)[:10]
    links = list(csv.DictReader((tmp_path / "clean" / "links.csv").open(encoding="utf-8-sig")))
    assert links and {r["report_b"] for r in links} - {""}  # the foreign keys between reports were exercised


def test_the_injection_escape_keeps_the_package_valid(formula_named_clean):
    """A report file named like a formula (SYNTHETIC name, real text of tests/conftest.py SMALL_REPORT):
    every id starts with ' in every CSV."""
    assert ",'=1+1:1-1-01," in (formula_named_clean / "initiatives.csv").read_text(encoding="utf-8-sig")
    report = _validate(formula_named_clean)
    assert report.valid, _errors(report)[:10]
