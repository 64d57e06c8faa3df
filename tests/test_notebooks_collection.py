"""Issue 8 §4 for notebooks 01–05: run every notebook on a two-report clean folder.

The collection is the committed report plus a byte-identical copy under another ward-like name
(``other-ward_hyoka_2021.txt``, synthetic: it lives only in pytest's tmp folder), cleaned once per
test session. Each notebook is executed once with nbclient after its ``parameters`` cell is
replaced; its tables must keep the two reports apart (``report`` first, one set of rows per report,
equal because the texts are equal) and its figures must show one report.

End-to-end (marker ``e2e``: ``make test-e2e``): each test starts a kernel and runs a whole notebook.
The fast tier (``make test``) re-executes every notebook with nbval and tests the functions the
notebooks call on small frames.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from helpers.pipeline import clean_reports, write_tables

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0[1-5]_*.ipynb"))
REAL = "niigata-minami_chiiki-fukushi-keikaku_hyoka_2021"
OTHER = "other-ward_hyoka_2021"


@pytest.fixture(scope="session")
def collection(tmp_path_factory, raw_path):
    """The two-report folder cleaned once, in this process (what ``python -m helpers clean`` writes)."""
    base = tmp_path_factory.mktemp("collection")
    raw = base / "raw"
    raw.mkdir()
    shutil.copy(raw_path, raw / f"{REAL}.txt")
    shutil.copy(raw_path, raw / f"{OTHER}.txt")
    write_tables(clean_reports([raw]), base / "clean")
    return base


def run(notebook: Path, base: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(notebook, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = (f"CLEAN_DIR = {str(base / 'clean')!r}\nREPORTS = None\n"
                   f"TABLES_DIR = {str(base / 'tables')!r}\nFIGURES_DIR = {str(base / 'figures')!r}")
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    return nb


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_keeps_reports_apart(collection, notebook):
    nb = run(notebook, collection)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    prefix = notebook.name[:2]
    tables = sorted((collection / "tables").glob(f"{prefix}_*.csv"))
    assert tables
    for path in tables:
        df = pd.read_csv(path, encoding="utf-8-sig")
        assert df.columns[0] == "report", path.name
        assert set(df["report"]) == {REAL, OTHER}, path.name
        real, other = (df[df["report"] == r].drop(columns="report").reset_index(drop=True) for r in (REAL, OTHER))
        real = real.replace(REAL, OTHER, regex=True)  # ids embed the report name
        pd.testing.assert_frame_equal(real, other, check_dtype=False, obj=path.name)
    for png in (collection / "figures").glob(f"{prefix}_*.png"):
        from PIL import Image

        with Image.open(png) as im:
            title = im.info.get("Title", "")
        assert OTHER in title and REAL not in title, png.name  # one report per chart, named in its title
    if prefix == "04":
        overall = pd.read_csv(collection / "tables" / "04_grades_overall.csv", encoding="utf-8-sig")
        # per report, not pooled: 56 printed rows (A40 B7 C5 D4), 53 counted; never the doubled A80 B14 C10 D8
        printed = overall[overall["counting"] == "printed"].set_index("report")
        assert printed.loc[REAL, ["A", "B", "C", "D", "total"]].tolist() == [40, 7, 5, 4, 56]
        assert printed.loc[OTHER, "total"] == 56
    if prefix == "05":
        ov = pd.read_csv(collection / "tables" / "initiatives_overview.csv", encoding="utf-8-sig")
        assert ov.groupby("report").size().to_dict() == {REAL: 56, OTHER: 56}
