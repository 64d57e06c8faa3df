"""pytest plugin loaded first by ``make test`` (``-p tests.lazy_imports``): defer one import-time cost.

``jsonschema`` (imported by nbformat, which nbval's plugin, nbclient and frictionless import) imports
``rfc3987_syntax`` at import time for its ``iri``/``iri-reference`` format checkers, and that module
builds about 35 Earley parsers from a Lark grammar right then: about 1.5 s idle (3 s of CPU on a busy
machine) in *every* pytest process — the main process and each xdist worker — before any test runs
(``python -X importtime -m pytest --collect-only``; upstream: python-jsonschema/jsonschema#1428).
No test here validates an IRI, so that time bought nothing.

This plugin puts a stand-in module under that name in ``sys.modules`` before any other plugin is
imported. It does what the real module does, only later: the first attribute looked up on it
(``is_valid_syntax`` is called through the stand-in) imports the real package and delegates, so an
IRI check still gives the real answer. It changes nothing else and nothing outside the test
processes that load it (``make test``'s pytest; plain ``python -m pytest`` works without it, only
slower).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

_NAME = "rfc3987_syntax"


def _stand_in(spec) -> types.ModuleType:
    mod = types.ModuleType(_NAME, "Stand-in for rfc3987_syntax (tests/lazy_imports.py): imports it when first used.")
    real: list[types.ModuleType] = []

    def load() -> types.ModuleType:
        if not real:
            if sys.modules.get(_NAME) is mod:
                del sys.modules[_NAME]
            real.append(importlib.import_module(_NAME))
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


def _install() -> None:
    if _NAME in sys.modules:
        return
    spec = importlib.util.find_spec(_NAME)
    if spec is not None:
        sys.modules[_NAME] = _stand_in(spec)


_install()
