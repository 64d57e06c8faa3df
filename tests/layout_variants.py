"""SYNTHETIC header variants of the committed report (issue 13): its column header lines rewritten, nothing else.

Nothing here is a real report.  Each variant is built at run time from
data/raw/niigata-minami_chiiki-fukushi-keikaku_hyoka_2021.txt and written only where the caller
says (a pytest ``tmp_path``, the docs example's temporary folder), never into data/raw/.

The committed report prints its column header seven times (``cat -n`` line numbers):

* five times over lines of their own — 1–5, 213–217, 333–337, 544–548, 795–799:
  `` 目標 具体的な取り組み・事業 概要 担当部署 2020年度（実績） 2021年度計画`` (or ``2020年度実績``) /
  ``2021年度実績`` / ``（見込み）`` / (blank) / ``評価 コメント・課題等 備考``
* twice on one line — 916 and 1110:
  `` 目標 具体的な取り組み・事業 概要 担当部署 2020年度（見込み） 2021年度計画 2021年度実績 評価 コメント・課題等 備考``

Every rewrite first checks that the header lines still read so, so a changed source fails loudly.
The only remarks (備考) cell of the report is lines 1298–1299 (``警報以上の発令月`` /
``4～６，8～10，1～3``, row 4-4-03); :func:`without_remarks_column` removes them with the column.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "data" / "raw" / "niigata-minami_chiiki-fukushi-keikaku_hyoka_2021.txt"
SYNTHETIC_PREFIX = "synthetic_"
#: (first, last) line of each column header, 1-based inclusive
HEADER_BLOCKS = [(1, 5), (213, 217), (333, 337), (544, 548), (795, 799), (916, 916), (1110, 1110)]
HEADER_START = " 目標 具体的な取り組み・事業 概要 担当部署 "
#: the remarks cell (row 4-4-03) and the blank line before it
REMARKS = (1297, 1299, ["", "警報以上の発令月", "4～６，8～10，1～3"])


def real_lines() -> list[str]:
    return REAL.read_text(encoding="utf-8").split("\n")


def _check(lines: list[str]) -> None:
    for a, b in HEADER_BLOCKS:
        block = lines[a - 1:b]
        if not block[0].startswith(HEADER_START) or not any("評価 コメント・課題等 備考" in t for t in block):
            raise ValueError(f"{REAL.name}:{a}-{b}: not a column header any more: {block!r}")


def rewrite_headers(fn: Callable[[list[str]], list[str]], lines: list[str] | None = None) -> str:
    """The report's text with each column header block (a list of lines) replaced by ``fn(block)``."""
    lines = real_lines() if lines is None else lines
    _check(lines)
    out: list[str] = []
    prev = 0
    for a, b in HEADER_BLOCKS:
        out += lines[prev:a - 1]
        out += fn(lines[a - 1:b])
        prev = b
    out += lines[prev:]
    return "\n".join(out)


def replace_in_headers(old: str, new: str) -> str:
    """Every header with ``old`` replaced by ``new`` (regular expression)."""
    return rewrite_headers(lambda block: [re.sub(old, new, t) for t in block])


def era_years(full_width: bool = False) -> str:
    """``令和2年度（実績） 令和3年度計画 令和3年度実績（見込み）``: 2020 → 令和2, 2021 → 令和3."""
    digits = str.maketrans("0123456789", "０１２３４５６７８９") if full_width else {}

    def era(m: re.Match) -> str:
        return f"令和{str(int(m.group(1)) - 2018).translate(digits)}年度"

    return rewrite_headers(lambda block: [re.sub(r"(\d{4})年度", era, t) for t in block])


def words_on_own_lines(blank_between: bool = False) -> str:
    """Every header word on its own line (another PDF-to-text tool), optionally a blank line between words."""
    def split(block: list[str]) -> list[str]:
        words = [w for t in block for w in t.split(" ") if w]
        out: list[str] = []
        for w in words:
            out += [w, ""] if blank_between else [w]
        return out[:-1] if blank_between else out

    return rewrite_headers(split)


def without_remarks_column() -> str:
    """No 備考 column: the word removed from every header, and the one remarks cell (1298–1299) removed."""
    lines = real_lines()
    a, b, expected = REMARKS
    if lines[a - 1:b] != expected:
        raise ValueError(f"{REAL.name}:{a}-{b}: not the remarks cell: {lines[a - 1:b]!r}")
    lines = lines[:a - 1] + lines[b:]
    return rewrite_headers(lambda block: [t.replace(" 備考", "") for t in block], lines)


#: the seven variants of issue 13: name -> text
VARIANTS: dict[str, Callable[[], str]] = {
    "era_years": era_years,
    "era_years_full_width": lambda: era_years(full_width=True),
    "torikumi": lambda: replace_in_headers("具体的な取り組み・事業", "具体的な取組・事業"),
    "no_remarks_column": without_remarks_column,
    "words_on_own_lines": words_on_own_lines,
    "tantouka": lambda: replace_in_headers("担当部署", "担当課"),
    "mikomi_short": lambda: replace_in_headers("（見込み）", "（見込）"),
}


def write_variant(folder: str | Path, name: str, text: str | None = None) -> Path:
    """Write one variant as ``synthetic_<name>.txt`` into ``folder`` (never data/raw/)."""
    folder = Path(folder)
    if folder.resolve() == REAL.parent.resolve():
        raise ValueError("synthetic variants never go into data/raw/")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{SYNTHETIC_PREFIX}{name}.txt"
    path.write_text(VARIANTS[name]() if text is None else text, encoding="utf-8")
    return path
