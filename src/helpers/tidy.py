"""Stage 2 — *tidy*: extracted rows → typed, validated tables.

:mod:`helpers.extract` keeps the source's own structure (cells as lists of
source fragments).  This module renames to the output contract
(:mod:`helpers.schema`), joins each cell's lines, normalises what must be
compared (grades: Ａ→A), derives identifiers and the （再掲） links, and runs
the hard checks.  Text columns keep the text as printed: a cell's lines are
joined *without* a separator (Japanese text wraps mid-word: ``ネット`` +
``ワークづくり``), and no other character is added or removed, except the
（再掲） marker, which becomes ``is_relisted``.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from .extract import Extraction, Fragment, RawRow, split_departments
from .schema import SCHEMA, columns_of

__all__ = [
    "COLUMNS",
    "CELL_FIELDS",
    "ValidationError",
    "join_cell",
    "strip_relisted",
    "tidy_extraction",
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


class ValidationError(Exception):
    """A hard sanity check failed; nothing is written."""


def join_cell(frags: list[Fragment]) -> str:
    """Join a cell's source lines without separator, text as printed.

    >>> join_cell([Fragment(42, 0, "子育て中の保護者同士の交流促進、ネット"), Fragment(43, 0, "ワークづくり")])
    '子育て中の保護者同士の交流促進、ネットワークづくり'
    """
    return "".join(f.text for f in frags)


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
    return unicodedata.normalize("NFKC", text)


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

    def as_dict(self) -> dict[str, pd.DataFrame]:
        return {
            "initiatives": self.initiatives,
            "departments": self.departments,
            "source_lines": self.source_lines,
            "grade_legend": self.grade_legend,
        }


def tidy_extraction(ex: Extraction, *, report: str, lines: list[str]) -> Tables:
    """Turn one report's extraction into the clean tables.

    Args:
        ex: the result of :func:`helpers.extract.extract_report`.
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
            "plan_year": p1.year,
            "result_year": p2.year,
            "result_status": p2.status,
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
            dept_rows.append({"report": report, "initiative_id": rid, "department_no": k, "department": d})
        for src_field, frags in r.cells.items():
            if src_field == "initiative" and r.initiative_merged and frags and frags[0] in merged_seen:
                continue  # a merged cell is one cell: recorded once, with its first row
            if src_field == "initiative" and r.initiative_merged:
                merged_seen.update(frags)
            for f in frags:
                src_rows.append({
                    "report": report, "line_no": f.line_no, "part": f.part, "role": "cell",
                    "initiative_id": rid, "field": COLUMNS[src_field], "text": f.text,
                })
    for rec in init_rows:  # （再掲） -> id of the first row printed without the mark
        if rec["is_relisted"]:
            rec["relisted_of"] = first_plain.get(rec["relisted_of"])
            if rec["relisted_of"] is None:
                rec["layout_note"] = "; ".join(filter(None, [rec["layout_note"], "（再掲） but no original row of that name"]))
    for no, kind in ex.boilerplate.items():
        src_rows.append({"report": report, "line_no": no, "part": 0, "role": kind,
                         "initiative_id": None, "field": None, "text": lines[no - 1].strip(" \t")})
    for f in ex.unplaced:
        src_rows.append({"report": report, "line_no": f.line_no, "part": f.part, "role": "unplaced",
                         "initiative_id": None, "field": None, "text": f.text})

    initiatives = _frame(init_rows, "initiatives")
    departments = _frame(dept_rows, "departments")
    source_lines = _frame(src_rows, "source_lines").sort_values(["report", "line_no", "part"], kind="stable")
    source_lines = source_lines.reset_index(drop=True)
    legend = _frame(ex.legend, "grade_legend")
    tables = Tables(initiatives, departments, source_lines, legend)
    tables.accounting = [account_lines(report, lines, tables.source_lines, n_rows=len(ex.rows))]
    return tables


def _frame(records: list[dict], table: str) -> pd.DataFrame:
    cols = columns_of(table)
    df = pd.DataFrame.from_records(records, columns=cols)
    return _typed(df, table)


def _typed(df: pd.DataFrame, table: str) -> pd.DataFrame:
    kinds = {"string": "str", "category": "str", "integer": "Int64", "boolean": "bool", "number": "Float64"}
    out = df.copy()
    for c in SCHEMA[table]:
        if c.dtype == "string" or c.dtype == "category":
            out[c.name] = out[c.name].astype("str").where(out[c.name].notna(), None)
        else:
            out[c.name] = out[c.name].astype(kinds[c.dtype])
    return out


def account_lines(report: str, lines: list[str], source_lines: pd.DataFrame, *, n_rows: int) -> dict:
    """Count what happened to every input line.

    Every non-blank line is boilerplate, placed (in one or more cells of one
    row), or unplaced; the three add up to the non-blank lines or the run is
    an error.
    """
    src = source_lines[source_lines["report"] == report]
    nonblank = {i + 1 for i, t in enumerate(lines) if t.strip(" \t")}
    by_role = src.groupby("role")["line_no"].apply(lambda s: set(s.tolist())).to_dict()
    boiler = set().union(*[v for k, v in by_role.items() if k not in ("cell", "unplaced")]) if by_role else set()
    placed = by_role.get("cell", set())
    unplaced = by_role.get("unplaced", set())
    return {
        "report": report,
        "lines_read": len(lines),
        "blank": len(lines) - len(nonblank),
        "boilerplate": len(boiler),
        "placed": len(placed - unplaced),
        "unplaced": len(unplaced),
        "unplaced_lines": sorted(unplaced),
        "missing": sorted(nonblank - boiler - placed - unplaced),
        "rows": n_rows,
    }


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
            if df[col].dtype == object or str(df[col].dtype).startswith(("str", "string")):
                bad = df[col].dropna().astype(str).str.contains(r"[\r\n]", regex=True)
                if bad.any():
                    errors.append(f"{table}.{col}: line break inside a field")
    dup = ini["initiative_id"][ini["initiative_id"].duplicated()]
    if len(dup):
        errors.append(f"duplicate initiative_id: {sorted(set(dup))}")
    bad_grade = ini[~ini["grade"].isin(list("ABCD"))]
    for _, r in bad_grade.iterrows():
        errors.append(f"{r.initiative_id}: grade {r.grade!r} is not one of A–D")
    for col in ("initiative", "summary", "grade"):
        empty = ini[ini[col].fillna("") == ""]
        for _, r in empty.iterrows():
            errors.append(f"{r.initiative_id} (line {r.source_first_line}): empty {col}")
    no_dept = set(ini["initiative_id"]) - set(dep["initiative_id"])
    for rid in sorted(no_dept):
        errors.append(f"{rid}: no department (担当部署)")
    dangling = set(ini["relisted_of"].dropna()) - set(ini["initiative_id"])
    if dangling:
        errors.append(f"relisted_of points to unknown ids: {sorted(dangling)}")
    if (ini["department_count"] != ini["initiative_id"].map(dep["initiative_id"].value_counts()).fillna(0)).any():
        errors.append("department_count does not match departments.csv")
    # every fragment is a piece of its source line, in order, with only spaces between
    for (report, line_no), grp in src.groupby(["report", "line_no"], sort=True):
        line = texts[report][line_no - 1].strip(" \t")
        if grp["role"].iloc[0] != "cell" and grp["role"].iloc[0] != "unplaced":
            continue
        pos = 0
        for piece in grp.sort_values("part")["text"]:
            at = line.find(piece, pos)
            if at < 0 or line[pos:at].strip(" ") != "":
                errors.append(f"{report}:{line_no}: fragment {piece!r} is not the next part of the line")
                break
            pos = at + len(piece)
        else:
            if line[pos:].strip(" ") != "":
                errors.append(f"{report}:{line_no}: text {line[pos:]!r} is in no cell")
    # each cell column equals the concatenation of its source fragments
    cells = src[src["role"] == "cell"]
    joined = cells.groupby(["initiative_id", "field"], sort=False)["text"].agg("".join)
    merged_first = {}
    for _, r in ini.iterrows():
        for col in ("summary", "prior_text", "plan_text", "result_text", "comment", "remarks"):
            got = joined.get((r.initiative_id, col), "")
            if got != (r[col] or ""):
                errors.append(f"{r.initiative_id}.{col} differs from its source lines")
        init_src = joined.get((r.initiative_id, "initiative"))
        if init_src is not None:
            merged_first[init_src] = r.initiative_id
            if strip_relisted(init_src)[0] != r.initiative:
                errors.append(f"{r.initiative_id}.initiative differs from its source lines")
        elif not r.initiative_merged:
            errors.append(f"{r.initiative_id}: initiative has no source line")
    for acc in t.accounting:
        if acc["missing"]:
            errors.append(f"{acc['report']}: lines {acc['missing']} are in no table and not reported")
    if errors:
        raise ValidationError("\n".join(errors))


def concat_tables(parts: list[Tables]) -> Tables:
    """Stack the tables of several reports (in the given order)."""
    def cat(name: str) -> pd.DataFrame:
        frames = [getattr(p, name) for p in parts]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns_of(name))

    legend = parts[0].grade_legend if parts else pd.DataFrame(columns=columns_of("grade_legend"))
    for p in parts[1:]:
        if not p.grade_legend.equals(legend):
            raise ValidationError("the reports' grade legends differ")
    return Tables(cat("initiatives"), cat("departments"), cat("source_lines"), legend,
                  [a for p in parts for a in p.accounting])
