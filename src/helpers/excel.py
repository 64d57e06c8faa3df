"""The analysts' Excel workbook: clean tables + the notebooks' summary tables, Japanese headers.

``python -m helpers.excel reports/minami_welfare_eval.xlsx`` (run by
``make report``) writes one sheet per clean table (``data/clean``), one per
summary table a notebook saved to ``reports/tables`` (sheet name = file
stem), and the data dictionary last.  Column headers are the Japanese
項目名 of :mod:`helpers.schema` where the column is known.  The file is
byte-for-byte reproducible: document properties and zip entry times are
fixed.
"""

from __future__ import annotations

import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd

from .config import CLEAN_DATA_DIR, REPORTS_DIR
from .schema import SCHEMA

__all__ = ["SHEET_NAMES", "japanese_headers", "write_workbook", "build_report_workbook"]

FIXED_TIME = datetime(2000, 1, 1)
SHEET_NAMES = {  # clean tables: sheet names as analysts know them
    "initiatives": "取り組み",
    "departments": "担当部署",
    "metrics": "数値",
    "trends": "指標の推移",
    "grade_legend": "評価の指標",
    "source_lines": "出典行",
}
_JA: dict[str, str] = {}
for _cols in SCHEMA.values():  # a column in several tables takes its first (initiatives') name
    for _c in _cols:
        _JA.setdefault(_c.name, _c.name_ja)
EXTRA_LABELS = {  # columns of the notebooks' summary tables (helpers.analysis)
    "achievement": "行の計画達成率（中央値）", "lowest": "最低の達成率", "highest": "最高の達成率",
    "indicators": "指標数", "planned_without_result": "計画にあり実績に数値なしの指標数", "agrees": "評価が一致",
    "mentions_covid": "コロナ言及", "cancelled": "中止など", "adapted": "工夫", "cancelled_sessions": "中止回数",
    "cancel_terms": "中止などの語", "adapt_terms": "工夫の語", "relisted_row": "再掲行", "original_row": "元の行",
    "field": "項目", "same": "完全一致", "same_normalised": "幅と空白を除き一致", "original_text": "元の行の文字列",
    "relisted_text": "再掲行の文字列", "term": "キーワード", "context": "前後の文字列", "category": "区分",
    "sessions": "回数", "total": "合計", "table": "表", "table_description": "表の説明", "column": "列名",
    "name_ja": "項目名", "dtype": "型", "description": "説明",
}


def japanese_headers(columns: list[str], labels: dict[str, str] | None = None) -> list[str]:
    """Japanese header per column: the schema's 項目名, else ``labels``, else the name itself.

    >>> japanese_headers(["grade", "initiative_id", "集計"])
    ['評価', '取り組みID', '集計']
    """
    labels = {**EXTRA_LABELS, **(labels or {})}
    return [_JA.get(c) or labels.get(c) or c for c in columns]


def write_workbook(sheets: dict[str, pd.DataFrame], path: str | Path, *, column_labels: dict[str, str] | None = None) -> Path:
    """Write DataFrames as sheets (frozen header row, Japanese headers, fixed metadata)."""
    from openpyxl.utils import get_column_letter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
        for name, df in sheets.items():
            out = df.copy()
            out.columns = japanese_headers([str(c) for c in df.columns], column_labels)
            sheet = name[:31]
            out.to_excel(xw, sheet_name=sheet, index=False)
            ws = xw.sheets[sheet]
            ws.freeze_panes = "A2"
            for i, col in enumerate(out.columns, start=1):
                values = [str(col)] + [str(v) for v in out.iloc[:200, i - 1].tolist()]
                width = max(len(v) for v in values)
                ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, width * 1.6))
        xw.book.properties.created = FIXED_TIME
        xw.book.properties.modified = FIXED_TIME
        xw.book.properties.creator = "minami-welfare-eval"
    _fix_zip_times(tmp, path)
    tmp.unlink()
    return path


def _fix_zip_times(src: Path, dst: Path) -> None:
    """Copy the xlsx (a zip) with every entry dated 1980-01-01, so re-runs give the same bytes."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "now" into modified
                text = data.decode("utf-8")
                import re

                text = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", r"\g<1>2000-01-01T00:00:00Z\g<2>", text)
                text = re.sub(r"(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)", r"\g<1>2000-01-01T00:00:00Z\g<2>", text)
                data = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            zout.writestr(fixed, data)


def build_report_workbook(out_path: str | Path, *, clean_dir: Path = CLEAN_DATA_DIR, tables_dir: Path | None = None) -> Path:
    """Clean tables + notebook summary tables + data dictionary → one workbook."""
    tables_dir = tables_dir or REPORTS_DIR / "tables"
    sheets: dict[str, pd.DataFrame] = {}
    for table, sheet in SHEET_NAMES.items():
        p = clean_dir / f"{table}.csv"
        if p.exists():
            sheets[sheet] = pd.read_csv(p, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    for p in sorted(tables_dir.glob("*.csv")):
        sheets[p.stem] = pd.read_csv(p, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    dd = clean_dir / "data_dictionary.csv"
    if dd.exists():
        sheets["データ辞書"] = pd.read_csv(dd, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    return write_workbook(sheets, out_path)


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) != 2:
        sys.exit("usage: python -m helpers.excel OUT.xlsx")
    print(f"wrote {build_report_workbook(sys.argv[1])}")
