"""Stage 3c — ``series``: every figure of the collection over fiscal years, one long table.

Built from ``metrics`` (amounts only: qualitative entries such as 全戸 or 中止
have no value) plus the ``initiative_key`` from :mod:`helpers.collect.link` and the
series and fiscal year from ``reports``.  Each amount becomes one row:

``(report, initiative_key, initiative_id, indicator, unit, cumulative, each, ordinal, fiscal_year, kind)``

is unique (checked).  ``kind`` is the column header's status of the period the
amount was printed in: ``actual`` (実績), ``estimate`` (見込み) or ``plan``
(計画).  ``ordinal`` numbers repeated (indicator, unit, cumulative, each) within
one cell in print order, so a figure printed twice in a cell keeps two keys.

Revisions without a self-join
    A figure of one fiscal year may be printed by several reports: FY2021 is
    an *estimate* in the 2021 report's result column and an *actual* in the
    2022 report's prior column.  Every row carries, for its *figure*
    (series, initiative_key, indicator, unit, cumulative, each, ordinal,
    fiscal_year), the ``plan_value``, ``estimate_value`` and ``actual_value``
    (each from the latest report that prints one), ``revision`` =
    actual − estimate, and ``reports_with_value`` (how many reports print an
    actual or estimate for it).  So ``series[series.revision.ne(0)]`` lists
    the revised figures directly.  Figures are matched across reports by the
    printed indicator label: a reworded label makes a new figure (say so
    when it matters).  A （再掲） row's figures are its own (``is_relisted``):
    they may repeat the original row's figures; do not add them up.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["FIGURE_KEY", "build_series", "validate_series"]

#: columns that identify one figure over the years (a row adds report and kind)
FIGURE_KEY = ["series", "initiative_key", "indicator", "unit", "cumulative", "each", "ordinal", "fiscal_year"]
_CELL_KEY = ["report", "initiative_id", "period", "indicator", "unit", "cumulative", "each"]


#: from this many amounts on, the series is built with pandas (its per-row speed wins over the one pass's
#: lack of fixed cost: 33,700 amounts, 100 reports: 0.11 s with pandas, 0.36 s in one pass; 300: 28 against 10 ms)
PANDAS_FROM = 3000


def build_series(metrics: pd.DataFrame, initiatives: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """The ``series`` table (see the module docstring).

    Two formulations of one table: below :data:`PANDAS_FROM` amounts one pass in plain Python
    (:func:`_series_one_pass`), from it on pandas group-bys (:func:`_series_pandas`); tests/test_series.py
    requires both to give the same frame on every input it has.

    Args:
        metrics: the ``metrics`` table.
        initiatives: ``initiatives`` with ``initiative_key`` filled (:func:`helpers.collect.link.link_collection`).
        reports: the ``reports`` table.
    """
    n = int((metrics["kind"] == "amount").sum())
    build = _series_pandas if n >= PANDAS_FROM else _series_one_pass
    return build(metrics, initiatives, reports)


def _series_pandas(metrics: pd.DataFrame, initiatives: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """:func:`build_series` as pandas group-bys, maps and sorts (about 70 operations: a fixed cost of ~28 ms)."""
    from ..read.schema import columns_of
    from ..read.tidy import _typed

    m = metrics[metrics["kind"] == "amount"].copy()
    m["ordinal"] = (m.sort_values("item_no").fillna({"indicator": ""})
                    .groupby(_CELL_KEY, sort=False, dropna=False).cumcount() + 1).reindex(m.index)
    ini = initiatives.set_index("initiative_id")
    m["initiative_key"] = m["initiative_id"].map(ini["initiative_key"])
    m["is_relisted"] = m["initiative_id"].map(ini["is_relisted"])
    rep = reports.set_index("report")
    m["series"] = m["report"].map(rep["series"])
    m["report_year"] = m["report"].map(rep["fiscal_year"])
    m["kind"] = m["status"]
    m["_g"] = m[FIGURE_KEY].fillna({"indicator": ""}).groupby(FIGURE_KEY, sort=False, dropna=False).ngroup()
    for kind in ("plan", "estimate", "actual"):
        latest = m[m["kind"] == kind].sort_values(["report_year", "report"]).groupby("_g")["value"].last()
        m[f"{kind}_value"] = m["_g"].map(latest)
    m["revision"] = m["actual_value"] - m["estimate_value"]
    nonplan = m[m["kind"] != "plan"]
    m["reports_with_value"] = m["_g"].map(nonplan.groupby("_g")["report"].nunique()).fillna(0)
    order = {"plan": 0, "estimate": 1, "actual": 2}
    m["_k"] = m["kind"].map(order)
    m["_i"] = m["indicator"].fillna("")
    m = m.sort_values(["series", "initiative_key", "_i", "unit", "cumulative", "each", "ordinal", "fiscal_year",
                       "report_year", "_k"], kind="stable")
    # the schema's columns, typed like every table (no round trip through a list of dicts)
    return _typed(m.reindex(columns=columns_of("series")).reset_index(drop=True), "series")


def _series_one_pass(metrics: pd.DataFrame, initiatives: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """:func:`build_series` in one pass over the amounts in plain Python (a cell's ordinals, each figure's latest plan, estimate and
    actual, the order of the rows), then one ``take`` of the metrics rows: the same table as a chain of
    pandas group-bys and sorts, whose fixed cost per operation (about 70 of them) made this 28 ms for a
    report of 300 amounts, a third of a whole clean (issue 16 §1). Missing keys group and sort as pandas
    does (``dropna=False``: one group; sorted last), and a missing indicator is the same figure as an empty
    one; tests/test_series.py compares it with the pandas formulation on real and synthetic collections.

    Args:
        metrics: the ``metrics`` table.
        initiatives: ``initiatives`` with ``initiative_key`` filled (:func:`helpers.collect.link.link_collection`).
        reports: the ``reports`` table.
    """
    from ..read.schema import columns_of
    from ..read.tidy import _typed

    a = metrics[metrics["kind"] == "amount"]
    report, iid, period, status, ind, unit, cum, each, fy, item_no, value = (
        a[c].tolist() for c in ("report", "initiative_id", "period", "status", "indicator", "unit", "cumulative",
                                "each", "fiscal_year", "item_no", "value"))
    key_of = dict(zip(initiatives["initiative_id"].tolist(), initiatives["initiative_key"].tolist()))
    relisted_of = dict(zip(initiatives["initiative_id"].tolist(), initiatives["is_relisted"].tolist()))
    series_of = dict(zip(reports["report"].tolist(), reports["series"].tolist()))
    year_of = dict(zip(reports["report"].tolist(), reports["fiscal_year"].tolist()))
    n = len(report)
    ikey = [key_of.get(r, _NA) for r in iid]
    ser = [series_of.get(r, _NA) for r in report]
    ryear = [year_of.get(r, _NA) for r in report]
    label = ["" if _missing(x) else x for x in ind]  # a missing indicator groups with the empty one
    unit_k, cum_k, each_k, fy_k = ([_NA if _missing(x) else x for x in col] for col in (unit, cum, each, fy))

    # ordinal: a repeated (indicator, unit, cumulative, each) within one cell, numbered in print order
    ordinal = [0] * n
    seen: dict[tuple, int] = {}
    for i in sorted(range(n), key=lambda i: _last_na(item_no[i])):
        k = (report[i], iid[i], period[i], label[i], unit_k[i], cum_k[i], each_k[i])
        ordinal[i] = seen[k] = seen.get(k, 0) + 1
    figure = [(_key(ser[i]), _key(ikey[i]), label[i], unit_k[i], cum_k[i], each_k[i], ordinal[i], fy_k[i])
              for i in range(n)]

    # each figure's latest printed value per kind (reports by year, then name), and how many reports print it
    latest: dict[str, dict[tuple, float]] = {"plan": {}, "estimate": {}, "actual": {}}
    printed_by: dict[tuple, set] = {}
    for i in sorted(range(n), key=lambda i: (_last_na(ryear[i]), _last_na(report[i]))):
        kind = status[i]
        if kind in latest and not _missing(value[i]):
            latest[kind][figure[i]] = value[i]
        if kind != "plan" and not _missing(report[i]):  # as pandas' != on text: a missing kind is not plan
            printed_by.setdefault(figure[i], set()).add(report[i])
    plan, estimate, actual = ([latest[k].get(f) for f in figure] for k in ("plan", "estimate", "actual"))
    revision = [None if x is None or e is None else x - e for x, e in zip(actual, estimate)]
    with_value = [len(printed_by.get(f, ())) for f in figure]

    rank = {"plan": 0, "estimate": 1, "actual": 2}
    order = sorted(range(n), key=lambda i: (_last_na(ser[i]), _last_na(ikey[i]), label[i], _last_na(unit[i]),
                                            _last_na(cum[i]), _last_na(each[i]), ordinal[i], _last_na(fy[i]),
                                            _last_na(ryear[i]), _last_na(rank.get(status[i], _NA))))
    out = a.take(order).reset_index(drop=True)  # the metrics columns as they are (text, Int64, Float64 …)
    pick = lambda col: [None if col[i] is _NA else col[i] for i in order]  # noqa: E731
    new = {"series": ser, "report_year": ryear, "initiative_key": ikey, "is_relisted": [relisted_of.get(r, _NA) for r in iid],
           "ordinal": ordinal, "kind": status, "plan_value": plan, "estimate_value": estimate, "actual_value": actual,
           "revision": revision, "reports_with_value": with_value}
    frame = pd.DataFrame({c: (pick(new[c]) if c in new else out[c]) for c in columns_of("series")})
    return _typed(frame, "series")


#: a missing key value (NaN, None or pd.NA alike), so that missing values group together as in pandas
_NA = ("<missing>",)


def _missing(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and x != x)


def _key(x):
    return _NA if _missing(x) else x


def _last_na(x):
    """A sort key putting missing values last, as ``sort_values(na_position="last")``."""
    return (1, 0) if _missing(x) or x is _NA else (0, x)


def validate_series(series: pd.DataFrame) -> None:
    """Hard checks: one row per key, values present, kinds known."""
    from ..read.tidy import ValidationError

    errors = []
    key = ["report", "initiative_key", "initiative_id", "indicator", "unit", "cumulative", "each", "ordinal",
           "fiscal_year", "kind"]
    dup = series[series.fillna({"indicator": ""}).duplicated(key, keep=False)]
    if len(dup):
        errors.append(f"series: {len(dup)} rows share a key, e.g. {dup.iloc[0][key].tolist()}")
    if series["value"].isna().any():
        errors.append("series: a row without value")
    kinds = set(series["kind"].tolist())  # (tolist: not element by element through pandas)
    if not kinds.issubset({"actual", "estimate", "plan"}):
        errors.append(f"series.kind has {sorted(kinds)}")
    if errors:
        raise ValidationError("\n".join(errors))
