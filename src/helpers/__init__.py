"""helpers: parsers and tidy tables for the 新潟市南区 地域福祉計画 progress-evaluation reports.

The package is flat on purpose; the stage a module belongs to is in its name and
its docstring.  Data flows read → tidy → link → analyse:

1. **read / extract** — ``pipeline.read_report`` (decode a file), ``extract``
   (text → pages → rows of cells, each cell a list of source lines).
2. **tidy** — ``tidy`` (rename, join, normalise, type, hard checks → initiatives,
   departments, source_lines, grade_legend), ``quantities`` + ``metrics``
   (every amount of the period cells → metrics, trends).
3. **link (the collection)** — ``collection`` (reports.csv, sidecars, series
   ids, one report per series and fiscal year), ``link`` (initiative_key and
   links.csv across consecutive reports of a series), ``series`` (series.csv:
   every figure over fiscal years, with estimate → actual revisions).
4. **write / load** — ``pipeline.clean_reports`` runs 1–3 and ``write_tables``
   writes ``data/clean/`` (``schema`` is the contract and data dictionary);
   ``tables.load_tables`` reads it back typed.
5. **analyse** — ``analysis``, ``charts``, ``style``, ``labels``, ``excel``:
   what the notebooks and ``make report`` use.

``cli`` (``python -m helpers clean``) and ``config`` (paths) serve all stages.
"""

from .tables import load_tables  # noqa: E402,F401  (the notebooks' entry point)
