"""Stage 4 — *present*: what readers see — tables, charts, HTML sentences, the workbook.

``tables`` (load the clean tables typed; save a notebook's summary table), ``style`` (one chart
style, fixed sizes, the safe figure writer), ``charts`` (shared chart builders), ``display``
(tables and sentences in notebooks), ``labels`` (the one label table: Japanese headers, codes,
booleans), ``names`` (reports by their display names from the sidecar), ``pagetitle`` (the HTML
page title), ``excel`` (the workbook), ``figindex`` (the figure index), ``explore`` (one initiative
at a glance).
"""
