"""The analysts' Excel workbook: clean tables + the notebooks' summary tables, all in Japanese.

``python -m helpers.present.excel reports/minami_welfare_eval.xlsx`` (run by
``make report``) writes

0. a contents sheet 「目次」: every sheet (linked), its description, rows and source file,
1. one sheet per clean table in ``data/clean/*.csv`` (known tables under the
   Japanese sheet names of :data:`SHEET_NAMES`, in that order; any other CSV
   under its file stem),
2. one sheet per summary table a notebook saved to ``reports/tables/*.csv``
   under its title in :data:`helpers.present.labels.TABLE_TITLES` (the file stem when it has none),
3. the data dictionary (``data_dictionary.csv``) as the last sheet 「データ辞書」.

Everything a reader sees goes through the one label table (:mod:`helpers.present.labels`): column
headers are the table's own 項目名 on a clean-table sheet, else
:func:`helpers.present.labels.column_label` (the same headers as the notebooks' tables); coded
values, lists of codes and booleans are in Japanese (はい/いいえ, never TRUE/FALSE); ratios are
numbers in ``0.0%`` format, whole numbers are numbers without ``.0``, lists of line numbers are
text joined with 、 (never a number-looking text such as ``373,377``). Reports are named by their
display name (:mod:`helpers.present.names`; the ``report`` column is left out of a summary sheet
when the collection holds one report), initiative ids without the file stem. A sheet with
``initiative_id`` has 表の行番号 and 取り組み名 beside it, long text wraps, every sheet has an
autofilter and a frozen header row; a table without rows says why in its sheet and in 「目次」,
which also names the reports.

Safety (docs/safety.md): text from the report is always an explicit
string cell (``=HYPERLINK(…)`` is shown, never run), XML-illegal control characters
are shown as ``\\x1b``; the CSVs are read back with text as text (``0012`` stays
``0012``); the workbook replaces only a file this tool wrote, atomically.

The file is byte-for-byte reproducible. openpyxl stamps the save time into
``docProps/core.xml`` (``dcterms:modified``, overriding whatever is set on
``wb.properties``), and Python's ``zipfile`` dates every zip entry with the
current time; :func:`write_workbook` rewrites both to constants
(``2000-01-01T00:00:00Z``, zip entries 1980-01-01). Nothing else in the file
depends on time or on the machine.
"""

from __future__ import annotations

import io
import math
import re
import sys
import unicodedata
import zipfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import CLEAN_DATA_DIR, PROJ_ROOT, REPORTS_DIR
from .labels import COLUMN_LABELS, TABLE_TITLES, column_label, empty_reason, is_rate, label_codes
from ..outputs import (InterruptedAfterWrite, OutputError, check_output_file, glob_escape, shown, unescape_csv_text,
                       verify_folder, write_file)
from ..read.schema import SCHEMA, TABLE_DESCRIPTIONS
from .tables import read_table

__all__ = [
    "SHEET_NAMES",
    "DICTIONARY_SHEET",
    "EXTRA_LABELS",
    "CONTENTS_SHEET",
    "RATE_COLUMNS",
    "japanese_headers",
    "sheet_name",
    "cell_text",
    "write_workbook",
    "read_summary_csv",
    "translate_codes",
    "beside_id",
    "build_report_workbook",
    "main",
]

FIXED_TIME = datetime(2000, 1, 1)
_FIXED_W3CDTF = "2000-01-01T00:00:00Z"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
CREATOR = "minami-welfare-eval"

SHEET_NAMES = {  # clean tables: sheet names as analysts know them, in sheet order
    "initiatives": "取り組み",
    "departments": "担当部署",
    "metrics": "数値",
    "trends": "指標の推移",
    "grade_legend": "評価の指標",
    "source_lines": "出典行",
    "source_cells": "出典の位置（PDF）",  # written only when a PDF report is read (helpers.read.pdf)
    "reports": "報告書",  # the collection tables (helpers.collect.collection, .link, .series)
    "links": "行の対応",
    "series": "年度別の数値",
}
DICTIONARY_SHEET = "データ辞書"
CONTENTS_SHEET = "目次"
#: Headers of the 行番号 / 取り組み名 columns the workbook adds beside ``initiative_id``
#: (「表の行番号」: the printed table row, not a line of the input file).
ADDED_ROW_NO_HEADER = "表の行番号"
ADDED_INITIATIVE_HEADER = "取り組み名"
#: Columns holding a ratio (0.735 = 73.5 %) shown in % format; also every ``*_rate`` column.
RATE_COLUMNS = frozenset(
    {c.name for cols in SCHEMA.values() for c in cols if c.unit == "比率"} | {"achievement", "lowest", "highest"}
)
#: Excel number format of a non-integer number that is not a ratio (never General: 0.6333 is not
#: shown as a bare fraction)
DECIMAL_FORMAT = "#,##0.0###"
RATE_FORMAT = "0.0%"

EXTRA_LABELS = COLUMN_LABELS  # kept under its old name; the labels live in helpers.present.labels

_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_MAX_WIDTH = 60  # Excel column width units (≈ characters of the default font)


def japanese_headers(
    columns: list[str], labels: Mapping[str, str] | None = None, *, table: str | None = None,
    numeric: list[str] | set[str] | None = None,
) -> list[str]:
    """Japanese header per column: :func:`helpers.present.labels.column_label`, else ``labels``, else the name.

    Args:
        columns: column names (ASCII snake_case, or already Japanese).
        labels: extra ``name -> header`` labels for columns the label table does not know.
        table: a :data:`~helpers.read.schema.SCHEMA` table whose 項目名 take precedence
            (``grade`` is 評価 in ``initiatives`` but 報告書の評価 in ``trends``).
        numeric: the columns holding numbers (a few names mean different things on text).

    Returns:
        One header per column, same order. Duplicates get a suffix ``(2)``, ``(3)``…

    Examples:
        >>> japanese_headers(["grade", "initiative_id", "集計", "total"])
        ['評価', '取り組みID', '集計', '合計']
        >>> japanese_headers(["grade"], table="trends")
        ['報告書の評価']
        >>> japanese_headers(["whatever"], {"whatever": "何か"})
        ['何か']
    """
    labels = labels or {}
    numeric = set(numeric or ())
    out: list[str] = []
    for c in columns:
        header = column_label(c, table=table, numeric=c in numeric)
        if header == c:
            header = labels.get(c, c)
        n, unique = 1, header
        while unique in out:
            n += 1
            unique = f"{header} ({n})"
        out.append(unique)
    return out


def sheet_name(name: str, used: set[str] | None = None) -> str:
    """A valid, unique Excel sheet name: no ``[]:*?/\\``, at most 31 characters.

    Excel compares sheet names case-insensitively; a clash gets ``~2``, ``~3``…

    Examples:
        >>> sheet_name("05_grade_audit")
        '05_grade_audit'
        >>> len(sheet_name("x" * 40))
        31
        >>> sheet_name("a/b:c")
        'a_b_c'
        >>> sheet_name("X" * 31, {"x" * 31})
        'XXXXXXXXXXXXXXXXXXXXXXXXXXXXX~2'
    """
    used_folded = {u.casefold() for u in (used or set())}
    base = _INVALID_SHEET_CHARS.sub("_", str(name)).strip("'") or "Sheet"
    base = "".join("_" if unicodedata.category(ch)[0] == "C" else ch for ch in base)  # no control characters
    candidate, n = base[:31], 1
    while candidate.casefold() in used_folded:
        n += 1
        suffix = f"~{n}"
        candidate = base[: 31 - len(suffix)] + suffix
    return candidate


def _display_width(value: object) -> int:
    """Width of a cell's text in Excel columns: full-width (CJK) characters count 2.

    >>> _display_width("abc"), _display_width("子育て広場"), _display_width("ＡＢ1")
    (3, 10, 5)
    """
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    longest_line = max(text.split("\n"), key=len) if text else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest_line)


def _column_width(header: str, values: pd.Series) -> float:
    sample = values.head(500)  # enough to size a column; keeps big sheets fast
    widest = max([_display_width(header)] + [_display_width(v) for v in sample.tolist()])
    return float(min(_MAX_WIDTH, max(6, widest + 2)))


def _fix_volatile_parts(xlsx: bytes) -> bytes:
    """Re-zip ``xlsx`` with constant entry dates and constant created/modified document times."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl writes "now" into dcterms:modified on save
                text = data.decode("utf-8")
                for tag in ("created", "modified"):
                    text = re.sub(
                        rf"(<dcterms:{tag}\b[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{_FIXED_W3CDTF}\g<2>", text
                    )
                data = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 3  # "Unix", whatever the OS writing the file
            fixed.external_attr = 0o644 << 16
            zout.writestr(fixed, data)
    return out.getvalue()


# ---------------------------------------------------------------------------
# cells: text is text, numbers are numbers, nothing reaches openpyxl that it would run or reject

#: Characters XML 1.0 forbids (openpyxl raises IllegalCharacterError on the C0 ones); shown as \\xNN.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MAX_CELL = 32767  # Excel's limit of characters in a cell
_MAX_ROWS, _MAX_COLUMNS = 1_048_576, 16_384  # Excel's sheet size
_FORMULA_FIRST = frozenset("=+-@\t\r\n＝＋－＠")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def cell_text(value: str) -> str:
    """Text for a workbook cell: XML-illegal characters shown as ``\\xNN``, cut at Excel's 32,767.

    >>> cell_text("中止\x1b８回\x0c")
    '中止\\\\x1b８回\\\\x0c'
    """
    text = _XML_ILLEGAL.sub(_visible, value)
    if len(text) > _MAX_CELL:
        more = f"…({len(text) - (_MAX_CELL - 40)} more characters; see the CSV)"
        text = text[: _MAX_CELL - len(more)] + more
    return text


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _set_cell(cell, value: object) -> None:
    """Put ``value`` in ``cell``: text always as an explicit string (never a formula), numbers as numbers."""
    if _is_missing(value):
        return
    if isinstance(value, (bool, np.bool_)):
        cell.value = bool(value)
    elif isinstance(value, (int, np.integer)):
        cell.value = int(value)
    elif isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            cell.value = str(value)  # Excel has no inf: shown as text
        else:  # a whole number is written as one (12, not 12.0)
            cell.value = int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)
    else:
        text = cell_text(str(value))
        cell.value = text
        cell.data_type = "s"  # openpyxl makes "=..." a formula and "#N/A" an error otherwise
        if text[:1] in _FORMULA_FIRST:
            cell.quotePrefix = True  # Excel keeps it text even when the cell is edited


def _is_rate_column(name: object) -> bool:
    return isinstance(name, str) and (name in RATE_COLUMNS or is_rate(name))


def write_workbook(
    sheets: Mapping[str, pd.DataFrame],
    path: str | Path,
    *,
    column_labels: Mapping[str, str] | None = None,
    schema_tables: Mapping[str, str] | None = None,
    header_overrides: Mapping[str, Mapping[str, str]] | None = None,
    contents: Mapping[str, tuple[str, str]] | None = None,
    empty: Mapping[str, str] | None = None,
    reports: Mapping[str, str] | None = None,
    force: bool = False,
) -> Path:
    """Write DataFrames as sheets of one ``.xlsx``: Japanese headers and values, typed cells, fixed metadata.

    Every sheet goes through the one label table (:func:`helpers.present.labels.label_codes`:
    codes, lists of codes and booleans in Japanese). Header row frozen and bold, autofilter over
    the table, columns sized to their content (full-width characters count 2), long text columns
    (wider than 60) wrapped, rate columns (``*_rate``, ``share*``, :data:`RATE_COLUMNS`) in
    ``0.0%`` format, other non-integer numbers in :data:`DECIMAL_FORMAT` (never General), whole
    numbers as integers. Text cells are explicit strings (``=HYPERLINK(…)`` stays text), numbers
    stay numbers, missing values are empty. A sheet without rows says why under its header.

    Args:
        sheets: sheet name → DataFrame, in sheet order. Names are made valid
            (≤ 31 characters, no ``[]:*?/\\``, unique) with :func:`sheet_name`.
            The index is written only when it is named (e.g. a pivot table's row labels).
        path: the ``.xlsx`` to write (its folder is created; replaced atomically). A folder,
            a symlink, a name not ending in ``.xlsx``, or an existing file that this tool did
            not write (unless ``force``) is refused.
        column_labels: extra Japanese headers for columns the schema does not know.
        schema_tables: sheet name → :data:`~helpers.read.schema.SCHEMA` table, for
            table-specific 項目名 (see :func:`japanese_headers`).
        header_overrides: sheet name → ``{column: header}`` that win over everything.
        contents: sheet name → ``(description, source)``; when given, a first sheet
            「目次」 lists every sheet (linked) with its description, rows and source.
        empty: sheet name → why the table has no rows (written under the header and in 「目次」;
            default 「該当する行はない」).
        reports: report display name → its source file, listed under the sheets in 「目次」.
        force: replace an existing ``.xlsx`` even if this tool did not write it.

    Returns:
        ``path`` as a Path. The same data always gives the same bytes.

    Raises:
        OutputError: a refused target (nothing written).

    Examples:
        >>> import tempfile, openpyxl
        >>> df = pd.DataFrame({"grade": ["A", "B"], "件数": [3, 1]})
        >>> with tempfile.TemporaryDirectory() as d:
        ...     a = write_workbook({"評価": df}, Path(d) / "a.xlsx").read_bytes()
        ...     b = write_workbook({"評価": df}, Path(d) / "b.xlsx")
        ...     ws = openpyxl.load_workbook(b)["評価"]
        ...     (a == b.read_bytes(), [c.value for c in ws[1]], ws.freeze_panes, ws.auto_filter.ref)
        (True, ['評価', '件数'], 'A2', 'A1:B3')
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    path = _check_workbook_target(path, force=force)
    schema_tables = schema_tables or {}
    header_overrides = header_overrides or {}
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = {CONTENTS_SHEET} if contents is not None else set()
    toc = wb.create_sheet(CONTENTS_SHEET) if contents is not None else None
    toc_rows: list[tuple[str, str, int, str]] = []
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    empty = empty or {}
    for name, df in sheets.items():
        out = df.reset_index() if _has_named_index(df) else df
        numeric_cols = [str(c) for c in out.columns if _is_number_column(out[c])]
        out = label_codes(out)  # codes, lists of codes, booleans: in Japanese (the one label table)
        if len(out) + 1 > _MAX_ROWS or out.shape[1] > _MAX_COLUMNS:
            raise OutputError(
                f"sheet {shown(name)}: {len(out)} rows × {out.shape[1]} columns do not fit an Excel sheet "
                f"({_MAX_ROWS - 1} rows, {_MAX_COLUMNS} columns at most); use the CSV"
            )
        names = list(out.columns)
        headers = japanese_headers([str(c) for c in names], column_labels, table=schema_tables.get(name),
                                   numeric=numeric_cols)
        overrides = header_overrides.get(name, {})
        headers = [overrides.get(str(c), h) for c, h in zip(names, headers)]
        title = sheet_name(name, used)
        used.add(title)
        ws = wb.create_sheet(title)
        for j, header in enumerate(headers, start=1):
            _set_cell(ws.cell(1, j), header)
            ws.cell(1, j).font = bold
        for i, row in enumerate(out.itertuples(index=False, name=None), start=2):
            for j, value in enumerate(row, start=1):
                _set_cell(ws.cell(i, j), value)
        last_row = len(out) + 1
        for j, (col, header) in enumerate(zip(names, headers), start=1):
            letter = get_column_letter(j)
            series = out.iloc[:, j - 1]
            width = _column_width(header, series)
            ws.column_dimensions[letter].width = width
            numeric = str(col) in numeric_cols
            if numeric and _is_rate_column(col):
                for (cell,) in ws.iter_rows(min_row=2, max_row=last_row, min_col=j, max_col=j):
                    cell.number_format = RATE_FORMAT
            elif numeric:
                for (cell,) in ws.iter_rows(min_row=2, max_row=last_row, min_col=j, max_col=j):
                    if isinstance(cell.value, float):  # a fraction is never left in General format
                        cell.number_format = DECIMAL_FORMAT
            elif _widest(series) > _MAX_WIDTH:
                for (cell,) in ws.iter_rows(min_row=2, max_row=last_row, min_col=j, max_col=j):
                    cell.alignment = wrap
            for (cell,) in ws.iter_rows(min_row=2, max_row=last_row, min_col=j, max_col=j):
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool) and not numeric:
                    cell.number_format = "0"  # a line number in a column of lists: a number, shown as printed
        ws.freeze_panes = "A2"
        if headers:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last_row}"
        why = ""
        if out.empty:  # no rows: say why, under the header and in the contents
            why = empty.get(name) or "該当する行はない"
            _set_cell(ws.cell(2, 1), f"（行なし：{why}）")
            ws.cell(2, 1).font = Font(italic=True, color="555555")
        if contents is not None:
            description, source = contents.get(name, ("", ""))
            if why:
                description = f"{description}（行なし：{why}）"
            toc_rows.append((title, description, len(out), source))
    if toc is not None:
        toc_headers = ["シート", "内容", "行数", "元のファイル"]
        for j, header in enumerate(toc_headers, start=1):
            _set_cell(toc.cell(1, j), header)
            toc.cell(1, j).font = bold
        for i, row in enumerate(toc_rows, start=2):
            for j, value in enumerate(row, start=1):
                _set_cell(toc.cell(i, j), value)
            link = toc.cell(i, 1)
            link.hyperlink = Hyperlink(ref=link.coordinate, location="'{}'!A1".format(row[0].replace("'", "''")))
            link.style = "Hyperlink"
        if reports:  # which reports the workbook is about, by their display names
            at = len(toc_rows) + 3
            _set_cell(toc.cell(at, 1), "報告書")
            toc.cell(at, 1).font = bold
            for k, (display, source) in enumerate(reports.items()):
                _set_cell(toc.cell(at + k, 2), display)
                _set_cell(toc.cell(at + k, 4), source)
        for j, width in enumerate((34, 70, 8, 44), start=1):
            toc.column_dimensions[get_column_letter(j)].width = width
        for (cell,) in toc.iter_rows(min_row=2, max_row=len(toc_rows) + 1, min_col=2, max_col=2):
            cell.alignment = wrap
        toc.freeze_panes = "A2"
    props = wb.properties
    props.created = props.modified = FIXED_TIME
    props.creator = props.lastModifiedBy = CREATOR
    buffer = io.BytesIO()
    wb.save(buffer)
    return write_file(path, _fix_volatile_parts(buffer.getvalue()), force=force)


def _is_number_column(s: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(s.dtype) or isinstance(s.dtype, pd.CategoricalDtype):
        return False
    if pd.api.types.is_numeric_dtype(s.dtype):
        return True
    values = [v for v in s.tolist() if not _is_missing(v)]
    return bool(values) and all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
                                for v in values)


def _widest(values: pd.Series) -> int:
    sample = values.head(500)
    return max([0] + [_display_width(v) for v in sample.tolist()])


def _check_workbook_target(path: str | Path, *, force: bool = False) -> Path:
    """Refuse a workbook target that is a folder, a symlink, not ``.xlsx``, or a file we did not write."""
    path = check_output_file(path)
    if path.suffix.lower() != ".xlsx":
        raise OutputError(f"{shown(path)}: the workbook name must end in .xlsx")
    if path.exists() and not force and not _written_by_us(path):
        raise OutputError(f"{shown(path)} exists and was not written by this tool; choose another name or pass --force")
    return path


def _written_by_us(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return f"<dc:creator>{CREATOR}</dc:creator>" in core


def _has_named_index(df: pd.DataFrame) -> bool:
    return isinstance(df.index, pd.MultiIndex) or df.index.name is not None


# ---------------------------------------------------------------------------
# reading the CSVs back

_PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]+)?")


def read_summary_csv(path: str | Path) -> pd.DataFrame:
    """Read a CSV without schema (a notebook's summary table, the data dictionary) with safe types.

    Every field is read as text first. A column becomes numeric only if every non-empty field is
    a plain number as the project's writers print it (``-?digits[.digits]``, no leading zeros, no
    exponent, at most 15 integer digits so Excel keeps every digit): ``0012``, ``1e3``, ``+5``,
    ``1,000`` keep their column text. A column of only ``True``/``False`` is boolean. Text fields
    and column names lose the one ``'`` of the CSV-injection escape.

    >>> import io
    >>> df = read_summary_csv(io.BytesIO("code,n,rate,note\\n0012,3,0.5,'=1+1\\n7,-2,,1e3\\n".encode()))
    >>> df.to_dict("list")
    {'code': ['0012', '7'], 'n': [3, -2], 'rate': [0.5, None], 'note': ['=1+1', '1e3']}
    """
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False, na_filter=False)
    columns: dict[str, list] = {}
    for name in raw.columns:
        values = raw[name].tolist()
        present = [v for v in values if v != ""]
        if present and all(_PLAIN_NUMBER.fullmatch(v) for v in present):
            typed = [None if v == "" else float(v) if "." in v else int(v) for v in values]
        elif present and all(v in ("True", "False") for v in present):
            typed = [None if v == "" else v == "True" for v in values]
        else:
            typed = [None if v == "" else unescape_csv_text(v) for v in values]
        columns[unescape_csv_text(name)] = typed
    out = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()})
    for name in out.columns:  # numeric and boolean columns as such, for formats and widths
        values = [v for v in out[name] if v is not None]
        if values and all(isinstance(v, bool) for v in values):
            out[name] = out[name].astype("boolean")
        elif values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            out[name] = pd.array(out[name].tolist(), dtype="Float64" if any(isinstance(v, float) for v in values) else "Int64")
    return out


def _read_clean(path: Path, table: str | None) -> pd.DataFrame:
    """A clean table: the schema's types (text stays text) when known, else :func:`read_summary_csv`."""
    if table in SCHEMA:
        return read_table(path, table)
    return read_summary_csv(path)


# ---------------------------------------------------------------------------
# making the tables readable for analysts

def translate_codes(df: pd.DataFrame) -> pd.DataFrame:
    """Coded values in the report's words: :func:`helpers.present.labels.label_codes` (kept under its old name).

    >>> translate_codes(pd.DataFrame({"period": ["prior", "result"], "前年度": ["actual", "estimate"]})).to_dict("list")
    {'period': ['前年度', '実績'], '前年度': ['実績', '見込み']}
    """
    return label_codes(df)


def beside_id(df: pd.DataFrame, initiatives: pd.DataFrame | None) -> pd.DataFrame:
    """Put ``row_no`` (行番号) and ``initiative`` (取り組み名) right after ``initiative_id``.

    Columns already in the table are moved there; missing ones are looked up in ``initiatives``
    by ``initiative_id`` (empty where the id is empty). Tables without ``initiative_id`` are
    returned unchanged.

    >>> ini = pd.DataFrame({"initiative_id": ["r:1-1-01"], "row_no": [1], "initiative": ["情報の発信"]})
    >>> beside_id(pd.DataFrame({"initiative_id": ["r:1-1-01", None], "x": [5, 6]}), ini).columns.tolist()
    ['initiative_id', 'row_no', 'initiative', 'x']
    """
    if "initiative_id" not in df.columns:
        return df
    out = df.copy()
    lookup = None
    if initiatives is not None and {"initiative_id", "row_no", "initiative"} <= set(initiatives.columns):
        lookup = initiatives.drop_duplicates("initiative_id").set_index("initiative_id")
    for name in ("row_no", "initiative"):
        if name not in out.columns:
            if lookup is None:
                continue
            ids = out["initiative_id"]
            values = [None if _is_missing(i) or i not in lookup.index else lookup.at[i, name] for i in ids.tolist()]
            out[name] = pd.array(values, dtype="Int64") if name == "row_no" else pd.Series(values, index=out.index, dtype=object)
    order = list(out.columns)
    moved = [c for c in ("row_no", "initiative") if c in order]
    rest = [c for c in order if c not in moved]
    at = rest.index("initiative_id") + 1
    return out[rest[:at] + moved + rest[at:]]


def _notebook_of(stem: str) -> str:
    number = stem.split("_", 1)[0]
    found = sorted((PROJ_ROOT / "notebooks").glob(f"{glob_escape(number)}_*.ipynb")) if number.isdigit() else []
    return f"notebooks/{found[0].name}" if found else ""


def build_report_workbook(
    out_path: str | Path,
    *,
    clean_dir: str | Path = CLEAN_DATA_DIR,
    tables_dir: str | Path | None = None,
    force: bool = False,
) -> Path:
    """Clean tables + notebook summary tables + data dictionary → one workbook, for analysts.

    Sheets: 「目次」 (every sheet, linked, with its description, rows and source file); the clean
    tables under :data:`SHEET_NAMES`; each ``reports/tables/*.csv`` under its title in
    :data:`helpers.present.labels.TABLE_TITLES` (the file stem when it has none); the data dictionary
    「データ辞書」. Coded values are in the report's words (:func:`translate_codes`); a sheet
    with ``initiative_id`` carries 行番号 and 取り組み名 beside it (:func:`beside_id`).

    Args:
        out_path: the ``.xlsx`` to write.
        clean_dir: folder of the clean CSVs (default ``data/clean``).
        tables_dir: folder of the notebooks' summary CSVs (default ``reports/tables``;
            a missing folder means no summary sheets).
        force: replace an existing ``.xlsx`` even if this tool did not write it.

    Returns:
        ``out_path`` as a Path.
    """
    from .names import display_name, for_readers

    clean_dir = Path(clean_dir)
    tables_dir = Path(tables_dir) if tables_dir is not None else REPORTS_DIR / "tables"
    clean = {p.stem: p for p in clean_dir.glob("*.csv") if p.stem != "data_dictionary"}
    if not clean:
        raise FileNotFoundError(f"{clean_dir}: no clean tables (*.csv); run `make data`")
    verify_folder(clean_dir)  # the tables as make data wrote them: not edited, not half-swapped
    order = [t for t in SHEET_NAMES if t in clean] + sorted(t for t in clean if t not in SHEET_NAMES)
    frames = {table: _read_clean(clean[table], table) for table in order}
    initiatives = frames.get("initiatives")
    reports = frames.get("reports")
    one_per_series = reports is None or bool((reports.groupby("series")["report"].count() <= 1).all())
    sheets: dict[str, pd.DataFrame] = {}
    schema_tables: dict[str, str] = {}
    overrides: dict[str, dict[str, str]] = {}
    contents: dict[str, tuple[str, str]] = {}
    empty: dict[str, str] = {}
    reserved = {CONTENTS_SHEET, DICTIONARY_SHEET}

    def add(title: str, df: pd.DataFrame, description: str, source: str, *, stem: str, clean_table: bool) -> str:
        had = set(df.columns)
        # reports by their display names; a summary sheet of a one-report collection without the column
        df = for_readers(beside_id(df, initiatives), reports, drop_single_report=not clean_table)
        name = sheet_name(title, set(sheets) | reserved)
        sheets[name] = df
        contents[name] = (description, source)
        if df.empty:
            empty[name] = empty_reason(stem, one_report_per_series=one_per_series)
        if "row_no" in df.columns and "row_no" not in had:
            overrides[name] = {"row_no": ADDED_ROW_NO_HEADER, "initiative": ADDED_INITIATIVE_HEADER}
        elif "initiative" in df.columns and "initiative" not in had:
            overrides[name] = {"initiative": ADDED_INITIATIVE_HEADER}
        return name

    for table in order:
        description = TABLE_DESCRIPTIONS.get(table, "クリーンな表（データ辞書に説明なし）")
        name = add(SHEET_NAMES.get(table, table), frames[table], description, f"data/clean/{clean[table].name}",
                   stem=table, clean_table=True)
        if table in SCHEMA:
            schema_tables[name] = table
    for p in sorted(tables_dir.glob("*.csv")) if tables_dir.is_dir() else []:
        title = TABLE_TITLES.get(p.stem, p.stem)
        notebook = _notebook_of(p.stem)
        description = f"{notebook} の集計表" if notebook else "ノートブックの集計表"
        add(title, read_summary_csv(p), description, f"reports/tables/{p.name}", stem=p.stem, clean_table=False)
    dictionary = clean_dir / "data_dictionary.csv"
    if dictionary.exists():
        dd = read_summary_csv(dictionary)
        if "table" in dd.columns:  # the sheet where the analyst finds the table
            dd["table"] = [SHEET_NAMES.get(v, v) if isinstance(v, str) else v for v in dd["table"].tolist()]
        sheets[DICTIONARY_SHEET] = dd
        contents[DICTIONARY_SHEET] = ("各表の列の定義（項目名・型・単位・説明）", f"data/clean/{dictionary.name}")
    names = {} if reports is None else {display_name(r): r["source_file"] for r in reports.to_dict("records")}
    return write_workbook(
        sheets, out_path, schema_tables=schema_tables, header_overrides=overrides, contents=contents, empty=empty,
        reports=names, force=force,
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.present.excel OUT.xlsx [--force]``: build the report workbook.

    Exit codes: 0 written; 2 refused target, missing or malformed tables (one line, nothing
    written); 130 interrupted (the old workbook intact).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    force = "--force" in args
    args = [a for a in args if a != "--force"]
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: python -m helpers.present.excel OUT.xlsx [--force]", file=sys.stderr)
        return 2
    try:
        path = build_report_workbook(args[0], force=force)
    except (FileNotFoundError, OutputError, ValueError) as exc:
        print(f"error: {shown(exc, 400)}; nothing written", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot write {shown(args[0])}: {shown(exc.strerror or exc, 200)}; nothing written", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        done = "written" if isinstance(exc, InterruptedAfterWrite) else "unchanged"
        print(f"interrupted: {shown(args[0])} {done}", file=sys.stderr)
        return 130
    print(f"wrote {shown(path)}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
