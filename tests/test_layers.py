"""The package tree shows the stages, and no import runs back up a stage.

Stages, in the order data flows: read → collect → analyse → present.  A module may import from
its own stage, an earlier stage, or the shared base modules (``config``, ``outputs``); only the
orchestration at the top (``pipeline``, ``cli``, ``__init__``, ``__main__``) may import from any
stage, and no stage module imports the orchestration.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "src" / "helpers"
STAGES = ["read", "collect", "analyse", "present"]
BASE = {"config", "outputs"}
TOP = {"pipeline", "cli", "__init__", "__main__"}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG).with_suffix("")
    return ".".join(("helpers", *rel.parts))


def _imports(source: str, module: str) -> list[tuple[int, str]]:
    """Every helpers module imported anywhere in ``source`` of ``module`` (function-level imports included)."""
    tree = ast.parse(source)
    pkg = module.removesuffix(".__init__") if module.endswith(".__init__") else module.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")[: len(pkg.split(".")) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            names = [mod] if node.module else [f"{mod}.{a.name}" for a in node.names]
            out += [(node.lineno, n) for n in names if n.startswith("helpers")]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("helpers")]
    return out


def _place(module: str) -> tuple[str, int | None]:
    """('stage', rank) for a stage module, ('base'|'top', None) for the others."""
    parts = module.split(".")
    if len(parts) >= 2 and parts[1] in STAGES:
        return parts[1], STAGES.index(parts[1])
    if len(parts) >= 2 and parts[1] in BASE:
        return "base", None
    return "top", None


MODULES = sorted(PKG.rglob("*.py"))


def test_every_module_is_in_a_stage_or_named_at_the_top():
    loose = [p.name for p in PKG.glob("*.py") if p.stem not in BASE | TOP]
    assert loose == [], f"modules at the top that belong in a stage folder: {loose}"
    assert sorted(d.name for d in PKG.iterdir() if d.is_dir() and d.name != "__pycache__") == sorted(STAGES)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PKG)))
def test_no_import_runs_back_up_a_stage(path):
    me = _module_name(path)
    kind, rank = _place(me)
    bad = []
    for line, target in _imports(path.read_text(encoding="utf-8"), me):
        tkind, trank = _place(target)
        if kind == "base" and tkind != "base":
            bad.append((line, target, "a base module imports only base modules"))
        elif rank is not None and tkind == "top":
            bad.append((line, target, "a stage module imports the orchestration"))
        elif rank is not None and trank is not None and trank > rank:
            bad.append((line, target, f"{STAGES[rank]} imports the later stage {STAGES[trank]}"))
    assert bad == [], f"{path.relative_to(PKG)}: " + "; ".join(f"line {n}: {t} ({why})" for n, t, why in bad)


def test_the_checker_resolves_relative_imports():
    """The rule can fail: a relative import from read/ into present/ resolves to the later stage."""
    found = _imports("from ..present.style import use_style\nfrom . import schema\n", "helpers.read.extract")
    assert found == [(1, "helpers.present.style"), (2, "helpers.read.schema")]
    assert _place("helpers.present.style")[1] > _place("helpers.read.extract")[1]
