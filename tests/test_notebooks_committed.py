"""The committed figures and tables are what the notebooks make from the committed clean tables.

``make test`` re-executes every notebook with nbval, which compares a notebook's text and tables with
its stored outputs but not its images; and its kernels draw each figure at screen resolution only,
writing no print file (``HELPERS_FIGURE_FILES=skip``: tests/speed.py). This e2e test (marker ``e2e``:
``make test-e2e``, which .ci/run runs on every interpreter) runs each notebook as ``make report`` does,
into temporary folders, and requires every PNG, SVG and CSV it writes to be byte-identical to the
committed file of the same name in reports/figures and reports/tables, and no committed file of the
notebook to be missing from the run: a figure that changed without ``make report``, or that another
interpreter draws differently, fails here.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0[0-9]_*.ipynb"))
KINDS = {"figures": ("*.png", "*.svg"), "tables": ("*.csv",)}


def run(notebook: Path, out: Path) -> nbformat.NotebookNode:
    """Execute ``notebook`` with its default parameters (data/clean) but its tables and figures written under ``out``."""
    nb = nbformat.read(notebook, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    # after the parameters cell, as papermill injects parameters: the notebook's own defaults stay as they are
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell(
        f"TABLES_DIR = {str(out / 'tables')!r}\nFIGURES_DIR = {str(out / 'figures')!r}"))
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    return nb


def _files(folder: Path, prefix: str, patterns: tuple[str, ...]) -> dict[str, Path]:
    return {p.name: p for pat in patterns for p in folder.glob(f"{prefix}_{pat}")}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_a_notebook_remakes_its_committed_figures_and_tables(notebook, tmp_path, monkeypatch):
    monkeypatch.delenv("HELPERS_FIGURE_FILES", raising=False)  # the print files, as make report writes them
    run(notebook, tmp_path)
    prefix = notebook.name[:2]
    made_any = False
    for kind, patterns in KINDS.items():
        made = _files(tmp_path / kind, prefix, patterns)
        committed = _files(ROOT / "reports" / kind, prefix, patterns)
        assert sorted(made) == sorted(committed), f"{kind}: run wrote {sorted(made)}, committed {sorted(committed)}"
        changed = [n for n in sorted(made) if made[n].read_bytes() != committed[n].read_bytes()]
        assert not changed, f"differ from the committed reports/{kind} (run make report): {changed}"
        made_any = made_any or bool(made)
    assert made_any, f"{notebook.name} wrote no figure or table"
