"""pytest plugin that ``make test`` and ``make test-e2e`` load first (``-p tests.speed``).

It defers one import. ``jsonschema`` (imported by nbformat, which nbval's plugin, nbclient and
frictionless import) imports ``rfc3987_syntax`` at import time for its ``iri`` and ``iri-reference``
format checkers, and that module builds about 35 Earley parsers from a Lark grammar right then:
about 1.5 s idle, 3 s of CPU on a busy machine, in *every* pytest process (the main one and each
xdist worker) before any test runs (``python -X importtime -m pytest --collect-only``; upstream:
python-jsonschema/jsonschema#1428). No test here checks an IRI. This plugin puts a stand-in under
that name in ``sys.modules`` before any other plugin is imported; the first use of it (jsonschema
calls ``is_valid_syntax``) imports the real package and delegates, so an IRI check still gives the
real answer, only later.

It also keeps Python's bytecode caches when the environment turns them off
(``PYTHONDONTWRITEBYTECODE``): without them every pytest process (the main one, each xdist worker)
compiles the package again and pytest rewrites the asserts of every test module again (it caches a
rewritten module only where bytecode may be written): about 3 s of CPU per process before the first
test, and each notebook kernel and ``python -m helpers`` child compiles ``helpers`` again. The
caches are Python's usual ``__pycache__`` folders (ignored by git) beside the sources; an
installed package keeps the ones pip wrote. A ``PYTHONPYCACHEPREFIX`` of the caller is kept.

Third, the kernels nbval starts get ``HELPERS_FIGURE_FILES=skip`` in their environment
(:func:`notebook_kernel_env`): a notebook's figures are laid out, checked and shown at screen
resolution, but no 300-dpi PNG or SVG is rendered or written (about a quarter of the notebooks'
time). nbval compares a notebook's text and tables, not its PNGs; the print files come from
``make report``, and the e2e tier renders them (tests/test_notebooks_collection.py) and compares them
with the committed ones (tests/test_notebooks_committed.py).

Fourth, it leaves out of the doctest collection every module whose source holds no ``>>>`` (with
``--doctest-modules`` pytest imports each ``.py`` file and walks its objects for docstrings even where
there is no example): such a module yields no doctest item, so the run checks the same examples, and
no process imports a module only for its doctests when it has none (``helpers.present.pagetitle``
imports nbconvert, about 0.2 s in each process; the walk of the test modules, about 60 of them).

Plain ``python -m pytest`` works without this plugin, only slower.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import sys
import types

import pytest

_LAZY = "rfc3987_syntax"


def _stand_in(spec) -> types.ModuleType:
    mod = types.ModuleType(_LAZY, "Stand-in for rfc3987_syntax (tests/speed.py): imports it when first used.")
    real: list[types.ModuleType] = []

    def load() -> types.ModuleType:
        if not real:
            if sys.modules.get(_LAZY) is mod:
                del sys.modules[_LAZY]
            real.append(importlib.import_module(_LAZY))
        return real[0]

    def is_valid_syntax(*args, **kwargs):
        return load().is_valid_syntax(*args, **kwargs)

    def __getattr__(name: str):
        if name.startswith("__"):  # __file__, __loader__ …: looked up on every module by tools, not a use
            raise AttributeError(name)
        return getattr(load(), name)

    mod.is_valid_syntax = is_valid_syntax
    mod.__getattr__ = __getattr__
    mod.__path__ = list(spec.submodule_search_locations or [])  # a submodule import still finds its files
    return mod


def _defer_import() -> None:
    if _LAZY in sys.modules:
        return
    spec = importlib.util.find_spec(_LAZY)
    if spec is not None:
        sys.modules[_LAZY] = _stand_in(spec)


def _keep_bytecode() -> None:
    # this process (assert rewriting of test modules, project imports) and every child it starts
    # (xdist workers, nbval's kernels, `python -m helpers` in tests)
    sys.dont_write_bytecode = False
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


#: what the kernels nbval starts get in their environment (helpers.present.style.FIGURE_FILES_ENV, kept
#: here as text so that this plugin imports no matplotlib; tests/test_style.py checks that the names agree)
NOTEBOOK_KERNEL_ENV = {"HELPERS_FIGURE_FILES": "skip"}


@contextlib.contextmanager
def notebook_kernel_env(item):
    """While the setup of a notebook cell runs under nbval (the first one starts the notebook's kernel), the
    environment holds :data:`NOTEBOOK_KERNEL_ENV`; the tests' own process gets its environment back after."""
    if type(getattr(item, "parent", None)).__name__ != "IPyNbFile":
        yield
        return
    before = {k: os.environ.get(k) for k in NOTEBOOK_KERNEL_ENV}
    os.environ.update(NOTEBOOK_KERNEL_ENV)
    try:
        yield
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    with notebook_kernel_env(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path, parent):
    """Drop the doctest collector of a module without any ``>>>`` (see the module docstring)."""
    collectors = yield
    if file_path.suffix != ".py" or not collectors:
        return collectors
    from _pytest.doctest import DoctestModule

    if any(isinstance(c, DoctestModule) for c in collectors) and b">>>" not in file_path.read_bytes():
        return [c for c in collectors if not isinstance(c, DoctestModule)]
    return collectors


_defer_import()
_keep_bytecode()
