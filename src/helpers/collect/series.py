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


def build_series(metrics: pd.DataFrame, initiatives: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """The ``series`` table (see the module docstring).

    Args:
        metrics: the ``metrics`` table.
        initiatives: ``initiatives`` with ``initiative_key`` filled (:func:`helpers.collect.link.link_collection`).
        reports: the ``reports`` table.
    """
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
