"""Stage 2 — *tidy*: extracted rows → typed, validated tables.

:mod:`helpers.read.extract` keeps the source's own structure (cells as lists of
source fragments).  This module renames to the output contract
(:mod:`helpers.read.schema`), joins each cell's lines, normalises what must be
compared (grades: Ａ→A), derives identifiers and the （再掲） links, and runs
the hard checks.  Text columns keep the text as printed: a cell's lines are
joined *without* a separator (Japanese text wraps mid-word: ``ネット`` +
``ワークづくり``), and no other character is added or removed, except the
（再掲） marker, which becomes ``is_relisted``.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from itertools import compress
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np
import pandas as pd

from .extract import Extraction, Fragment, RawRow, names_merged_cell, split_departments
from .extract import _nfkc as _nfkc_key
from .extract import nfkc
from .schema import SCHEMA, columns_of

__all__ = [
    "COLUMNS",
    "CELL_FIELDS",
    "ValidationError",
    "join_cell",
    "strip_relisted",
    "department_key",
    "tidy_extraction",
    "build_tables",
    "Records",
    "account_lines",
    "validate_tables",
]

# extract's cell names -> tidy column names
COLUMNS = {
    "initiative": "initiative",  # （再掲） removed, see strip_relisted
    "summary": "summary",  # 概要
    "department": "department",  # goes to departments.csv, one row per name
    "prior": "prior_text",  # first period column (前年度 実績/見込み)
    "plan": "plan_text",  # 計画
    "result": "result_text",  # third period column (実績 / 実績（見込み）)
    "grade": "grade",  # Ａ/A -> A
    "comment": "comment",  # コメント・課題等
    "remarks": "remarks",  # 備考
}
CELL_FIELDS = tuple(COLUMNS.values())

RELISTED_MARKS = ("（再掲）", "(再掲)")

#: the order of the values in a source_lines row tuple (Records.source_lines), the schema's order
SOURCE_LINE_COLUMNS = ("report", "line_no", "part", "role", "initiative_id", "field", "text")


class ValidationError(Exception):
    """A hard sanity check failed; nothing is written."""


def join_cell(frags: list[Fragment]) -> str:
    """Join a cell's source lines without separator, text as printed.

    >>> join_cell([Fragment(42, 0, "子育て中の保護者同士の交流促進、ネット"), Fragment(43, 0, "ワークづくり")])
    '子育て中の保護者同士の交流促進、ネットワークづくり'
    """
    return "".join([f.text for f in frags])  # (a list joins faster than a generator)


def strip_relisted(initiative: str) -> tuple[str, bool]:
    """Remove a trailing （再掲） marker (full- or half-width).

    >>> strip_relisted("子育て中の親子の居場所の確保（再掲）")
    ('子育て中の親子の居場所の確保', True)
    >>> strip_relisted("介護者の支援")
    ('介護者の支援', False)
    """
    for mark in RELISTED_MARKS:
        if initiative.endswith(mark):
            return initiative[: -len(mark)], True
    return initiative, False


def _nfkc(text: str) -> str:
    return nfkc(text)


def department_key(name: str) -> str:
    """The key departments are grouped by: NFKC, zero-width characters and BOM removed, no spaces.

    The printed name stays in ``department``; the key makes ``地域包括支援ｾﾝﾀｰ``,
    ``\ufeff健康福祉課`` and ``健康\u200b福祉課`` one department with their plain spellings.

    >>> department_key("地域包括支援ｾﾝﾀｰ"), department_key("\ufeff健康\u200b福祉課")
    ('地域包括支援センター', '健康福祉課')
    """
    return "".join(_nfkc_key(name).split())


def initiative_ids(rows: list[RawRow], sections: list[tuple[str, str]], report: str) -> list[str]:
    """``{report}:{section_no}-{objective_no}-{nn}``, nn counting within the objective."""
    seen: Counter = Counter()
    out = []
    for r in rows:
        s = sections.index(r.section_key) + 1
        seen[(s, r.objective_no)] += 1
        out.append(f"{report}:{s}-{r.objective_no}-{seen[(s, r.objective_no)]:02d}")
    return out


@dataclass
class Tables:
    """The clean tables of one or more reports."""

    initiatives: pd.DataFrame
    departments: pd.DataFrame
    source_lines: pd.DataFrame
    grade_legend: pd.DataFrame
    accounting: list[dict] = field(default_factory=list)
    metrics: pd.DataFrame | None = None
    trends: pd.DataFrame | None = None
    # the collection (helpers.collect.collection / link / series)
    reports: pd.DataFrame | None = None
    links: pd.DataFrame | None = None
    series: pd.DataFrame | None = None
    # where each line of a PDF input is (helpers.read.pdf); None when every input is text
    source_cells: pd.DataFrame | None = None
    # what the run did not apply and says so (e.g. an override naming a report not read this time)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, pd.DataFrame]:
        out = {
            "initiatives": self.initiatives,
            "departments": self.departments,
            "source_lines": self.source_lines,
        }
        if self.source_cells is not None:
            out["source_cells"] = self.source_cells
        out["grade_legend"] = self.grade_legend
        if self.metrics is not None:
            out["metrics"] = self.metrics
        if self.trends is not None:
            out["trends"] = self.trends
        for name in ("reports", "links", "series"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        return out


@dataclass
class Records:
    """One report's tidy rows as plain records (DataFrames are built once for all reports)."""

    initiatives: list[dict]
    departments: list[dict]
    source_lines: list[tuple]  # values in the order of SOURCE_LINE_COLUMNS (a tuple a line: no dict a line)
    grade_legend: list[dict]
    accounting: dict


def tidy_extraction(ex: Extraction, *, report: str, lines: list[str]) -> Records:
    """Turn one report's extraction into clean records (see :func:`build_tables`).

    Args:
        ex: the result of :func:`helpers.read.extract.extract_report`.
        report: the report's name (file stem), written to the ``report`` column.
        lines: the report's lines (for the line accounting).
    """
    ids = initiative_ids(ex.rows, ex.sections, report)
    init_rows, dept_rows, src_rows = [], [], []
    first_plain: dict[str, str] = {}
    merged_seen: set[Fragment] = set()
    for row_no, (rid, r) in enumerate(zip(ids, ex.rows), start=1):
        initiative, relisted = strip_relisted(join_cell(r.cells["initiative"]))
        key = _nfkc(initiative)
        if not relisted:
            first_plain.setdefault(key, rid)
        p0, p1, p2 = r.periods
        depts = split_departments([f.text for f in r.cells["department"]])
        own = r.lines()
        init_rows.append({
            "report": report,
            "initiative_id": rid,
            # filled by helpers.collect.link; present (missing) here so that the frame is built
            # column by column (_frame), not through DataFrame.from_records for a record without it
            "initiative_key": None,
            "row_no": row_no,
            "section_no": ex.sections.index(r.section_key) + 1,
            "basic_goal": r.section_key[0],
            "field_plan": r.section_key[1],
            "objective_no": r.objective_no,
            "objective": r.objective,
            "initiative": initiative,
            "is_relisted": relisted,
            "relisted_of": key if relisted else None,  # resolved below
            "initiative_merged": r.initiative_merged,
            "summary": join_cell(r.cells["summary"]),
            "prior_year": p0.year,
            "prior_status": p0.status,
            "prior_label": p0.label,
            "plan_year": p1.year,
            "plan_label": p1.label,
            "result_year": p2.year,
            "result_status": p2.status,
            "result_label": p2.label,
            "prior_text": join_cell(r.cells["prior"]),
            "plan_text": join_cell(r.cells["plan"]),
            "result_text": join_cell(r.cells["result"]),
            "grade": _nfkc(join_cell(r.cells["grade"])),
            "comment": join_cell(r.cells["comment"]),
            "remarks": join_cell(r.cells["remarks"]),
            "department_count": len(depts),
            "layout_note": "; ".join(r.layout_notes),
            "source_first_line": own[0] if own else None,
            "source_last_line": own[-1] if own else None,
        })
        for k, d in enumerate(depts, start=1):
            dept_rows.append({"report": report, "initiative_id": rid, "department_no": k, "department": d,
                              "department_key": department_key(d)})
        for src_field, frags in r.cells.items():
            shared = (src_field == "initiative" and r.initiative_merged) or src_field in r.merged_fields
            if shared and frags and frags[0] in merged_seen:
                continue  # a merged cell is one cell: recorded once, with its first row
            if shared:
                merged_seen.update(frags)
            fld = COLUMNS[src_field]
            src_rows += [(report, f.line_no, f.part, "cell", rid, fld, f.text) for f in frags]
    for rec in init_rows:  # （再掲） -> id of the first row printed without the mark
        if rec["is_relisted"]:
            rec["relisted_of"] = first_plain.get(rec["relisted_of"])
            if rec["relisted_of"] is None:
                rec["layout_note"] = "; ".join(filter(None, [rec["layout_note"], "（再掲） but no original row of that name"]))
    src_rows += [(report, no, 0, kind, None, None, lines[no - 1].strip(" \t")) for no, kind in ex.boilerplate.items()]
    src_rows += [(report, f.line_no, f.part, "unplaced", None, None, f.text) for f in ex.unplaced]

    src_rows.sort(key=itemgetter(1, 2))  # (line_no, part), as a lambda made it
    accounting = account_lines(report, lines, src_rows, n_rows=len(ex.rows))
    return Records(init_rows, dept_rows, src_rows, list(ex.legend), accounting)


def build_tables(parts: list[Records]) -> Tables:
    """Stack several reports' records (in the given order) into typed tables."""
    legend = parts[0].grade_legend if parts else []
    for p in parts[1:]:
        if p.grade_legend != legend:
            raise ValidationError("the reports' grade legends differ")
    return Tables(
        initiatives=_frame([r for p in parts for r in p.initiatives], "initiatives"),
        departments=_frame([r for p in parts for r in p.departments], "departments"),
        source_lines=_frame_rows([r for p in parts for r in p.source_lines], "source_lines", SOURCE_LINE_COLUMNS),
        grade_legend=_frame(legend, "grade_legend"),
        accounting=[p.accounting for p in parts],
    )


def _frame(records: list[dict], table: str) -> pd.DataFrame:
    """The typed frame of ``table`` from records (dicts keyed by column name).

    Built column by column from plain lists where every value is of the column's own kind
    (:func:`_column`); otherwise through ``DataFrame.from_records`` and :func:`_typed`, as before.
    Both give the same frame (tests/test_tidy.py compares them on every table of a run).
    """
    cols = columns_of(table)
    fields = SCHEMA[table]
    try:  # the records transposed into columns in one pass (a KeyError: a record without a column)
        if len(fields) > 1 and records:
            columns = list(zip(*map(itemgetter(*[c.name for c in fields]), records)))
        else:
            columns = [[r[c.name] for r in records] for c in fields]
    except KeyError:
        columns = None
    data = {}
    for c, values in zip(fields, columns or ()):
        data[c.name] = _column(values, c.dtype)
        if data[c.name] is None:  # values pandas must infer a type for
            columns = None
            break
    if columns is None:
        return _typed(pd.DataFrame.from_records(records, columns=cols), table)
    return pd.DataFrame(data, columns=cols)


def _frame_rows(rows: list[tuple], table: str, names: tuple[str, ...]) -> pd.DataFrame:
    """:func:`_frame` of rows given as tuples of the values of columns ``names`` (the schema's order).

    A tuple a row costs less to make than a dict a row; the frame is the same as
    ``_frame([dict(zip(names, r)) for r in rows], table)`` (which it falls back to when a column's
    values are not all of its kind).

    Raises:
        ValueError: ``names`` are not the columns of ``table`` in the schema's order (a programming error).
    """
    fields = SCHEMA[table]
    if list(names) != [c.name for c in fields]:
        raise ValueError(f"{table}: row tuples name {list(names)}, the schema {[c.name for c in fields]}")
    columns = list(zip(*rows)) if rows else [()] * len(fields)
    data = {}
    for c, values in zip(fields, columns):
        col = _column(values, c.dtype)
        if col is None:  # values pandas must infer a type for: as _frame does
            return _frame([dict(zip(names, r)) for r in rows], table)
        data[c.name] = col
    return pd.DataFrame(data, columns=list(names))


#: the largest integer a float64 holds exactly: from_records passes ints with a missing value through float64
_EXACT_INT = 2**53


def _column(values: list, dtype: str):
    """The typed array of one column from its values, or None when they are not all of its kind.

    What :func:`_typed` makes of the column ``DataFrame.from_records`` infers, without the inference:
    text (str or missing: ``str`` dtype, missing as NaN), integers (``Int64``; int or None), booleans
    (``bool``; True/False only), numbers (``Float64``; int, float or None; NaN is missing).
    """
    kinds = set(map(type, values))  # (one pass in C; type(v) is v.__class__)
    if dtype in ("string", "category"):
        if kinds <= _TEXT_KINDS:
            return pd.array(values, dtype="str")
    elif dtype == "integer":
        if kinds <= _INT_KINDS:
            ints = values if _NONE not in kinds else [v for v in values if v is not None]
            if not ints or (-_EXACT_INT <= min(ints) and max(ints) <= _EXACT_INT):
                return pd.array(values, dtype="Int64")
    elif dtype == "boolean":
        if kinds <= _BOOL_KINDS:
            return np.array(values, dtype=bool)
    elif dtype == "number":
        if kinds <= _NUMBER_KINDS:
            return pd.array([float(v) if v.__class__ is int else v for v in values] if int in kinds else values,
                            dtype="Float64")
    return None


_NONE = type(None)
_TEXT_KINDS, _INT_KINDS, _BOOL_KINDS, _NUMBER_KINDS = {str, _NONE}, {int, _NONE}, {bool}, {float, int, _NONE}


def _typed(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """``df`` with each column of ``table``'s schema cast to its dtype (text ``str``, integers ``Int64``,
    booleans ``bool``, numbers ``Float64``); a missing text value is NaN."""
    kinds = {"string": "str", "category": "str", "integer": "Int64", "boolean": "bool", "number": "Float64"}
    names = [c.name for c in SCHEMA[table]]
    if list(df.columns) == names and df.columns.is_unique:  # a new frame, not a copy changed column by column
        data = {}
        for c in SCHEMA[table]:
            s = df[c.name]
            data[c.name] = s.astype("str").where(s.notna(), None) if kinds[c.dtype] == "str" else s.astype(kinds[c.dtype])
        return pd.DataFrame(data, index=df.index, columns=names)
    out = df.copy()
    for c in SCHEMA[table]:
        if c.dtype == "string" or c.dtype == "category":
            out[c.name] = out[c.name].astype("str").where(out[c.name].notna(), None)
        else:
            out[c.name] = out[c.name].astype(kinds[c.dtype])
    return out


def account_lines(report: str, lines: list[str], source_lines: list[tuple], *, n_rows: int) -> dict:
    """Count what happened to every input line.

    Every non-blank line is boilerplate, placed (in one or more cells of one
    row), or unplaced; ``missing`` lists lines in none of these (must be empty).

    Args:
        source_lines: the report's source-line rows, values in the order of :data:`SOURCE_LINE_COLUMNS`.
    """
    nonblank = {i + 1 for i, t in enumerate(lines) if t.strip(" \t")}
    placed, unplaced, boiler = set(), set(), set()
    by_role = {"cell": placed, "unplaced": unplaced}  # any other role: boilerplate
    for r in source_lines:
        by_role.get(r[3], boiler).add(r[1])
    return {
        "report": report,
        "lines_read": len(lines),
        "blank": len(lines) - len(nonblank),
        "boilerplate": len(boiler),
        "placed": len(placed - unplaced),
        "unplaced": len(unplaced),
        "unplaced_lines": sorted(unplaced),
        # the lines above the table read as the document's title (printed by the run, never silent)
        "preamble": [(r[1], r[6]) for r in source_lines if r[3] == "preamble"],
        "missing": sorted(nonblank - boiler - placed - unplaced),
        "rows": n_rows,
    }


def _tuples(df: pd.DataFrame, cols: list[str]):
    """Row tuples of plain Python values (much faster than itertuples on str arrays)."""
    return zip(*(df[c].tolist() for c in cols))


def validate_tables(t: Tables, *, texts: dict[str, list[str]]) -> None:
    """Hard checks before anything is written; raise :class:`ValidationError`.

    Args:
        t: the tables.
        texts: report name -> its lines, to re-check every source fragment.
    """
    errors: list[str] = []
    ini, dep, src = t.initiatives, t.departments, t.source_lines
    for table, df in t.as_dict().items():
        if list(df.columns) != columns_of(table):
            errors.append(f"{table}: columns {list(df.columns)} differ from the schema")
        for col in df.columns:
            s = df[col]
            if isinstance(s.dtype, pd.StringDtype):  # str, or a missing value (not a str)
                values = s.tolist()
                try:  # (a column without missing values: joined as it is)
                    joined = "\x00".join(values)
                except TypeError:  # (missing values: the column's other values, all str, without them)
                    joined = "\x00".join(s.dropna().tolist())
            elif s.dtype == object:
                joined = "\x00".join(map(str, s.dropna().tolist()))  # one scan per column, not a regex per value
            else:
                continue
            if "\n" in joined or "\r" in joined:
                errors.append(f"{table}.{col}: line break inside a field")
    dup = ini["initiative_id"][ini["initiative_id"].duplicated()]
    if len(dup):
        errors.append(f"duplicate initiative_id: {sorted(set(dup))}")
    for rid, grade in ini.loc[~ini["grade"].isin(list("ABCD")), ["initiative_id", "grade"]].itertuples(index=False):
        errors.append(f"{rid}: grade {grade!r} is not one of A–D")
    for col in ("initiative", "summary", "grade"):
        empty = ini.loc[ini[col].fillna("") == "", ["initiative_id", "source_first_line"]]
        for rid, line in empty.itertuples(index=False):
            errors.append(f"{rid} (line {line}): empty {col}")
    ini_ids = set(ini["initiative_id"].tolist())  # (tolist: not element by element through pandas)
    no_dept = ini_ids - set(dep["initiative_id"].tolist())
    for rid in sorted(no_dept):
        errors.append(f"{rid}: no department (担当部署)")
    dangling = set(ini["relisted_of"].dropna().tolist()) - ini_ids
    if dangling:
        errors.append(f"relisted_of points to unknown ids: {sorted(dangling)}")
    if (ini["department_count"] != ini["initiative_id"].map(dep["initiative_id"].value_counts()).fillna(0)).any():
        errors.append("department_count does not match departments.csv")
    # every fragment is a piece of its source line, in order, with only spaces between
    s_report, s_line, s_part, s_role, s_rid, s_fld, s_text = (src[c].tolist() for c in columns_of("source_lines"))
    cell_parts: dict[tuple[str, str], list[str]] = {}
    for rid, fld, text in compress(zip(s_rid, s_fld, s_text), [r == "cell" for r in s_role]):
        got = cell_parts.get((rid, fld))
        if got is None:
            cell_parts[(rid, fld)] = [text]
        else:
            got.append(text)
    # the lines holding one fragment (most): compared whole, with no grouping; the others grouped below
    keep = [r == "cell" or r == "unplaced" for r in s_role]
    where = list(compress(zip(s_report, s_line), keep))
    count = Counter(where)
    by_line: dict[tuple[str, int], list[tuple[int, str]]] = {}
    for key, part, text in zip(where, compress(s_part, keep), compress(s_text, keep)):
        if count[key] == 1:
            if text == texts[key[0]][key[1] - 1].strip(" \t"):  # a line that is one whole cell: fine
                continue
            by_line[key] = [(part, text)]
            continue
        got = by_line.get(key)
        if got is None:
            by_line[key] = [(part, text)]
        else:
            got.append((part, text))
    cell_text = {k: "".join(v) for k, v in cell_parts.items()}
    for (report, line_no), pieces in by_line.items():
        line = texts[report][line_no - 1].strip(" \t")
        if len(pieces) == 1 and pieces[0][1] == line:  # a line that is one whole cell (most lines): fine
            continue
        pos = 0
        if len(pieces) > 1:
            pieces.sort()
        for _, piece in pieces:
            at = line.find(piece, pos)
            if at < 0 or line[pos:at].strip(" ") != "":
                errors.append(f"{report}:{line_no}: fragment {piece!r} is not the next part of the line")
                break
            pos = at + len(piece)
        else:
            if line[pos:].strip(" ") != "":
                errors.append(f"{report}:{line_no}: text {line[pos:]!r} is in no cell")
    # each cell column equals the concatenation of its source fragments
    cols = ("initiative_id", "initiative", "initiative_merged", "summary", "prior_text", "plan_text",
            "result_text", "comment", "remarks")
    merged_cells: dict[str, set[str]] = {}  # column -> texts of merged cells recorded with their first row
    for rid, initiative, merged, *texts_, note in _tuples(ini, list(cols) + ["layout_note"]):
        for col, value in zip(cols[3:], texts_):
            got = cell_text.get((rid, col))
            shared = names_merged_cell(note, col)
            if got is not None and shared:
                merged_cells.setdefault(col, set()).add(got)
            elif got is None and value and shared:
                if value in merged_cells.get(col, ()):
                    continue  # the merged cell (PDF) is recorded once, with the first row it spans
                errors.append(f"{rid}.{col} is a merged cell recorded with no row before it")
                continue
            if (got or "") != (value or ""):
                errors.append(f"{rid}.{col} differs from its source lines")
        init_src = cell_text.get((rid, "initiative"))
        if init_src is not None:
            if strip_relisted(init_src)[0] != initiative:
                errors.append(f"{rid}.initiative differs from its source lines")
        elif not merged:
            errors.append(f"{rid}: initiative has no source line")
    for acc in t.accounting:
        if acc["missing"]:
            errors.append(f"{acc['report']}: lines {acc['missing']} are in no table and not reported")
    if errors:
        raise ValidationError("\n".join(errors))
