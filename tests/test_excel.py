"""helpers.excel: one sheet per table, Japanese headers, same bytes on every run."""

from __future__ import annotations

import openpyxl
import pandas as pd

from helpers.excel import build_report_workbook, japanese_headers, write_workbook
from helpers.pipeline import clean_reports, write_tables


def test_workbook_sheets_and_headers(raw_path, tmp_path):
    write_tables(clean_reports([raw_path]), tmp_path / "clean")
    tables = tmp_path / "tables"
    tables.mkdir()
    pd.DataFrame({"row_no": [2], "achievement": [0.6]}).to_csv(tables / "05_grade_audit.csv", index=False, encoding="utf-8-sig")
    out = build_report_workbook(tmp_path / "a.xlsx", clean_dir=tmp_path / "clean", tables_dir=tables)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["取り組み", "担当部署", "数値", "指標の推移", "評価の指標", "出典行", "05_grade_audit", "データ辞書"]
    ws = wb["取り組み"]
    assert [c.value for c in ws[1]][:3] == ["報告書", "取り組みID", "行番号"]
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 57  # header + 56 printed rows
    assert [c.value for c in wb["05_grade_audit"][1]] == ["行番号", "行の計画達成率（中央値）"]
    again = build_report_workbook(tmp_path / "b.xlsx", clean_dir=tmp_path / "clean", tables_dir=tables)
    assert out.read_bytes() == again.read_bytes()


def test_unknown_columns_keep_their_name(tmp_path):
    assert japanese_headers(["grade", "whatever"]) == ["評価", "whatever"]
    path = write_workbook({"x" * 40: pd.DataFrame({"a": [1]})}, tmp_path / "x.xlsx")
    assert openpyxl.load_workbook(path).sheetnames == ["x" * 31]
