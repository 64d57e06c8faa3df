"""helpers.collect.series: every figure over fiscal years, with revisions on each row.

Expected values are read off the texts: committed report row 1-1-01, line 35
``育児相談会　11回`` (FY2021 実績（見込み）, an estimate) and line 32
``1歳歯科健診　8回``; synthetic next year (tests/make_synthetic_report.py) line 20
``育児相談会　12回`` and line 17 ``1歳歯科健診　8回`` in the prior column
(header 2021年度（実績）: actuals), line 35 ``育児相談会　10回`` (FY2022 estimate).
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import load_tables
from helpers.pipeline import write_tables
from helpers.collect.series import build_series

from .make_synthetic_report import SYNTHETIC_NEXT, REAL, REAL_SERIES

SYN = SYNTHETIC_NEXT
KEY = ["report", "initiative_key", "initiative_id", "indicator", "unit", "cumulative", "each", "ordinal",
       "fiscal_year", "kind"]




def _figure(series, indicator, fiscal_year, key=f"{REAL_SERIES}:1-1-01"):
    s = series[(series["initiative_key"] == key) & (series["indicator"] == indicator) & (series["fiscal_year"] == fiscal_year)]
    return s.set_index(["report", "kind"])


def test_estimate_then_actual_is_a_revision_on_every_row(two):
    f = _figure(two.series, "育児相談会", 2021)
    assert f.loc[(REAL.stem, "estimate"), "value"] == 11 and f.loc[(REAL.stem, "estimate"), "source_line"] == 35
    assert f.loc[(SYN, "actual"), "value"] == 12 and f.loc[(SYN, "actual"), "source_line"] == 20
    assert f.loc[(REAL.stem, "plan"), "value"] == 12  # line 28 育児相談会　12回
    for col, expected in (("estimate_value", 11), ("actual_value", 12), ("plan_value", 12), ("revision", 1),
                          ("reports_with_value", 2)):
        assert f[col].tolist() == [expected] * 3, col
    confirmed = _figure(two.series, "1歳歯科健診", 2021)
    assert confirmed["revision"].tolist() == [0, 0, 0]
    later = _figure(two.series, "育児相談会", 2022)
    assert later.loc[(SYN, "estimate"), "value"] == 10 and later["revision"].isna().all()
    assert later["reports_with_value"].tolist() == [1, 1]


def test_series_rows_come_from_metrics_amounts(two):
    m = two.metrics
    amounts = m[m["kind"] == "amount"]
    assert len(two.series) == len(amounts)
    assert two.series.groupby("report").size().to_dict() == amounts.groupby("report").size().to_dict()
    assert set(two.series["kind"]) == {"actual", "estimate", "plan"}
    assert not two.series.fillna({"indicator": ""}).duplicated(KEY).any()
    # kind is the status printed in the column header of that period
    merged = two.series.merge(amounts, on=["report", "initiative_id", "source_line", "source_text", "period"])
    assert (merged["kind_x"] == merged["status"]).all()


def test_single_report_has_no_revisions(raw_path, raw_tables):
    assert raw_path == REAL
    s = raw_tables.series
    assert s["revision"].isna().all() and set(s["reports_with_value"]) <= {0, 1}
    assert set(s["series"]) == {REAL_SERIES}


def test_same_indicator_twice_in_one_cell_gets_an_ordinal():
    metrics = pd.DataFrame({
        "report": ["r_2021"] * 3, "initiative_id": ["r_2021:1-1-01"] * 3, "period": ["result"] * 3,
        "fiscal_year": [2021] * 3, "status": ["actual"] * 3, "item_no": [1, 2, 3],
        "indicator": ["訓練", "訓練", None], "value": [1.0, 2.0, 3.0], "unit": ["回"] * 3,
        "cumulative": [False] * 3, "each": [False] * 3, "qualifier": [None] * 3, "kind": ["amount"] * 3,
        "label_inherited": [False] * 3, "source_text": ["訓練　1回", "訓練　2回", "3回"], "source_line": [10, 11, 12],
    })
    ini = pd.DataFrame({"initiative_id": ["r_2021:1-1-01"], "initiative_key": ["r:1-1-01"], "is_relisted": [False]})
    reports = pd.DataFrame({"report": ["r_2021"], "series": ["r"], "fiscal_year": [2021]})
    s = build_series(metrics, ini, reports)
    assert s.sort_values("source_line")["ordinal"].tolist() == [1, 2, 1]
    assert not s.duplicated(KEY).any()


def test_load_tables_returns_the_collection_tables(two, tmp_path):
    write_tables(two, tmp_path / "c")
    t = load_tables(tmp_path / "c")
    assert t.reports["report"].tolist() == [REAL.stem, SYN]
    assert str(t.reports["fiscal_year"].dtype) == "Int64" and str(t.reports["grade_a"].dtype) == "Int64"
    assert isinstance(t.links["status"].dtype, pd.CategoricalDtype) and str(t.links["score"].dtype) == "Float64"
    assert str(t.links["row_no_b"].dtype) == "Int64"
    assert str(t.series["value"].dtype) == "Float64" and str(t.series["is_relisted"].dtype) == "boolean"
    assert isinstance(t.series["kind"].dtype, pd.CategoricalDtype)
    assert t.initiatives.columns[2] == "initiative_key"
    dd = pd.read_csv(tmp_path / "c" / "data_dictionary.csv", encoding="utf-8-sig")
    for table in ("reports", "links", "series"):
        assert dd.loc[dd["table"] == table, "column"].tolist() == list(getattr(t, table).columns)


def _edge_metrics():
    """SYNTHETIC amounts over three reports of one series and one of another, with every kind of missing key:
    a missing and an empty indicator (one figure), a missing unit, fiscal year and item number order, a
    repeated indicator in one cell (ordinals), two reports of one year, an estimate revised later, a plan only."""
    rows = [
        # report, initiative_id, period, fy, status, item_no, indicator, value, unit, cumulative, each, line
        ("a_2021", "a_2021:1", "result", 2021, "estimate", 2, "訓練", 11.0, "回", False, False, 10),
        ("a_2021", "a_2021:1", "result", 2021, "estimate", 1, "訓練", 3.0, "回", False, False, 9),
        ("a_2021", "a_2021:1", "plan", 2021, "plan", 1, None, 5.0, "回", False, False, 8),
        ("a_2021", "a_2021:1", "plan", 2021, "plan", 2, "", 6.0, "回", False, False, 8),
        ("a_2021", "a_2021:2", "result", None, "actual", 1, "相談", 7.0, None, True, False, 20),
        ("a_2021", "a_2021:2", "result", None, "actual", 2, "相談", 8.0, None, True, True, 21),
        ("a_2022", "a_2022:1", "prior", 2021, "actual", 1, "訓練", 12.0, "回", False, False, 30),
        ("a_2022", "a_2022:1", "prior", 2021, "actual", 3, "訓練", 4.0, "回", False, False, 31),
        ("a_2022", "a_2022:1", "result", 2022, "estimate", 1, "訓練", 10.0, "回", False, False, 32),
        ("a_2022b", "a_2022b:1", "prior", 2021, "actual", 1, "訓練", 13.0, "回", False, False, 40),
        ("b_2021", "b_2021:1", "result", 2021, "actual", 1, "訓練", 1.0, "人", False, False, 50),
    ]
    cols = ["report", "initiative_id", "period", "fiscal_year", "status", "item_no", "indicator", "value", "unit",
            "cumulative", "each", "source_line"]
    m = pd.DataFrame(rows, columns=cols)
    m["qualifier"], m["kind"], m["label_inherited"] = None, "amount", False
    m["source_text"] = m["indicator"].fillna("") + m["value"].astype(int).astype(str)
    m = pd.concat([m, m.iloc[:1].assign(kind="text", value=None)], ignore_index=True)  # not an amount: no row
    m = m.astype({"fiscal_year": "Int64", "item_no": "Int64", "value": "Float64", "source_line": "Int64"})
    ini = pd.DataFrame({"initiative_id": ["a_2021:1", "a_2021:2", "a_2022:1", "a_2022b:1", "b_2021:1"],
                        "initiative_key": ["a:1", "a:2", "a:1", "a:1", "b:1"],
                        "is_relisted": [False, False, False, True, False]})
    reports = pd.DataFrame({"report": ["a_2021", "a_2022", "a_2022b", "b_2021"], "series": ["a", "a", "a", "b"],
                            "fiscal_year": pd.array([2021, 2022, 2022, 2021], dtype="Int64")})
    return m, ini, reports


def test_the_one_pass_series_equals_the_pandas_formulation(raw_tables, two):
    """build_series' two formulations (one pass in Python below PANDAS_FROM amounts, pandas group-bys from it
    on) give the same frame, dtypes included, on the committed report, on the two-report collection and on
    SYNTHETIC amounts with every kind of missing key; build_series picks by the number of amounts."""
    from helpers.collect import series as S

    for name, (m, ini, rep) in {"committed": (raw_tables.metrics, raw_tables.initiatives, raw_tables.reports),
                                "two": (two.metrics, two.initiatives, two.reports),
                                "edge cases": _edge_metrics()}.items():
        pd.testing.assert_frame_equal(S._series_one_pass(m, ini, rep), S._series_pandas(m, ini, rep), obj=name)
    amounts = int((two.metrics["kind"] == "amount").sum())
    assert amounts < S.PANDAS_FROM <= 10 * amounts  # the collection is small; ten reports' worth would switch


def test_edge_cases_read_as_a_reviewer_would():
    """The SYNTHETIC edge cases, by hand: a missing and an empty indicator are one figure (ordinals 1, 2); the
    FY2021 訓練 of series a is estimated 3 (then 11, ordinal 2) in a_2021 and printed as actual 12 by a_2022 and
    13 by a_2022b (same year: the later name wins); series b is never pooled with a."""
    s = build_series(*_edge_metrics()).set_index("source_line")
    assert s.loc[8, "ordinal"].tolist() == [1, 2] and s.loc[8, "indicator"].isna().tolist() == [True, False]
    assert s.loc[9, "ordinal"] == 1 and s.loc[10, "ordinal"] == 2  # print order by item number, not by line
    first = s.loc[9]
    assert (first["estimate_value"], first["actual_value"], first["revision"], first["reports_with_value"]) == (3, 13, 10, 3)
    assert s.loc[50, "series"] == "b" and s.loc[50, "reports_with_value"] == 1 and pd.isna(s.loc[50, "estimate_value"])
    assert pd.isna(s.loc[20, "fiscal_year"]) and s.loc[20, "actual_value"] == 7
