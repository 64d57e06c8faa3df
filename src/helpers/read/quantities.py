"""Measured amounts inside the period cells: ``子育て広場　33回　延べ354`` / ``人`` → 33 回, 354 人 (延べ).

A period cell is free text over several printed lines.  The lines are joined
without separator for parsing (so ``延べ354`` + ``人`` and ``3３回`` resolve),
but every character keeps its line, so labels can be taken line-wise.
Parsing uses the NFKC form (full-width digits, ％, （）, ， become ASCII);
labels and ``source_text`` are returned as printed.

What counts as an amount (the conventions of the hand reading in
``../shared/examples``):

* a number followed by a counter/unit (:data:`UNITS`: 回 人 件 枚 組 団体 か所
  箇所 地区 会場 日 館 圏域 校 名 世帯 % 割 …), optionally after spaces;
* not a number inside a name — after 第 (第2子, 第4期), before 歳/か月
  (1歳6か月児健診, 3歳児健診), glued to a Latin letter (BP2, R4.1), before 層;
* not a date — before 月 (６月及び１２月, 7月は中止), 日 after 月 (3月27日),
  around ``/`` (9/3～9/16);
* breakdowns are amounts of their own: ``（定例３回、臨時１回）``,
  ``（旧白根19人、味方・月潟14人）``, ``（うち1回…）`` get the label printed
  right before their number (定例, 臨時, 旧白根, 味方・月潟, うち);
* ``延べ`` before the number (or inside the label) → ``cumulative``;
  ``各``/``各館`` right before the number → ``each``;
* qualifiers printed next to the amount are kept: 強 弱 以上 以下 未満 程度
  予定 (2割強, 7割以上, 57人の予定, １回（予定）), and 計/約 before it.

Qualitative entries (全戸, 全数, 随時, 適宜, 中止, 未実施) are not zero: they
are returned with ``kind="qualitative"``, ``value`` NaN and the term in
``qualifier``, so a table can tell "not counted" from "0回" (a real zero).

Every digit of a cell is accounted for by :func:`account_digits`: part of an
amount, or excluded with a reason (name, date); anything else is a leftover
that the pipeline reports loudly.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter
from typing import Mapping, NamedTuple, Sequence

from .extract import nfkc

__all__ = [
    "UNITS",
    "QUALITATIVE_TERMS",
    "Quantity",
    "DigitAccount",
    "parse_number",
    "extract_quantities",
    "account_digits",
    "analyse_cell",
    "check_cell",
    "CellError",
    "MAX_NUMBER_DIGITS",
    "MAX_AMOUNTS_PER_CELL",
    "fill_missing_labels",
    "pair_trends",
    "normalise_label",
]

# counters, longest first so that 団体 wins over 団 and か所 over 所
UNITS = sorted(
    ["回", "人", "件", "枚", "組", "団体", "か所", "ヵ所", "ヶ所", "箇所", "地区", "会場", "日", "館",
     "圏域", "校", "名", "世帯", "%", "割", "組織", "カ所"],
    key=len, reverse=True,
)
AFTER_QUALIFIERS = ["以上", "以下", "未満", "程度", "強", "弱", "予定", "見込み"]
BEFORE_QUALIFIERS = ["計", "約"]
QUALITATIVE_TERMS = ["全戸", "全数", "随時", "適宜", "未実施", "中止"]

# Bounded by construction: a number starts only where no digit precedes it, and the possessive
# quantifiers (*+, ++) never give back what they matched, so a run of n digits or spaces costs O(n),
# not O(n²) (a 20 KB digit run took 27 s before).
_NUM = r"\d{1,3}(?:,\d{3})++(?:\.\d++)?|\d++(?:\.\d++)?"
_AMOUNT_RE = re.compile(rf"(?<!\d)(?P<num>{_NUM})[ \u3000]*+(?P<unit>{'|'.join(map(re.escape, UNITS))})")
_NUM_GROUP, _UNIT_GROUP = _AMOUNT_RE.groupindex["num"], _AMOUNT_RE.groupindex["unit"]  # by number: no name look-up
_new_tuple = tuple.__new__
MAX_NUMBER_DIGITS = 15  # an amount has at most 15 digits (exact as a float); more is refused
MAX_AMOUNTS_PER_CELL = 30  # the committed report has at most 7 a cell; pairing is quadratic in this


class CellError(ValueError):
    """A period cell this module refuses to read (exit code 2 in the CLI).

    Attributes:
        line_index: 0-based line of the cell to blame.
    """

    def __init__(self, message: str, line_index: int = 0):
        super().__init__(message)
        self.line_index = line_index
_DIGITS_RE = re.compile(r"\d+")
_MONTH_BEFORE_RE = re.compile(r"月\s*$")
_ERA_BEFORE_RE = re.compile(r"[A-Za-z]\d{0,17}\.$")  # R4.1: searched in a 20-character window only
_EACH_RE = re.compile(r"各館?[ \u3000]*$")
_BEFORE_Q_RE = re.compile(rf"({'|'.join(BEFORE_QUALIFIERS)})[ \u3000]*$")
_BEFORE_Q_FIRST = frozenset(q[0] for q in BEFORE_QUALIFIERS)  # a before-qualifier needs one of these
_AFTER_Q_RE = re.compile(rf"[ \u3000]*(?:の|\(|（)?({'|'.join(AFTER_QUALIFIERS)})")
_AFTER_Q_FIRST = frozenset(q[0] for q in AFTER_QUALIFIERS)  # an after-qualifier needs one of these
_QUALITATIVE_ANY_RE = re.compile("|".join(QUALITATIVE_TERMS))


def _nfkc(text: str) -> str:
    return nfkc(text)


def parse_number(text: str) -> int | float:
    """A printed number as a value: full-width, separators and wraps resolved.

    >>> parse_number("５,883"), parse_number("3３"), parse_number("39.1")
    (5883, 33, 39.1)
    """
    norm = _nfkc(text).replace(",", "").replace("\n", "")
    return float(norm) if "." in norm else int(norm)


class Quantity(NamedTuple):
    """One measured amount (or qualitative entry) in a period cell.

    Immutable and hashable like the frozen dataclass it was, with the same fields, but several
    times cheaper to create (a report makes about 2,000; issue 16 §2).
    """

    indicator: str  # label printed before the amount ("" when none is printed)
    value: float  # the number; NaN for qualitative entries
    unit: str  # normalised (％ -> %); "" for qualitative entries
    cumulative: bool  # 延べ
    each: bool  # 各 / 各館
    qualifier: str  # 強・以上・予定・計 …, or the qualitative term (全戸 …)
    source_text: str  # the printed span the amount was read from
    line_index: int  # 0-based cell line where the number starts
    kind: str = "amount"  # amount / qualitative
    label_inherited: bool = False  # label taken from the same figure in another period


@dataclass
class DigitAccount:
    """Where every digit run of a cell went."""

    in_amounts: list[str]
    excluded: list[tuple[str, str]]  # (digits, reason)
    leftover: list[str]


class _Cell:
    """A cell's lines joined, in NFKC, with a map back to printed lines."""

    def __init__(self, lines: Sequence[str]):
        self.lines = lines = list(lines)
        self.printed = "".join(lines)
        normalize = unicodedata.normalize
        norm_chars: list[str] = []
        line_of: list[int] = []
        # NFKC position -> printed position; None while every line so far kept one character for one
        # (origin[i] == i, the usual case: then it is a range, not a list)
        origin: list[int] | None = None
        bounds: dict[int, tuple[int, int]] = {}  # line -> NFKC positions [start, end), lines with text only
        line_start = []
        pos = 0
        for li, line in enumerate(lines):
            line_start.append(pos)
            first = len(line_of)
            whole = normalize("NFKC", line)
            n = len(line)
            if len(whole) == n:  # one character for one
                norm_chars.append(whole)
                if origin is not None:
                    origin += range(pos, pos + n)
                if n:
                    line_of += [li] * n
                    bounds[li] = (first, first + n)
                pos += n
                continue
            if origin is None:
                origin = list(range(pos))
            for ch in line:
                c = normalize("NFKC", ch)
                norm_chars.append(c)
                origin += [pos] * len(c)
                line_of += [li] * len(c)
                pos += 1
            if len(line_of) > first:
                bounds[li] = (first, len(line_of))
        self.norm = "".join(norm_chars)
        self.line_of, self._bounds, self.line_start = line_of, bounds, line_start
        if origin is None:
            self.origin: Sequence[int] = range(pos + 1)
        else:
            origin.append(pos)
            self.origin = origin

    def amounts(self) -> list[re.Match]:
        """The matches of :data:`_AMOUNT_RE` that are amounts (no name or date), found once per cell."""
        got = self.__dict__.get("_amounts")
        if got is None:
            norm = self.norm
            got = self._amounts = []
            for m in _AMOUNT_RE.finditer(norm):
                start, end = m.span(_NUM_GROUP)
                # _excluded_reason only where one of the characters it looks for is next to the digits
                # (its own first test, made here without the call: most amounts have none)
                before = norm[start - 1] if start else ""
                if ((norm[end: end + 1] in _REASON_AFTER or before in _REASON_BEFORE
                     or (before.isascii() and before.isalpha())) and _excluded_reason(norm, start, end)):
                    continue
                if m.group(_UNIT_GROUP) == "日" and _MONTH_BEFORE_RE.search(norm[max(0, start - 3): start]):
                    continue
                got.append(m)
        return got

    def printed_span(self, a: int, b: int) -> str:
        """Printed text for NFKC positions [a, b)."""
        return self.printed[self.origin[a]: self.origin[b] if b < len(self.origin) else len(self.printed)]

    def norm_line_bounds(self, li: int) -> tuple[int, int]:
        """NFKC positions [start, end) of printed line ``li``."""
        return self._bounds.get(li, (0, 0))


#: the characters :func:`_excluded_reason` looks for right after and right before a digit run
#: (besides an ASCII letter before it); keep them in step with its tests
_REASON_AFTER = frozenset("歳かヶヵ層月日/~～")
_REASON_BEFORE = frozenset("第/.~～")


def _excluded_reason(norm: str, start: int, end: int) -> str | None:
    """Why the digits at [start, end) are not an amount (name/date), or None."""
    before = norm[max(0, start - 1): start]
    after = norm[end: end + 2]
    # every reason below needs one of these characters right before or after the digits (most have none)
    if after[:1] not in _REASON_AFTER and before not in _REASON_BEFORE and not (before.isascii() and before.isalpha()):
        return None
    if before == "第":
        return "name (第N)"
    if before.isascii() and before.isalpha():
        return "name or era (letter+digits: BP2, R4.1)"
    if after.startswith(("歳", "か月", "ヶ月", "ヵ月", "層")):
        return "name (age / 層)"
    if after.startswith("月"):
        return "date (N月)"
    if after.startswith("日") and _MONTH_BEFORE_RE.search(norm[max(0, start - 2): start]):
        return "date (月N日)"
    if after.startswith("/") or before == "/" or (before == "." and _ERA_BEFORE_RE.search(norm[max(0, start - 20): start])):
        return "date (N/N, R4.1)"
    if after.startswith(("~", "～")) or before in ("~", "～"):
        return "range (months)"
    return None


def _bracket_balance(text: str) -> int:
    return (text.count("（") + text.count("(") + text.count("【") + text.count("「")
            - text.count("）") - text.count(")") - text.count("】") - text.count("」"))


_OPEN_BRACKETS, _CLOSE_BRACKETS = frozenset("（(【「"), frozenset("）)】」")
_LABEL_MARKERS = ("延べ", "各館", "各", "計", "約", "の", "は")


def _clean_label(text: str) -> str:
    """Strip spaces, punctuation, unbalanced brackets and amount markers (延べ, 各, 計 …) from a label.

    >>> _clean_label("BP(親子の絆づくり)  "), _clean_label("（定例"), _clean_label("白根つくし園利用者数　延べ")
    ('BP(親子の絆づくり)', '定例', '白根つくし園利用者数')
    """
    while True:
        text = text.strip(" \u3000：:、,，。・")
        # what follows stripping; when it changes nothing, another round would change nothing either
        # (stripping twice is stripping once): the label is clean
        stripped = text
        if text.endswith(_LABEL_MARKERS):  # one test for the usual case: no marker at the end
            for marker in _LABEL_MARKERS:
                if text.endswith(marker):
                    text = text[: -len(marker)]
        if text and text[0] in _OPEN_BRACKETS and _bracket_balance(text) > 0:
            text = text[1:]
        if text and text[-1] in _CLOSE_BRACKETS and _bracket_balance(text) < 0:
            text = text[:-1]
        if text == stripped:
            return text


WRAP_WIDTH = 24  # display columns: a period-cell line this wide was cut by the column edge
_COMPLETE_ENDINGS = ("）", ")", "。", "、", "掲載", "実施", "開催", "随時", "適宜", "実績")


def _wrapped(text: str) -> bool:
    """Did this line continue on the next one (a label cut by the column edge)?

    >>> _wrapped("ふれあい・いきいきネット"), _wrapped("相談随時"), _wrapped("区だよりに連載記事を掲載")
    (True, False, False)
    """
    # (a character is at most two columns wide: a line of fewer than WRAP_WIDTH / 2 characters is not
    # wide enough, and the ending is tested before the width is counted)
    if 2 * len(text) < WRAP_WIDTH or text.endswith(_COMPLETE_ENDINGS):
        return False
    width = sum(2 if unicodedata.east_asian_width(c) in "FW" else 1 for c in text)
    return width >= WRAP_WIDTH


_NO_BOUNDS = (0, 0)


def _label_before(cell: _Cell, start: int, prev_end: int, prev: Quantity | None, prev_line: int) -> tuple[str, bool]:
    """Label for a number at NFKC position ``start``; (label, from_previous_amount)."""
    li = cell.line_of[start]
    lo = cell._bounds.get(li, _NO_BOUNDS)[0]  # (norm_line_bounds and printed_span inlined: called per amount)
    seg_from = lo if lo > prev_end else prev_end
    origin = cell.origin
    label = _clean_label(cell.printed[origin[seg_from]: origin[start]])
    if label:
        # a label wrapped over earlier lines that hold no amount ("ふれあい・いきいきネット" / "ワーク事業　…")
        if seg_from == lo and prev_end <= lo:
            k = li - 1
            extra = ""
            while k >= 0 and k > prev_line:
                a, b = cell.norm_line_bounds(k)
                text = cell.printed_span(a, b)
                if not _wrapped(text) or prev_end > a:
                    break
                extra = text + extra
                k -= 1
            if extra:
                label = _clean_label(extra + cell.printed[origin[seg_from]: origin[start]])
        return label, False
    if prev is not None and (prev_end > lo or prev_line == li - 1):
        # same item continues: "子育て広場　33回　延べ354人", "BP(…) 3回" / "19人",
        # or text after the previous amount on its line: "16人（就職実績率" / "57%）"
        if prev_line == li - 1 and prev_end < lo:
            tail = _clean_label(cell.printed_span(prev_end, lo))
            if tail:
                return tail, False
        return prev.indicator, True
    # label on the previous line(s) with no amount: "1歳6か月児健診，3歳児健診" / "各8回"
    k = li - 1
    parts = ""
    while k >= 0 and k > prev_line:
        a, b = cell.norm_line_bounds(k)
        parts = cell.printed_span(a, b) + parts
        k -= 1
        if k >= 0 and k > prev_line:
            a2, b2 = cell.norm_line_bounds(k)
            if cell.printed_span(a2, b2).endswith(("）", ")", "。", "、")):
                break
    return _clean_label(parts), False


def extract_quantities(lines: Sequence[str]) -> list[Quantity]:
    """Every amount and qualitative entry of one period cell, in printed order.

    Args:
        lines: the cell's lines as printed.

    >>> [(q.indicator, q.value, q.unit, q.cumulative) for q in extract_quantities(["子育て広場　33回　延べ354", "人"])]
    [('子育て広場', 33, '回', False), ('子育て広場', 354, '人', True)]
    >>> [(q.indicator, q.value, q.each) for q in extract_quantities(["1歳6か月児健診，3歳児健診", "各8回"])]
    [('1歳6か月児健診，3歳児健診', 8, True)]
    >>> [(q.value, q.unit, q.qualifier) for q in extract_quantities(["実施率　2割強"])]
    [(2, '割', '強')]
    >>> [(q.indicator, q.kind, q.qualifier) for q in extract_quantities(["新生児訪問　全戸"])]
    [('新生児訪問', 'qualitative', '全戸')]
    """
    cell = lines if isinstance(lines, _Cell) else _Cell(lines)
    norm = cell.norm
    n_norm = len(norm)
    normalize = unicodedata.normalize
    out: list[Quantity] = []
    prev: Quantity | None = None
    prev_end, prev_line = 0, -1
    line_of, origin, printed = cell.line_of, cell.origin, cell.printed
    n_origin, n_printed = len(origin), len(printed)
    after_first = _AFTER_Q_FIRST
    for m in cell.amounts():
        start, end = m.start(_NUM_GROUP), m.end(_UNIT_GROUP)
        unit = m.group(_UNIT_GROUP)
        if unit == "組" and norm[end: end + 1] == "織":
            unit = "組織"
            end += 1
        before = norm[max(prev_end, start - 4): start]
        label, inherited_from_prev = _label_before(cell, start, prev_end, prev, prev_line)
        # 延べ between the previous amount (or the label's first line) and the number
        label_from = prev_end if inherited_from_prev or prev_end > 0 else 0
        cumulative = "延べ" in norm[label_from:start] or "延べ" in normalize("NFKC", label)
        # (each test only where its key character is printed: most amounts have none)
        each = "各" in before and bool(_EACH_RE.search(before))
        bq = None if _BEFORE_Q_FIRST.isdisjoint(before) else _BEFORE_Q_RE.search(before)
        window = norm[end: end + 5]  # (the after-qualifier needs one of its first characters in it)
        after_q = None if after_first.isdisjoint(window) else _AFTER_Q_RE.match(norm, end, min(n_norm, end + 5))
        # the qualifiers before and after the amount, joined by ・
        if bq is None:
            qualifier = after_q.group(1) if after_q else ""
        else:
            qualifier = bq.group(1) + "・" + after_q.group(1) if after_q else bq.group(1)
        # the number is NFKC text already (parse_number's NFKC would return it unchanged)
        num = m.group(_NUM_GROUP).replace(",", "")
        # (tuple.__new__ is what Quantity._make does: the same Quantity without its Python-level __new__)
        q = _new_tuple(Quantity, (label, float(num) if "." in num else int(num), unit, cumulative, each, qualifier,
                                  printed[origin[start]: origin[end] if end < n_origin else n_printed],
                                  line_of[start], "amount", False))
        out.append(q)
        prev, prev_end, prev_line = q, end, line_of[end - 1]
    if _QUALITATIVE_ANY_RE.search(norm) is not None:  # (one scan for the six terms; most cells have none)
        out += _qualitative(cell)
    if len(out) < 2:
        return out
    return sorted(out, key=lambda q: (q.line_index, cell.printed.find(q.source_text, cell.line_start[q.line_index])))


def _qualitative(cell: _Cell) -> list[Quantity]:
    out = []
    for term in QUALITATIVE_TERMS:
        if term not in cell.norm:  # the usual case: one substring test instead of a regex scan
            continue
        for m in re.finditer(term, cell.norm):
            if term == "中止" and cell.norm[m.end(): m.end() + 2] == "期間":
                continue  # 中止期間中: a period, not an entry
            li = cell.line_of[m.start()]
            lo, _ = cell.norm_line_bounds(li)
            label = _clean_label(cell.printed_span(lo, m.start()))
            if not label and li > 0:
                a, b = cell.norm_line_bounds(li - 1)
                label = _clean_label(cell.printed_span(a, b))
            out.append(Quantity(label, math.nan, "", False, False, term,
                                cell.printed_span(m.start(), m.end()), li, kind="qualitative"))
    return out


def account_digits(lines: Sequence[str]) -> DigitAccount:
    """Account for every digit run of a cell: in an amount, or excluded with a reason.

    >>> a = account_digits(["1歳6か月児健診，3歳児健診", "各8回"])
    >>> a.in_amounts, [d for d, _ in a.excluded], a.leftover
    (['8'], ['1', '6', '3'], [])
    """
    cell = lines if isinstance(lines, _Cell) else _Cell(lines)
    norm = cell.norm
    amounts = cell.amounts()
    runs = _DIGITS_RE.findall(norm)
    # the usual cell: every digit run is one of the amounts' numbers' runs (those are whole runs of the
    # cell: no digit before a number, a unit after it; a number's runs are separated by its commas and
    # point), so as many runs in the numbers as in the cell means every run is in an amount, in
    # order: what the loop below finds, without it
    in_numbers = 0
    for m in amounts:
        num = m.group(_NUM_GROUP)
        in_numbers += 1 + num.count(",") + num.count(".")
    if len(runs) == in_numbers:
        return DigitAccount(runs, [], [])
    # the amounts' numbers do not overlap and come in order: the only one that can hold a digit run
    # starting at s is the last one starting at or before s (found by bisection, not by scanning all)
    starts = [m.start(_NUM_GROUP) for m in amounts]
    ends = [m.end(_NUM_GROUP) for m in amounts]
    acc = DigitAccount([], [], [])
    for m in _DIGITS_RE.finditer(norm):
        s, e = m.span()
        k = bisect_right(starts, s) - 1
        b = ends[k] if k >= 0 else -1  # the end of that amount's number (-1: no amount starts before s)
        if e <= b:
            acc.in_amounts.append(m.group())
            continue
        reason = _excluded_reason(norm, s, e)
        if reason is None and s < b:
            acc.in_amounts.append(m.group())
            continue
        if reason is None and norm[e: e + 1] == "," or norm[s - 1: s] == ",":
            # part of a thousands-separated number inside an amount
            if s <= b:
                acc.in_amounts.append(m.group())
                continue
        if reason is None and cell.norm[e: e + 1] == ".":
            reason = None
        if reason:
            acc.excluded.append((m.group(), reason))
        else:
            acc.leftover.append(m.group())
    return acc


def check_cell(cell: "_Cell | Sequence[str]") -> None:
    """Refuse a cell with a number of more than :data:`MAX_NUMBER_DIGITS` digits.

    Such a number is no count of anything: as an int it can exceed what ``int()`` converts from
    text, as a float it becomes ``inf``.

    >>> check_cell(["延べ68,410人"])
    >>> check_cell(["a", "1" * 16 + "回"])
    Traceback (most recent call last):
    helpers.read.quantities.CellError: a number of 16 digits ('111111111111111…'); an amount has at most 15
    """
    cell = cell if isinstance(cell, _Cell) else _Cell(cell)
    if _LONG_RUN_RE.search(cell.norm) is None:  # no run of 16 digits, commas and points: no number too long
        return
    for m in _NUMBER_RUN_RE.finditer(cell.norm):
        if m.end() - m.start() <= MAX_NUMBER_DIGITS:  # no more digits than characters: the usual case
            continue
        digits = sum(ch.isdigit() for ch in m.group())
        if digits > MAX_NUMBER_DIGITS:
            raise CellError(f"a number of {digits:,} digits ('{m.group()[:MAX_NUMBER_DIGITS]}…'); "
                            f"an amount has at most {MAX_NUMBER_DIGITS}", cell.line_of[m.start()])


_NUMBER_RUN_RE = re.compile(r"\d++(?:[,.]\d++)*+")
# a number run with more than MAX_NUMBER_DIGITS digits starts with a digit and has that many more
# characters of digits, commas and points: without such a stretch no run is too long
_LONG_RUN_RE = re.compile(rf"\d[\d,.]{{{MAX_NUMBER_DIGITS}}}")


def analyse_cell(lines: Sequence[str]) -> tuple[list[Quantity], DigitAccount]:
    """:func:`extract_quantities` and :func:`account_digits` of one cell, parsing it once.

    Raises:
        CellError: a number of more than :data:`MAX_NUMBER_DIGITS` digits, or more than
            :data:`MAX_AMOUNTS_PER_CELL` amounts in the cell.
    """
    cell = _Cell(lines)
    check_cell(cell)
    quantities = extract_quantities(cell)
    if len(quantities) > MAX_AMOUNTS_PER_CELL:
        raise CellError(f"{len(quantities):,} amounts in one period cell; at most {MAX_AMOUNTS_PER_CELL} are read",
                        quantities[MAX_AMOUNTS_PER_CELL].line_index)
    return quantities, account_digits(cell)


def normalise_label(label: str) -> str:
    """Comparison key of a label: NFKC, no 延べ, no brackets or their content, no spaces.

    >>> normalise_label("児童館・児童センター延べ利用者数") == normalise_label("児童館・児童センター利用者数")
    True
    >>> normalise_label("BP(親子の絆づくり)")
    'BP'
    """
    norm = _nfkc(label)
    norm = _BRACKETED_RE.sub("", norm)
    norm = norm.replace("延べ", "")
    return _LABEL_PUNCT_RE.sub("", norm)


_BRACKETED_RE = re.compile(r"\([^)]*\)?")
_LABEL_PUNCT_RE = re.compile(r"[\s・:：、,]")


def _similar(a: str, b: str) -> float:
    """Label similarity in [0, 1]: 1 for equal, 0.9 for containment, else difflib's ratio."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 2 and short in long_:
        return 0.9
    sm = difflib.SequenceMatcher(None, a, b)
    if sm.real_quick_ratio() < PAIR_THRESHOLD or sm.quick_ratio() < PAIR_THRESHOLD:
        return sm.quick_ratio()  # an upper bound already below the threshold: no need for the exact ratio
    return sm.ratio()


def _pairing_score(a: str, b: str, counts: dict[str, frozenset]) -> float:
    """:func:`_similar` where it can reach :data:`PAIR_THRESHOLD`, else 0.0 (cheap tests first).

    Pairing only ever uses a score of at least :data:`PAIR_THRESHOLD`, so a lower score is
    reported as 0.0 without building a ``SequenceMatcher``: two labels of very different length
    (difflib's ``real_quick_ratio``) or with too few characters in common (its ``quick_ratio``,
    from the character sets memoised in ``counts``, which give an upper bound without counting,
    then the :class:`collections.Counter` of both labels) cannot reach it.  Equal labels, containment and
    the exact ratio are :func:`_similar`'s.

    >>> memo = {}
    >>> [_pairing_score(a, b, memo) for a, b in [("就職実積率", "就職実績率"), ("白根つくし園", "白根つくし園利用者数"),
    ...                                          ("項目一帀", "項目一币"), ("子育て広場", "子育て広場")]]
    [0.8, 0.9, 0.0, 1.0]
    """
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 2 and short in long_:
        return 0.9
    total = len(a) + len(b)
    if 2.0 * len(short) / total < PAIR_THRESHOLD:
        return 0.0
    sa = counts.get(a)
    if sa is None:
        sa = counts[a] = frozenset(a)
    sb = counts.get(b)
    if sb is None:
        sb = counts[b] = frozenset(b)
    # characters in common, at most: each distinct character of a that b lacks costs a one (and vice versa)
    common = len(sa & sb)
    if 2.0 * min(len(a) - len(sa) + common, len(b) - len(sb) + common) / total < PAIR_THRESHOLD:
        return 0.0
    if 2.0 * sum((Counter(a) & Counter(b)).values()) / total < PAIR_THRESHOLD:  # difflib's quick_ratio
        return 0.0
    score = difflib.SequenceMatcher(None, a, b).ratio()
    return score if score >= PAIR_THRESHOLD else 0.0


class _PrefixIndex:
    """The groups a label can pair with: every group that may score :data:`PAIR_THRESHOLD` or more.

    (:class:`_LabelIndex` for rows whose labels hold more than :data:`PAIRABLE_MAX_CHARS` characters.)

    Pairing compared each amount with every group of its unit: 29 amounts a cell gave 2,500
    label comparisons a row (issue 17 §3: 69.5 s for a 9.8 MB report).  This index returns a
    superset of the groups that can reach the threshold, in creation order, looking up a few
    keys per label instead:

    * the same label (score 1.0);
    * containment (score 0.9; the shorter label has two characters or more): the contained label's
      rarest bigram is a bigram of the other, so a label is looked up under its own rarest bigram
      among all groups' bigrams, and under each of its bigrams among the groups' rarest ones;
    * difflib's ratio of at least the threshold needs its ``real_quick_ratio`` (lengths within
      2:3) and ``quick_ratio`` (characters in common, with repeats) there too, i.e. at least
      ``t = ⌈0.4 · (l + ⌈2l/3⌉)⌉`` characters in common for a label of length ``l``.  Two labels
      with ``t`` characters in common share one of the first ``l - t + 1`` of each label's
      characters sorted rarest first (the prefix filter of similarity joins), so each group is
      indexed under that prefix.  (The scores are compared as floats; for labels this short the
      float and the exact comparison with 4/5 agree.)

    Rarity is counted over all labels of the row (``keys``) before any lookup, so the order is
    fixed.  Labels without text pair by position (all groups without a label of the unit).
    """

    def __init__(self, keys: Sequence[str]):
        self.chars: Counter = Counter()
        self.bigrams: Counter = Counter()
        self.chars.update("".join(keys))  # one pass in C, not one update a label
        self.bigrams.update([key[i: i + 2] for key in keys for i in range(len(key) - 1)])
        self.lists: dict[tuple, int] = {}  # entry -> bit set of group numbers
        self.memo: dict[str, tuple[list, list[str], str | None]] = {}  # key -> (prefix, bigrams, rarest)

    def _facts(self, key: str) -> tuple[list, list[str], str | None]:
        got = self.memo.get(key)
        if got is None:
            bigrams = list(dict.fromkeys(self._bigrams(key)))
            got = self.memo[key] = (self._prefix(key), bigrams, self._rarest(bigrams) if bigrams else None)
        return got

    @staticmethod
    def _bigrams(key: str) -> list[str]:
        return [key[i: i + 2] for i in range(len(key) - 1)]

    def _rarest(self, bigrams: list[str]) -> str:
        return min(bigrams, key=lambda b: (self.bigrams[b], b))

    def _prefix(self, key: str) -> list[tuple[str, int]]:
        seen: dict[str, int] = {}
        chars = self.chars
        ranked = []  # (how common, character, occurrence): sorted, rarest first
        for ch in key:
            k = seen.get(ch, 0)
            seen[ch] = k + 1
            ranked.append((chars[ch], ch, k))
        ranked.sort()
        n = len(key)
        t = -(-2 * (n - (-2 * n // 3)) // 5)  # ⌈0.4 · (n + ⌈2n/3⌉)⌉ in integers
        return [(ch, k) for _, ch, k in ranked[: max(1, n - t + 1)]]

    def add(self, gi: int, unit: str, key: str) -> None:
        """Index group number ``gi`` (creation order) of ``unit`` whose label is ``key``.

        Each key's groups are a bit set (an ``int``, bit ``gi``): a row has at most 90 groups, so a
        look-up ORs a few integers instead of merging and sorting lists.
        """
        bit = 1 << gi
        lists = self.lists
        if not key:
            entry = ("empty", unit)
            lists[entry] = lists.get(entry, 0) | bit
            return
        prefix, bigrams, rarest = self._facts(key)
        entries = [("eq", unit, key)] + [("pre", unit, tok) for tok in prefix]
        if bigrams:
            entries.append(("rare", unit, rarest))
            entries += [("bg", unit, b) for b in bigrams]
        for entry in entries:
            lists[entry] = lists.get(entry, 0) | bit

    def candidates(self, unit: str, key: str) -> list[int]:
        """Group numbers (ascending) that may pair with label ``key`` of ``unit``."""
        lists = self.lists
        if not key:
            found = lists.get(("empty", unit), 0)
        else:
            prefix, bigrams, rarest = self._facts(key)
            found = lists.get(("eq", unit, key), 0)
            for tok in prefix:
                found |= lists.get(("pre", unit, tok), 0)
            if bigrams:
                found |= lists.get(("bg", unit, rarest), 0)  # key inside a group's label
                for b in bigrams:
                    found |= lists.get(("rare", unit, b), 0)  # a group's label inside key
        return _bit_numbers(found)


def _bit_numbers(found: int) -> list[int]:
    """The numbers of the bits set in ``found``, ascending (a bit set of group numbers as a list).

    >>> _bit_numbers(0b10110)
    [1, 2, 4]
    """
    out = []
    while found:
        low = found & -found
        out.append(low.bit_length() - 1)
        found ^= low
    return out


class _LabelIndex:
    """The groups a label can pair with: every group that may score :data:`PAIR_THRESHOLD` or more.

    Pairing compared each amount with every group of its unit: 29 amounts a cell gave 2,500
    label comparisons a row (issue 17 §3: 69.5 s for a 9.8 MB report).  This index returns a
    superset of the groups that can reach the threshold, in creation order.  Which labels of the
    row (``keys``) can reach it with which is decided once a row, for all pairs of distinct labels
    at once, from the characters they have in common (:func:`_pairable`: integer arrays in numpy,
    no Python object per label or pair); a label then looks up only the groups made with its
    partners.  Rows whose labels hold more than :data:`PAIRABLE_MAX_CHARS` characters in all use
    :class:`_PrefixIndex` instead (its memory grows with the characters, not with their square).
    Labels without text pair by position (all groups without a label of the unit).
    """

    def __init__(self, keys: Sequence[str]):
        distinct = list(dict.fromkeys(k for k in keys if k))
        self.prefix = _PrefixIndex(keys) if sum(map(len, distinct)) > PAIRABLE_MAX_CHARS else None
        self.partners: dict[str, list[str] | None] = {} if self.prefix else _pairable(distinct)  # None: alone
        self.lists: dict[tuple[str, str], int] = {}  # (unit, key) -> bit set of group numbers

    def add(self, gi: int, unit: str, key: str) -> None:
        """Index group number ``gi`` (creation order) of ``unit`` whose label is ``key``.

        Each key's groups are a bit set (an ``int``, bit ``gi``): a row has at most 90 groups, so a
        look-up ORs a few integers instead of merging and sorting lists.
        """
        if self.prefix is not None:
            return self.prefix.add(gi, unit, key)
        lists = self.lists
        lists[(unit, key)] = lists.get((unit, key), 0) | (1 << gi)

    def candidates(self, unit: str, key: str) -> list[int]:
        """Group numbers (ascending) that may pair with label ``key`` of ``unit``."""
        if self.prefix is not None:
            return self.prefix.candidates(unit, key)
        lists = self.lists
        found = lists.get((unit, key), 0)
        if key:
            try:
                partners = self.partners[key]
            except KeyError:  # a label the row did not list: every labelled group may pair with it
                partners = [k for u, k in lists if u == unit and k]
            if partners is not None:
                for other in partners:
                    found |= lists.get((unit, other), 0)
        return _bit_numbers(found)


#: above this many characters in a row's distinct labels, :class:`_LabelIndex` uses the prefix filter
#: (:func:`_pairable`'s arrays hold labels × characters: 90 labels of 45 characters take 1.5 MB)
PAIRABLE_MAX_CHARS = 4096


def _pairable(keys: list[str]) -> dict[str, list[str] | None]:
    """For each of ``keys`` (distinct, not empty), the others that may score :data:`PAIR_THRESHOLD`
    with it, or None when there are none (the usual case).

    A pair may reach the threshold only by containment (score 0.9: every distinct character of
    the shorter label is in the longer one) or by difflib's ratio, which is at most its
    ``quick_ratio``, ``2·m / (la + lb)`` with ``m`` the characters in common counted with repeats;
    with ``c`` distinct characters in common, ``m <= min(la - da + c, lb - db + c)`` (``da``, ``db``:
    each label's distinct characters: a character of a that b lacks costs at least one).  That is
    the bound :func:`_pairing_score` tests first, made here for all pairs at once: ``c`` for every
    pair is one product of the labels × characters presence matrix with itself (integers, no
    float rounding; ``einsum``, which runs in this thread, not in a BLAS thread pool).

    >>> _pairable(["いろはにほ", "いろへにほ", "子育て広場", "広場", "項目一帀"])
    {'いろはにほ': ['いろへにほ'], 'いろへにほ': ['いろはにほ'], '子育て広場': ['広場'], '広場': ['子育て広場'], '項目一帀': None}
    """
    import numpy as np

    n = len(keys)
    if n < 2:
        return dict.fromkeys(keys)
    lengths = [len(k) for k in keys]
    ids: dict[str, int] = {}
    char_ids = [ids.setdefault(c, len(ids)) for c in "".join(keys)]
    present = np.zeros((n, len(ids)), dtype=np.int16)  # label × character: 1 where printed
    present[np.repeat(np.arange(n), lengths), char_ids] = 1
    # distinct characters in common (at most PAIRABLE_MAX_CHARS); "ik,kj" on a contiguous transpose: the fast loop
    common = np.einsum("ik,kj->ij", present, np.ascontiguousarray(present.T))
    length = np.array(lengths)
    distinct = present.sum(axis=1)
    repeats = length - distinct  # characters printed more than once
    # bound = common + min(repeats); 2·bound / (la + lb) >= PAIR_THRESHOLD, with a margin (a superset is all
    # the index needs), as bound >= half(a) + half(b)
    half = (PAIR_THRESHOLD - 1e-9) / 2 * length
    may = common + np.minimum(repeats[:, None], repeats[None, :]) >= half[:, None] + half[None, :]
    # containment: a label of two characters or more whose distinct characters are all in the other
    whole = np.where(length >= 2, distinct, -1)
    may |= (common == whole[:, None]) | (common == whole[None, :])
    np.fill_diagonal(may, False)
    out: dict[str, list[str] | None] = dict.fromkeys(keys)
    rows, cols = np.nonzero(may)
    for i, j in zip(rows.tolist(), cols.tolist()):
        got = out[keys[i]]
        if got is None:
            out[keys[i]] = [keys[j]]
        else:
            got.append(keys[j])
    return out


def _shortest_prefix(total: int) -> int:
    """The shortest common prefix p with 2·p/total >= MERGE_THRESHOLD (as floats, like the test it replaces).

    >>> [_shortest_prefix(n) for n in (2, 8, 10, 20)]
    [1, 2, 2, 3]
    """
    p = max(0, int(MERGE_THRESHOLD * total / 2) - 1)
    while 2.0 * p / total < MERGE_THRESHOLD:
        p += 1
    return p


#: the order of the values in :func:`pair_trends`' tuples (``rows=True``)
TREND_FIELDS = ("indicator", "unit", "cumulative", "each", "prior_value", "plan_value", "result_value",
                "prior_text", "plan_text", "result_text")
PAIR_THRESHOLD = 0.8  # 就職実積率 vs 就職実績率 scores 0.8; unrelated labels stay far below
INDEX_FROM_AMOUNTS = 24  # a row with more amounts than this (in its three cells) pairs them through _LabelIndex
MERGE_THRESHOLD = 0.3  # 実施，受診者 / で実施 scores 0.44; unrelated activities score ~0
MERGE_MAX_RATIO = 3  # label-less merges only between values of the same magnitude
PAIR_UNITS = {"名": "人"}  # counters that count the same thing (就職者 16人 / 15名); metrics keep the printed unit


_PERIOD_BIT = {"prior": 1, "plan": 2, "result": 4}


def _merge_complementary(groups: list[dict]) -> None:
    """Join two partial groups whose labels differ but that can only be one indicator.

    Two groups of the same unit merge when their periods do not overlap and
    each is the *only* such candidate of the other (e.g. 受診者291人 / 500人 /
    388人 printed with different surrounding words each year).  Anything
    ambiguous stays apart, and so do labels with nothing in common
    (保健会だよりの発行 2地区 / 元気アップ講座 2地区: ratio below
    :data:`MERGE_THRESHOLD`) and values of different magnitude (学習会 13回 /
    11回 against a plan of 事業を1回以上 per district: more than
    :data:`MERGE_MAX_RATIO` apart).
    """
    units = [g["unit"] for g in groups]
    if len(set(units)) == len(units):  # no two groups of one unit (most rows): nothing can merge
        return
    # two groups merge only when they have the unit and no period in common: where no such pair
    # exists (most rows left: their figures of one unit are complete), nothing can merge either.
    # (A group's periods as bits; a group has at least one, so two equal bit sets always overlap
    # and the distinct sets of a unit are enough.)
    periods_of: dict[str, set[int]] = {}
    for g in groups:
        periods_of.setdefault(g["unit"], set()).add(
            sum(_PERIOD_BIT[p] for p in g["members"]))
    if not any(a & b == 0 for masks in periods_of.values() if len(masks) > 1 for a in masks for b in masks):
        return
    memo: dict[tuple[str, str], bool] = {}

    norm: dict[str, str] = {}  # indicator -> NFKC, once a row (not once a comparison)
    shortest: dict[int, int] = {}  # la + lb -> _shortest_prefix(la + lb)

    def related(g, h) -> bool:
        a = norm.get(g["indicator"])
        if a is None:
            a = norm[g["indicator"]] = _nfkc(g["indicator"])
        b = norm.get(h["indicator"])
        if b is None:
            b = norm[h["indicator"]] = _nfkc(h["indicator"])
        if not a or not b:
            return True
        got = memo.get((a, b))
        if got is None:
            got = False
            la, lb = len(a), len(b)
            if la < 200 and lb < 200:
                # a common prefix is a matching block, so difflib's ratio is at least 2·prefix/(la+lb)
                # (no "popular" junk below 200 characters): enough to say yes without difflib
                p = shortest.get(la + lb)
                if p is None:
                    p = shortest[la + lb] = _shortest_prefix(la + lb)
                got = p <= min(la, lb) and a[:p] == b[:p]
            if not got:
                sm = difflib.SequenceMatcher(None, a, b)
                got = sm.quick_ratio() >= MERGE_THRESHOLD and sm.ratio() >= MERGE_THRESHOLD
            memo[(a, b)] = got
        return got

    def span(g) -> tuple[float, float] | None:
        """(min, max) of the group's positive values, or None."""
        values = [q.value for q in g["members"].values() if q.value > 0]
        return (min(values), max(values)) if values else None

    bit = _PERIOD_BIT  # a group's periods as bits: no period in common = no bit in common

    def facts(g) -> tuple:
        """What the cheap tests read of a group: (group, period bits, span)."""
        return (g, sum(bit[p] for p in g["members"]), span(g))

    def candidates(g, limit: int = 2):
        """Up to ``limit`` candidates (only "exactly one" matters); cheap tests before difflib.

        ``h`` is a candidate when it has g's unit, no period in common with g, all positive values
        of both within MERGE_MAX_RATIO of each other (at least one such value), and a related label.
        The groups of g's unit with no period in common with g are scanned in list order (the same
        order as the whole list; issue 17 §3: the others are not visited, 29 of the 58 a group of
        a row of 29 amounts a cell scanned).
        """
        got = seen.get(id(g))
        if got is not None:
            return got
        out = []
        _, mask, a = info[id(g)]
        limit_ratio = MERGE_MAX_RATIO
        unit = g["unit"]
        others = apart.get((unit, mask))
        if others is None:
            others = apart[(unit, mask)] = _apart(by_unit[unit], mask)
        for h, h_mask, b in others:
            if a is None or b is None:
                lo_hi = a or b
                if lo_hi is None or lo_hi[1] > limit_ratio * lo_hi[0]:
                    continue
            else:  # max(a[1], b[1]) > MERGE_MAX_RATIO * min(a[0], b[0]), without the calls
                if (a[1] if a[1] > b[1] else b[1]) > limit_ratio * (a[0] if a[0] < b[0] else b[0]):
                    continue
            if related(g, h):
                out.append(h)
                if len(out) >= limit:
                    break
        seen[id(g)] = out
        return out

    changed = True
    while changed:
        changed = False
        # groups with two sure candidates never merge (as g their candidates are two; as the one
        # candidate of another group, their own are two): a crowded row skips their scans, and a
        # pass where every group is crowded ends at once
        crowded = _crowded(groups) if len(groups) > MERGE_SURE_FROM else ()
        if crowded and all(crowded):
            break
        # facts of every group and the groups of each unit in list order, fixed until the next merge;
        # each group's candidates are found once per pass (they only change when groups merge)
        info = {id(g): facts(g) for g in groups}
        by_unit: dict[str, dict[int, list[tuple]]] = {}  # unit -> period bits -> (position, facts), in list order
        for pos, g in enumerate(groups):
            f = info[id(g)]
            by_unit.setdefault(g["unit"], {}).setdefault(f[1], []).append((pos, f))
        apart: dict[tuple[str, int], list[tuple]] = {}  # (unit, period bits) -> facts of the groups with none of them
        seen: dict[int, list] = {}
        for g, busy in zip(groups, crowded or [False] * len(groups)):
            if busy or len(g["members"]) >= 3:  # complete: nothing can join it
                continue
            cand = candidates(g)
            if len(cand) == 1 and candidates(cand[0]) == [g]:
                h = cand[0]
                g["members"].update(h["members"])
                if len(h["indicator"]) > len(g["indicator"]):
                    g["indicator"] = h["indicator"]
                groups.remove(h)
                changed = True
                break


#: a row with more groups than this finds the groups that cannot merge in numpy first (:func:`_crowded`)
MERGE_SURE_FROM = 24


def _crowded(groups: list[dict]) -> list[bool]:
    """For each group, whether it has two *sure* merge candidates (so it never merges), for all at once.

    A sure candidate passes every test of ``_merge_complementary``'s scan: same unit, no period in
    common, all positive values within :data:`MERGE_MAX_RATIO` of each other (tested here with a
    margin of 1e-12, so a float at the limit is never called sure), and labels related by the
    common-prefix test (or one label empty) that the scan applies before difflib.  Sure
    candidates are candidates, so a group with two never has exactly one (issue 17 §3: a row of 29
    related amounts a cell scanned every group's candidates and found two each time).

    >>> from helpers.read.quantities import Quantity as Q
    >>> def g(label, period, value):
    ...     return {"unit": "回", "indicator": label, "members": {period: Q(label, value, "回", False, False, "", "", 0)}}
    >>> _crowded([g("項目一", "prior", 2), g("項目二", "plan", 3), g("項目三", "result", 4), g("別", "plan", 50)])
    [True, True, True, False]
    """
    import numpy as np

    n = len(groups)
    unit_ids: dict[str, int] = {}
    bit, inf = _PERIOD_BIT, math.inf
    units, masks, los, his, labels = [], [], [], [], []
    for g in groups:  # one pass: unit, period bits, span of the positive values (none: +inf, -inf), NFKC label
        units.append(unit_ids.setdefault(g["unit"], len(unit_ids)))
        members = g["members"]
        if len(members) == 1:  # most groups: one amount
            (period, q), = members.items()
            masks.append(bit[period])
            v = q.value
            los.append(v if v > 0 else inf)
            his.append(v if v > 0 else -inf)
        else:
            masks.append(sum(bit[p] for p in members))
            values = [q.value for q in members.values() if q.value > 0]
            los.append(min(values) if values else inf)
            his.append(max(values) if values else -inf)
        labels.append(_nfkc(g["indicator"]))
    mask = np.array(masks)
    sure = (mask[:, None] & mask[None, :]) == 0  # no period in common
    if len(unit_ids) > 1:
        unit = np.array(units)
        sure &= unit[:, None] == unit[None, :]
    # every positive value of both within MERGE_MAX_RATIO (with a margin: never sure at the limit); a group
    # without one has lo = +inf and hi = -inf, so the test reads the other's values, and two such never pass
    lo, hi = np.array(los, dtype=float), np.array(his, dtype=float)
    sure &= np.maximum(hi[:, None], hi[None, :]) <= (MERGE_MAX_RATIO * (1 - 1e-12)) * np.minimum(lo[:, None], lo[None, :])
    has = lo != inf
    if not has.all():
        sure &= has[:, None] | has[None, :]
    # related: an empty label, or (both under 200 characters) a common prefix of _shortest_prefix(la + lb)
    length = np.array([len(x) for x in labels])
    short = (length > 0) & (length < 200)
    top = int(length[short].max()) if short.any() else 0
    need = np.array([_shortest_prefix(t) if t else 0 for t in range(2 * top + 1)])  # by la + lb
    total = length[:, None] + length[None, :]
    if not short.all():
        total = np.where(short[:, None] & short[None, :], total, 0)
    p = need[total]
    width = int(p.max())
    prefix = np.zeros((n, n), dtype=np.int16)  # common prefix, up to width characters
    if width:
        codes = np.frombuffer("".join(x[:width].ljust(width, "\0") for x in labels).encode("utf-32-le", "surrogatepass"),
                              dtype="<u4").reshape(n, width)
        alive = np.ones((n, n), dtype=bool)
        for k in range(width):
            alive &= codes[:, k, None] == codes[None, :, k]
            prefix += alive
    related = (total > 0) & (p <= np.minimum(length[:, None], length[None, :])) & (prefix >= p)
    empty = length == 0
    if empty.any():
        related |= empty[:, None] | empty[None, :]
    sure &= related
    return (sure.sum(axis=1) >= 2).tolist()


def _apart(by_mask: dict[int, list[tuple]], mask: int) -> list[tuple]:
    """The facts of the groups (``(position, facts)`` lists by period bits) with no period in ``mask``,
    in list order.

    >>> _apart({1: [(0, "a"), (3, "d")], 2: [(1, "b")], 4: [(2, "c")], 6: [(4, "e")]}, 1)
    ['b', 'c', 'e']
    """
    lists = [got for bits, got in by_mask.items() if not bits & mask]
    if len(lists) == 1:
        return [f for _, f in lists[0]]
    return [f for _, f in sorted([x for got in lists for x in got], key=_first)]


_first = itemgetter(0)


def fill_missing_labels(cells: Mapping[str, Sequence[Quantity]]) -> dict[str, list[Quantity]]:
    """Give an unlabelled amount the label of the same figure in another period.

    "The same figure" = same unit and same position among the cell's amounts
    of that unit.  Amounts without a label in every period stay unlabelled.
    """
    # (most rows: every amount has its label, and there is nothing to fill)
    if all([q.indicator or q.kind != "amount" for qs in cells.values() for q in qs]):
        return {period: list(qs) for period, qs in cells.items()}
    out: dict[str, list[Quantity]] = {}
    for period, qs in cells.items():
        new = []
        seen: dict[str, int] = {}
        for q in qs:
            if q.kind != "amount":
                new.append(q)
                continue
            k = seen.get(q.unit, 0)
            seen[q.unit] = k + 1
            if q.indicator:
                new.append(q)
                continue
            label = ""
            for other, oqs in cells.items():
                if other == period:
                    continue
                same_unit = [o for o in oqs if o.kind == "amount" and o.unit == q.unit]
                if k < len(same_unit) and same_unit[k].indicator:
                    label = same_unit[k].indicator
                    break
            new.append(q._replace(indicator=label, label_inherited=bool(label)))
        out[period] = new
    return out


def pair_trends(cells: Mapping[str, Sequence[Quantity]], *, rows: bool = False) -> list[dict] | list[tuple]:
    """Pair the same indicator across the periods of one row.

    Amounts pair when their units are equal (名 counts as 人) and their labels
    match after :func:`normalise_label` (equal, one containing the other, or a
    difflib ratio of at least :data:`PAIR_THRESHOLD`); unlabelled amounts pair
    by position among the amounts of their unit; finally two partial groups
    that can only be each other's counterpart are joined
    (:func:`_merge_complementary`).  Each period contributes at most one amount
    to a pair.

    Returns:
        One dict per indicator: indicator (the longest printed label), unit,
        cumulative (any period marked 延べ), each, ``{period}_value`` and
        ``{period}_text`` for prior/plan/result (None when absent).  With ``rows``, the same
        values as one tuple per indicator, in the order of :data:`TREND_FIELDS` (no dict a
        figure: what :func:`helpers.read.metrics.add_metrics` reads).
    """
    groups: list[dict] = []
    counts: dict[str, frozenset] = {}  # the characters of each label, for the cheap pairing tests
    labels: dict[str, str] = {}  # a row prints most labels once a period: normalised once
    keys = {}
    for qs in cells.values():
        for q in qs:
            if q.kind == "amount":
                key = labels.get(q.indicator)
                if key is None:
                    key = labels[q.indicator] = normalise_label(q.indicator)
                keys[id(q)] = key
    # a row of a few amounts compares them all (cheaper than building the index; same result)
    index = _LabelIndex(list(keys.values())) if len(keys) > INDEX_FROM_AMOUNTS else None
    periods = [p for p in ("prior", "plan", "result") if any(q.kind == "amount" for q in cells.get(p, ()))]
    for n, period in enumerate(periods):
        ordinal: dict[str, int] = {}
        # the groups of each unit this period's amounts can join: those made before it (issue 17 §3: a
        # unit without one, e.g. every unit in the first period, is not looked up at all)
        open_groups: dict[str, int] = {}
        for g in groups:
            open_groups[g["unit"]] = open_groups.get(g["unit"], 0) + 1
        last = n == len(periods) - 1  # no later amount looks a group of the last period up: not indexed
        for q in cells.get(period, []):
            if q.kind != "amount":
                continue
            k = ordinal.get(q.unit, 0)
            ordinal[q.unit] = k + 1
            key = keys[id(q)]
            unit = PAIR_UNITS.get(q.unit, q.unit)
            best, best_score = None, 0.0
            if open_groups.get(unit):
                # only the groups that can reach the threshold, in creation order (the others score below it)
                for g in (groups if index is None else (groups[gi] for gi in index.candidates(unit, key))):
                    if g["unit"] != unit or period in g["members"]:
                        continue
                    if key or g["key"]:
                        score = _pairing_score(key, g["key"], counts)
                    else:
                        score = 1.0 if g["ordinal"] == k else 0.0
                    if score > best_score:
                        best, best_score = g, score
                        if score == 1.0:  # nothing scores higher, and a later tie never wins
                            break
            if best is not None and best_score >= PAIR_THRESHOLD:
                best["members"][period] = q
                open_groups[unit] -= 1
                if len(q.indicator) > len(best["indicator"]):
                    best["indicator"] = q.indicator
                    best["key"] = best["key"] or key
            else:
                # indexed once: a group's key never changes (a labelled amount never joins an unlabelled group)
                if index is not None and not last:
                    index.add(len(groups), unit, key)
                groups.append({"unit": unit, "key": key, "indicator": q.indicator, "ordinal": k,
                               "members": {period: q}})
    _merge_complementary(groups)
    if rows:
        out_rows = []
        for g in groups:
            m = g["members"]
            a, b, c = m.get("prior"), m.get("plan"), m.get("result")
            qs = m.values()
            out_rows.append((g["indicator"], g["unit"], any([q.cumulative for q in qs]), any([q.each for q in qs]),
                             None if a is None else a.value, None if b is None else b.value,
                             None if c is None else c.value, None if a is None else a.source_text,
                             None if b is None else b.source_text, None if c is None else c.source_text))
        return out_rows
    out = []
    for g in groups:
        m = g["members"]
        a, b, c = m.get("prior"), m.get("plan"), m.get("result")
        out.append({
            "indicator": g["indicator"],
            "unit": g["unit"],
            "cumulative": any([q.cumulative for q in m.values()]),
            "each": any([q.each for q in m.values()]),
            "prior_value": None if a is None else a.value, "prior_text": None if a is None else a.source_text,
            "plan_value": None if b is None else b.value, "plan_text": None if b is None else b.source_text,
            "result_value": None if c is None else c.value, "result_text": None if c is None else c.source_text,
        })
    return out
