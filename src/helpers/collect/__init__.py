"""Stage 2 — *collect*: the reports of a run as a collection.

``collection`` (reports.csv, sidecars, series ids, one report per series and fiscal year),
``link`` (initiative_key and links.csv across consecutive reports of a series), ``series``
(series.csv: every figure over fiscal years, with estimate → actual revisions).
Modules here import from :mod:`helpers.read` only.
"""
