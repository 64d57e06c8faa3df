"""Notebook 06 executed against the two-report collection (committed report + SYNTHETIC next year).

nbclient runs the notebook with its ``parameters`` cell replaced (papermill
convention), writing its tables and figures into a temporary folder; the
expected values come from the documented edits of tests/make_synthetic_report.py
(row 1-1-01 and 4-1-05 graded A → B; 4-1-07 ボランティア活動支援 dropped;
4-1-06 ボランティア交流会の実施 → …の開催; 育児相談会 FY2021 estimate 11 (line 35
of the committed report) → actual 12 (line 20 of the synthetic one)).

End-to-end (marker ``e2e``: ``make test-e2e``): each test starts a kernel and runs the whole
notebook; the fast tier re-executes it with nbval and tests its functions on small frames
(tests/test_year_over_year.py).
"""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from helpers.pipeline import write_tables

from .make_synthetic_report import SYNTHETIC_NEXT, REAL, ROOT

pytestmark = pytest.mark.e2e

SYN = SYNTHETIC_NEXT
NOTEBOOK = ROOT / "notebooks" / "06_year_over_year.ipynb"


def _visible(html_text: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def run_notebook(tmp_path, clean, reports=None):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, "exactly one cell tagged 'parameters'"
    params[0].source = (f"CLEAN_DIR = {str(clean)!r}\nREPORTS = {reports!r}\nCHART_KEYS = None\n"
                        f"FIGURES_DIR = {str(tmp_path / 'figures')!r}\nTABLES_DIR = {str(tmp_path / 'tables')!r}\n")
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    tables = {p.stem.removeprefix("06_"): pd.read_csv(p, encoding="utf-8-sig") for p in (tmp_path / "tables").glob("06_*.csv")}
    # sentences are HTML made by helpers.present.display.Markdown (report text literal): their visible text
    text = "\n".join(_visible(o.get("data", {}).get("text/html", "")) for c in nb.cells if c.cell_type == "code"
                      for o in c.outputs if 'class="report-text' in o.get("data", {}).get("text/html", ""))
    return tables, text


@pytest.fixture(scope="session")
def two_clean(tmp_path_factory, two):
    out = tmp_path_factory.mktemp("clean2")
    write_tables(two, out / "clean")
    return out / "clean"


def test_notebook_06_on_two_reports(two_clean, tmp_path):
    tables, text = run_notebook(tmp_path, two_clean)
    for name, df in tables.items():
        assert df.columns[0] == "report", name
    assert tables["reports"]["report"].tolist() == [REAL.stem, SYN]
    assert "連続する報告書の組 1組" in text and "**" not in text  # the template's bold is <strong>, never literal
    trans = tables["grade_transitions"].set_index(["grade_before", "grade_after"])["initiatives"]
    assert set(tables["grade_transitions"]["report"]) == {SYN}
    # the committed report without （再掲） rows: A 37, B 7, C 4, D 3 (notebook 04); 4-1-07 (A) dropped,
    # 1-1-01 and 4-1-05 A -> B, every other grade unchanged
    assert trans.to_dict() == {("A", "A"): 34, ("A", "B"): 2, ("B", "B"): 7, ("C", "C"): 4, ("D", "D"): 3}
    changes = tables["changes"]
    assert changes.loc[changes["change"] == "dropped", "initiative_before"].tolist() == ["ボランティア活動支援"]
    reworded = changes[changes["change"] == "reworded"]
    assert reworded[["initiative_before", "initiative_after"]].values.tolist() == [["ボランティア交流会の実施", "ボランティア交流会の開催"]]
    assert (changes["change"] == "added").sum() == 0 and tables["links_to_review"].empty
    rev = tables["revisions"]
    row = rev[(rev["indicator"] == "育児相談会") & (rev["fiscal_year"] == 2021)].iloc[0]
    assert (row["report"], row["estimate_report"]) == (SYN, REAL.stem)
    assert (row["estimate_value"], row["actual_value"], row["revision"]) == (11, 12, 1)
    assert (row["estimate_line"], row["actual_line"]) == (35, 20)
    assert set(tables["periods"]["report"]) == {REAL.stem, SYN}
    assert set(tables["figures_by_year"]["report"]) == {REAL.stem, SYN}
    assert (tmp_path / "figures" / "06_grade_transitions.png").exists() and (tmp_path / "figures" / "06_revisions.png").exists()


def test_notebook_06_on_one_report_says_so(two_clean, tmp_path):
    tables, text = run_notebook(tmp_path, two_clean, reports=[SYN])
    assert "報告書が 1つ しかない" in text and "**" not in text and "`" not in text
    assert tables["reports"]["report"].tolist() == [SYN]
    assert tables["grade_transitions"].empty and tables["revisions"].empty and tables["changes"].empty
    # the three periods of that report instead: FY2021 prior, FY2022 plan and result
    p = tables["periods"]
    assert set(p["report"]) == {SYN}
    assert sorted(set(zip(p["period"], p["fiscal_year"]))) == [("plan", 2022), ("prior", 2021), ("result", 2022)]
    assert not (tmp_path / "figures" / "06_grade_transitions.png").exists()
