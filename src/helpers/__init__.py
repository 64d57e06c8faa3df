"""helpers: parsers and tidy tables for the 新潟市南区 地域福祉計画 progress-evaluation reports.

One folder per stage; data flows read → collect → analyse → present, and a module imports
only from its own stage, an earlier one, or the shared modules at the top
(``tests/test_layers.py`` checks it):

1. :mod:`helpers.read` — a report file → rows of cells → typed, checked tables
   (``text``, ``extract``, ``tidy``, ``quantities``, ``metrics``, ``schema``).
2. :mod:`helpers.collect` — the reports of a run as a collection (``collection``, ``link``, ``series``).
3. :mod:`helpers.analyse` — analysis verbs the notebooks share (``analysis``, ``events``,
   ``overview``, ``year_over_year``).
4. :mod:`helpers.present` — tables, charts, sentences and the workbook readers see (``tables``,
   ``style``, ``charts``, ``display``, ``labels``, ``excel``, ``figindex``, ``explore``).

At the top: ``pipeline`` (runs read and collect, writes ``data/clean/``), ``cli``
(``python -m helpers clean``), ``outputs`` (the one safe writer every file goes through) and
``config`` (paths).  ``helpers.load_tables`` is the notebooks' entry point.
"""

__all__ = ["load_tables"]


def __getattr__(name: str):
    """``helpers.load_tables`` (the notebooks' entry point), imported on first use.

    Importing the package itself stays cheap (no pandas), so ``python -m helpers`` can answer
    Ctrl-C during its imports with one line and exit 130 (:mod:`helpers.__main__`).
    """
    if name == "load_tables":
        from .present.tables import load_tables

        return load_tables
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
