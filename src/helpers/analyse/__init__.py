"""Stage 3 — *analyse*: verbs the notebooks share, on the clean tables (data in, frames out).

``analysis`` (grade tables, COVID keyword evidence, plan achievement), ``events`` (COVID
impact as dated events), ``overview`` (the master table), ``year_over_year`` (notebook 06).
No module here draws or writes: charts and files belong to :mod:`helpers.present`.
"""
