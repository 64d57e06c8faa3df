"""Stage 1 — *extract*: report text → pages → rows of cells, keeping the source.

The evaluation report reaches us as a PDF-to-text dump.  Nothing in it marks a
column: a cell is a run of lines, cells are separated by blank lines *or* share
one line separated by ASCII spaces, and page furniture (column header, grade
legend, footers) is printed wherever the PDF happened to store it.  This module
recovers the table with small, named rules, one per layout concern, and keeps,
for every piece of text, the line number (and the position within the line)
it came from.  It does not rename, normalise or type anything; that is
:mod:`helpers.read.tidy`'s job.

Vocabulary used below
    *line*      a line of the input, numbered from 1 as ``cat -n`` does.
    *fragment*  a line, or one of the space-separated cells of a line that
                holds several cells (``社会福祉協議会 1回 2回 2回 A``).
    *block*     consecutive fragments without a blank line between them.
    *region*    everything between one grade (評価) and the next: the tail of
                the previous row (comment, remarks) and the head, department
                and period cells of the next row.

Layout rules (each one is a function below, each has a test):

1. **Page furniture** — the column header starts a page and names the three
   periods.  It is read, not matched (:mod:`helpers.read.layout`): a line or run
   of lines naming period columns (``2020年度（実績）``, ``令和3年度計画`` …) and a
   grade column (評価), each printed name mapped to its role through one
   vocabulary (``取組`` or ``具体的な取り組み・事業``, ``担当課`` or ``担当部署`` …),
   or through the layout declared in the report's sidecar; a header without
   備考 has no remarks (rule 7).  ``〔評価の指標〕`` is the grade legend;
   ``基本目標 …`` / ``分野別計画 …`` are footers naming the page's section. They
   may be printed before or after the body of their page.
2. **Objective headings** ``（１）…`` start a new objective (目標).
3. **Grades** anchor rows: a fragment that is exactly one of A–D (half- or
   full-width) ends a row's period cells; text after it on the same line is
   the start of the comment.
4. **Departments** follow the summary: the first fragment after a fragment
   ending in ``。`` that looks like a department name (no digits, no spaces,
   ends with 課/会/センター/法人/員/…; a name wrapped over two lines such as
   ``社会福祉協議`` / ``会`` is one department).
5. **Head** (initiative + summary): the summary is the block ending at that
   ``。``.  The initiative is the block printed before it (separated by a blank
   line) when that block does not end with ``。`` and is not glued to the
   previous grade line; otherwise it is the summary block's first line, or the
   first space-separated part of that line.
6. **Period cells**: three cells between department and grade.  A blank line
   or a line holding several cells closes a cell.  When the text yields more
   than three, the extra trailing blocks continue the last cell (a cell
   interrupted by a blank line); when it yields two, the fused cell is split
   where a line repeats the first label of another period cell.
7. **Tail**: the first block after a grade is the comment.  A further block at
   the end of a page is either the *vertically merged initiative* of the rows
   on that page that print no initiative of their own (rows whose first line
   runs the full width of the summary column), or otherwise the remarks
   (備考) of the page's last row — unplaced when the page's header names no 備考.

Anything these rules cannot place is reported as *unplaced*, never dropped.

Before the rules run, :func:`normalise_lines` reads every line the same way whatever tool made
the dump: a form feed at a line's start (``pdftotext``'s page break) is dropped, whitespace- or
zero-width-only lines are blank, and control characters or over-long lines are refused with
their line number (issue 7 §3; docs/safety.md).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .layout import (
    PERIOD_ROLES,
    HeaderSpan,
    Layout,
    LayoutError,
    find_headers,
    header_names,
    header_words,
    is_period_label,
    parse_fiscal_year,
    period_status,
)

__all__ = [
    "Fragment",
    "Period",
    "RawRow",
    "Extraction",
    "ReportError",
    "decode_report",
    "split_lines",
    "normalise_lines",
    "is_blank",
    "escape_text",
    "MAX_LINE_CHARS",
    "parse_period_header",
    "parse_grade_legend",
    "split_departments",
    "is_department_name",
    "extract_report",
]

# --------------------------------------------------------------------------
# Layout vocabulary of this kind of report (not year- or section-specific).
# --------------------------------------------------------------------------
# The column header is read, not matched: its vocabulary, the era table and the rules that find it
# are in helpers.read.layout (COLUMN_VOCABULARY, ERAS, find_headers, column_roles).
LEGEND_MARK = "〔評価の指標〕"  # the grade legend printed on every page
FOOTER_GOAL = "基本目標"  # footer: basic goal of the section
FOOTER_PLAN = "分野別計画"  # footer: field plan of the section
RELISTED_MARK = "(再掲)"  # NFKC form of （再掲）, "printed again"
GRADES = "ABCD"
DEPARTMENT_SUFFIXES = (
    "課", "係", "室", "所", "局", "部", "会", "センター", "法人", "員", "団体", "組合",
)
PERIOD_KEYS = PERIOD_ROLES  # prior, plan, result

_OBJECTIVE_RE = re.compile(r"^[(]\s*(?P<no>\d{1,2})\s*[)]\s*(?P<title>\D.*)$")
_GRADE_RE = re.compile(r"^[A-DＡ-Ｄ]$")
_SPACES_RE = re.compile(r" +")


class ReportError(Exception):
    """An input that is not a readable evaluation report (exit code 2).

    Attributes:
        path: the file concerned.
        line: 1-based line number, when one line is to blame.
    """

    def __init__(self, path: str | Path, message: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        self.message = message
        shown = _PATH_ESCAPE_RE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), self.path)
        where = f"{shown}:{line}" if line else shown  # a file name is echoed escaped, like report text
        super().__init__(f"{where}: {message}")

    @classmethod
    def from_layout(cls, path: str | Path, error: LayoutError, line: int | None = None) -> "ReportError":
        """The refusal of a report whose column header (or declared layout) cannot be read.

        Names the report's sidecar in the way forward (the ``"layout"`` JSON to add); every
        reader (text dump, PDF) refuses a header the same way.

        Args:
            path: the report file.
            error: what :mod:`helpers.read.layout` raised.
            line: the line (or page) to blame when the error names none.
        """
        return cls(path, error.explain(_sidecar_name(str(path))), error.line or line)


class Fragment(NamedTuple):
    """A piece of source text: a whole line or one cell of a multi-cell line.

    Immutable and hashable like the frozen dataclass it was, but four times cheaper to create
    (a report makes about 900; issue 16 §2).

    Attributes:
        line_no: 1-based line number in the input file.
        part: 0-based position of the fragment within its line.
        text: the text as printed, without the separating ASCII spaces.
        nparts: how many fragments the line was split into.
    """

    line_no: int
    part: int
    text: str
    nparts: int = 1


@dataclass(frozen=True)
class Period:
    """One of the three period columns, as named by a page's column header."""

    key: str  # prior / plan / result
    year: int  # fiscal year (年度)
    status: str  # actual / plan / estimate
    label: str  # the header text as printed, e.g. 2021年度実績（見込み）


@dataclass
class RawRow:
    """One printed table row, every cell a list of fragments (source order)."""

    page: int
    section_key: tuple[str, str]  # (basic goal, field plan) from the page footers
    objective_no: int
    objective: str
    objective_line: int
    periods: tuple[Period, Period, Period]
    cells: dict[str, list[Fragment]] = field(default_factory=dict)
    initiative_merged: bool = False  # initiative printed once for several rows
    layout_notes: list[str] = field(default_factory=list)
    # other cells printed once for several rows (the PDF reader: a merged 担当部署, 概要, コメント or 備考
    # cell): each row holds the cell, source_lines records it once, with the first row
    merged_fields: frozenset[str] = frozenset()
    # the head's first line, and whether the initiative was taken from it (rule 5's
    # fallback): such a row may turn out to belong to a vertically merged cell (rule 7)
    head_first: Fragment | None = field(default=None, repr=False)
    initiative_inferred: bool = field(default=False, repr=False)

    def lines(self) -> list[int]:
        """Line numbers of the row's own fragments (merged cells excluded)."""
        return sorted(
            {f.line_no for k, frags in self.cells.items() for f in frags
             if not ((k == "initiative" and self.initiative_merged) or k in self.merged_fields)}
        )


@dataclass
class Extraction:
    """Everything :func:`extract_report` learned from one file."""

    path: str
    n_lines: int
    rows: list[RawRow]
    boilerplate: dict[int, str]  # line_no -> kind (preamble, header, legend, footer, objective)
    unplaced: list[Fragment]
    legend: list[dict]
    periods_by_page: list[tuple[Period, Period, Period]]
    sections: list[tuple[str, str]]  # in order of first appearance
    encoding: str = "utf-8"


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------
def decode_report(data: bytes, *, path: str | Path = "<bytes>", encoding: str | None = None) -> tuple[str, str]:
    """Decode report bytes: UTF-8 (with or without BOM), else CP932/Shift_JIS.

    Args:
        data: the raw file content.
        path: used in error messages only.
        encoding: force an encoding instead of detecting it.

    Returns:
        ``(text, encoding_used)``.

    Raises:
        ReportError: empty, binary, or undecodable input.

    >>> decode_report("子育て広場".encode("cp932"))
    ('子育て広場', 'cp932')
    >>> decode_report(b"\\xef\\xbb\\xbf" + "評価".encode())
    ('評価', 'utf-8-sig')
    """
    if not data.strip():
        raise ReportError(path, "the file is empty")
    if b"\x00" in data[:8192]:
        raise ReportError(path, "the file is binary (NUL bytes), expected a text dump of the report")
    candidates = [encoding] if encoding else ["utf-8-sig", "cp932"]
    first_error: UnicodeDecodeError | None = None
    shift = 0  # utf-8-sig reports offsets after the BOM
    for enc in candidates:
        try:
            text = data.decode(enc)
        except LookupError:
            raise ReportError(path, f"unknown encoding {enc!r}") from None
        except UnicodeDecodeError as e:
            if first_error is None:
                first_error, shift = e, 3 if enc == "utf-8-sig" and data.startswith(b"\xef\xbb\xbf") else 0
            continue
        if enc == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf"):
            enc = "utf-8"
        return text, enc
    tried = " or ".join(candidates)
    where, detail = None, ""
    if first_error is not None:  # where the first candidate (UTF-8 unless forced) fails
        at = first_error.start + shift
        head = data[:at]
        where = head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1  # as split_lines counts
        detail = f" (byte 0x{data[at]:02x} at byte offset {at}, line {where}, is not valid {first_error.encoding})"
    raise ReportError(path, f"cannot decode the file as {tried}{detail}; pass --encoding", line=where)


def split_lines(text: str) -> list[str]:
    """Split on LF, CRLF or CR only (not on form feeds etc.), as ``cat -n`` counts.

    >>> split_lines("a\\r\\nb\\rc\\n")
    ['a', 'b', 'c']
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# Input hygiene (issue 7 §3): one normalisation step shared by extract, tidy and the checks.
MAX_LINE_CHARS = 5_000  # the longest line of the committed report has 73 characters; a longer one is refused
MAX_UNPLACED_LINES = 1_000  # more lines than this that fit no cell: refused as a whole, not listed
#: the document's own title above the table (「令和3年度 南区地域福祉計画 進捗状況評価」, a date, a ward name):
#: up to this many non-blank lines before the first column header are recorded as role "preamble" and
#: printed by the run; more than this (a cover page, an introduction) stay unplaced, so the run refuses
#: rather than swallow pages of text that might hold table rows.
MAX_PREAMBLE_LINES = 10
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width space/joiners, word joiner, BOM
_ZERO_WIDTH_RE = re.compile(f"[{ZERO_WIDTH}]")
_BLANK_RE = re.compile(f"[\\s{ZERO_WIDTH}]*+")
# C0/C1 controls (TAB and a line-leading form feed aside), line/paragraph separators, bidi
# embeddings/overrides/isolates: never passed on, the file is refused at the first one.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# in a file name echoed in a message: the same, plus TAB, LF and the surrogates of undecodable bytes
_PATH_ESCAPE_RE = re.compile(f"[\t\n\ud800-\udfff]|{_CONTROL_RE.pattern}")


def merged_cell_note(field: str, rows: int) -> str:
    """The ``layout_note`` of a row whose ``field`` cell is one merged cell over ``rows`` rows (the PDF reader).

    The one wording the reader writes and :func:`helpers.read.tidy.validate_tables` recognises
    (:func:`names_merged_cell`): a merged cell's lines are recorded once, with its first row.

    >>> note = merged_cell_note("department", 5); note
    'department in a vertically merged cell over 5 rows'
    >>> names_merged_cell("row broken across pages 1–2; " + note, "department"), names_merged_cell(note, "comment")
    (True, False)
    """
    return f"{field} in a vertically merged cell over {rows} rows"


def names_merged_cell(note: str | None, field: str) -> bool:
    """Does ``layout_note`` say that the row's ``field`` cell is a merged cell (:func:`merged_cell_note`)?"""
    return isinstance(note, str) and f"{field} in a vertically merged cell over " in note


def escape_text(text: str, limit: int = 60) -> str:
    r"""Source text made safe to echo in a message: controls escaped, cut to ``limit`` characters.

    >>> escape_text("ab\x1b[31mcd")
    "'ab\\x1b[31mcd'"
    >>> escape_text("あ" * 100, limit=5)
    "'あああああ…' (100 characters)"
    """
    cut = text[:limit]
    shown = "".join(ch.encode("unicode_escape").decode("ascii") if _CONTROL_RE.match(ch) or ch in ZERO_WIDTH
                    else ch for ch in cut)
    return f"'{shown}…' ({len(text):,} characters)" if len(text) > limit else f"'{shown}'"


def is_blank(line: str) -> bool:
    r"""Whitespace only (spaces, tabs, U+3000, NBSP…) or zero-width characters only: a blank line.

    >>> [is_blank(t) for t in ["", " \t", "\u3000", "\u00a0", "\u200b\ufeff", "A"]]
    [True, True, True, True, True, False]
    """
    # a line whose first character is neither whitespace nor zero-width is not blank: no regex needed
    return not line or ((line[0].isspace() or line[0] in ZERO_WIDTH) and bool(_BLANK_RE.fullmatch(line)))


def normalise_lines(lines: list[str], *, path: str | Path = "<text>") -> list[str]:
    r"""The lines as the rules read them; line numbers (and every other character) unchanged.

    * a form feed at the start of a line is the page break of ``pdftotext``: removed (pages are
      recognised by their column header);
    * a line of whitespace and zero-width characters only is blank: it becomes ``""``;
    * any other control character (C0/C1, form feed inside a line, NUL, ESC, U+0085, U+2028,
      U+2029, bidi overrides) or a line over :data:`MAX_LINE_CHARS` characters is refused.

    Raises:
        ReportError: naming the line, the column and the character, with an escaped excerpt.

    >>> normalise_lines(["\f 目標", "\u3000\u3000", "\f", "健康福祉課  "])
    [' 目標', '', '', '健康福祉課  ']
    >>> normalise_lines(["ok", "a\x1bb"], path="r.txt")
    Traceback (most recent call last):
    helpers.read.extract.ReportError: r.txt:2: control character U+001B at column 2 ('a\x1bb'); a report line holds text only: remove it (or export the text again) and rerun
    """
    out = []
    # fast path: one scan of the whole text finds whether any line needs a closer look
    suspect = max(map(len, lines), default=0) > MAX_LINE_CHARS or bool(_CONTROL_RE.search("\n".join(lines)))
    if not suspect:
        return ["" if is_blank(line) else line for line in lines]
    for no, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            raise ReportError(path, f"line of {len(line):,} characters (at most {MAX_LINE_CHARS:,} are read): "
                                    f"{escape_text(line)}; not a text dump of a printed table", no)
        text = line.lstrip("\f")
        m = _CONTROL_RE.search(text)
        if m:
            ch = m.group()
            raise ReportError(
                path,
                f"control character U+{ord(ch):04X} at column {len(line) - len(text) + m.start() + 1} "
                f"({escape_text(text[max(0, m.start() - 30): m.start() + 30])}); a report line holds text only: "
                "remove it (or export the text again) and rerun",
                no,
            )
        out.append("" if is_blank(text) else text)
    return out


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``: the one NFKC of the read and collect stages.

    (Already fast on text that is NFKC: CPython's quick check returns it unchanged. Translating
    full-width characters first was measured slower, 1.3 ms against 0.7 ms a report.)
    """
    return unicodedata.normalize("NFKC", text)


def _nfkc(text: str) -> str:
    """Comparison form: NFKC, zero-width characters (ZWSP, BOM …) removed."""
    text = nfkc(text)
    return _ZERO_WIDTH_RE.sub("", text) if _ZERO_WIDTH_RE.search(text) else text


_nfkc_cached = lru_cache(maxsize=4096)(_nfkc)
_nfkc_char = lru_cache(maxsize=8192)(_nfkc)  # one character's NFKC (headings are read character by character)


def _display_width(text: str) -> int:
    """Columns a text takes when printed: 2 for a full-width or wide character (F, W), else 1.

    >>> _display_width("子育て広場　38回 延べ397")  # line 201: 9 wide characters, 6 narrow ones
    24
    """
    widths = list(map(unicodedata.east_asian_width, text))  # (counted in C, not character by character)
    return len(widths) + widths.count("F") + widths.count("W")


# --------------------------------------------------------------------------
# Page furniture
# --------------------------------------------------------------------------
def parse_period_header(header: str, *, path: str | Path = "<text>", line: int | None = None) -> tuple[Period, Period, Period]:
    """Name the three period columns from a column header as printed (its lines joined by blanks).

    Years and actual/estimate status come from the header itself, in any notation
    (:func:`helpers.read.layout.parse_fiscal_year`), so a report for other years needs no change.

    >>> p = parse_period_header("目標 具体的な取り組み・事業 概要 担当部署 2020年度（実績） 2021年度計画 "
    ...                         "2021年度実績 （見込み） 評価 コメント・課題等 備考")
    >>> [(x.key, x.year, x.status, x.label) for x in p]
    [('prior', 2020, 'actual', '2020年度（実績）'), ('plan', 2021, 'plan', '2021年度計画'), ('result', 2021, 'estimate', '2021年度実績（見込み）')]
    >>> [(x.year, x.status) for x in parse_period_header("担当課 令和２年度（見込み） 令和３年度計画 R3年度実績 評価")]
    [(2020, 'estimate'), (2021, 'plan'), (2021, 'actual')]
    """
    names = [n for n in header_names(header_words(header)) if is_period_label(n)]
    if len(names) != 3:
        raise ReportError(path, f"column header names {len(names)} periods (…年度…), expected 3", line)
    try:
        return _periods(names, list(PERIOD_KEYS))
    except LayoutError as e:
        raise ReportError(path, e.message, line) from None


def _periods(names: list[str], roles: list[str]) -> tuple[Period, Period, Period]:
    """The period columns among a header's names (roles from :func:`helpers.read.layout.column_roles`)."""
    periods = []
    for name, role in zip(names, roles):
        if role not in PERIOD_KEYS:
            continue
        status = period_status(name, role=role)
        if status is None:
            raise LayoutError(f"period column '{name}' says neither 計画, 実績 nor 見込み")
        periods.append(Period(role, parse_fiscal_year(name), status, name))
    if periods[1].status != "plan":
        raise LayoutError(f"second period column '{periods[1].label}' is not a plan (計画)")
    return tuple(periods)  # type: ignore[return-value]


def _printed_span(printed: str, nfkc_seg: str) -> str:
    """Return the printed substring whose NFKC form is ``nfkc_seg``.

    >>> _printed_span("担当部署 2020年度（実績） 2021年度計画", "2020年度(実績)")
    '2020年度（実績）'
    """
    parts = [_nfkc_char(ch) for ch in printed]
    if nfkc_seg and len(parts) == sum(map(len, parts)) and all(parts):  # one character for one (the usual case)
        at = "".join(parts).find(nfkc_seg)
        return nfkc_seg if at < 0 else printed[at: at + len(nfkc_seg)]
    norm, origin = [], []
    for i, n in enumerate(parts):
        norm.append(n)
        origin += [i] * len(n)
    at = "".join(norm).find(nfkc_seg)
    if at < 0:
        return nfkc_seg
    return printed[origin[at]: origin[at + len(nfkc_seg) - 1] + 1]


# a legend item starts with "A." after whitespace (or at the start); it runs to the next one.
# (No lazy ".+?" with a look-ahead over whitespace: that was quadratic in a run of spaces.)
_LEGEND_MARK_RE = re.compile(r"(?<!\S)([A-D])\.")
_LEGEND_PCT_RE = re.compile(r"\(概ね(\d{1,3})%以上\)")


def parse_grade_legend(text: str) -> list[dict]:
    """Read the grade code table from the report's own legend line.

    >>> rows = parse_grade_legend("〔評価の指標〕　Ａ．目標を達成（概ね90％以上）　Ｂ．ほぼ達成（概ね75％以上）"
    ...                           "　Ｃ．一部達成（概ね50％以上）　Ｄ．ほとんど実施せず")
    >>> [(r["grade"], r["meaning"], r["min_achievement_pct"]) for r in rows]
    [('A', '目標を達成', 90), ('B', 'ほぼ達成', 75), ('C', '一部達成', 50), ('D', 'ほとんど実施せず', None)]
    """
    norm = _nfkc(text).replace(_nfkc(LEGEND_MARK), " ")
    marks = list(_LEGEND_MARK_RE.finditer(norm))
    out = []
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(norm)
        label = norm[m.end():end].strip()
        if not label:
            continue
        pct = _LEGEND_PCT_RE.search(label)
        meaning = label[: label.index("(")].strip() if label.endswith(")") and "(" in label else label
        printed = _printed_span(text, f"{m.group(1)}.{label}")
        out.append({
            "grade": m.group(1),
            "label": printed,
            "meaning": meaning,
            "min_achievement_pct": int(pct.group(1)) if pct else None,
        })
    return out


# --------------------------------------------------------------------------
# Departments
# --------------------------------------------------------------------------
_NOT_IN_DEPARTMENT_RE = re.compile(r"[\d\s。、,()：:「」【】]")


MAX_DEPARTMENT_CHARS = 30


def _dept_chars_ok(text: str) -> bool:
    if len(text) > 4 * MAX_DEPARTMENT_CHARS:  # cheap bound before NFKC (which may shorten ｾﾝﾀｰ…)
        return False
    norm = _nfkc_cached(text)
    return 0 < len(norm) <= MAX_DEPARTMENT_CHARS and not _NOT_IN_DEPARTMENT_RE.search(norm)


def is_department_name(text: str) -> bool:
    """A complete department name: no digits/spaces, ends with 課, 会, センター…

    >>> [is_department_name(t) for t in ["健康福祉課", "NPO法人", "社会福祉協議", "母子ケース検討会　12回"]]
    [True, True, False, False]
    """
    return _dept_chars_ok(text) and _nfkc_cached(text).endswith(DEPARTMENT_SUFFIXES)


def split_departments(lines: list[str]) -> list[str]:
    """Group the department cell's lines into department names.

    A line that does not end like a department name continues on the next line
    (a wrapped name); lines are joined without separator.

    >>> split_departments(["社会福祉協議", "会"])
    ['社会福祉協議会']
    >>> split_departments(["健康福祉課", "地域包括支援センター", "NPO法人"])
    ['健康福祉課', '地域包括支援センター', 'NPO法人']
    >>> split_departments(["健康福祉課", "社会福祉協議会", "支え合いのしくみづくり", "会議及び推進員"])
    ['健康福祉課', '社会福祉協議会', '支え合いのしくみづくり会議及び推進員']
    """
    out, pending = [], ""
    for line in lines:
        pending += line
        if is_department_name(pending):
            out.append(pending)
            pending = ""
    if pending:
        out.append(pending)
    return out


# --------------------------------------------------------------------------
# Line classification and the item stream
# --------------------------------------------------------------------------
class _Blank(NamedTuple):  # (NamedTuples: immutable like frozen dataclasses, cheaper to create)
    line_no: int


class _PageBreak(NamedTuple):
    line_no: int
    page: int


class _Heading(NamedTuple):
    line_no: int
    no: int
    title: str


def _is_grade(text: str) -> bool:
    return len(text) <= 2 and bool(_GRADE_RE.match(text))  # length first: most fragments are long


def _tokens(text: str) -> list[str]:
    return [t for t in _SPACES_RE.split(text) if t]


def _split_cells_of_line(text: str, prev_content: str | None) -> list[str]:
    """Split a line into cells when it visibly holds several (rules 3 and 4).

    A line is split on ASCII spaces only when one of its space-separated tokens
    is a grade or a department name that follows a summary's ``。``; the text
    after a grade stays whole (it is the comment).  Other lines keep their
    spaces (``子育て広場　38回 延べ397`` is one cell).

    >>> _split_cells_of_line("社会福祉協議会 1地区で実施 6地区で実施 7地区で実施 A", "する。")
    ['社会福祉協議会', '1地区で実施', '6地区で実施', '7地区で実施', 'A']
    >>> _split_cells_of_line("人 B コロナ禍による施設休館により中止８回", "子育て広場　38回 延べ397")
    ['人', 'B', 'コロナ禍による施設休館により中止８回']
    >>> _split_cells_of_line("子育て広場　38回 延べ397", "人")
    ['子育て広場　38回 延べ397']
    """
    if " " not in text:
        return [text]
    toks = _tokens(text)
    if len(toks) < 2:
        return [text]
    for i, tok in enumerate(toks):
        if _is_grade(tok):
            rest = _after_nth_token(text, i + 1)
            return toks[: i + 1] + ([rest] if rest else [])
    for i, tok in enumerate(toks):
        before = toks[i - 1] if i else prev_content
        if before is not None and before.endswith("。") and _dept_chars_ok(tok) and is_department_name(tok):
            return toks
    return [text]


def _after_nth_token(text: str, n: int) -> str:
    """The text after the first ``n`` space-separated tokens, inner spaces kept."""
    rest = text.strip(" ")
    for _ in range(n):
        parts = _SPACES_RE.split(rest, maxsplit=1)
        rest = parts[1] if len(parts) > 1 else ""
    return rest


def _nfkc_lines(lines: list[str]) -> list[str]:
    """``[_nfkc(line) for line in lines]``, with the zero-width test made once for the whole text.

    (NFKC line by line: CPython's quick check passes most lines unchanged; normalising the joined
    text instead was measured 3× slower, the slow path then running over every character.)
    """
    normalize = unicodedata.normalize
    out = [normalize("NFKC", line) for line in lines]
    if _ZERO_WIDTH_RE.search("\n".join(out)):
        out = [_ZERO_WIDTH_RE.sub("", line) for line in out]
    return out


_FOOTER_STARTS = (FOOTER_GOAL + " ", FOOTER_PLAN + " ")
_new_tuple = tuple.__new__  # Fragment(...) without its Python-level __new__ (the same tuple)


def _classify(lines: list[str], path: str, spans: list[HeaderSpan]) -> tuple[list, dict[int, str], list[HeaderSpan]]:
    """Turn lines into a stream of items; collect page furniture.

    ``spans`` are the column headers (:func:`helpers.read.layout.find_headers`): each starts a page.
    Returns the item stream, a map line_no -> boilerplate kind, and the header of each page
    (index = page number).
    """
    items: list = []
    append = items.append
    boiler: dict[int, str] = {}
    header_at = {h.first - 1: h for h in spans}
    # each line's comparison form (NFKC of the line without its outer blanks is the NFKC of the line,
    # blanks and tabs being stable characters: stripped afterwards, it is the same text)
    norms = _nfkc_lines(lines)
    first_header = min(header_at, default=0)
    # the title lines above the table (rule 5a): preamble when they are few, else left to be unplaced
    preamble = 0 < sum(1 for t in lines[:first_header] if t.strip(" \t")) <= MAX_PREAMBLE_LINES
    page = -1
    prev_content: str | None = None
    i = 0
    n = len(lines)
    while i < n:
        no = i + 1
        raw = lines[i].strip(" \t")
        if not raw:
            append(_Blank(no))
            i += 1
            continue
        if i in header_at:
            page += 1
            h = header_at[i]
            for k in h.lines:
                boiler[k] = "header"
            append(_PageBreak(no, page))
            prev_content = None
            i = h.last
            continue
        norm = norms[i].strip(" \t")
        if LEGEND_MARK in raw:
            boiler[no] = "legend"
            append(_Blank(no))  # furniture separates blocks like a blank line
        elif norm.startswith(_FOOTER_STARTS):
            boiler[no] = "footer"
            append(_Blank(no))
        elif preamble and i < first_header:  # not legend or footer: the document's title lines
            boiler[no] = "preamble"
        elif norm[:1] == "(" and (m := _OBJECTIVE_RE.match(norm)) and page >= 0:  # (the pattern starts with "(")
            boiler[no] = "objective"
            append(_Heading(no, int(m.group("no")), _printed_span(raw, m.group("title"))))
            prev_content = None
        elif " " not in raw:  # one cell (most lines): _split_cells_of_line would return it whole
            append(_new_tuple(Fragment, (no, 0, raw, 1)))
            prev_content = raw
        else:
            parts = _split_cells_of_line(raw, prev_content)
            nparts = len(parts)
            for k, t in enumerate(parts):
                append(_new_tuple(Fragment, (no, k, t, nparts)))
            prev_content = parts[-1]
        i += 1
    return items, boiler, list(spans)


# --------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------
def _blocks(items: list) -> list[list]:
    """Split items into blocks of fragments; separators end a block.

    Each block is a list of fragments; separators are returned as one-element
    lists holding the separator object so callers can see page breaks and
    headings in order.
    """
    out: list[list] = []
    cur: list = []
    for it in items:
        if isinstance(it, Fragment):
            cur.append(it)
            continue
        if cur:
            out.append(cur)
            cur = []
        if isinstance(it, (_PageBreak, _Heading)):
            out.append([it])
    if cur:
        out.append(cur)
    return out


def _find_department(region: list) -> int | None:
    """Index (in ``region``) of the first department fragment of the row.

    Rule 4: the last fragment in the region that looks like a department name
    and directly follows (blank lines aside) a fragment ending in ``。``.
    """
    # scanned from the end: the first fragment found is the last one of the region (the department
    # is near the end, after it only the period cells; the previous row's comment lines ending in 。
    # before it are never tried). A fragment's predecessor is the item before it, blank lines aside.
    for idx in range(len(region) - 1, 0, -1):
        if not isinstance(region[idx], Fragment):
            continue
        j = idx - 1
        while j > 0 and isinstance(region[j], _Blank):
            j -= 1
        prev = region[j]
        if isinstance(prev, Fragment) and prev.text.endswith("。") and _department_span(region, idx):
            return idx
    return None


def _department_span(region: list, idx: int) -> list[int]:
    """Indices of the department cell starting at ``region[idx]`` (or [])."""
    first = region[idx]
    if not isinstance(first, Fragment) or not _dept_chars_ok(first.text):
        return []
    if first.part + 1 < first.nparts:  # other cells follow on the same line
        return [idx] if is_department_name(first.text) else []
    span: list[int] = []
    pending: list[int] = []
    text = ""
    j = idx
    while j < len(region):
        it = region[j]
        if not isinstance(it, Fragment) or it.part != 0 or not _dept_chars_ok(it.text):
            break
        pending.append(j)
        text += it.text
        if len(text) > MAX_DEPARTMENT_CHARS:  # no department name is this long: stop (linear, bounded)
            break
        if is_department_name(text):
            span += pending
            pending, text = [], ""
        if it.nparts > 1:
            break
        j += 1
    return span


def _label(text: str) -> str:
    """Leading label of a period-cell line: text before the first digit/space."""
    return re.split(r"[\d\s]", _nfkc(text), maxsplit=1)[0]


def _period_cells(items: list) -> tuple[list[list[Fragment]], list[str]]:
    """Rule 6: group the fragments between department and grade into 3 cells.

    A fragment continues the open cell when it starts its line and the line
    before it held only that cell; a blank line, a separator or a line holding
    several cells closes the cell.
    """
    cells: list[list[Fragment]] = []
    notes: list[str] = []
    open_cell = False
    for it in items:
        if not isinstance(it, Fragment):
            open_cell = False
            continue
        if open_cell and it.part == 0:
            cells[-1].append(it)
        else:
            cells.append([it])
        open_cell = it.nparts == 1
    if len(cells) > 3:
        extra = cells[3:]
        cells = cells[:2] + [[f for c in cells[2:] for f in c]]
        notes.append(
            f"result cell continues across {len(extra)} blank line(s) "
            f"(lines {extra[0][0].line_no}-{extra[-1][-1].line_no})"
        )
    elif len(cells) == 2:
        split = _split_fused_cells(cells)
        if split:
            cells, note = split
            notes.append(note)
    return cells, notes


def _split_fused_cells(cells: list[list[Fragment]]) -> tuple[list[list[Fragment]], str] | None:
    """Split one of two cells where a line repeats another cell's first label."""
    for ci, cell in enumerate(cells):
        other = cells[1 - ci]
        anchor = _label(other[0].text)
        if not anchor:
            continue
        for k in range(1, len(cell)):
            if _label(cell[k].text) == anchor and cell[k].part == 0:
                new = cells[:ci] + [cell[:k], cell[k:]] + cells[ci + 1:]
                return new, (
                    f"two period cells printed without a blank line between them; split before "
                    f"line {cell[k].line_no}, whose label '{anchor}' starts another period cell"
                )
    return None


@dataclass
class _Tail:
    """Blocks printed after a row's grade, before the next row's head."""

    row: int  # index into rows
    comment: list[Fragment]
    extra: list[list[Fragment]]  # further blocks
    page_end: bool  # the extra block is the last thing on its page


def extract_report(text: str, *, path: str | Path = "<text>", layout: Layout | None = None,
                   lines: list[str] | None = None) -> Extraction:
    """Recover the table rows of one evaluation report.

    Args:
        text: the decoded report text.
        path: the file name, used in messages.
        layout: the layout declared in the report's sidecar
            (:func:`helpers.read.layout.declared_layout`), if any.
        lines: ``normalise_lines(split_lines(text))``, when the caller has them already
            (:func:`helpers.read.text.read_report` made them: not split and checked twice).

    Returns:
        An :class:`Extraction` with the rows (cells as source fragments), the
        page furniture, and the fragments that could not be placed.

    Raises:
        ReportError: when the text is not an evaluation report or is cut off.
    """
    path = str(path)
    if lines is None:
        lines = normalise_lines(split_lines(text), path=path)
    try:
        spans = find_headers(lines, declared=layout)
        periods_by_page = [_periods_cached(h.names, h.roles) for h in spans]
    except LayoutError as e:
        raise ReportError.from_layout(path, e) from None
    items, boiler, headers = _classify(lines, path, spans)
    first_header = headers[0].first
    unplaced: list[Fragment] = []
    for it in items:  # items are in line order: stop at the first header
        if it.line_no >= first_header:
            break
        if isinstance(it, Fragment):
            unplaced.append(it)

    page_sections = _page_sections(lines, boiler, headers, path)
    sections: list[tuple[str, str]] = []
    for s in page_sections:
        if s not in sections:
            sections.append(s)
    legend = _legend(lines, boiler, path)

    # page number of every item
    page_of: list[int] = []
    page = -1
    for it in items:
        if isinstance(it, _PageBreak):
            page = it.page
        page_of.append(page)

    grade_idx = [i for i, it in enumerate(items)  # (_is_grade inlined: a fragment is checked once, most are long)
                 if it.__class__ is Fragment and len(it.text) <= 2 and _GRADE_RE.match(it.text)]
    if not grade_idx:
        raise ReportError(path, "no table rows: no grade (評価 A–D) found anywhere", first_header)

    rows: list[RawRow] = []
    tails: list[_Tail] = []
    objective: tuple[int, str, int, int] | None = None  # no, title, line, page
    start = next(i for i, it in enumerate(items) if isinstance(it, _PageBreak))
    heading_at = [i for i, it in enumerate(items) if it.__class__ is _Heading]  # (few: looked up per row)
    for gi in grade_idx:
        region = items[start:gi]
        # objective headings seen in this region apply to this row (and later)
        heads = [(i, items[i]) for i in heading_at[bisect_left(heading_at, start): bisect_left(heading_at, gi)]]
        dept_at = _find_department(region)
        if dept_at is None:
            unplaced += [it for it in region if isinstance(it, Fragment)] + [items[gi]]
            start = gi + 1
            if heads:
                at, h = heads[-1]
                objective = (h.no, h.title, h.line_no, page_of[at])
            continue
        dept_span = _department_span(region, dept_at)
        # head: block ending right before the department
        h_end = dept_at - 1  # the last fragment before the department (there is one: the summary's 。)
        while not isinstance(region[h_end], Fragment):
            h_end -= 1
        b_start = h_end
        while b_start > 0 and isinstance(region[b_start - 1], Fragment):
            b_start -= 1
        pre = region[:b_start]
        tail, initiative_block = _split_pre_region(pre, attached=start > 0 and bool(pre) and isinstance(pre[0], Fragment) and rows != [])
        for at, h in heads:
            if at < start + b_start:
                objective = (h.no, h.title, h.line_no, page_of[at])
        if rows:
            tails.append(_make_tail(len(rows) - 1, tail, unplaced))
        else:
            unplaced += [f for blk in tail for f in blk if isinstance(f, Fragment)]
        row_page = page_of[start + b_start]
        if objective is None or page_sections[objective[3]] != page_sections[row_page]:
            raise ReportError(path, "table row before any objective heading （１）… of its section", region[b_start].line_no)
        head = [f for f in region[b_start:h_end + 1]]
        initiative, summary, merged_candidate = _split_head(initiative_block, head)
        periods_items = region[dept_span[-1] + 1:] if dept_span else []
        grade_frag: Fragment = items[gi]
        cells_p, notes = _period_cells(periods_items)
        row = RawRow(
            page=row_page,
            section_key=page_sections[row_page],
            objective_no=objective[0],
            objective=objective[1],
            objective_line=objective[2],
            periods=periods_by_page[row_page],
        )
        row.cells["initiative"] = initiative
        row.cells["summary"] = summary
        row.cells["department"] = [region[i] for i in dept_span]
        row.layout_notes += notes
        if len(cells_p) != 3:
            unplaced += [f for c in cells_p for f in c]
            row.layout_notes.append(f"expected 3 period cells, found {len(cells_p)}")
            for k in PERIOD_KEYS:
                row.cells[k] = []
        else:
            for k, c in zip(PERIOD_KEYS, cells_p):
                row.cells[k] = c
        row.cells["grade"] = [grade_frag]
        row.cells["comment"] = []
        row.cells["remarks"] = []
        row.initiative_inferred = merged_candidate
        row.head_first = head[0]
        rows.append(row)
        start = gi + 1

    # trailing region after the last grade: the last row's tail
    trailing = items[start:]
    dept_at = _find_department(trailing)
    if dept_at is not None:
        h_end = max(i for i in range(dept_at) if isinstance(trailing[i], Fragment))
        b_start = h_end
        while b_start > 0 and isinstance(trailing[b_start - 1], Fragment):
            b_start -= 1
        _, init_block = _split_pre_region(trailing[:b_start], attached=isinstance(trailing[0], Fragment))
        first = init_block[0] if init_block else trailing[b_start]
        span = _department_span(trailing, dept_at)
        n_cells = len(_period_cells(trailing[span[-1] + 1:] if span else [])[0])
        have = "its initiative, summary and department" + (f" and {min(n_cells, 3)} of 3 period cells" if n_cells else "")
        missing = ([f"{3 - n_cells} of its 3 period cells"] if n_cells < 3 else []) + ["the grade (評価)", "the comment"]
        raise _truncated(path, rows, first.line_no, have, missing, len(lines))
    tail_blocks, _ = _split_pre_region(
        trailing, attached=bool(trailing) and isinstance(trailing[0], Fragment), next_row=False
    )
    n_unplaced = len(unplaced)
    tail = _make_tail(len(rows) - 1, tail_blocks, unplaced)
    after_break = unplaced[n_unplaced:]  # fragments after a page break or heading: a new page cut short
    if rows and (after_break or _cut_head(tail, rows)):
        frags = [f for blk in tail.extra for f in blk] + after_break
        ended = any(f.text.endswith("。") for f in frags)
        have = "an initiative and a summary" if ended else "the start of an initiative or summary"
        missing = (["the end of its summary (。)"] if not ended else []) + [
            "the department", "the 3 period cells", "the grade (評価)", "the comment"]
        raise _truncated(path, rows, min(f.line_no for f in frags), have, missing, len(lines))
    tails.append(tail)

    _resolve_tails(rows, tails, unplaced, {p for p, h in enumerate(headers) if "remarks" in h.roles})
    _refuse_repeated_rows(rows, path)
    placed = {(f.line_no, f.part) for r in rows for frags in r.cells.values() for f in frags}
    placed |= {(f.line_no, f.part) for f in unplaced}
    placed_lines = {no for no, _ in placed}
    for it in items:
        # a line split differently on the way (initiative/summary on one line)
        # counts as placed when some part of it is placed; tidy re-checks parts
        if isinstance(it, Fragment) and (it.line_no, it.part) not in placed and it.line_no not in placed_lines:
            unplaced.append(it)
    unplaced_lines = sorted({f.line_no for f in unplaced})
    if len(unplaced_lines) > MAX_UNPLACED_LINES:  # one clear message, not a listing of 150,000 lines
        first = min(unplaced, key=lambda f: (f.line_no, f.part))
        raise ReportError(
            path,
            f"{len(unplaced_lines):,} lines could not be placed in the table (more than {MAX_UNPLACED_LINES:,}; "
            f"the first is this one: {escape_text(first.text)}): this does not read as the evaluation "
            "report's layout",
            first.line_no,
        )
    return Extraction(
        path=path,
        n_lines=len(lines),
        rows=rows,
        boilerplate=boiler,
        unplaced=sorted(set(unplaced), key=lambda f: (f.line_no, f.part)),
        legend=legend,
        periods_by_page=periods_by_page,
        sections=sections,
    )


@lru_cache(maxsize=256)
def _periods_cached(names: tuple[str, ...], roles: tuple[str, ...]) -> tuple[Period, Period, Period]:
    return _periods(list(names), list(roles))


def _sidecar_name(path: str) -> str:
    """How a refusal names the report's sidecar, where the analyst declares a layout."""
    if path.startswith("<"):
        return "the report's sidecar <stem>.meta.json"
    p = Path(path)
    return f"the report's sidecar {p.with_name(p.stem + '.meta.json')}"


def _cut_head(tail: _Tail, rows: list[RawRow]) -> bool:
    """At the end of the input: is what follows the last row's comment the head of a row cut short?

    Several blocks, a block ending in 。 (a summary: rule 4 wants a department next), or a block
    whose last line is as wide as the widest summary line of its page (a wrapped line whose
    continuation is missing).  A single shorter block stays the remarks (備考) or a merged
    initiative (rule 7): a cut right after a complete initiative line cannot be told from those.
    """
    if not tail.extra:
        return False
    if len(tail.extra) > 1 or tail.extra[-1][-1].text.endswith("。"):
        return True
    page = rows[tail.row].page
    widths = [_display_width(f.text) for r in rows if r.page == page for f in r.cells.get("summary", [])]
    return bool(widths) and _display_width(tail.extra[-1][-1].text) >= max(widths)


def _truncated(path: str, rows: list[RawRow], line: int, have: str, missing: list[str], n_lines: int) -> ReportError:
    """The error for a file cut inside a table row: what the cut row has, what it lacks, the last complete row."""
    if rows:
        last = rows[-1]
        own = last.lines()
        init = "".join(f.text for f in last.cells.get("initiative", []))
        grade = "".join(f.text for f in last.cells.get("grade", []))
        done = (f"the last complete row is at lines {own[0]}–{own[-1]} (initiative {escape_text(init, 40)}, "
                f"grade {grade})")
    else:
        done = "no complete row comes before it"
    return ReportError(
        path,
        f"the table row starting here has no grade (評価): the file ends inside it, after line {n_lines}. "
        f"The row has {have}; missing are {', '.join(missing[:-1])} and {missing[-1]}. "
        f"{done[0].upper()}{done[1:]}. The report looks truncated: export it again",
        line,
    )


def _refuse_repeated_rows(rows: list[RawRow], path: str) -> None:
    """A row printed twice, word for word (every cell equal as printed), means the file holds the
    report (or a part of it) twice, e.g. two dumps concatenated: refuse rather than double the tables.

    A （再掲） row repeats an initiative, but carries the mark, so it is never equal to its original.
    """
    seen: dict[tuple, RawRow] = {}
    for r in rows:
        key = tuple("".join([f.text for f in r.cells.get(k, ())]) for k in
                    ("initiative", "summary", "department", *PERIOD_KEYS, "grade", "comment", "remarks"))
        first = seen.setdefault(key, r)
        if first is not r:
            here, there = r.lines(), first.lines()
            raise ReportError(
                path,
                f"this table row repeats, word for word, the row at line {there[0] if there else '?'} "
                f"(initiative {escape_text(key[0], 40)}): the file holds the report, or part of it, twice",
                here[0] if here else None,
            )


def _split_pre_region(pre: list, *, attached: bool, next_row: bool = True) -> tuple[list[list], list[Fragment] | None]:
    """Rule 5/7: separate the previous row's tail from this row's initiative block.

    Returns the tail (a list of blocks, separators included as one-item lists)
    and the initiative block (or None).
    """
    blocks = _blocks(pre)
    initiative = None
    if next_row and blocks and isinstance(blocks[-1][0], Fragment):
        cand = blocks[-1]
        is_first = len(blocks) == 1
        glued = is_first and attached
        # a separator (page break / heading) right before B is fine; what matters
        # is that the candidate block is followed only by blank lines
        if not cand[-1].text.endswith("。") and not glued:
            # the candidate must be separated from the head by blank lines only,
            # which holds by construction (B starts after a non-fragment item)
            initiative = cand
            blocks = blocks[:-1]
    return blocks, initiative


def _make_tail(row: int, blocks: list[list], unplaced: list[Fragment]) -> _Tail:
    """Rule 7: first block = comment; further blocks before a page end = extra."""
    comment: list[Fragment] = []
    extra: list[list[Fragment]] = []
    page_end = False
    seen_sep = False
    for i, blk in enumerate(blocks):
        if not isinstance(blk[0], Fragment):
            seen_sep = True
            if isinstance(blk[0], _PageBreak) and extra:
                page_end = True
            continue
        if seen_sep:
            unplaced += blk
            continue
        if not comment and not extra:
            comment = blk
        else:
            extra.append(blk)
    if extra and not seen_sep:
        page_end = True  # end of the input closes the last page
    return _Tail(row, comment, extra, page_end)


def _split_head(initiative_block: list[Fragment] | None, head: list[Fragment]) -> tuple[list[Fragment], list[Fragment], bool]:
    """Rule 5: initiative and summary fragments of a row.

    Returns (initiative, summary, merged_candidate) where merged_candidate says
    the initiative was taken from the summary block's first line and might in
    fact belong to a vertically merged cell (decided per page later).
    """
    if initiative_block:
        return list(initiative_block), head, False
    first = head[0]
    same_line = [f for f in head if f.line_no == first.line_no]
    if len(same_line) > 1:
        return [same_line[0]], head[1:], False
    if " " in first.text.strip(" "):
        init_text, rest = first.text.strip(" ").split(" ", 1)
        a = Fragment(first.line_no, 0, init_text, 2)
        b = Fragment(first.line_no, 1, rest.lstrip(" "), 2)
        return [a], [b] + head[1:], False
    if len(head) == 1:
        return [], head, True
    return [first], head[1:], True


def _resolve_tails(rows: list[RawRow], tails: list[_Tail], unplaced: list[Fragment], remarks_pages: set[int]) -> None:
    """Rule 7: comments, remarks and vertically merged initiatives.

    ``remarks_pages``: the pages whose column header names a remarks (備考) column; on the other
    pages a block after the last comment is a merged initiative or unplaced, never remarks.
    """
    rows_of_page: dict[int, list[RawRow]] = {}
    for r in rows:
        rows_of_page.setdefault(r.page, []).append(r)
    for t in tails:
        row = rows[t.row]
        row.cells["comment"] = list(t.comment)
        if not t.extra:
            continue
        if len(t.extra) > 1 or not t.page_end:
            unplaced += [f for blk in t.extra for f in blk]
            row.layout_notes.append("more than one block after the comment")
            continue
        block = t.extra[0]
        page_rows = rows_of_page[row.page]
        merged = _rows_without_initiative(page_rows)
        if merged:
            for r in merged:
                head_first = r.head_first
                if r.cells["initiative"] and r.cells["initiative"][0] == head_first:
                    r.cells["summary"] = [head_first] + r.cells["summary"]
                r.cells["initiative"] = list(block)
                r.initiative_merged = True
                r.layout_notes.append(
                    f"initiative printed once for {len(merged)} rows (vertically merged cell) at line {block[0].line_no}"
                )
        elif row.page in remarks_pages:
            row.cells["remarks"] = list(block)
        else:  # the page's header names no 備考 column: the block is no cell of the table
            unplaced += block
            row.layout_notes.append("a block after the comment, but the column header names no remarks (備考) column")
    for r in rows:
        if not r.cells["initiative"]:
            unplaced += r.cells["summary"]
            r.layout_notes.append("no initiative found")


def _rows_without_initiative(page_rows: list[RawRow]) -> list[RawRow]:
    """Rows of a page whose head has no initiative line of its own.

    Only asked for pages whose last block is left over (a merged cell printed
    once).  A row qualifies when its first head line is as wide as the widest
    summary line on the page: a wrapped summary line, not an initiative name.
    (With a tolerance of even one character the last page's longest initiative
    name, 44 columns against 46, would be taken for a summary line.)
    """
    cands = [r for r in page_rows if r.initiative_inferred]
    if not cands:
        return []
    widths = [
        _display_width(f.text)
        for r in page_rows
        for f in r.cells["summary"] + ([r.head_first] if r.initiative_inferred else [])
    ]
    widest = max(widths) if widths else 0
    return [r for r in cands if not r.cells["initiative"] or _display_width(r.head_first.text) >= widest]


def _page_sections(lines: list[str], boiler: dict[int, str], headers: list[HeaderSpan], path: str) -> list[tuple[str, str]]:
    """Section (basic goal, field plan) of every page, from its footers."""
    starts = [h.first for h in headers] + [len(lines) + 1]
    found: list[tuple[set, set]] = [(set(), set()) for _ in headers]  # each page's (goals, plans)
    for no, kind in boiler.items():  # the footers only, each to the page whose lines hold it
        if kind != "footer":
            continue
        p = bisect_right(starts, no) - 1
        if p < 0:  # before the first page: no page's footer
            continue
        norm = lines[no - 1].strip(" \t")
        key, _, value = norm.partition(" ")
        found[p][0 if _nfkc(key) == FOOTER_GOAL else 1].add(value.strip())
    out = []
    for p in range(len(headers)):
        goals, plans = found[p]
        if len(goals) != 1 or len(plans) != 1:
            raise ReportError(
                path,
                f"page starting here names {len(goals)} basic goals and {len(plans)} field plans in its footers, expected one each",
                starts[p],
            )
        out.append((goals.pop(), plans.pop()))
    return out


@lru_cache(maxsize=64)
def _legend_cached(text: str) -> list[dict]:
    return parse_grade_legend(text)


def _legend(lines: list[str], boiler: dict[int, str], path: str) -> list[dict]:
    legends = {lines[no - 1].strip(" \t") for no, k in boiler.items() if k == "legend"}
    parsed = [_legend_cached(t) for t in sorted(legends)]
    norm = {tuple((r["grade"], r["meaning"], r["min_achievement_pct"]) for r in p) for p in parsed}
    if len(norm) > 1:
        raise ReportError(path, "the grade legend (〔評価の指標〕) differs between pages")
    if parsed and [r["grade"] for r in parsed[0]] != list(GRADES):
        raise ReportError(path, "the grade legend does not define grades A–D")
    return [dict(r) for r in parsed[0]] if parsed else []
