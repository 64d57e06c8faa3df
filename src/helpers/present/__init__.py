"""Stage 4 — *present*: what readers see — tables, charts, HTML sentences, the workbook.

``tables`` (load the clean tables typed; save a notebook's summary table), ``style`` (one chart
style, fixed sizes, the safe figure writer), ``charts`` (shared chart builders), ``display``
(tables and sentences in notebooks), ``labels`` (Japanese labels), ``excel`` (the workbook),
``figindex`` (the figure index), ``explore`` (one initiative at a glance).
"""
