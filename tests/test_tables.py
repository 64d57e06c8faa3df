"""helpers.load_tables: the notebooks' API, typed as the schema says."""

from __future__ import annotations

import pandas as pd

from helpers import load_tables
from helpers.pipeline import clean_reports, write_tables


def test_load_tables_dtypes(raw_path, tmp_path):
    write_tables(clean_reports([raw_path]), tmp_path / "c")
    t = load_tables(tmp_path / "c")
    ini = t.initiatives
    assert isinstance(ini["grade"].dtype, pd.CategoricalDtype) and ini["grade"].cat.ordered
    assert ini["grade"].min() == "A"  # A is the best grade and sorts first
    assert str(ini["row_no"].dtype) == "Int64"
    assert str(ini["is_relisted"].dtype) == "boolean"
    assert len(ini) == 56 and len(t.departments) == 67
    # a text cell survives the CSV round trip unchanged (line 202 "子育て広場　38回 延べ397" + "人")
    assert ini.loc[ini["row_no"] == 7, "result_text"].item() == "子育て広場　38回 延べ397人"
