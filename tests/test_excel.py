"""helpers.present.excel: one sheet per table, Japanese headers, same bytes on every run."""

from __future__ import annotations

import datetime as dt
import shutil
import time
import types
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from helpers.present import excel
from helpers.config import CLEAN_DATA_DIR, REPORTS_DIR
from helpers.present.excel import (
    CONTENTS_SHEET,
    DICTIONARY_SHEET,
    SHEET_NAMES,
    build_report_workbook,
    japanese_headers,
    read_summary_csv,
    write_workbook,
)
from helpers.present.labels import TABLE_TITLES
from helpers.outputs import OutputError, write_file
from helpers.pipeline import clean_reports, write_tables
from helpers.read.schema import SCHEMA


# Building the workbook of the whole report and loading it with openpyxl take about a second each:
# the tests that only read it share one (module fixture `built`; make test runs a module on one worker).


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """A copy of the committed data/clean plus one unknown clean table, and two summary tables (one
    without a Japanese title). SYNTHETIC remarks "0012" and "1e3" in the first two rows of
    initiatives.csv (text that looks like a number). Read-only: tests that write build elsewhere."""
    base = tmp_path_factory.mktemp("excel")
    clean = base / "clean"
    shutil.copytree(CLEAN_DATA_DIR, clean, ignore=shutil.ignore_patterns("*.md"))
    pd.DataFrame({"row_no": [1], "note": ["メモ"]}).to_csv(clean / "extra_notes.csv", index=False, encoding="utf-8-sig")
    ini = pd.read_csv(clean / "initiatives.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    ini.loc[0, "remarks"] = "0012"
    ini.loc[1, "remarks"] = "1e3"
    # recorded through the writer (force: replacing the committed table): the workbook reads only owned tables
    write_file(clean / "initiatives.csv", ini.to_csv(index=False, lineterminator="\n").encode("utf-8-sig"), force=True)
    tables = base / "tables"
    tables.mkdir()
    pd.DataFrame({"row_no": [2], "achievement": [0.6], "grade": ["B"]}).to_csv(
        tables / "05_grade_audit.csv", index=False, encoding="utf-8-sig"
    )
    pd.DataFrame({"a": [1]}).to_csv(tables / "99_untitled.csv", index=False)
    return clean, tables


@pytest.fixture(scope="module")
def built(folders, tmp_path_factory):
    """The workbook of :func:`folders`, built once: ``(path, openpyxl workbook)``; do not modify."""
    clean, tables = folders
    path = build_report_workbook(tmp_path_factory.mktemp("built") / "a.xlsx", clean_dir=clean, tables_dir=tables)
    return path, openpyxl.load_workbook(path)


def test_one_sheet_per_table_with_japanese_headers(folders, built):
    clean, tables = folders
    wb = built[1]
    known = [t for t in SHEET_NAMES if (clean / f"{t}.csv").exists()]
    assert set(SCHEMA) <= set(SHEET_NAMES), "every clean table of the schema has a Japanese sheet name"
    # …and is in the committed clean folder, but for source_cells: written only when a PDF report is read
    assert set(SCHEMA) - {"source_cells"} <= set(known)
    assert wb.sheetnames == (
        [CONTENTS_SHEET] + [SHEET_NAMES[t] for t in known]
        + ["extra_notes", TABLE_TITLES["05_grade_audit"], "99_untitled", DICTIONARY_SHEET]
    )
    for table in known:
        ws = wb[SHEET_NAMES[table]]
        headers = [c.value for c in ws[1]]
        expected = [c.name_ja for c in SCHEMA[table]]  # the table's own 項目名, in schema order…
        if table == "initiatives":  # …with 行番号 and 取り組み名 right after the id
            expected.remove("行番号")
            expected.remove("具体的な取り組み・事業")
            at = expected.index("取り組みID") + 1
            expected[at:at] = ["行番号", "具体的な取り組み・事業"]
        elif "取り組みID" in expected:
            at = expected.index("取り組みID") + 1
            expected[at:at] = ["表の行番号", "取り組み名"]
        assert headers == expected, table
        assert ws.freeze_panes == "A2"
        rows = len(pd.read_csv(clean / f"{table}.csv", encoding="utf-8-sig", dtype=str))
        assert ws.max_row == max(rows, 1) + 1, table  # a table without rows says why in row 2
        if rows == 0:
            assert ws["A2"].value.startswith("（行なし：") and ws["A2"].data_type == "s", table
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(headers)).column_letter}{rows + 1}", table
    assert [c.value for c in wb["取り組み"][1]][:4] == ["報告書", "取り組みID", "行番号", "具体的な取り組み・事業"]
    assert [c.value for c in wb["指標の推移"][1]].count("報告書の評価") == 1  # trends' name for `grade`
    # summary sheets: the same headers as the notebooks' tables (helpers.present.labels.column_label)
    assert [c.value for c in wb[TABLE_TITLES["05_grade_audit"]][1]] == ["表の行番号", "行の計画達成率（中央値）", "評価"]
    assert [c.value for c in wb["extra_notes"][1]] == ["表の行番号", "note"]  # unknown column keeps its name
    assert [c.value for c in wb[DICTIONARY_SHEET][1]][:4] == ["表", "表の説明", "列名", "項目名"]


def test_text_ids_stay_text(built):
    wb = built[1]
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


@pytest.fixture(scope="module")
def formula_workbook(folders, formula_named_clean, tmp_path_factory) -> Path:
    """The workbook of the small real report saved under the SYNTHETIC name "=1+1.txt" (tests/conftest.py
    formula_named_clean) with the summary tables of :func:`folders`, built once for the two tests that read
    it (issue 16 §1); do not modify."""
    return build_report_workbook(tmp_path_factory.mktemp("formula") / "a.xlsx", clean_dir=formula_named_clean,
                                 tables_dir=folders[1])


def test_same_bytes_at_another_time(folders, formula_named_clean, formula_workbook, tmp_path, monkeypatch):
    # the small real report (tests/conftest.py SMALL_REPORT) and the summary tables: every sheet kind,
    # built twice (the first: formula_workbook) in a fraction of the whole report's time
    tables = folders[1]
    first = formula_workbook.read_bytes()
    _later(monkeypatch)
    second = build_report_workbook(tmp_path / "b.xlsx", clean_dir=formula_named_clean, tables_dir=tables).read_bytes()
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


def _small_defaults(monkeypatch, clean: Path, tables: Path) -> None:
    """The CLI (no folder options) builds from data/clean and reports/tables: point it at small ones."""
    monkeypatch.setitem(build_report_workbook.__kwdefaults__, "clean_dir", clean)
    monkeypatch.setitem(build_report_workbook.__kwdefaults__, "tables_dir", tables)


def test_cli(tmp_path, capsys, monkeypatch, small_clean):
    _small_defaults(monkeypatch, small_clean, tmp_path / "no-tables")
    out = tmp_path / "report.xlsx"
    assert excel.main([str(out)]) == 0
    assert DICTIONARY_SHEET == openpyxl.load_workbook(out, read_only=True).sheetnames[-1]
    assert excel.main([]) == 2
    assert "usage" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# issue 7 §2: no text from a report ever runs in Excel


def _cell_xml(path, sheet_index: int) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/sheet{sheet_index}.xml").decode("utf-8")


def test_formula_text_is_a_string_cell(tmp_path):
    # synthetic values: a comment that would be a live formula, an error code, a DDE payload
    df = pd.DataFrame({"comment": ['=HYPERLINK("http://example.invalid","click")', "#N/A", "=cmd|' /C calc'!A0", "＝１＋１"],
                       "change": [-0.25, 1, 2, 3]})
    path = write_workbook({"s": df}, tmp_path / "f.xlsx")
    ws = openpyxl.load_workbook(path)["s"]
    cells = [ws.cell(i, 1) for i in range(2, 6)]
    assert [c.value for c in cells] == df["comment"].tolist()
    assert {c.data_type for c in cells} == {"s"} and all(c.quotePrefix for c in cells if c.value[0] in "=＝")
    assert "<f>" not in _cell_xml(path, 1)  # no formula anywhere in the sheet
    assert ws.cell(2, 2).value == -0.25 and ws.cell(2, 2).data_type == "n"  # numbers stay numbers


def test_report_named_like_a_formula_gives_a_text_cell(formula_named_clean, formula_workbook):
    # a small real report (tests/conftest.py SMALL_REPORT) saved under the synthetic name "=1+1.txt":
    # the report column holds "=1+1"
    assert ",'=1+1:1-1-01," in (formula_named_clean / "initiatives.csv").read_text(encoding="utf-8-sig")
    ws = openpyxl.load_workbook(formula_workbook)["取り組み"]
    assert (ws["A2"].value, ws["A2"].data_type) == ("=1+1", "s")
    # the id without its report's file stem (the report is column A): helpers.present.names.for_readers
    assert (ws["B2"].value, ws["B2"].data_type) == ("1-1-01", "s")


def test_summary_csv_text_stays_text(tmp_path):
    # synthetic summary table: codes with leading zeros, an exponent, an escaped formula, plain numbers
    (tmp_path / "tables").mkdir()
    path = tmp_path / "tables" / "99_codes.csv"
    path.write_text("code,remarks,n,rate\n0012,1e3,3,0.25\n7,'=1+1,-2,\n", encoding="utf-8-sig")
    df = read_summary_csv(path)
    assert df["code"].tolist() == ["0012", "7"] and df["remarks"].tolist() == ["1e3", "=1+1"]
    assert df["n"].tolist() == [3, -2] and str(df["rate"].dtype) == "Float64"
    wb = openpyxl.load_workbook(write_workbook({"x": df}, tmp_path / "x.xlsx"))
    ws = wb["x"]
    assert [c.value for c in ws["A"][1:]] == ["0012", "7"] and ws["A2"].data_type == "s"
    assert [c.value for c in ws["B"][1:]] == ["1e3", "=1+1"] and {ws["B2"].data_type, ws["B3"].data_type} == {"s"}
    assert ws["C3"].value == -2 and ws["D2"].value == 0.25 and ws["D3"].value is None


def test_clean_text_columns_stay_text(built):
    ws = built[1]["取り組み"]  # folders() put the SYNTHETIC remarks "0012" and "1e3" in its first two rows
    col = [c.value for c in ws[1]].index("備考") + 1
    assert (ws.cell(2, col).value, ws.cell(3, col).value) == ("0012", "1e3")


def test_control_characters_are_shown_not_passed_to_openpyxl(tmp_path):
    df = pd.DataFrame({"text": ["中止\x1b[2J８回", "a\x00b\x0cc", "tab\tand\nnewline"]})  # synthetic
    ws = openpyxl.load_workbook(write_workbook({"s": df}, tmp_path / "c.xlsx"))["s"]
    assert [c.value for c in ws["A"][1:]] == ["中止\\x1b[2J８回", "a\\x00b\\x0cc", "tab\tand\nnewline"]


# ---------------------------------------------------------------------------
# issue 7 §1 for the workbook: its own file only, atomically


def test_workbook_target_folder_symlink_and_foreign_file_are_refused(tmp_path):
    df = pd.DataFrame({"a": [1]})
    (tmp_path / "dir.xlsx").mkdir()
    victim = tmp_path / "victim.xlsx"
    victim.write_bytes(b"someone else's workbook")
    (tmp_path / "link.xlsx").symlink_to(victim)
    (tmp_path / "notes.txt").write_text("mine")
    for name, message in [("dir.xlsx", "is a folder"), ("link.xlsx", "symlink"), ("victim.xlsx", "not written by this tool"),
                          ("notes.txt", "must end in .xlsx")]:
        with pytest.raises(OutputError, match=message):
            write_workbook({"s": df}, tmp_path / name)
    assert victim.read_bytes() == b"someone else's workbook" and (tmp_path / "notes.txt").read_text() == "mine"
    assert write_workbook({"s": df}, victim, force=True) == victim  # --force replaces it
    assert sorted(p.name for p in tmp_path.iterdir() if p.name not in {".helpers-lock", "helpers-manifest.json"}) == ["dir.xlsx", "link.xlsx", "notes.txt", "victim.xlsx"]


def test_workbook_rewrite_touches_no_other_file(tmp_path, monkeypatch, capsys, small_clean):
    _small_defaults(monkeypatch, small_clean, tmp_path / "no-tables")
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    first = write_workbook({"s": pd.DataFrame({"a": [1]})}, out / "r.xlsx").read_bytes()  # the tool's own workbook

    def interrupted(*a, **k):
        raise KeyboardInterrupt
    monkeypatch.setattr(excel, "_fix_volatile_parts", interrupted)
    assert excel.main([str(out / "r.xlsx")]) == 130
    assert capsys.readouterr().err == f"interrupted: {out / 'r.xlsx'} unchanged\n"
    assert (out / "r.xlsx").read_bytes() == first
    assert sorted(p.name for p in out.iterdir() if p.name not in {".helpers-lock", "helpers-manifest.json"}) == ["notes.txt", "r.xlsx"]


# ---------------------------------------------------------------------------
# issue 9 §5: a workbook an analyst opens


def test_contents_codes_rates_filters_wrapping(built):
    wb = built[1]
    toc = wb[CONTENTS_SHEET]
    assert [c.value for c in toc[1]] == ["シート", "内容", "行数", "元のファイル"]
    rows = list(toc.iter_rows(min_row=2))
    blank = next(i for i, r in enumerate(rows) if r[0].value is None)
    listed = [r[0].value for r in rows[:blank]]
    assert listed == wb.sheetnames[1:]  # every sheet, in order
    assert all(r[1].value and r[3].value for r in rows[:blank])  # each has a description and a source
    # then the reports, by their display names (sidecar: municipality, title, fiscal year), with their files
    assert [(r[0].value, r[1].value, r[3].value) for r in rows[blank + 1:]] == [
        ("報告書", "新潟市南区「南区地域福祉計画 進捗状況評価」（2021年度）", "niigata-minami_chiiki-fukushi-keikaku_hyoka_2021.txt")]
    links = wb["行の対応"]  # no rows (one report per series): the sheet and the contents say why
    assert links["A2"].value == "（行なし：どの系列にも報告書が1つしかないため、年度をまたぐ行の対応づけはない）"
    assert "（行なし：" in next(r[1].value for r in rows if r[0].value == "行の対応")
    assert toc["A2"].hyperlink.location == "'取り組み'!A1"
    assert toc["B2"].value == "取り組み（印刷された表の1行）ごとに1行" and toc["C2"].value == 56
    # codes in the report's words
    metrics = wb["数値"]
    head = [c.value for c in metrics[1]]
    periods = {metrics.cell(i, head.index("期間") + 1).value for i in range(2, metrics.max_row + 1)}
    status = {metrics.cell(i, head.index("区分") + 1).value for i in range(2, metrics.max_row + 1)}
    assert periods == {"前年度", "計画", "実績"} and status == {"実績", "見込み", "計画"}
    ini = wb["取り組み"]
    head = [c.value for c in ini[1]]
    assert {ini.cell(i, head.index("実績の区分") + 1).value for i in range(2, 58)} == {"実績", "見込み"}
    # row 7 (lines 189-202): result column printed 2021年度実績（見込み） → 見込み
    assert ini.cell(8, head.index("行番号") + 1).value == 7
    assert ini.cell(8, head.index("実績の区分") + 1).value == "見込み"
    # rates in % format; row 7's 子育て広場 397 / 540 人 = 73.5 %
    trends = wb["指標の推移"]
    head = [c.value for c in trends[1]]
    rate = head.index("計画達成率") + 1
    assert {trends.cell(i, rate).number_format for i in range(2, trends.max_row + 1)} == {"0.0%"}
    row = next(i for i in range(2, trends.max_row + 1)
               if trends.cell(i, head.index("表の行番号") + 1).value == 7 and trends.cell(i, head.index("実績値") + 1).value == 397)
    assert trends.cell(row, rate).value == pytest.approx(397 / 540, abs=5e-5)
    assert trends.cell(row, head.index("取り組み名") + 1).value == "子育て中の親子の居場所の確保"
    # long text wraps; short columns do not
    comment = [c.value for c in ini[1]].index("コメント・課題等") + 1
    assert ini.cell(2, comment).alignment.wrap_text and not ini.cell(2, 1).alignment.wrap_text
    assert all(ws.auto_filter.ref for ws in wb.worksheets[1:])


TITLES_REQUIRED = True  # every reports/tables stem has a Japanese title (helpers.present.labels.TABLE_TITLES)


def test_summary_tables_have_japanese_titles(built):
    stems = sorted(p.stem for p in (REPORTS_DIR / "tables").glob("*.csv"))
    missing = [s for s in stems if s not in TABLE_TITLES]
    for title in TABLE_TITLES.values():  # every title is a valid, unchanged sheet name
        assert excel.sheet_name(title) == title
    assert len(set(TABLE_TITLES.values())) == len(TABLE_TITLES)
    if TITLES_REQUIRED:
        assert not missing, f"reports/tables stems without a title in helpers.present.labels.TABLE_TITLES: {missing}"
    # a stem without a title falls back to the stem itself (folders() holds tables/99_untitled.csv)
    assert "99_untitled" not in TABLE_TITLES and "99_untitled" in built[1].sheetnames


def test_sheet_names_from_file_stems_lose_control_characters():
    assert excel.sheet_name("99_a\x1bb\u200e") == "99_a_b_"  # synthetic stem


def test_a_sheet_too_big_for_excel_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(excel, "_MAX_ROWS", 3)
    with pytest.raises(OutputError, match="do not fit an Excel sheet"):
        write_workbook({"s": pd.DataFrame({"a": [1, 2, 3]})}, tmp_path / "big.xlsx")
    assert not list(tmp_path.iterdir())
