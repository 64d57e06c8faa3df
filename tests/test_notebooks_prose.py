"""Prose that cannot go stale (issue 9 §0): no data figure typed by hand in a notebook's markdown.

A figure in markdown (a number followed by a counter: 人, 回, 件, 行, %, 年度 …) is allowed only when
it is a definition (the legend's thresholds) or when the code cell right before the markdown cell
asserts it. Every other figure must be rendered from computed values (``display(Markdown(...))`` in
a code cell), so the text follows the data when the report or the parser changes.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))

#: counters that make a number a data figure
COUNTERS = ("人", "名", "回", "件", "行", "%", "％", "枚", "組", "年度", "年", "か所", "箇所", "団体", "地区", "割", "日",
            "分野", "目標", "指標", "倍", "ポイント")
FIGURE = re.compile(r"(?<![0-9０-９.,，])([0-9０-９](?:[0-9０-９,，.]*[0-9０-９])?)\s*(" + "|".join(map(re.escape, COUNTERS)) + ")")
#: definitions: the grade legend's thresholds (概ね90％以上 …), the 100 % cap and the 0 % of a missing result
DEFINITIONS = {("90", "%"), ("75", "%"), ("50", "%"), ("100", "%"), ("0", "%")}  # 0 %: "no result counts as 0 %"


def figures(markdown: str) -> list[str]:
    """Data figures typed in ``markdown`` (definitions excluded), as printed.

    >>> figures("延べ354人、23件、71.4%、30回。凡例は概ね90％以上")
    ['354人', '23件', '71.4%', '30回']
    """
    out = []
    for m in FIGURE.finditer(markdown):
        number = unicodedata.normalize("NFKC", m.group(1)).replace(",", "")
        unit = unicodedata.normalize("NFKC", m.group(2))
        if (number, unit) not in DEFINITIONS:
            out.append(m.group(0).strip())
    return out


def asserted(code: str, figure: str) -> bool:
    """True when an ``assert`` line of ``code`` contains the figure's number."""
    number = unicodedata.normalize("NFKC", FIGURE.match(figure).group(1)).replace(",", "")
    return any(number in unicodedata.normalize("NFKC", line).replace(",", "")
               for line in code.splitlines() if line.lstrip().startswith("assert"))


def unchecked(nb: dict) -> list[tuple[int, str]]:
    problems, last_code = [], ""
    for i, cell in enumerate(nb["cells"]):
        src = "".join(cell["source"])
        if cell["cell_type"] == "code":
            last_code = src
        elif cell["cell_type"] == "markdown":
            problems += [(i, f) for f in figures(src) if not asserted(last_code, f)]
    return problems


def test_checker_catches_the_issues_examples():
    nb = {"cells": [
        {"cell_type": "code", "source": ["x = 1\n"]},
        {"cell_type": "markdown", "source": ["合計 **30回**、A の割合は 71.4% → 72.5%。再掲を除く **51件**、子育て広場 354人。\n",
                                             "凡例: A 概ね90％以上、B 概ね75％以上。"]},
        {"cell_type": "code", "source": ["assert total == 56\n"]},
        {"cell_type": "markdown", "source": ["印刷された **56行**。報告書テキスト **1,300行**。"]},
    ]}
    assert [f for _, f in unchecked(nb)] == ["30回", "71.4%", "72.5%", "51件", "354人", "1,300行"]


def test_figures_handle_full_width_and_separators():
    assert figures("中止８回、5,883人、２割、2021年度") == ["８回", "5,883人", "２割", "2021年度"]
    assert figures("## 1. 人数の指標") == []  # a heading's number is not a figure


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_no_unchecked_figures_in_markdown(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert unchecked(nb) == [], f"{path.name}: figures typed by hand in markdown (cell, figure)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_parameters_cell_and_title(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1 and "CLEAN_DIR" in "".join(tagged[0]["source"])
    first = "".join(nb["cells"][0]["source"]).splitlines()[0]
    assert first.startswith("# ") and nb["metadata"].get("title") == first[2:]  # the HTML page title
