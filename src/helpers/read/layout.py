"""The table's layout as the document declares it: column names → roles, fiscal years, sidecar declarations.

A report names its columns in a column header printed at the top of each page.  Next year's report,
or a neighbouring ward's, prints the same table with other furniture: ``令和3年度`` for ``2021年度``,
``取組`` for ``取り組み``, no ``備考`` column, every header word on its own line.  This module reads
the header instead of matching it:

* :data:`COLUMN_VOCABULARY` — the known spellings of each column (one place, compared after NFKC
  with blanks removed), and :data:`ERAS` / :data:`PERIOD_STATUS` — the era table and the words that
  say whether a period column is a plan, results or an estimate;
* :func:`parse_fiscal_year` — a fiscal-year label in any notation → the Gregorian year;
* :func:`column_roles` — printed column names → the role of each (or one clear error naming the
  names it cannot place, with the sidecar declaration that would place them);
* :func:`find_headers` — where the column headers are: a line, or a run of lines, naming the
  period columns and at least a grade column;
* :func:`declared_layout` — the ``"layout"`` key of the report's sidecar (``<stem>.meta.json``),
  checked like everything else.

The functions here know nothing about files: they raise :class:`LayoutError` with the message (and
the line, where one is to blame); the caller that read a file turns it into a
:class:`helpers.read.extract.ReportError` naming the file (``ReportError(path, str(e), e.line)``).
The worked example (refusal → sidecar → tables) is in docs/reading-rules.md.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping

__all__ = [
    "COLUMN_VOCABULARY",
    "ROLES",
    "PERIOD_ROLES",
    "REQUIRED_ROLES",
    "ROLE_NAMES_JA",
    "ERAS",
    "PERIOD_STATUS",
    "LAYOUT_KEY",
    "HEADER_MAX_LINES",
    "LayoutError",
    "Layout",
    "HeaderSpan",
    "name_key",
    "parse_fiscal_year",
    "period_status",
    "is_period_label",
    "column_roles",
    "header_words",
    "header_names",
    "find_headers",
    "declared_layout",
]

# --------------------------------------------------------------------------
# Data: the vocabulary, the era table, the period words (one place each)
# --------------------------------------------------------------------------
#: role -> known spellings of its column name, compared after NFKC with blanks removed (:func:`name_key`).
#: The roles are listed in the order the reader expects them across the page (left to right).
COLUMN_VOCABULARY: dict[str, tuple[str, ...]] = {
    # 目標: the objective column, filled by the headings （１）… that span the table
    "objective": ("目標",),
    # the initiative's name: this report prints 具体的な取り組み・事業; 取組 is the other common
    # spelling (公用文), and shorter headers print just 取組 / 取り組み / 事業 / 事業名
    "initiative": ("具体的な取り組み・事業", "具体的な取組・事業", "具体的な取り組み", "具体的な取組",
                   "取り組み・事業", "取組・事業", "取り組み", "取組", "事業名", "事業"),
    # 概要: what the initiative does (the cell ending in 。)
    "summary": ("概要", "内容", "事業概要", "事業内容", "取組内容", "取り組み内容"),
    # the department(s) responsible: 担当部署 here, 担当課 / 所管課 in many municipalities
    "department": ("担当部署", "担当課", "所管課", "担当課名", "所管部署", "担当"),
    # 評価: the grade A–D (its legend is the 〔評価の指標〕 line)
    "grade": ("評価",),
    # コメント・課題等: the evaluator's comment on the grade
    "comment": ("コメント・課題等", "コメント・課題", "コメント", "課題等", "課題"),
    # 備考: remarks; optional (a report without the column reads with remarks empty)
    "remarks": ("備考",),
}
#: the three period columns, in print order: prior year (実績 or 見込み), plan (計画), result (実績 / 実績（見込み）)
PERIOD_ROLES = ("prior", "plan", "result")
#: every role, in the order the columns must be printed (left to right)
ROLES = ("objective", "initiative", "summary", "department", *PERIOD_ROLES, "grade", "comment", "remarks")
#: roles a column header must name (目標 is carried by the headings （１）…, 備考 may be absent)
REQUIRED_ROLES = ("initiative", "summary", "department", *PERIOD_ROLES, "grade", "comment")
#: role -> how the report's own header calls it (for messages)
ROLE_NAMES_JA = {
    "objective": "目標", "initiative": "具体的な取り組み・事業", "summary": "概要", "department": "担当部署",
    "prior": "前年度の実績/見込み", "plan": "計画", "result": "実績/実績（見込み）", "grade": "評価",
    "comment": "コメント・課題等", "remarks": "備考",
}

#: era name (NFKC; the one-letter abbreviations R/H/S too) -> the Gregorian year before its first year
#: (元年 = 1).  An era year past the era's end is read as printed (平成32年度 = 2020 appears in
#: plans written before 2019).
ERAS: dict[str, int] = {
    "令和": 2018,  # 令和元年 = 2019 (㋿ is NFKC 令和)
    "平成": 1988,  # 平成元年 = 1989 (㍻ is NFKC 平成)
    "昭和": 1925,  # 昭和元年 = 1926 (㍼ is NFKC 昭和)
    "R": 2018,  # R3年度 / Ｒ３年度
    "H": 1988,  # H31年度
    "S": 1925,  # S64年度
}
#: status of a period column -> the words (NFKC) that say it, looked for in this order (計画 wins:
#: 2021年度計画; then 見込: 2021年度実績（見込み） is an estimate; then 実績)
PERIOD_STATUS: dict[str, tuple[str, ...]] = {
    "plan": ("計画", "予定"),
    "estimate": ("見込み", "見込"),
    "actual": ("実績",),
}
#: the sidecar key holding a declared layout
LAYOUT_KEY = "layout"
#: keys of the declared layout: what each one declares
LAYOUT_KEYS = {
    "columns": "printed column name -> role, for names the vocabulary does not know",
    "header_first_line": "the column header's first line as printed, or its beginning: every line beginning so "
                         "starts a header, which reads on past blank lines",
}
#: bounds of a declaration: a table has a dozen columns, a header line a few dozen characters
MAX_DECLARED_COLUMNS = 100
MAX_DECLARED_CHARS = 1_000
#: a column header spans at most this many lines (blank lines included): every word on its own line
#: with a blank line between words is 21 lines
HEADER_MAX_LINES = 24
#: blank lines allowed between two lines of one header (the committed report has 1)
HEADER_MAX_GAP = 2
#: a line of more words than this is no header line (the report's headers name 10 columns)
HEADER_MAX_WORDS = 40

_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_YEAR = r"(?:(?P<era{n}>令和|平成|昭和|[RHSrhs])(?P<eno{n}>元|\d{{1,2}})|(?P<west{n}>\d{{4}}))"
_FISCAL_YEAR_RE = re.compile(_YEAR.format(n=1) + r"(?:\(" + _YEAR.format(n=2) + r"\))?年度")
_OPEN, _CLOSE = "([〔【「『", ")]〕】」』"
# cheap test on a printed line before it is read word by word: a digit (or 元) just before 年度
_YEAR_HINT_RE = re.compile(r"[0-9０-９元][\s)）]*年度")
_MAYBE_RE = re.compile(r"[0-9０-９元][\s)）]*年度|実績|計画|見込|予定|[\u200b\u200c\u200d\u2060\ufeff]")
_STATUS_WORDS = tuple(w for words in PERIOD_STATUS.values() for w in words)
_STATUS_RE = re.compile("(?:" + "|".join(sorted(map(re.escape, _STATUS_WORDS), key=len, reverse=True)) + ")+")


class LayoutError(ValueError):
    """A column header (or a declared layout) the reader cannot use.

    Attributes:
        message: what is wrong, naming the printed names concerned.
        line: 1-based line number to blame, where one is known.
        fix: the ``"layout"`` declaration that would let the report be read, when one can be given.
    """

    def __init__(self, message: str, *, line: int | None = None, fix: dict | None = None):
        self.message = message
        self.line = line
        self.fix = fix
        super().__init__(self.explain())

    def explain(self, sidecar: str = "the report's sidecar <stem>.meta.json") -> str:
        """The message with the way forward: which sidecar key to add, as JSON to paste."""
        if self.fix is None:
            return self.message
        snippet = json.dumps({LAYOUT_KEY: self.fix}, ensure_ascii=False)
        roles = f"roles: {', '.join(ROLES)}; " if "ROLE" in snippet else ""
        return (f"{self.message}. To read it, add this key to {sidecar} (or create the file with it) and rerun: "
                f"{snippet} ({roles}see docs/reading-rules.md)")

    def at(self, line: int | None) -> "LayoutError":
        """The same error blamed on ``line`` (when it names none yet)."""
        if self.line is None and line is not None:
            self.line = line
        return self


@dataclass(frozen=True)
class Layout:
    """A layout declared in the report's sidecar (see :func:`declared_layout`).

    Attributes:
        columns: printed column name (as declared) -> role.
        header_first_line: the text of the column header's first line, or ``None``.
    """

    columns: dict[str, str] = field(default_factory=dict)
    header_first_line: str | None = None

    def __hash__(self) -> int:  # frozen, but holds a dict: hashed by its items
        return hash((tuple(self.columns.items()), self.header_first_line))

    def keys(self) -> dict[str, str]:
        """:func:`name_key` of each declared name -> role."""
        return {name_key(k): v for k, v in self.columns.items()}


def name_key(text: str) -> str:
    """The comparison form of a printed name: NFKC, zero-width characters and all blanks removed.

    >>> name_key("具体的な取組・事業"), name_key("担当\u3000部署"), name_key("２０２１年度（実績）")
    ('具体的な取組・事業', '担当部署', '2021年度(実績)')
    """
    return _name_key(text)


@lru_cache(maxsize=8192)
def _name_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    if _ZERO_WIDTH_RE.search(text):
        text = _ZERO_WIDTH_RE.sub("", text)
    return "".join(text.split())


# --------------------------------------------------------------------------
# Fiscal years and period columns
# --------------------------------------------------------------------------
def _year_of(m: re.Match, n: int) -> int | None:
    if m.group(f"west{n}"):
        return int(m.group(f"west{n}"))
    era = m.group(f"era{n}")
    if not era:
        return None
    eno = m.group(f"eno{n}")
    return ERAS[era.upper()] + (1 if eno == "元" else int(eno))


def parse_fiscal_year(label: str) -> int:
    """The Gregorian fiscal year (年度) a period label names, in any notation.

    西暦, 令和/平成/昭和 (half- or full-width digits, 元年), the abbreviations R/H/S, and both
    forms together (``令和3（2021）年度``, which must agree).  Text around the year (実績, 計画,
    brackets) is allowed; the first fiscal year in the label counts.

    Args:
        label: a column name as printed, e.g. ``2021年度実績（見込み）``.

    Returns:
        The year, e.g. 2021.

    Raises:
        LayoutError: the label names no fiscal year, or names two that disagree.

    >>> [parse_fiscal_year(t) for t in ["2020年度（実績）", "令和3年度計画", "令和２年度（実績）", "令和元年度"]]
    [2020, 2021, 2020, 2019]
    >>> [parse_fiscal_year(t) for t in ["R3年度", "Ｒ３年度", "H31年度", "平成31年度", "㋿3年度", "令和3(2021)年度"]]
    [2021, 2021, 2019, 2019, 2021, 2021]
    >>> parse_fiscal_year("令和3（2020）年度")
    Traceback (most recent call last):
    helpers.read.layout.LayoutError: '令和3（2020）年度' names two different fiscal years (2021 and 2020)
    """
    m = _FISCAL_YEAR_RE.search(name_key(label))
    if m is None:
        raise LayoutError(f"{label!r} names no fiscal year (…年度: 2021年度, 令和3年度, R3年度, 令和元年度)")
    year, other = _year_of(m, 1), _year_of(m, 2)
    if other is not None and other != year:
        raise LayoutError(f"{label!r} names two different fiscal years ({year} and {other})")
    return year  # type: ignore[return-value]


def period_status(label: str, *, role: str | None = None) -> str | None:
    """Whether a period column holds a plan, results or an estimate: ``plan`` / ``estimate`` / ``actual``.

    Read from the words of the label (:data:`PERIOD_STATUS`); when the label says none of them,
    a declared ``role`` decides (``plan`` for the plan column, ``actual`` otherwise); else ``None``.

    >>> [period_status(t) for t in ["2020年度（実績）", "2021年度計画", "2021年度実績（見込み）", "令和3年度実績（見込）"]]
    ['actual', 'plan', 'estimate', 'estimate']
    >>> period_status("2021年度取組状況"), period_status("2021年度取組状況", role="result")
    (None, 'actual')
    """
    key = name_key(label)
    m = _FISCAL_YEAR_RE.search(key)
    rest = key[m.end():] if m else key
    for status, words in PERIOD_STATUS.items():
        if any(w in rest for w in words):
            return status
    if role is None:
        return None
    return "plan" if role == "plan" else "actual"


_BRACKETS = {ord(c): None for c in _OPEN + _CLOSE}


def _strip_brackets(key: str) -> str:
    return key.translate(_BRACKETS)


@lru_cache(maxsize=8192)
def _word_class(word: str) -> tuple[str, str | None, bool, bool]:
    """(name_key, vocabulary role or None, is a period name, is a status word) of one printed word."""
    key = name_key(word)
    return key, _VOCABULARY_KEYS.get(key), is_period_label(word), _is_status_word(word)


def is_period_label(name: str) -> bool:
    """A period column's name: a fiscal year, then nothing but status words (実績, 計画, 見込み) and brackets.

    >>> [is_period_label(t) for t in ["2020年度（実績）", "令和２年度（実績）", "R3年度計画", "2021年度", "2021年度は中止"]]
    [True, True, True, True, False]
    """
    key = name_key(name)
    m = _FISCAL_YEAR_RE.match(key)
    if m is None:
        return False
    rest = _strip_brackets(key[m.end():])
    return not rest or bool(_STATUS_RE.fullmatch(rest))


def _is_status_word(name: str) -> bool:
    """A header token that only completes a period name: ``（見込み）``, ``実績``, ``計画``."""
    rest = _strip_brackets(name_key(name))
    return bool(rest) and bool(_STATUS_RE.fullmatch(rest))


# --------------------------------------------------------------------------
# Column names -> roles
# --------------------------------------------------------------------------
_VOCABULARY_KEYS = {name_key(s): role for role, spellings in COLUMN_VOCABULARY.items() for s in spellings}
# proper beginnings of the known names: only a word that begins one is tried joined with the next words
_VOCABULARY_PREFIXES = {k[:n] for k in _VOCABULARY_KEYS for n in range(1, len(k))}


def _role_of(name: str, declared: Mapping[str, str]) -> str | None:
    key = name_key(name)
    if key in declared:
        return declared[key]
    if key in _VOCABULARY_KEYS:
        return _VOCABULARY_KEYS[key]
    return "period" if is_period_label(name) else None


def _declared_keys(declared: "Layout | Mapping[str, str] | None") -> dict[str, str]:
    if declared is None:
        return {}
    keys = declared.keys() if isinstance(declared, Layout) else {name_key(k): v for k, v in declared.items()}
    for name, role in (declared.columns if isinstance(declared, Layout) else declared).items():
        if role not in ROLES:
            raise LayoutError(f"declared column {name!r} has the role {role!r}, which is not a role; "
                              f"roles are: {', '.join(ROLES)}")
    return keys


def _guess(names: list[str], roles: list[str | None], i: int) -> str | None:
    """The one role that fits an unknown name by its position: missing, and in order between its neighbours."""
    present = {r for r in roles if r}
    before = [ROLES.index("result" if r == "period" else r) for r in roles[:i] if r]
    after = [ROLES.index("prior" if r == "period" else r) for r in roles[i + 1:] if r]
    lo, hi = (max(before) if before else -1), (min(after) if after else len(ROLES))
    fits = [r for r in ROLES[lo + 1:hi] if r not in present and r not in PERIOD_ROLES]
    others = [j for j, r in enumerate(roles) if r is None and j != i]
    return fits[0] if len(fits) == 1 and not others else None


def column_roles(names: list[str], *, declared: "Layout | Mapping[str, str] | None" = None) -> list[str]:
    """The role of each printed column name, in print order (one of :data:`ROLES`).

    Names are compared after NFKC with blanks removed (:func:`name_key`), first with the
    ``declared`` names (the sidecar's ``"layout": {"columns": …}``), then with
    :data:`COLUMN_VOCABULARY`.  A name holding a fiscal year (``2020年度（実績）``,
    ``令和3年度計画``) is a period column; the three period columns are prior, plan and result
    in print order.

    Args:
        names: the column names as printed, left to right (one cell of a ruled table or one
            word of a text header each; a period name may be joined from several words).
        declared: printed name -> role for names the vocabulary does not know (a :class:`Layout`
            or a plain mapping).

    Returns:
        One role per name.

    Raises:
        LayoutError: a name the reader cannot place (named, with the ``"layout"`` declaration to
            add when its role can be told from its position), a role named twice or missing, not
            three period columns, a second period column that is not a plan, or columns out of order.

    >>> column_roles(["目標", "具体的な取り組み・事業", "概要", "担当部署", "2020年度（実績）", "2021年度計画",
    ...               "2021年度実績（見込み）", "評価", "コメント・課題等", "備考"])
    ['objective', 'initiative', 'summary', 'department', 'prior', 'plan', 'result', 'grade', 'comment', 'remarks']
    >>> column_roles(["取組", "内容", "担当課", "令和２年度（実績）", "令和３年度計画", "令和３年度実績（見込）", "評価", "課題"])
    ['initiative', 'summary', 'department', 'prior', 'plan', 'result', 'grade', 'comment']
    >>> column_roles(["目標", "施策", "概要", "担当部署", "R2年度実績", "R3年度計画", "R3年度実績", "評価", "コメント"])
    Traceback (most recent call last):
    helpers.read.layout.LayoutError: column header names '施策', which is no column name the reader knows (it stands where the initiative column (具体的な取り組み・事業) is expected). To read it, add this key to the report's sidecar <stem>.meta.json (or create the file with it) and rerun: {"layout": {"columns": {"施策": "initiative"}}} (see docs/reading-rules.md)
    >>> column_roles(["目標", "施策", "概要", "担当部署", "R2年度実績", "R3年度計画", "R3年度実績", "評価", "コメント"],
    ...              declared={"施策": "initiative"})[:3]
    ['objective', 'initiative', 'summary']
    """
    known = _declared_keys(declared)
    roles: list[str | None] = [_role_of(n, known) for n in names]
    unknown = [i for i, r in enumerate(roles) if r is None]
    if unknown:
        guesses = {names[i]: _guess(names, roles, i) for i in unknown}
        cols = dict(declared.columns if isinstance(declared, Layout) else (declared or {}))
        cols.update({n: g or "ROLE" for n, g in guesses.items()})
        about = "; ".join(
            (f"it stands where the {g} column ({ROLE_NAMES_JA[g]}) is expected" if len(guesses) == 1 else
             f"{n!r} stands where the {g} column ({ROLE_NAMES_JA[g]}) is expected") if g else
            ("its role cannot be told from its place: replace ROLE" if len(guesses) == 1 else
             f"{n!r}: its role cannot be told from its place, replace ROLE")
            for n, g in guesses.items())
        many = len(unknown) > 1
        raise LayoutError(
            f"column header names {', '.join(repr(names[i]) for i in unknown)}, which {'are' if many else 'is'} "
            f"no column name{'s' if many else ''} the reader knows ({about})",
            fix={**_fix_base(declared), "columns": cols},
        )
    # period columns: prior, plan, result in print order
    periods = [i for i, r in enumerate(roles) if r == "period" or r in PERIOD_ROLES]
    declared_periods = [roles[i] for i in periods if roles[i] in PERIOD_ROLES]
    if len(periods) != 3:
        raise LayoutError(f"column header names {len(periods)} periods (…年度…), expected 3"
                          + (f": {', '.join(repr(names[i]) for i in periods)}" if periods else ""))
    if declared_periods and [roles[i] for i in periods if roles[i] != "period"] != [
            PERIOD_ROLES[k] for k, i in enumerate(periods) if roles[i] != "period"]:
        raise LayoutError("the declared period columns are not in the order prior, plan, result: "
                          + ", ".join(f"{names[i]!r}: {roles[i]}" for i in periods))
    out = list(roles)
    for k, i in enumerate(periods):
        out[i] = PERIOD_ROLES[k]
        parse_fiscal_year(names[i])  # a declared period name must print its year too
    plan = names[periods[1]]
    if period_status(plan, role=roles[periods[1]] if roles[periods[1]] != "period" else None) != "plan":
        raise LayoutError(f"second period column {plan!r} is not a plan (計画)")
    for i in (periods[0], periods[2]):
        if period_status(names[i], role=roles[i] if roles[i] != "period" else None) is None:
            raise LayoutError(f"period column {names[i]!r} says neither 計画, 実績 nor 見込み")
    seen: dict[str, int] = {}
    for i, r in enumerate(out):
        if r in seen:
            raise LayoutError(f"column header names the {r} column ({ROLE_NAMES_JA[r]}) twice: "
                              f"{names[seen[r]]!r} and {names[i]!r}")
        seen[r] = i
    missing = [r for r in REQUIRED_ROLES if r not in seen]
    if missing:
        raise LayoutError("column header names no " + ", no ".join(
            f"{r} column ({ROLE_NAMES_JA[r]})" for r in missing) + f"; it names {', '.join(map(repr, names))}")
    order = [ROLES.index(r) for r in out]  # type: ignore[arg-type]
    if order != sorted(order):
        raise LayoutError("columns printed in an order the reader cannot follow: "
                          + ", ".join(f"{n!r} ({r})" for n, r in zip(names, out))
                          + f"; expected the order {', '.join(r for r in ROLES if r in seen)}")
    return out  # type: ignore[return-value]


def _fix_base(declared) -> dict:
    if isinstance(declared, Layout) and declared.header_first_line is not None:
        return {"header_first_line": declared.header_first_line}
    return {}


# --------------------------------------------------------------------------
# Where the column headers are
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class HeaderSpan:
    """One page's column header, as found in the text.

    Attributes:
        first: 1-based number of its first line.
        last: 1-based number of its last line.
        lines: the numbers of its non-blank lines (blank lines between them belong to it too).
        names: the column names as printed, left to right (a period name joined from its words).
        roles: the role of each name (:func:`column_roles`).
    """

    first: int
    last: int
    lines: tuple[int, ...]
    names: tuple[str, ...]
    roles: tuple[str, ...]


_SEP_RE = re.compile(r"[ \t]+")
_NOT_A_NAME_RE = re.compile(r"^[(〔【\[]|\d")  # a heading （１）…, the legend 〔評価の指標〕, a line with a figure


def _known(token: str, known: Mapping[str, str]) -> bool:
    key, role, period, status = _word_class(token)
    return role is not None or period or status or key in known


def header_words(line: str, *, declared: "Layout | Mapping[str, str] | None" = None) -> list[str]:
    """The words of one header line as printed, split where the columns are.

    Words are separated by ASCII blanks (as the dump separates cells).  A word the reader does not
    know is split at other blanks (U+3000) when all its parts are known, and joined with the
    following words when together they are a known name (``具体的な 取り組み・事業``).

    >>> header_words(" 目標 具体的な取り組み・事業 概要 担当部署 2020年度（実績） 2021年度計画")
    ['目標', '具体的な取り組み・事業', '概要', '担当部署', '2020年度（実績）', '2021年度計画']
    >>> header_words("評価\u3000コメント・課題等\u3000備考"), header_words("具体的な 取組・事業 概要")
    (['評価', 'コメント・課題等', '備考'], ['具体的な取組・事業', '概要'])
    """
    return _header_words(line, _declared_keys(declared))


def _may_be_known(word: str) -> bool:
    """Cheap (no NFKC) test that a printed word may be a column name, a period name or a status word.

    False only for a word that is NFKC-normalised, no known spelling nor the beginning of one, and
    holds no year, status word or zero-width character: such a word is not read as a column name.
    """
    return (word in _VOCABULARY_KEYS or word in _VOCABULARY_PREFIXES or bool(_MAYBE_RE.search(word))
            or not unicodedata.is_normalized("NFKC", word))


def _begins_a_name(key: str, known: Mapping[str, str]) -> bool:
    return key in _VOCABULARY_PREFIXES or any(k.startswith(key) and k != key for k in known)


def _header_words(line: str, known: Mapping[str, str]) -> list[str]:
    words = [w for w in _SEP_RE.split(line) if w]
    if len(words) > HEADER_MAX_WORDS:
        return words
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if not _known(w, known):
            parts = w.split()
            if len(parts) > 1 and all(_known(p, known) for p in parts):
                out += parts
                i += 1
                continue
            # a name printed with blanks inside (具体的な 取り組み・事業): join while the words still
            # begin a known name, keep the longest join that is one
            joined, key, best = w, _word_class(w)[0], None
            for m in range(1, min(4, len(words) - i)):
                if not _begins_a_name(key, known):
                    break
                joined += words[i + m]
                key = _word_class(joined)[0]
                if _known(joined, known):
                    best = (joined, m)
            if best is not None:
                w, i = best[0], i + best[1]
        out.append(w)
        i += 1
    return out


def header_names(words: list[str]) -> list[str]:
    """Column names from a header's words in print order: a status word completes a period name.

    A status word alone (``（見込み）``, ``実績``) goes to the first period name that says no
    status yet (a two-row header prints the years above their statuses), or else continues the
    period name just before it (``2021年度実績`` / ``（見込み）`` on the next line).

    >>> header_names(["担当部署", "2020年度（実績）", "2021年度計画", "2021年度実績", "（見込み）", "評価"])
    ['担当部署', '2020年度（実績）', '2021年度計画', '2021年度実績（見込み）', '評価']
    >>> header_names(["令和2年度", "令和3年度", "令和3年度", "実績", "計画", "実績（見込み）"])
    ['令和2年度実績', '令和3年度計画', '令和3年度実績（見込み）']
    """
    names: list[str] = []
    pending: list[int] = []  # period names without a status word yet
    for w in words:
        _, _, period, status = _word_class(w)
        if names and status and not period:
            if pending:
                names[pending.pop(0)] += w
                continue
            if _word_class(names[-1])[2]:
                names[-1] += w
                continue
        names.append(w)
        if period and period_status(w) is None:
            pending.append(len(names) - 1)
    return names


def _line_facts(line: str, known: Mapping[str, str]) -> tuple[list[str], int, int, set[str]] | None:
    """(words, known words, period words, vocabulary roles) of a line that may belong to a header, else None."""
    return _line_facts_cached(line, tuple(known.items()))


@lru_cache(maxsize=4096)
def _line_facts_cached(line: str, known_items: tuple) -> tuple[list[str], int, int, set[str]] | None:
    """:func:`_line_facts`; a page header repeats the same lines page after page (callers do not modify the result)."""
    known = dict(known_items)
    raw = [w for w in _SEP_RE.split(line) if w]
    if not raw or len(raw) > HEADER_MAX_WORDS or 2 * sum(map(_may_be_known, raw)) < len(raw) - 3 * sum(
            w in known for w in raw):
        return None  # most words cannot be column names: not a header line (checked before any NFKC)
    words = _header_words(line, known)
    n_known = n_period = 0
    roles: set[str] = set()
    for w in words:
        key, role, period, status = _word_class(w)
        role = known.get(key) or role
        if role is not None:
            n_known += 1
            if role in PERIOD_ROLES:
                n_period += 1
            else:
                roles.add(role)
        elif period:
            n_known += 1
            n_period += 1
        elif status:
            n_known += 1
    if n_known == 0 or 2 * n_known < len(words):
        return None
    return words, n_known, n_period, roles


def _grow(lines: list[str], at: int, known: Mapping[str, str], *, up: bool, first_free: bool = False,
          floor: int = 0, cache: dict | None = None) -> list[int]:
    """0-based indices of the header lines around line ``at``: neighbours (at most
    :data:`HEADER_MAX_GAP` blank lines apart) that name columns, no role twice, at most 3 periods,
    the whole within :data:`HEADER_MAX_LINES` lines, none before ``floor``.

    ``first_free``: line ``at`` is a declared first line: it belongs to the header whatever its
    words, and blank lines (any number within :data:`HEADER_MAX_LINES`) do not end the header."""
    max_gap = HEADER_MAX_LINES if first_free else HEADER_MAX_GAP

    def facts_of(k: int):
        if cache is None:
            return _line_facts(lines[k], known)
        if k not in cache:
            cache[k] = _line_facts(lines[k], known)
        return cache[k]

    facts = facts_of(at)
    if facts is None:
        if not first_free:
            return []
        facts = (_header_words(lines[at], known), 0, 0, set())
    members = [at]
    lo = hi = at
    roles, periods = set(facts[3]), facts[2]
    for step in ((-1, 1) if up else (1,)):
        j = at
        while True:
            k, gap = j + step, 0
            while floor <= k < len(lines) and not lines[k].strip() and gap <= max_gap:
                k, gap = k + step, gap + 1
            if not (floor <= k < len(lines)) or gap > max_gap:
                break
            if max(hi, k) - min(lo, k) >= HEADER_MAX_LINES:
                break
            f = facts_of(k)
            if f is None or f[3] & roles or periods + f[2] > 3:
                break
            roles |= f[3]
            periods += f[2]
            members.append(k)
            lo, hi, j = min(lo, k), max(hi, k), k
    return sorted(members)


def _neighbour_words(lines: list[str], members: list[int]) -> dict[int, list[str]]:
    """Single-word lines right next to a header run (the header's words one per line, one of them
    unforeseen): 0-based index -> its word.  Used to name them in a refusal."""
    out = {}
    for start, step in ((members[0], -1), (members[-1], 1)):
        k, gap = start + step, 0
        while 0 <= k < len(lines) and gap <= HEADER_MAX_GAP:
            text = lines[k].strip()
            if not text:
                gap += 1
            elif len(text) > 20 or any(c in text for c in " \t\u3000。") or _NOT_A_NAME_RE.search(name_key(text)):
                break
            else:
                out[k] = [text]
                gap = 0
            k += step
    return out


@lru_cache(maxsize=256)
def _column_roles_cached(names: tuple[str, ...], declared: "Layout | None") -> list[str]:
    """:func:`column_roles` of a header printed again on the next page (a LayoutError is not cached)."""
    return column_roles(list(names), declared=declared)


def _read_span(lines: list[str], members: list[int], declared: "Layout | None") -> HeaderSpan:
    """The header made of ``members``; LayoutError (at its first line) when its names cannot be read."""
    known = declared.keys() if declared is not None else {}
    words = [w for k in members for w in (_line_facts(lines[k], known) or (_header_words(lines[k], known),))[0]]
    names = header_names(words)
    try:
        roles = _column_roles_cached(tuple(names), declared)
    except LayoutError as e:
        near = _neighbour_words(lines, members)
        if near and e.fix is None:  # an unforeseen name on its own line next to the header: name it
            rows = sorted([(k, header_words(lines[k], declared=declared)) for k in members] + list(near.items()))
            try:
                column_roles(header_names([w for _, ws in rows for w in ws]), declared=declared)
            except LayoutError as e2:
                if e2.fix is not None:
                    raise e2.at(min(rows)[0] + 1) from None
        if e.fix is None and e.message.startswith("column header names no "):
            e.fix = {**_fix_base(declared), "header_first_line": _first_words(words),
                     **({"columns": dict(declared.columns)} if declared is not None and declared.columns else {})}
            e.message += (" (if the header goes on further down, past blank lines or other text, declare "
                          "where it starts)")
            e.args = (e.explain(),)
        raise e.at(members[0] + 1) from None
    return HeaderSpan(members[0] + 1, members[-1] + 1, tuple(k + 1 for k in members), tuple(names), tuple(roles))


def _first_words(words: list[str]) -> str:
    """The header's words before its first period column (they repeat on every page), else all of its first words."""
    head = []
    for w in words:
        if is_period_label(w):
            break
        head.append(w)
    return " ".join(head or words[:4])


def find_headers(lines: list[str], *, declared: "Layout | None" = None) -> list[HeaderSpan]:
    """Every page's column header: a line, or a run of lines, naming the period columns and a grade column.

    A header line is a line of which at least half the words are column names (the vocabulary,
    the declared names, period names such as ``2021年度計画`` and their status words such as
    ``（見込み）``).  A header grows from a line naming a period column to the header lines
    around it (at most :data:`HEADER_MAX_GAP` blank lines apart, no column named twice); it is a
    header when it names a period column and a grade column (評価).  With a declared
    ``header_first_line``, a header also starts at every line beginning with that text (compared
    by :func:`name_key`), takes that line whatever its words, and reads on past blank lines.

    Args:
        lines: the report's lines (:func:`helpers.read.extract.normalise_lines`).
        declared: the layout declared in the sidecar, if any.

    Returns:
        The headers in file order (each checked by :func:`column_roles`).

    Raises:
        LayoutError: a header (or a run of lines that names period columns and other columns but
            no grade column) whose names cannot be read, naming its first line; no header at all;
            a declared first line that is not in the file, or a declared name in no header.

    >>> lines = [" 目標 具体的な取り組み・事業 概要 担当部署 2020年度（実績） 2021年度計画", "2021年度実績",
    ...          "（見込み）", "", "評価 コメント・課題等 備考", "", "（１）妊娠期からの切れ目ない支援"]
    >>> [(h.first, h.last, h.lines) for h in find_headers(lines)]
    [(1, 5, (1, 2, 3, 5))]
    >>> find_headers(lines)[0].names[4:7]
    ('2020年度（実績）', '2021年度計画', '2021年度実績（見込み）')
    """
    known = declared.keys() if declared is not None else {}
    spans: list[HeaderSpan] = []
    first_key = name_key(declared.header_first_line) if declared and declared.header_first_line else None
    declared_first = False
    cache: dict[int, tuple | None] = {}  # line index -> _line_facts
    floor = 0  # a later header starts after the last run read
    # the lines a header can start from: a declared first line, or a line holding a year (…年度)
    starts = {i for i, line in enumerate(lines) if "年度" in line and _YEAR_HINT_RE.search(line)}
    firsts = {i for i, line in enumerate(lines) if line and name_key(line).startswith(first_key)} if first_key else set()
    for i in sorted(starts | firsts):
        if i < floor:
            continue
        at_declared = i in firsts
        if at_declared:
            members = _grow(lines, i, known, up=False, first_free=True, cache=cache)
            declared_first = True
        else:
            if i not in cache:
                cache[i] = _line_facts(lines[i], known)
            facts = cache[i]
            if facts is None or facts[2] == 0:
                continue
            members = _grow(lines, i, known, up=True, floor=floor, cache=cache)
        member_facts = [cache.get(k) or _line_facts(lines[k], known) or ((), 0, 0, set()) for k in members]
        named = {r for f in member_facts for r in f[3]}
        n_period = sum(f[2] for f in member_facts)
        if "grade" in named or at_declared:
            spans.append(_read_span(lines, members, declared))
        elif n_period and named:  # period columns and other columns, but no grade column: refused, not body text
            _read_span(lines, members, declared)
        floor = members[-1] + 1
    if first_key is not None and not declared_first:
        raise LayoutError(f"the declared header_first_line {declared.header_first_line!r} is not a line of the file")
    if not spans:
        raise LayoutError("no evaluation table: no column header found (a line or run of lines naming three "
                          "period columns such as 2021年度計画 and a grade column 評価)", fix=_header_hint(lines, known))
    if declared is not None:
        seen = {name_key(n) for h in spans for n in h.names}
        missing = [n for n in declared.columns if name_key(n) not in seen]
        if missing:
            raise LayoutError(f"the sidecar's \"{LAYOUT_KEY}\" declares the column name{'s' if len(missing) > 1 else ''} "
                              f"{', '.join(map(repr, missing))}, which {'are' if len(missing) > 1 else 'is'} in no column "
                              f"header of the file (headers at lines {', '.join(str(h.first) for h in spans)})")
    return spans


HINT_LINES = 1_000  # a refusal proposes a header_first_line from the first lines of the file only
_VOCABULARY_RE = re.compile("|".join(sorted((re.escape(s) for v in COLUMN_VOCABULARY.values() for s in v),
                                            key=len, reverse=True)))


def _header_hint(lines: list[str], known: Mapping[str, str]) -> dict | None:
    """For a file without a header: the first line naming two or more columns, as a declaration to check."""
    for line in lines[:HINT_LINES]:
        if not line or len(line) > 300 or not _VOCABULARY_RE.search(line):
            continue
        words = header_words(line, declared=known)
        if sum(_known(w, known) for w in words) >= 2:
            unknown = {w: "ROLE" for w in words if not _known(w, known)}
            return {"header_first_line": _first_words(words), **({"columns": unknown} if unknown else {})}
    return None


# --------------------------------------------------------------------------
# The declaration in the sidecar
# --------------------------------------------------------------------------
def declared_layout(sidecar: Mapping | None) -> Layout | None:
    """The layout a report's sidecar declares under ``"layout"``, checked; ``None`` when it declares none.

    ``"layout"`` is a JSON object with the keys of :data:`LAYOUT_KEYS`: ``"columns"`` (printed
    column name → role, one of :data:`ROLES`) and ``"header_first_line"`` (the text of the column
    header's first line).  Whether the declared names and line are in the report is checked when
    the report is read (:func:`find_headers`).

    Args:
        sidecar: the whole sidecar object (:func:`helpers.read.sidecar.load_sidecar`), or ``None``.

    Raises:
        LayoutError: an unknown key, a role that is not one of :data:`ROLES`, or a value of the wrong type.

    >>> declared_layout({"municipality": "新潟市南区", "layout": {"columns": {"施策": "initiative"}}})
    Layout(columns={'施策': 'initiative'}, header_first_line=None)
    >>> declared_layout({"layout": {"columns": {"施策": "initative"}}})
    Traceback (most recent call last):
    helpers.read.layout.LayoutError: "layout": declared column '施策' has the role 'initative', which is not a role; roles are: objective, initiative, summary, department, prior, plan, result, grade, comment, remarks
    """
    if not sidecar or LAYOUT_KEY not in sidecar:
        return None
    value = sidecar[LAYOUT_KEY]
    where = f'"{LAYOUT_KEY}"'
    if not isinstance(value, dict):
        raise LayoutError(f'{where} must be a JSON object such as {{"columns": {{"施策": "initiative"}}}}, '
                          f"got {type(value).__name__}")
    extra = [k for k in value if k not in LAYOUT_KEYS]
    if extra:
        raise LayoutError(f"{where}: unknown key{'s' if len(extra) > 1 else ''} {', '.join(map(repr, extra))}; "
                          f"the keys are: " + "; ".join(f"{k} ({v})" for k, v in LAYOUT_KEYS.items()))
    columns = value.get("columns", {})
    if not isinstance(columns, dict):
        raise LayoutError(f'{where}: "columns" must be a JSON object {{printed name: role}}, got {type(columns).__name__}')
    if len(columns) > MAX_DECLARED_COLUMNS:
        raise LayoutError(f'{where}: "columns" declares {len(columns):,} names; a table has a dozen columns '
                          f"(at most {MAX_DECLARED_COLUMNS} are read)")
    for name, role in columns.items():
        if len(name) > MAX_DECLARED_CHARS:
            raise LayoutError(f'{where}: a declared column name of {len(name):,} characters (at most {MAX_DECLARED_CHARS})')
        if not isinstance(role, str):
            raise LayoutError(f'{where}: the role of {name!r} must be a string, got {type(role).__name__}')
        if not name_key(name):
            raise LayoutError(f'{where}: an empty column name is declared (role {role!r})')
    first = value.get("header_first_line")
    if first is not None and (not isinstance(first, str) or len(first) > MAX_DECLARED_CHARS or not name_key(first)):
        shown = first[:60] + "…" if isinstance(first, str) and len(first) > 60 else first
        raise LayoutError(f'{where}: "header_first_line" must be the text of a line (at most {MAX_DECLARED_CHARS} '
                          f"characters), got {shown!r}")
    try:
        _declared_keys(columns)
    except LayoutError as e:
        raise LayoutError(f"{where}: {e.message}") from None
    return Layout(columns=dict(columns), header_first_line=first)
