"""Stage 3 — every measured amount as data: ``metrics`` and ``trends`` tables.

Reads each period cell line by line from ``source_lines`` (so wrapped numbers
and labels resolve as printed), runs :mod:`helpers.read.quantities`, and builds:

``metrics``
    one row per amount (or qualitative entry: 全戸, 随時, 中止 …) in a period
    cell, with the period's fiscal year and status from the column header.
``trends``
    the same indicator paired across prior → plan → result of one row, with
    change, change rate, plan achievement (result / plan) and the grade the
    report's own legend gives that achievement (``rubric_grade``: read from
    ``grade_legend``, ≥90 % A, ≥75 % B, ≥50 % C, else D), next to the grade
    the report printed.

Digits in period cells are accounted for (:func:`helpers.read.quantities.account_digits`):
the counts go into the run's accounting and any digit that is neither in an
amount nor excluded as part of a name or date is reported as a leftover.
"""

from __future__ import annotations

import math

import pandas as pd

from .extract import ReportError
from .quantities import CellError, analyse_cell, fill_missing_labels, pair_trends
from .schema import columns_of

__all__ = ["PERIOD_FIELDS", "cell_lines", "rubric_grade", "add_metrics", "validate_metrics"]

PERIOD_FIELDS = {"prior": "prior_text", "plan": "plan_text", "result": "result_text"}


def cell_lines(source_lines: pd.DataFrame) -> dict[tuple[str, str], list[tuple[int, str]]]:
    """(initiative_id, field) -> [(line_no, text), …] for the three period cells."""
    src = source_lines[(source_lines["role"] == "cell") & source_lines["field"].isin(list(PERIOD_FIELDS.values()))]
    out: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for rid, fld, line_no, text in zip(src["initiative_id"].tolist(), src["field"].tolist(),
                                        src["line_no"].tolist(), src["text"].tolist()):
        out.setdefault((rid, fld), []).append((int(line_no), text))
    return out


def _cell_columns(source_lines: pd.DataFrame) -> dict[tuple[str, str], tuple[list[int], list[str]]]:
    """(initiative_id, field) -> ([line_no, …], [text, …]): :func:`cell_lines` as two lists a cell."""
    src = source_lines[(source_lines["role"] == "cell") & source_lines["field"].isin(list(PERIOD_FIELDS.values()))]
    out: dict[tuple[str, str], tuple[list[int], list[str]]] = {}
    for rid, fld, line_no, text in zip(src["initiative_id"].tolist(), src["field"].tolist(),
                                        src["line_no"].tolist(), src["text"].tolist()):
        got = out.get((rid, fld))
        if got is None:
            out[(rid, fld)] = ([int(line_no)], [text])
        else:
            got[0].append(int(line_no))
            got[1].append(text)
    return out


def rubric_grade(rate: float | None, legend: list[dict]) -> str | None:
    """The grade the report's legend gives an achievement rate (result / plan).

    The thresholds are read from the legend (``min_achievement_pct``); the
    grade without a threshold (D) takes everything below the lowest one.

    >>> legend = [{"grade": "A", "min_achievement_pct": 90}, {"grade": "B", "min_achievement_pct": 75},
    ...           {"grade": "C", "min_achievement_pct": 50}, {"grade": "D", "min_achievement_pct": None}]
    >>> [rubric_grade(r, legend) for r in (0.735, 0.9, 1.2, 0.1, None)]
    ['C', 'A', 'A', 'D', None]
    """
    return _rubric(legend)(rate)


def _rubric(legend: list[dict]):
    """:func:`rubric_grade` for one legend: the thresholds ranked once, a function of the rate."""
    ranked = sorted((r for r in legend if r["min_achievement_pct"] is not None and not pd.isna(r["min_achievement_pct"])),
                    key=lambda r: -r["min_achievement_pct"])
    thresholds = [(r["min_achievement_pct"] - 1e-9, r["grade"]) for r in ranked]
    rest = [r["grade"] for r in legend if r["min_achievement_pct"] is None or pd.isna(r["min_achievement_pct"])]
    below = rest[0] if rest else None

    def grade(rate: float | None) -> str | None:
        if rate is None or (isinstance(rate, float) and math.isnan(rate)):
            return None
        for at_least, g in thresholds:
            if rate * 100 >= at_least:
                return g
        return below

    return grade


def add_metrics(tables) -> None:
    """Add ``metrics`` and ``trends`` to :class:`helpers.read.tidy.Tables` in place; extend the accounting."""
    from .tidy import _frame_rows

    ini = tables.initiatives
    rubric = _rubric(tables.grade_legend.to_dict("records"))  # the legend's thresholds ranked once a run
    lines_of = _cell_columns(tables.source_lines)
    no_lines: tuple[list[int], list[str]] = ([], [])
    # rows as tuples in the schema's column order (metrics, trends): no dict a row (issue 16 §2)
    metric_rows, trend_rows = [], []
    m_append, t_append = metric_rows.append, trend_rows.append
    digits: dict[str, dict] = {}
    periods = list(PERIOD_FIELDS.items())
    cols = ["report", "initiative_id", "grade", "prior_year", "prior_status", "plan_year", "result_year", "result_status"]
    for report, rid, grade, py, ps, ly, ry, rs in zip(*(ini[c].tolist() for c in cols)):
        year = {"prior": py, "plan": ly, "result": ry}
        status = {"prior": ps, "plan": "plan", "result": rs}
        acc = digits.get(report)
        if acc is None:
            acc = digits[report] = {"digits_in_amounts": 0, "digits_excluded": 0, "digits_leftover": []}
        cells, line_nos = {}, {}
        for period, fld in periods:
            numbers, texts = lines_of.get((rid, fld), no_lines)
            try:
                qs, d = analyse_cell(texts)
            except CellError as e:  # a number of 5,000 digits, 1,000 amounts in a cell: refused, exit 2
                raise ReportError(report, f"row {rid}, {period} period cell: {e}", numbers[e.line_index]) from None
            acc["digits_in_amounts"] += len(d.in_amounts)
            acc["digits_excluded"] += len(d.excluded)
            if d.leftover:
                acc["digits_leftover"] += [f"{rid} {period}: {x}" for x in d.leftover]
            cells[period] = qs
            line_nos[period] = [numbers[q.line_index] for q in qs]
        filled = fill_missing_labels(cells)
        for period in PERIOD_FIELDS:
            fy, st = year[period], status[period]
            # (a Quantity unpacked once: its fields in order, not twelve attribute look-ups)
            for k, ((indicator, value, unit, cumulative, each, qualifier, source_text, _, kind, inherited), line_no) \
                    in enumerate(zip(filled[period], line_nos[period]), start=1):
                m_append((report, rid, period, fy, st, k, indicator, None if kind != "amount" else value,
                          unit, cumulative, each, qualifier, kind, inherited, source_text, line_no))
        # (tuples in the order of quantities.TREND_FIELDS: no dict a figure)
        for indicator, unit, cumulative, each, prior, plan, result, prior_text, plan_text, result_text \
                in pair_trends(filled, rows=True):
            change = result - prior if result is not None and prior is not None else None
            rate = change / prior if change is not None and prior else None
            achievement = result / plan if result is not None and plan else None
            t_append((report, rid, indicator, unit, cumulative, each, prior, plan, result,
                      change, rate, achievement, rubric(achievement), grade, prior_text, plan_text, result_text))
    tables.metrics = _frame_rows(metric_rows, "metrics", _METRIC_COLUMNS)
    tables.trends = _frame_rows(trend_rows, "trends", _TREND_COLUMNS)
    validate_metrics(tables)
    for a in tables.accounting:
        d = digits.get(a["report"], {"digits_in_amounts": 0, "digits_excluded": 0, "digits_leftover": []})
        a.update(d)


#: the order of the values in add_metrics' row tuples (checked against the schema by _frame_rows)
_METRIC_COLUMNS = ("report", "initiative_id", "period", "fiscal_year", "status", "item_no", "indicator", "value",
                   "unit", "cumulative", "each", "qualifier", "kind", "label_inherited", "source_text", "source_line")
_TREND_COLUMNS = ("report", "initiative_id", "indicator", "unit", "cumulative", "each", "prior_value", "plan_value",
                  "result_value", "change", "change_rate", "achievement_rate", "rubric_grade", "grade",
                  "prior_source", "plan_source", "result_source")


def validate_metrics(tables) -> None:
    """Hard checks on metrics/trends; raise :class:`helpers.read.tidy.ValidationError`."""
    from .tidy import ValidationError

    m, tr, ids = tables.metrics, tables.trends, set(tables.initiatives["initiative_id"].tolist())
    errors = []
    for name, df in (("metrics", m), ("trends", tr)):
        if list(df.columns) != columns_of(name):
            errors.append(f"{name}: columns differ from the schema")
        unknown = set(df["initiative_id"].tolist()) - ids  # (tolist: not element by element through pandas)
        if unknown:
            errors.append(f"{name}: unknown initiative_id {sorted(unknown)[:3]}")
    kinds = set(m["kind"].tolist())
    if not kinds.issubset({"amount", "qualitative"}):
        errors.append(f"metrics.kind has {sorted(kinds)}")
    amount = m["kind"] == "amount"
    if m.loc[amount, "value"].isna().any() or m.loc[~amount, "value"].notna().any():
        errors.append("metrics.value must be set exactly for amounts")
    if (m.loc[amount, "unit"].fillna("") == "").any():
        errors.append("an amount without unit")
    if (m["value"].dropna() < 0).any():
        errors.append("a negative amount")
    dup = m.duplicated(["initiative_id", "period", "item_no"])
    if dup.any():
        errors.append("metrics: duplicate (initiative_id, period, item_no)")
    if errors:
        raise ValidationError("\n".join(errors))
