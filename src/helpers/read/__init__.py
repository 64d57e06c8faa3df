"""Stage 1 — *read*: a report file → rows of cells → typed, checked tables.

``text`` (decode a file into lines), ``extract`` (lines → pages → rows of cells, each cell a
list of source lines, one function per layout rule), ``tidy`` (rename, join, normalise, type,
hard checks → initiatives, departments, source_lines, grade_legend), ``quantities`` and
``metrics`` (every amount of the period cells → metrics, trends), ``schema`` (the output
contract and data dictionary).  Modules here import nothing from the later stages.
"""
