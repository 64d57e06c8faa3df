"""Stored notebooks carry no volatile metadata, and the Makefile's recipe keeps it that way.

``make report`` stores an executed notebook with the Makefile's ``EXECUTE_NB`` recipe (nbconvert
execute in place, then nbstripout with ``--extra-keys metadata.language_info.version``). Without
the strip, every run on another interpreter (3.11.x, 3.12, 3.13, conda) rewrote
``language_info.version`` in every notebook and left ``git status`` dirty.

Two checks make "re-execution leaves the file unchanged" testable in seconds:

* every stored notebook is already a fixed point of the strip step (``nbstripout --verify`` with
  the Makefile's own options finds nothing to change) and has no interpreter version;
* the whole recipe, run on a copy of ``tests/data/recipe_check.ipynb`` (a tiny synthetic notebook
  stored by the same recipe), gives back the stored bytes on whichever Python runs the tests;
  ``.ci/run`` runs it on every supported version (``make test-e2e``: it starts a kernel).

Re-executing the six report notebooks themselves takes ~30 s: their text and tables are compared by
nbval in ``make test``, their figure and table files with the committed ones by
tests/test_notebooks_committed.py (e2e), and the recipe around them is the one tested here.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.makeutil import makefile_value

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
FIXTURE = ROOT / "tests" / "data" / "recipe_check.ipynb"
MAKE = shutil.which("make")
needs_make = pytest.mark.skipif(MAKE is None, reason="make is not installed")




def test_there_are_stored_notebooks():
    assert NOTEBOOKS, "no notebooks/*.ipynb"


@pytest.mark.parametrize("path", [*NOTEBOOKS, FIXTURE], ids=lambda p: p.name)
def test_stored_notebook_has_no_interpreter_version(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    language_info = nb["metadata"].get("language_info", {})
    assert "version" not in language_info, f"{path.name}: metadata.language_info.version is stored"
    for cell in nb["cells"]:
        volatile = {"execution", "ExecuteTime"} & set(cell.get("metadata", {}))
        assert not volatile, f"{path.name} cell {cell.get('id')}: {sorted(volatile)}"


@needs_make
def test_stored_notebooks_are_a_fixed_point_of_the_strip_step():
    nbstrip = makefile_value("$(NBSTRIP)")
    assert '--extra-keys "metadata.language_info.version"' in nbstrip
    # The recipe's command with the recipe's options, run by the function its script runs
    # (bin/nbstripout: `sys.exit(main())`), in a Python that loads tests/speed.py first: nbstripout
    # imports nbformat, hence jsonschema, whose IRI checker otherwise builds its parsers at import (~1.5 s).
    [script, *options] = shlex.split(nbstrip)
    assert Path(script) == Path(sys.prefix) / "bin" / "nbstripout", script
    code = "import sys, tests.speed; from nbstripout._nbstripout import main; sys.argv[0] = 'nbstripout'; sys.exit(main())"
    r = subprocess.run([sys.executable, "-c", code, *options, "--verify", *map(str, [*NOTEBOOKS, FIXTURE])], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, f"nbstripout would change stored notebooks:\n{r.stdout}{r.stderr}"


@pytest.mark.e2e  # a kernel and nbconvert in a shell: make test-e2e (.ci/run runs it on every interpreter)
@needs_make
def test_recipe_reexecution_leaves_the_stored_notebook_unchanged(tmp_path):
    stored = FIXTURE.read_bytes()
    nb = json.loads(stored)
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    assert [o["output_type"] for o in outputs] == ["stream", "stream", "execute_result"], (
        "the fixture must be stored executed (its outputs are what the re-execution must reproduce)"
    )
    copy = tmp_path / "recipe_check.ipynb"
    copy.write_bytes(stored)
    recipe = makefile_value(f"$(call EXECUTE_NB,{copy})")
    r = subprocess.run(recipe, shell=True, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "without encryption" not in r.stderr, "kernel traffic is not encrypted (KERNEL_ENCRYPTION)"
    assert copy.read_bytes() == stored, (
        "the Makefile's recipe changed the notebook; diff tests/data/recipe_check.ipynb with a re-executed copy"
    )


def test_stored_notebooks_hold_no_widget_state():
    """A widget's output carries a random model id, which would change the notebook on every run:
    widget cells are tagged skip-execution (nbclient leaves them unrun; JupyterLab users run them)."""
    for nb in NOTEBOOKS:
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        for c in cells:
            for o in c.get("outputs", []):
                assert "application/vnd.jupyter.widget-view+json" not in o.get("data", {}), nb.name
            if "widget" in c.get("metadata", {}).get("tags", []) and c["cell_type"] == "code":
                assert {"skip-execution", "nbval-skip"} <= set(c["metadata"]["tags"]), nb.name
