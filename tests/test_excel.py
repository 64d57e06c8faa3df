"""helpers.excel: one sheet per table, Japanese headers, same bytes on every run."""

from __future__ import annotations

import datetime as dt
import shutil
import time
import types
import zipfile

import openpyxl
import pandas as pd
import pytest

from helpers import excel
from helpers.config import CLEAN_DATA_DIR
from helpers.excel import DICTIONARY_SHEET, SHEET_NAMES, build_report_workbook, japanese_headers, write_workbook
from helpers.schema import SCHEMA


@pytest.fixture()
def folders(tmp_path):
    """A copy of the committed data/clean plus one unknown clean table, and one summary table."""
    clean = tmp_path / "clean"
    shutil.copytree(CLEAN_DATA_DIR, clean, ignore=shutil.ignore_patterns("*.md"))
    pd.DataFrame({"row_no": [1], "note": ["メモ"]}).to_csv(clean / "extra_notes.csv", index=False, encoding="utf-8-sig")
    tables = tmp_path / "tables"
    tables.mkdir()
    pd.DataFrame({"row_no": [2], "achievement": [0.6], "grade": ["B"]}).to_csv(
        tables / "05_grade_audit.csv", index=False, encoding="utf-8-sig"
    )
    return clean, tables


def test_one_sheet_per_table_with_japanese_headers(folders, tmp_path):
    clean, tables = folders
    out = build_report_workbook(tmp_path / "a.xlsx", clean_dir=clean, tables_dir=tables)
    wb = openpyxl.load_workbook(out)
    known = [t for t in SHEET_NAMES if (clean / f"{t}.csv").exists()]
    assert set(SCHEMA) <= set(known), "every clean table of the schema has a Japanese sheet name"
    assert wb.sheetnames == [SHEET_NAMES[t] for t in known] + ["extra_notes", "05_grade_audit", DICTIONARY_SHEET]
    for table in known:
        ws = wb[SHEET_NAMES[table]]
        assert [c.value for c in ws[1]] == [c.name_ja for c in SCHEMA[table]], table  # the table's own 項目名
        assert ws.freeze_panes == "A2"
        rows = len(pd.read_csv(clean / f"{table}.csv", encoding="utf-8-sig", dtype=str))
        assert ws.max_row == rows + 1, table
    assert [c.value for c in wb["取り組み"][1]][:4] == ["報告書", "取り組みID", "取り組みキー", "行番号"]
    assert [c.value for c in wb["指標の推移"][1]].count("報告書の評価") == 1  # trends' name for `grade`
    assert [c.value for c in wb["05_grade_audit"][1]] == ["行番号", "行の計画達成率（中央値）", "評価"]
    assert [c.value for c in wb["extra_notes"][1]] == ["行番号", "note"]  # unknown column keeps its name
    assert [c.value for c in wb[DICTIONARY_SHEET][1]][:4] == ["表", "表の説明", "列名", "項目名"]


def test_text_ids_stay_text(folders, tmp_path):
    clean, tables = folders
    wb = openpyxl.load_workbook(build_report_workbook(tmp_path / "a.xlsx", clean_dir=clean, tables_dir=tables))
    ids = [c.value for c in wb["取り組み"]["B"][1:]]
    assert all(isinstance(v, str) for v in ids)


def _later(monkeypatch):
    """Make openpyxl's "now" and zipfile's clock read a different time."""
    import openpyxl.writer.excel as writer

    class Later(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2031, 5, 6, 7, 8, 9, tzinfo=tz)

    monkeypatch.setattr(writer, "datetime", types.SimpleNamespace(datetime=Later, timezone=dt.timezone))
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 3 * 365 * 86400)


def test_same_bytes_at_another_time(folders, tmp_path, monkeypatch):
    clean, tables = folders
    first = build_report_workbook(tmp_path / "a.xlsx", clean_dir=clean, tables_dir=tables).read_bytes()
    _later(monkeypatch)
    second = build_report_workbook(tmp_path / "b.xlsx", clean_dir=clean, tables_dir=tables).read_bytes()
    assert first == second
    with zipfile.ZipFile(tmp_path / "b.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert core.count("2000-01-01T00:00:00Z") == 2 and "2031" not in core


def test_without_the_fix_the_bytes_would_differ(tmp_path, monkeypatch):
    """Guards the test above: openpyxl really stamps the save time (so the fix is needed)."""
    monkeypatch.setattr(excel, "_fix_volatile_parts", lambda data: data)
    df = pd.DataFrame({"grade": ["A"]})
    first = write_workbook({"s": df}, tmp_path / "a.xlsx").read_bytes()
    _later(monkeypatch)
    assert write_workbook({"s": df}, tmp_path / "b.xlsx").read_bytes() != first


def test_sheet_names_are_valid_and_unique(tmp_path):
    df = pd.DataFrame({"a": [1]})
    path = write_workbook({"x" * 40: df, "X" * 35: df, "a/b[1]": df}, tmp_path / "x.xlsx")
    names = openpyxl.load_workbook(path).sheetnames
    assert names == ["x" * 31, "X" * 29 + "~2", "a_b_1_"]


def test_headers_schema_then_labels_then_name():
    assert japanese_headers(["grade", "whatever"]) == ["評価", "whatever"]
    assert japanese_headers(["grade", "whatever"], {"whatever": "何か", "grade": "ignored"}) == ["評価", "何か"]
    assert japanese_headers(["grade"], table="trends") == ["報告書の評価"]


def test_cli(tmp_path, capsys):
    out = tmp_path / "report.xlsx"
    assert excel.main([str(out)]) == 0
    assert DICTIONARY_SHEET == openpyxl.load_workbook(out).sheetnames[-1]
    assert excel.main([]) == 2
    assert "usage" in capsys.readouterr().err
