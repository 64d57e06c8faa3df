"""The schema is the data dictionary: every written column is documented, names are ASCII snake_case."""

from __future__ import annotations

import re

from helpers.read.schema import SCHEMA, dictionary_rows


def test_every_column_documented_in_japanese():
    for row in dictionary_rows():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", row["column"]), row
        assert row["name_ja"] and any(ord(c) > 0x3000 for c in row["name_ja"]), row
        assert row["description"], row
        assert row["dtype"] in {"string", "integer", "boolean", "number", "category"}, row


def test_tables_written_match_the_schema(raw_tables):
    t = raw_tables
    for name, df in t.as_dict().items():
        assert list(df.columns) == [c.name for c in SCHEMA[name]], name
