"""Stage 1 — the PDF reader: a published evaluation report (PDF) → the same rows of cells as the text reader.

Municipalities publish these evaluations as PDF made from a spreadsheet: the table's cells are
ruled, so the cell boundaries are in the file.  This module reads them directly and hands
:mod:`helpers.read.tidy` the *same structure* the text reader (:mod:`helpers.read.extract`) does —
an :class:`~helpers.read.extract.Extraction` whose rows are
:class:`~helpers.read.extract.RawRow` objects with cells as lists of
:class:`~helpers.read.extract.Fragment` — so everything after reading (tidy, the checks, the
amounts, the collection) is one pipeline for both.

Vocabulary
    *run*   a character run: the characters of one printed line inside one cell of a page's table,
            or one printed line outside the table (legend, footer).  A run is what a *line* is
            for the text reader: runs are numbered from 1 through the document (page by page;
            on a page, text above the table, then the table's cells row by row and left to
            right, each cell's lines top to bottom, then the rest) and that number is the
            ``line_no`` of ``source_lines.csv`` and of every ``source_*line*`` column.
            ``source_cells.csv`` tells, for each number, the page, the cell and the position.
    *grid*  the rows and columns made by every rule (drawn line or rectangle edge) of the page's
            table; a *cell* is one or more grid boxes not separated by a rule (a merged cell).

Reading rules (each a function below):

1. **Rules → cells** (:func:`page_cells`): horizontal and vertical rules are snapped and joined;
   the largest connected set of rules is the table; grid boxes with no rule between them are
   one (merged) cell.  A character belongs to the cell holding its centre; a cell's characters
   are grouped into printed lines by height, left to right; ASCII spaces at either end of a line
   are layout (as for the text reader), all other characters are kept as printed.
2. **Header → columns** (:func:`header_columns`): the top grid row(s) of the table name the
   columns (a header is 1–3 grid rows naming three period columns and a 評価 column); the names
   get their roles from :func:`helpers.read.layout.column_roles` — the same vocabulary, era years
   and sidecar declarations (``"layout": {"columns": …}``) as the text reader's header.  A page
   whose table has no header continues the table of the page before when its column lines match.
3. **Rows**: each cell of the 評価 column is one table row; the cells of the other columns
   inside its height are that row's cells.  A 目標 cell is the objective heading （１）… of the
   rows it spans (an empty one at the top of a page continues the objective of the page before);
   a 具体的な取り組み・事業 cell spanning several rows is that initiative for each of them
   (``initiative_merged``); so is a merged 概要, 担当部署, コメント・課題等 or 備考 cell (noted in
   ``layout_note``; ``source_lines`` records a merged cell once, with its first row).  A merged
   initiative, 概要 or 担当部署 cell cut by a page break (empty at the top of the next page) continues
   there (:data:`CONTINUED_OVER_PAGES`); an empty コメント or 備考 stays empty.  A period or 評価
   cell spanning rows is refused.
4. **Rows broken across a page**: a first row on a page without a grade continues the last row
   of the page before (its cells are appended column by column), and so does a last row
   without a grade continued by the first row of the next page.
5. **Page furniture**: the column header, the grade legend 〔評価の指標〕 (one or more lines, equal
   on every page), the footers 基本目標 / 分野別計画 (one of each per table page, naming the
   page's section) and a page number (role ``footer``).  Every other run that fits no table row
   is reported as unplaced, never dropped.

Refused with one message naming the page (``ReportError``, exit code 2): not a PDF, truncated or
damaged, encrypted with a password, more pages than :data:`MAX_PAGES`, a page that draws more than the
limits below (content bytes, paths, characters, XObjects), a page with only an image (a scan:
no text layer, OCR is out of scope), characters without Unicode (``(cid:…)``), no page with the
table's ruled header.
"""

from __future__ import annotations

import contextlib
import hashlib
import numbers
import re
import threading
import zlib
from bisect import bisect_right
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from .extract import (
    MAX_PREAMBLE_LINES,
    _CONTROL_RE,
    _OBJECTIVE_RE,
    FOOTER_GOAL,
    FOOTER_PLAN,
    GRADES,
    LEGEND_MARK,
    Extraction,
    Fragment,
    Period,
    RawRow,
    ReportError,
    _nfkc,
    _periods,
    _printed_span,
    _refuse_repeated_rows,
    _sidecar_name,
    escape_text,
    merged_cell_note,
    parse_grade_legend,
)
from .layout import COLUMN_VOCABULARY, Layout, LayoutError, column_roles, is_period_label, name_key

__all__ = [
    "Cell",
    "Run",
    "PdfReport",
    "read_pdf",
    "extract_pdf",
    "is_pdf",
    "describe_place",
    "page_cells",
    "header_columns",
    "MAX_PAGES",
]

# --------------------------------------------------------------------------------- limits
# Each limit is far above what a report page needs (the fixture's densest pages, tests/make_pdf_report.py:
# 53 KB of content, 890 path pieces, 2,177 characters) and keeps a hostile page's cost bounded (pdfminer reads
# about 8 µs per content byte).
MAX_PAGES = 300  # a report has tens of pages
MAX_PAGE_CONTENT_BYTES = 500_000  # decoded content streams of one page (its forms included)
MAX_STREAM_BYTES = 16_000_000  # any font or CMap stream, decoded
# Every stream pdfminer unpacks while the document is read — object streams and cross-reference streams
# included, which pdfminer unpacks before any page (a 389 KB object stream unpacking to 400 MB took
# 866 MB of memory before this limit) — each at most MAX_STREAM_BYTES, all together at most this:
MAX_DOCUMENT_DECODED_BYTES = 100_000_000
MAX_DOCUMENT_CONTENT_BYTES = 30_000_000  # all pages' content together
MAX_PAGE_PATHS = 10_000  # path pieces built on one page (m, l, c, v, y, re: a ruled line is 2, a box 1)
MAX_PAGE_CHARS = 30_000
MAX_PAGE_XOBJECTS = 500  # forms and images drawn on one page (a form drawing forms counts each)
MAX_RULES = 4_000  # separate rules on a page after joining
MAX_GRID_BOXES = 20_000  # grid rows × grid columns of a page's table (a report page: about 11 × 60)
MAX_NESTING = 100  # arrays / dictionaries inside each other (PDF readers stop at 28)

SNAP = 1.5  # rules this close (pt) are one rule
JOIN = 2.5  # collinear pieces with a gap this small are one rule; grid lines this close are one
THIN = 2.0  # a rectangle thinner than this is a rule, not a box
HEADER_MAX_GRID_ROWS = 3  # the column header spans at most this many grid rows
DUPLICATE_TOLERANCE = 1.0  # pt: the same glyph printed again this close is one character (simulated bold)

ROLE_NAMES = {  # role -> how the column is named in messages
    "objective": "目標", "initiative": "具体的な取り組み・事業", "summary": "概要", "department": "担当部署",
    "prior": "第1期間", "plan": "計画", "result": "第3期間", "grade": "評価", "comment": "コメント・課題等",
    "remarks": "備考",
}
#: roles whose cells may span several rows (merged): filled to every row they span.  A period or 評価 cell
#: may not: a figure printed once for several rows belongs to none of them alone (a 評価 cell is a row).
MERGEABLE = ("objective", "initiative", "summary", "department", "comment", "remarks")
#: merged cells that continue over a page break: a row's cell of these columns is never empty (tidy's checks
#: refuse an empty initiative or 概要 and a row without 担当部署), so an empty one at the top of a page, after a
#: merged cell at the foot of the page before, is that cell cut by the break (a spreadsheet prints its text
#: once, on the first page). An empty コメント or 備考 may be just that: not continued.
CONTINUED_OVER_PAGES = ("initiative", "summary", "department")
_MERGEABLE_NAMES = "、".join(ROLE_NAMES[r] for r in MERGEABLE)
_CID_RE = re.compile(r"\(cid:\d+\)")


# --------------------------------------------------------------------------------- data
@dataclass(frozen=True)
class Cell:
    """A cell of a page's table: grid rows ``row``…``row + row_span - 1`` and columns likewise (0-based)."""

    row: int
    col: int
    row_span: int
    col_span: int
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class Run:
    """A character run: one printed line in one cell, or one printed line outside the table."""

    page: int  # 1-based
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    cell: Cell | None = None  # None: outside the table
    line_in_cell: int = 1  # 1-based
    line_no: int = 0  # 1-based number through the document (set by _number_runs)


@dataclass
class _Page:
    number: int  # 1-based
    width: float
    height: float
    runs: list[Run]  # in reading order
    cells: list[Cell]
    n_grid_rows: int = 0
    n_grid_cols: int = 0
    xs: list[float] = field(default_factory=list)  # the grid's column lines (pt from the left)


@dataclass
class PdfReport:
    """One PDF read: its runs (the document's "lines"), the rows, and where each run is."""

    path: Path
    name: str
    lines: list[str]  # run texts; lines[n - 1] is run n
    runs: list[Run]
    extraction: Extraction
    pages: int
    sha256: str = ""  # of the bytes read (reports.csv)
    size: int = 0

    def where(self, line_no: int | None) -> str:
        """Run ``line_no`` as a place a reader can find in the PDF: page, table row and column."""
        if not line_no or not 0 < line_no <= len(self.runs):
            return ""
        return _where(self.runs[line_no - 1])

    def source_cells(self) -> list[dict]:
        """Records of ``source_cells.csv``: every run with its page, cell and position."""
        out = []
        for r in self.runs:
            c = r.cell
            out.append({
                "report": self.name, "line_no": r.line_no, "page": r.page,
                "table_row": c.row + 1 if c else None, "table_col": c.col + 1 if c else None,
                "row_span": c.row_span if c else None, "col_span": c.col_span if c else None,
                "line_in_cell": r.line_in_cell if c else None,
                "x0": round(r.x0, 2), "top": round(r.top, 2), "x1": round(r.x1, 2), "bottom": round(r.bottom, 2),
                "text": r.text,
            })
        return out


def _where(run: Run) -> str:
    c = run.cell
    return describe_place(run.page, c.row + 1 if c else None, c.col + 1 if c else None, run.line_in_cell, run.x0, run.top)


def describe_place(page: int, table_row: int | None, table_col: int | None, line_in_cell: int | None,
                   x0: float, top: float) -> str:
    """Where a run is, in words a reader of the PDF can follow (from a ``source_cells`` record).

    >>> describe_place(3, 5, 2, 1, 84.0, 120.5)
    'page 3, table row 5, column 2, line 1 of the cell'
    >>> describe_place(1, None, None, None, 28.0, 40.2)
    'page 1, outside the table (x 28 pt, y 40 pt from the top)'
    """
    if not isinstance(table_row, numbers.Integral):  # None / NA: outside the table
        return f"page {page}, outside the table (x {x0:.0f} pt, y {top:.0f} pt from the top)"
    return f"page {page}, table row {table_row}, column {table_col}, line {line_in_cell} of the cell"


# --------------------------------------------------------------------------------- reading the file
def is_pdf(path: str | Path, head: bytes | None = None) -> bool:
    """A PDF by its name (``.pdf``, any case) or by its first bytes (``%PDF-``).

    >>> is_pdf("r.PDF"), is_pdf("r.txt", b"%PDF-1.7\\n"), is_pdf("r.txt", "目標".encode())
    (True, True, False)
    """
    return Path(path).suffix.lower() == ".pdf" or (head is not None and b"%PDF-" in head[:1024])


def read_pdf(path: str | Path, *, max_bytes: int | None = None, layout: Layout | None = None) -> PdfReport:
    """Read one PDF report (size cap and file checks as for text: :func:`helpers.read.text.read_bytes`).

    ``layout``: the layout declared in the report's sidecar (:func:`helpers.pipeline.report_layout`).
    """
    from .text import read_bytes

    path = Path(path)
    data = read_bytes(path, max_bytes=max_bytes)
    report = extract_pdf(data, path=path, layout=layout)
    report.sha256, report.size = hashlib.sha256(data).hexdigest(), len(data)
    return report


def extract_pdf(data: bytes, *, path: str | Path = "<pdf>", layout: Layout | None = None) -> PdfReport:
    """The rows of the evaluation table of a PDF report (see the module docstring for the rules).

    ``layout``: column names the vocabulary does not know, declared in the report's sidecar.

    Raises:
        ReportError: the PDF cannot be read as the report (one message naming the page).
    """
    path = Path(path)
    _prescan(data, path)
    with _bounded_unpacking(path):
        pdf = _open(data, path)
        pages = []
        budget = [MAX_DOCUMENT_CONTENT_BYTES]
        for number, page_obj in _page_objects(pdf, path):
            pages.append(_read_page(pdf, page_obj, number, path, budget))
    if not any(p.runs for p in pages):
        raise ReportError(path, f"the PDF holds no text on any of its {len(pages)} page(s)")
    runs = _number_runs(pages)
    lines = [r.text for r in runs]
    report = PdfReport(path, path.stem, lines, runs, None, len(pages))  # type: ignore[arg-type]
    try:
        report.extraction = _extract(pages, runs, path, layout)
    except ReportError as e:
        if e.line is None:
            raise
        raise ReportError(path, f"{report.where(e.line)}: {e.message}") from None
    return report


class _TooMuchToUnpack(BaseException):
    """Raised from inside pdfminer when a stream it unpacks passes a limit; :func:`_bounded_unpacking` words it.

    A ``BaseException`` (like ``KeyboardInterrupt``): the ``except Exception`` clauses that word damage,
    here and inside pdfminer, must not turn a refused bomb into "damaged" or swallow it.
    """


class _Unpacker:
    """Bounded stand-ins for the decoders pdfminer's ``PDFStream.decode`` calls (installed by :func:`_bounded_unpacking`).

    Each gives the bytes pdfminer's own decoder gives (tests/test_pdf.py compares them on intact, truncated,
    damaged and padded data) but stops with :class:`_TooMuchToUnpack` once one stream passes
    :data:`MAX_STREAM_BYTES` or the document's streams together pass :data:`MAX_DOCUMENT_DECODED_BYTES`,
    holding at most about a megabyte more than the limit.  They sit where pdfminer decodes (after any
    decryption), so no stream escapes them: page contents, fonts, object streams, cross-reference streams.
    """

    PIECE = 1 << 20

    def __init__(self, original_rldecode) -> None:
        self.left = MAX_DOCUMENT_DECODED_BYTES
        self._rldecode = original_rldecode
        self.error = zlib.error  # pdfminer catches ``zlib.error`` from this stand-in module

    def _count(self, n_stream: int) -> None:
        if n_stream > MAX_STREAM_BYTES:
            raise _TooMuchToUnpack(f"a compressed stream unpacks to more than {MAX_STREAM_BYTES:,} bytes")
        if n_stream > self.left:
            raise _TooMuchToUnpack(f"its compressed streams unpack to more than {MAX_DOCUMENT_DECODED_BYTES:,} bytes "
                                   "together")

    def _done(self, out: list[bytes]) -> bytes:
        data = b"".join(out)
        self.left -= len(data)
        return data

    def _feed(self, d, chunk: bytes, out: list[bytes], n: int) -> int:
        """Inflate ``chunk`` through ``d`` a piece at a time; the running size after it."""
        while True:
            piece = d.decompress(chunk, self.PIECE)
            n += len(piece)
            self._count(n)
            out.append(piece)
            chunk = d.unconsumed_tail
            if not chunk and len(piece) < self.PIECE:
                return n

    def decompress(self, data: bytes) -> bytes:
        """``zlib.decompress(data)``: trailing bytes after the end are ignored, a cut-short stream is an error."""
        d = zlib.decompressobj()
        out: list[bytes] = []
        self._feed(d, data, out, 0)
        if not d.eof:
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return self._done(out)

    def decompress_corrupted(self, data: bytes) -> bytes:
        """pdfminer's ``decompress_corrupted``: what inflates before the damage, an error unless the damage is in
        the last four bytes (the checksum).  pdfminer feeds one byte at a time into a growing ``bytes``
        (quadratic in the output); here blocks are fed, and only the block holding the damage byte by byte."""
        d = zlib.decompressobj()
        out: list[bytes] = []
        n, block = 0, 1 << 16
        for start in range(0, len(data), block):
            chunk = data[start:start + block]
            saved, kept, n_before = d.copy(), len(out), n
            try:
                n = self._feed(d, chunk, out, n)
                continue
            except zlib.error:
                d, n = saved, n_before
                del out[kept:]
            for i in range(len(chunk)):
                try:
                    n = self._feed(d, chunk[i:i + 1], out, n)
                except zlib.error:
                    if start + i < len(data) - 3:
                        raise
                    return self._done(out)
        return self._done(out)

    def lzwdecode(self, data: bytes) -> bytes:
        from pdfminer.lzw import LZWDecoder

        out: list[bytes] = []
        n = 0
        for piece in LZWDecoder(BytesIO(data)).run():
            n += len(piece)
            self._count(n)
            out.append(piece)
        return self._done(out)

    def rldecode(self, data: bytes) -> bytes:
        # a run unpacks to at most 128 bytes: only a stream that could pass the limit is measured first
        if len(data) * 128 > min(MAX_STREAM_BYTES, self.left):
            n, i, size = 0, 0, len(data)
            while i < size and data[i] != 128:
                length = data[i]
                n, i = (n + length + 1, i + length + 2) if length < 128 else (n + 257 - length, i + 2)
                self._count(n)
        return self._done([self._rldecode(data)])

    @staticmethod
    def ccittfaxdecode(data: bytes, params) -> bytes:
        # a fax image filter: an image is never unpacked to read text, so only a crafted content, font
        # or object stream gets here, and its size cannot be bounded before it is unpacked
        raise _TooMuchToUnpack("a stream other than an image uses the fax filter CCITTFaxDecode")

    def __getattr__(self, name: str):  # the rest of the ``zlib`` module pdfminer might use
        return getattr(zlib, name)


_UNPACKING_LOCK = threading.Lock()


@contextlib.contextmanager
def _bounded_unpacking(path: Path):
    """While a document is read, pdfminer unpacks its streams with :class:`_Unpacker`'s bounded decoders.

    The stand-ins replace names in ``pdfminer.pdftypes`` for the duration (a lock keeps two reads in one
    process from interleaving); a limit passed becomes one ``ReportError`` naming the file.
    """
    import pdfminer
    from pdfminer import pdftypes

    names = ("zlib", "decompress_corrupted", "lzwdecode", "rldecode", "ccittfaxdecode")
    missing = [name for name in names if not hasattr(pdftypes, name)]
    if missing:  # another pdfminer.six than requirements.lock's: its decoders could not be bounded
        raise ReportError(path, f"this pdfminer.six ({getattr(pdfminer, '__version__', '?')}) lacks "
                                f"{', '.join(missing)} in pdfminer.pdftypes, which the reader bounds while it unpacks "
                                "a PDF: install the version of requirements.lock (make venv)")
    with _UNPACKING_LOCK:
        saved = {name: getattr(pdftypes, name) for name in names}
        unpacker = _Unpacker(saved["rldecode"])
        pdftypes.zlib = unpacker
        for name in names[1:]:
            setattr(pdftypes, name, getattr(unpacker, name))
        try:
            yield unpacker
        except _TooMuchToUnpack as e:
            raise ReportError(path, f"{e} (this reader's limit): the file is crafted or not a report") from None
        finally:
            for name, value in saved.items():
                setattr(pdftypes, name, value)


@dataclass
class _Document:
    doc: object  # pdfminer.pdfdocument.PDFDocument
    rsrcmgr: object  # pdfminer.pdfinterp.PDFResourceManager (fonts shared by the pages)


def _open(data: bytes, path: Path) -> _Document:
    """The pdfminer document, or one clear refusal (not a PDF, truncated, damaged, password)."""
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFResourceManager
    from pdfminer.pdfparser import PDFParser

    if b"%PDF-" not in data[:1024]:
        raise ReportError(path, "not a PDF (the file does not start with %PDF-)")
    if b"%%EOF" not in data[-2048:]:
        raise ReportError(path, "the PDF is cut short (no %%EOF at its end): the file looks truncated; download it again")
    try:
        # an empty password opens a PDF that is only restricted (copying, printing), as viewers do
        doc = PDFDocument(PDFParser(BytesIO(data)), password="")
        if not isinstance(doc.catalog, dict) or "Pages" not in doc.catalog:
            raise ValueError("no page tree in the document catalog")
    except (Exception, RecursionError) as cause:  # pdfminer raises many kinds on damaged input
        if isinstance(cause, PDFPasswordIncorrect):
            raise ReportError(path, "the PDF is encrypted with a password (it asks for one to open): "
                                    "open it in a PDF viewer with the password and save or print an "
                                    "unprotected copy, then read that copy") from None
        if isinstance(cause, PDFEncryptionError):
            raise ReportError(path, f"the PDF uses an encryption this reader cannot open ({_short(cause)}): "
                                    "save or print an unprotected copy and read that") from None
        raise ReportError(path, f"the PDF is damaged and cannot be read ({_short(cause)}): "
                                "download it again or save it anew from a PDF viewer") from None
    return _Document(doc, PDFResourceManager(caching=True))


_STREAM_BODY_RE = re.compile(rb"stream\r?\n.*?endstream", re.S)
_COUNT_RE = re.compile(rb"/Count\s+(\d{1,12})")
_KIDS_RE = re.compile(rb"/Kids\s*\[")
_PAGES_TYPE_RE = re.compile(rb"/Type\s*/Pages(?![A-Za-z0-9])")


def _prescan(data: bytes, path: Path) -> None:
    """Refuse, before any PDF parsing, a page tree declaring too many pages and objects nested too deeply.

    pdfminer parses a nested array one level at a time (tens of µs each) and walks a page tree's every
    kid; both are checked here on the raw bytes (stream bodies left out), in C-speed passes.

    >>> _prescan(b"%PDF-1.7 << /Type /Pages /Count 3 /Kids [[1] [2]] >>", Path("ok.pdf"))
    >>> _prescan(b"%PDF-1.7 << /Type /Pages /Count 90000 >>", Path("big.pdf"))
    Traceback (most recent call last):
    helpers.read.extract.ReportError: big.pdf: the PDF declares 90,000 pages, more than the 300 this reader takes (an evaluation report has tens of pages): split it, or print the table pages to a new PDF
    """
    import numpy as np

    for m in _COUNT_RE.finditer(data):  # a /Count of a page tree node (not of an outline)
        n = int(m.group(1))
        if n <= MAX_PAGES:
            continue
        start, end = data.rfind(b"<<", 0, m.start()), data.find(b">>", m.end())
        if _PAGES_TYPE_RE.search(data, max(start, 0), end if end >= 0 else len(data)):
            raise ReportError(path, f"the PDF declares {n:,} pages, more than the {MAX_PAGES:,} this reader takes "
                                    "(an evaluation report has tens of pages): split it, or print the table pages to a new PDF")
    for m in _KIDS_RE.finditer(data):  # one page tree node with more kids than the limit
        end = data.find(b"]", m.end())
        kids = data.count(b"R", m.end(), end if end >= 0 else len(data))
        if kids > MAX_PAGES:
            raise ReportError(path, f"the PDF's page tree lists {kids:,} pages in one node, more than the {MAX_PAGES:,} "
                                    "this reader takes: split it, or print the table pages to a new PDF")
    syntax = _STREAM_BODY_RE.sub(b"stream endstream", data).replace(b"<<", b"\x01").replace(b">>", b"\x02")
    arr = np.frombuffer(syntax, dtype=np.uint8)
    step = ((arr == ord("[")) | (arr == 1)).astype(np.int32) - ((arr == ord("]")) | (arr == 2)).astype(np.int32)
    depth = int(np.cumsum(step).max()) if len(step) else 0
    if depth > MAX_NESTING:
        raise ReportError(path, f"the PDF nests arrays or dictionaries {depth:,} levels deep (PDF readers stop at 28; "
                                f"this reader at {MAX_NESTING}): the file is crafted or damaged")


def _short(e: BaseException) -> str:
    """An exception from pdfminer, for a message: its kind and its text (escaped, cut)."""
    return f"{type(e).__name__}: {escape_text(str(e), 120)}" if str(e) else type(e).__name__


def _page_objects(pdf, path: Path):
    """(page number, pdfminer page) for every page, refusing more than :data:`MAX_PAGES` before reading them."""
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(pdf.doc.catalog.get("Pages")).get("Count"))
    except Exception:  # an odd page tree: count while walking it
        count = None
    if isinstance(count, int) and count > MAX_PAGES:
        raise ReportError(path, f"the PDF declares {count:,} pages, more than the {MAX_PAGES:,} this reader takes "
                                "(an evaluation report has tens of pages): split it, or print the table pages to a new PDF")
    n = 0
    try:
        for page_obj in PDFPage.create_pages(pdf.doc):
            n += 1
            if n > MAX_PAGES:
                raise ReportError(path, f"the PDF has more than {MAX_PAGES:,} pages (this reader's limit): split it, "
                                        "or print the table pages to a new PDF")
            yield n, page_obj
    except ReportError:
        raise
    except (Exception, RecursionError) as e:
        raise ReportError(path, f"the PDF's page {n + 1} cannot be found in the file ({_short(e)}): the file is damaged; "
                                "download it again") from None
    if n == 0:
        raise ReportError(path, "the PDF has no pages")


# --------------------------------------------------------------------------------- one page
class _PageTooBusy(Exception):
    pass


def _bounded_device_class():
    from pdfminer.converter import PDFPageAggregator

    class BoundedDevice(PDFPageAggregator):
        """pdfminer's page aggregator (no layout analysis) that stops once a page draws more than the limits allow."""

        paths = chars = xobjects = 0  # paths: counted by the interpreter as they are built

        def render_char(self, *args, **kwargs):
            self.chars += 1
            if self.chars > MAX_PAGE_CHARS:
                raise _PageTooBusy(f"draws more than {MAX_PAGE_CHARS:,} characters")
            return super().render_char(*args, **kwargs)

        def begin_figure(self, *args, **kwargs):
            self.xobjects += 1
            if self.xobjects > MAX_PAGE_XOBJECTS:
                raise _PageTooBusy(f"draws more than {MAX_PAGE_XOBJECTS:,} forms or images (XObjects)")
            return super().begin_figure(*args, **kwargs)

    return BoundedDevice


def _bounded_interpreter_class():
    from pdfminer.pdfinterp import PDFPageInterpreter

    class BoundedInterpreter(PDFPageInterpreter):
        """pdfminer's interpreter counting path construction (m, l, c, v, y, re) against the page's limit.

        One painted path may hold any number of sub-paths: counted here as they are built, so that
        a path of 100,000 rectangles stops at the limit rather than after it is built.
        """

        def _count(self) -> None:
            self.device.paths += 1
            if self.device.paths > MAX_PAGE_PATHS:
                raise _PageTooBusy(f"draws more than {MAX_PAGE_PATHS:,} lines and shapes")

        def do_m(self, x, y):
            self._count()
            return super().do_m(x, y)

        def do_l(self, x, y):
            self._count()
            return super().do_l(x, y)

        def do_c(self, x1, y1, x2, y2, x3, y3):
            self._count()
            return super().do_c(x1, y1, x2, y2, x3, y3)

        def do_v(self, x2, y2, x3, y3):
            self._count()
            return super().do_v(x2, y2, x3, y3)

        def do_y(self, x1, y1, x3, y3):
            self._count()
            return super().do_y(x1, y1, x3, y3)

        def do_re(self, x, y, w, h):
            self._count()
            return super().do_re(x, y, w, h)

    return BoundedInterpreter


def _read_page(pdf, page_obj, number: int, path: Path, budget: list[int]) -> _Page:
    """Interpret one page within the limits; its runs, placed in the cells of its table."""
    from pdfminer.layout import LTChar, LTCurve, LTFigure, LTImage

    try:
        used = _check_streams(page_obj, number, path)
    except ReportError:
        raise
    except (Exception, RecursionError) as e:
        raise ReportError(path, f"page {number}: its content cannot be read ({_short(e)}): the file is damaged") from None
    budget[0] -= used
    if budget[0] < 0:
        raise ReportError(path, f"page {number}: the pages so far draw more than {MAX_DOCUMENT_CONTENT_BYTES:,} bytes "
                                "of content together (this reader's limit): split the PDF")
    device = _bounded_device_class()(pdf.rsrcmgr, pageno=number, laparams=None)
    try:
        _bounded_interpreter_class()(pdf.rsrcmgr, device).process_page(page_obj)
    except _PageTooBusy as e:
        raise ReportError(path, f"page {number} {e} (this reader's limit for a page of a report): not a report "
                                "table; print the table pages to a new PDF") from None
    except RecursionError:
        raise ReportError(path, f"page {number}: its drawing is nested too deeply to read: the file is damaged or crafted") from None
    except Exception as e:
        raise ReportError(path, f"page {number}: its content cannot be read ({_short(e)}): the file is damaged") from None
    layout = device.get_result()
    height = layout.height
    chars, h_rules, v_rules, images = [], [], [], 0
    stack = [layout]
    while stack:
        for obj in stack.pop():
            if isinstance(obj, LTChar):
                chars.append(obj)
            elif isinstance(obj, LTCurve):
                _add_rules(obj, height, h_rules, v_rules)
            elif isinstance(obj, LTImage):
                images += 1
            elif isinstance(obj, LTFigure):
                stack.append(obj)
    if not chars:
        if images:
            raise ReportError(path, f"page {number} has no text layer, only an image (a scanned page?): its text cannot "
                                    "be read without OCR, which this tool does not do. Use the municipality's PDF with "
                                    "text, or a text dump of the report (.txt)")
        return _Page(number, layout.width, height, [], [])
    cells, grid = page_cells(h_rules, v_rules, path=path, page=number)
    runs = _page_runs(chars, cells, grid, number, height, path)
    return _Page(number, layout.width, height, runs, cells, len(grid[1]) - 1 if grid else 0, len(grid[0]) - 1 if grid else 0,
                 list(grid[0]) if grid else [])


def _check_streams(page_obj, number: int, path: Path) -> int:
    """Decoded size of the page's content (forms included), checked against the limits before pdfminer decodes it.

    A FlateDecode stream is inflated in pieces and abandoned past the limit, so a compression bomb
    costs no memory; fonts and CMaps reachable from the page are checked the same way.
    """
    from pdfminer.pdftypes import PDFStream, resolve1

    total = 0
    seen: set[int] = set()

    def size(stream, limit: int, what: str) -> int:
        key = id(stream) if stream.objid is None else stream.objid
        if key in seen:
            return 0
        seen.add(key)
        n = _decoded_size(stream, limit)
        if n is None:
            raise ReportError(path, f"page {number}: {what} decodes to more than {limit:,} bytes (this reader's limit "
                                    "for a page of a report): the page is not a report table, or the file is crafted; "
                                    "print the table pages to a new PDF")
        return n

    contents = page_obj.contents or []
    for s in contents:
        s = resolve1(s)
        if isinstance(s, PDFStream):
            total += size(s, MAX_PAGE_CONTENT_BYTES, "its content")
    todo = [(resolve1(page_obj.resources) or {}, 0)]
    visited = 0
    while todo:
        res, depth = todo.pop()
        visited += 1
        if visited > MAX_PAGE_XOBJECTS or depth > 20:
            raise ReportError(path, f"page {number}: its resources nest more than this reader follows "
                                    f"({MAX_PAGE_XOBJECTS} forms, 20 levels): the file is crafted or not a report")
        if not isinstance(res, dict):
            continue
        xobjects = resolve1(res.get("XObject"))
        for obj in (xobjects.values() if isinstance(xobjects, dict) else ()):
            x = resolve1(obj)
            if isinstance(x, PDFStream) and getattr(resolve1(x.get("Subtype")), "name", None) == "Form":
                total += size(x, MAX_PAGE_CONTENT_BYTES, "a form it draws")
                todo.append((resolve1(x.get("Resources")) or {}, depth + 1))
        fonts = resolve1(res.get("Font"))
        for font in (fonts.values() if isinstance(fonts, dict) else ()):
            for s in _font_streams(resolve1(font)):
                size(s, MAX_STREAM_BYTES, "a font it uses")
        if total > MAX_PAGE_CONTENT_BYTES:
            break
    if total > MAX_PAGE_CONTENT_BYTES:
        raise ReportError(path, f"page {number} draws {total:,} bytes of content, more than the {MAX_PAGE_CONTENT_BYTES:,} "
                                "this reader takes for one page of a report: the page is not a report table, or "
                                "crafted; print the table pages to a new PDF")
    return total


def _font_streams(font) -> list:
    """The streams pdfminer decodes for a font: ToUnicode, embedded font programs (descendants included)."""
    from pdfminer.pdftypes import PDFStream, resolve1

    out = []
    if not isinstance(font, dict):
        return out
    descendants = resolve1(font.get("DescendantFonts"))
    fonts = [font] + ([resolve1(d) for d in descendants[:4]] if isinstance(descendants, list) else [])
    for f in fonts:
        if not isinstance(f, dict):
            continue
        desc = resolve1(f.get("FontDescriptor"))
        for s in [f.get("ToUnicode"), f.get("Encoding")] + (
                [desc.get(k) for k in ("FontFile", "FontFile2", "FontFile3")] if isinstance(desc, dict) else []):
            s = resolve1(s)
            if isinstance(s, PDFStream):
                out.append(s)
    return out


def _decoded_size(stream, limit: int) -> int | None:
    """The decoded length of a PDF stream, or None when it exceeds ``limit`` (checked without decoding it all).

    ASCII85 / ASCIIHex stages (which only shrink) are decoded; a final FlateDecode is inflated in
    pieces and abandoned past the limit.  Other filters (LZW, RunLength …), rare in these files, are
    taken only for small streams.
    """
    from pdfminer.ascii85 import ascii85decode, asciihexdecode
    from pdfminer.pdftypes import resolve1

    raw = stream.rawdata if stream.rawdata is not None else stream.data
    if raw is None:
        return 0
    filters = resolve1(stream.get("Filter"))
    names = [getattr(resolve1(f), "name", str(f)) for f in (filters if isinstance(filters, list) else [filters] if filters else [])]
    data = raw
    try:
        while names and names[0] in ("ASCII85Decode", "A85", "ASCIIHexDecode", "AHx"):
            data = ascii85decode(data) if names.pop(0) in ("ASCII85Decode", "A85") else asciihexdecode(data)
    except Exception:
        return len(raw)  # pdfminer reports the damage itself
    if not names:
        return len(data) if len(data) <= limit else None
    if names in (["FlateDecode"], ["Fl"]):
        d = zlib.decompressobj()
        n, chunk = 0, data
        try:
            while chunk:
                n += len(d.decompress(chunk, 1 << 20))
                if n > limit:
                    return None
                chunk = d.unconsumed_tail
            return n
        except zlib.error:
            return len(data)  # pdfminer reports the damage itself
    return len(data) * 128 if len(data) * 128 <= limit else None


def _add_rules(obj, height: float, h_rules: list, v_rules: list) -> None:
    """Horizontal and vertical rules (in top-down page coordinates) drawn by a line, rectangle or path."""
    from pdfminer.layout import LTLine, LTRect

    if isinstance(obj, LTRect):
        x0, y0, x1, y1 = obj.x0, obj.y0, obj.x1, obj.y1
        top, bottom = height - y1, height - y0
        if bottom - top <= THIN and x1 - x0 > bottom - top:
            h_rules.append(((top + bottom) / 2, x0, x1))
        elif x1 - x0 <= THIN:
            v_rules.append(((x0 + x1) / 2, top, bottom))
        else:
            h_rules += [(top, x0, x1), (bottom, x0, x1)]
            v_rules += [(x0, top, bottom), (x1, top, bottom)]
        return
    pts = obj.pts if not isinstance(obj, LTLine) else obj.pts[:2]
    for (ax, ay), (bx, by) in zip(pts, pts[1:]):
        if abs(ay - by) <= 0.5 and abs(ax - bx) > 0.5:
            h_rules.append((height - (ay + by) / 2, min(ax, bx), max(ax, bx)))
        elif abs(ax - bx) <= 0.5 and abs(ay - by) > 0.5:
            v_rules.append(((ax + bx) / 2, height - max(ay, by), height - min(ay, by)))


# --------------------------------------------------------------------------------- rules -> cells
def _snap(values: list[float], tol: float) -> list[float]:
    """Cluster sorted coordinates closer than ``tol``; each value mapped to its cluster's mean.

    >>> _snap([10.0, 10.4, 30.0], 1.5)
    [10.2, 10.2, 30.0]
    """
    order = sorted(range(len(values)), key=values.__getitem__)
    out = [0.0] * len(values)
    group: list[int] = []
    for i in order + [None]:
        if i is not None and group and values[i] - values[group[-1]] <= tol:
            group.append(i)
            continue
        if group:
            mean = round(sum(values[g] for g in group) / len(group), 3)
            for g in group:
                out[g] = mean
        group = [i] if i is not None else []
    return out


def _join(rules: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Snap rules to common coordinates and join collinear pieces that touch (gap ≤ :data:`JOIN`)."""
    if not rules:
        return []
    snapped = _snap([r[0] for r in rules], SNAP)
    by_pos: dict[float, list[tuple[float, float]]] = {}
    for pos, (_, a, b) in zip(snapped, rules):
        by_pos.setdefault(pos, []).append((a, b))
    out = []
    for pos in sorted(by_pos):
        spans = sorted(by_pos[pos])
        a, b = spans[0]
        for c, d in spans[1:]:
            if c <= b + JOIN:
                b = max(b, d)
            else:
                out.append((pos, a, b))
                a, b = c, d
        out.append((pos, a, b))
    return out


def _largest_table(h: list, v: list) -> tuple[list, list]:
    """The rules of the largest connected set of crossing rules (the page's table)."""
    import numpy as np

    if not h or not v:
        return [], []
    H, V = np.array(h), np.array(v)
    t = JOIN
    cross = ((H[:, 1:2] - t <= V[None, :, 0]) & (V[None, :, 0] <= H[:, 2:3] + t)
             & (V[None, :, 1] - t <= H[:, 0:1]) & (H[:, 0:1] <= V[None, :, 2] + t))
    seen_h = np.zeros(len(h), bool)
    seen_v = np.zeros(len(v), bool)
    best: tuple[int, list[int], list[int]] = (0, [], [])
    for start in range(len(h)):
        if seen_h[start]:
            continue
        comp_h, comp_v = [start], []
        seen_h[start] = True
        frontier_h, frontier_v = [start], []
        while frontier_h or frontier_v:
            if frontier_h:
                hit = np.nonzero(cross[frontier_h].any(axis=0) & ~seen_v)[0].tolist()
                seen_v[hit] = True
                comp_v += hit
                frontier_v, frontier_h = hit, []
            else:
                hit = np.nonzero(cross[:, frontier_v].any(axis=1) & ~seen_h)[0].tolist()
                seen_h[hit] = True
                comp_h += hit
                frontier_h, frontier_v = hit, []
        n_cross = int(cross[np.ix_(comp_h, comp_v)].sum()) if comp_v else 0
        if n_cross > best[0]:
            best = (n_cross, comp_h, comp_v)
    _, hs, vs = best
    return [h[i] for i in hs], [v[i] for i in vs]


def _grid_lines(positions: list[float]) -> list[float]:
    """Distinct grid coordinates: positions closer than :data:`JOIN` are one line.

    >>> _grid_lines([5.0, 100.0, 101.2, 200.0])
    [5.0, 100.6, 200.0]
    """
    out: list[list[float]] = []
    for p in sorted(positions):
        if out and p - out[-1][-1] <= JOIN:
            out[-1].append(p)
        else:
            out.append([p])
    return [round(sum(g) / len(g), 3) for g in out]


def page_cells(h_rules: list[tuple[float, float, float]], v_rules: list[tuple[float, float, float]], *,
               path: str | Path = "<pdf>", page: int = 1) -> tuple[list[Cell], tuple[list[float], list[float]] | None]:
    """Rule 1: the cells of a page's table from its rules.

    Args:
        h_rules: horizontal rules ``(y, x0, x1)``, top-down coordinates (pt).
        v_rules: vertical rules ``(x, top, bottom)``.

    Returns:
        The cells (merged cells as one, row-major order) and the grid ``(xs, ys)``; no table: ``([], None)``.

    A 2 × 2 grid whose lower row is one merged cell:

    >>> h = [(0, 0, 20), (10, 0, 20), (20, 0, 20)]
    >>> v = [(0, 0, 20), (10, 0, 10), (20, 0, 20)]
    >>> cells, _ = page_cells(h, v)
    >>> [(c.row, c.col, c.row_span, c.col_span) for c in cells]
    [(0, 0, 1, 1), (0, 1, 1, 1), (1, 0, 1, 2)]
    """
    h, v = _join(h_rules), _join(v_rules)
    if len(h) + len(v) > MAX_RULES:
        raise ReportError(path, f"page {page} draws {len(h) + len(v):,} separate rules, more than the {MAX_RULES:,} "
                                "of any report table: not a table this reader understands")
    h, v = _largest_table(h, v)
    xs, ys = _grid_lines([r[0] for r in v]), _grid_lines([r[0] for r in h])
    if len(xs) < 2 or len(ys) < 2:
        return [], None
    if (len(xs) - 1) * (len(ys) - 1) > MAX_GRID_BOXES:
        raise ReportError(path, f"page {page}: its rules make a grid of {len(ys) - 1:,} × {len(xs) - 1:,} boxes, "
                                "more than any report table: not a table this reader understands")
    nr, nc = len(ys) - 1, len(xs) - 1
    h_at = _rules_at(h, ys)
    v_at = _rules_at(v, xs)
    parent = list(range(nr * nc))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i in range(nr):
        ym = (ys[i] + ys[i + 1]) / 2
        for j in range(nc):
            xm = (xs[j] + xs[j + 1]) / 2
            if j + 1 < nc and not _covered(v_at[j + 1], ym):
                parent[find(i * nc + j)] = find(i * nc + j + 1)
            if i + 1 < nr and not _covered(h_at[i + 1], xm):
                parent[find(i * nc + j)] = find((i + 1) * nc + j)
    boxes: dict[int, list[int]] = {}
    for i in range(nr):
        for j in range(nc):
            r = find(i * nc + j)
            b = boxes.setdefault(r, [i, j, i, j])
            b[0], b[1], b[2], b[3] = min(b[0], i), min(b[1], j), max(b[2], i), max(b[3], j)
    cells = sorted((Cell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1])
                    for r0, c0, r1, c1 in boxes.values()), key=lambda c: (c.row, c.col))
    return cells, (xs, ys)


def _rules_at(rules: list[tuple[float, float, float]], grid: list[float]) -> list[list[tuple[float, float]]]:
    """For each grid line, the spans of the rules lying on it."""
    out: list[list[tuple[float, float]]] = [[] for _ in grid]
    for pos, a, b in rules:
        k = min(range(len(grid)), key=lambda g: abs(grid[g] - pos)) if len(grid) < 64 else _nearest(grid, pos)
        if abs(grid[k] - pos) <= JOIN + SNAP:
            out[k].append((a, b))
    return out


def _nearest(grid: list[float], pos: float) -> int:
    k = bisect_right(grid, pos)
    cands = [i for i in (k - 1, k) if 0 <= i < len(grid)]
    return min(cands, key=lambda i: abs(grid[i] - pos))


def _covered(spans: list[tuple[float, float]], at: float) -> bool:
    return any(a - SNAP <= at <= b + SNAP for a, b in spans)


# --------------------------------------------------------------------------------- chars -> runs
def _page_runs(chars: list, cells: list[Cell], grid, page: int, height: float, path: Path) -> list[Run]:
    """The page's runs: each cell's characters in printed lines, then the lines outside the table."""
    by_cell: dict[Cell, list] = {}
    outside: list = []
    if grid:
        xs, ys = grid
        nc = len(xs) - 1
        cell_of: dict[tuple[int, int], Cell] = {}
        for c in cells:
            for i in range(c.row, c.row + c.row_span):
                for j in range(c.col, c.col + c.col_span):
                    cell_of[(i, j)] = c
    for ch in chars:
        text = ch.get_text()
        cx, cy = (ch.x0 + ch.x1) / 2, height - (ch.y0 + ch.y1) / 2
        if grid and xs[0] < cx < xs[-1] and ys[0] < cy < ys[-1]:
            j = min(bisect_right(xs, cx) - 1, nc - 1)
            i = min(bisect_right(ys, cy) - 1, len(ys) - 2)
            by_cell.setdefault(cell_of[(i, j)], []).append((cx, cy, ch, text))
        else:
            outside.append((cx, cy, ch, text))
    runs: list[Run] = []
    table_top = grid[1][0] if grid else height
    above = [r for r in _lines(outside, height, page, None) if r.bottom <= table_top]
    below = [r for r in _lines(outside, height, page, None) if r.bottom > table_top]
    runs += above
    for c in sorted(by_cell, key=lambda c: (c.row, c.col)):
        runs += _lines(by_cell[c], height, page, c)
    runs += below
    for r in runs:
        if _CID_RE.search(r.text):
            raise ReportError(path, f"{_where(r)}: characters without Unicode ({escape_text(r.text, 40)}): the PDF's "
                                    "font does not say which characters it draws; export the PDF again with its "
                                    "fonts' Unicode (or use a text dump of the report)")
        m = _CONTROL_RE.search(r.text)
        if m:
            raise ReportError(path, f"{_where(r)}: control character U+{ord(m.group()):04X} in the text "
                                    f"({escape_text(r.text, 40)}); a report holds text only")
    return runs


def _lines(items: list, height: float, page: int, cell: Cell | None) -> list[Run]:
    """Characters grouped into printed lines (by vertical centre), each read left to right.

    A character printed twice on the same spot (a simulated bold: the same glyph offset by less
    than :data:`DUPLICATE_TOLERANCE`) is one character.  Outside the table, a gap wider than 8
    characters splits a line into two runs.  ASCII spaces at either end of a run are layout.
    """
    if not items:
        return []
    items = sorted(items, key=lambda t: (t[1], t[0]))
    lines: list[list] = []
    for it in items:
        size = it[2].y1 - it[2].y0 or 1.0
        if lines and abs(it[1] - lines[-1][0][1]) <= 0.5 * size:
            lines[-1].append(it)
        else:
            lines.append([it])
    out: list[Run] = []
    k = 0
    for line in lines:
        line = _dedupe(sorted(line, key=lambda t: t[2].x0))
        pieces = [[line[0]]]
        if cell is None:
            for prev, it in zip(line, line[1:]):
                if it[2].x0 - prev[2].x1 > 8 * (prev[2].y1 - prev[2].y0 or 1.0):
                    pieces.append([])
                pieces[-1].append(it)
        else:
            pieces = [line]
        for piece in pieces:
            text = "".join(t[3] for t in piece)
            stripped = text.strip(" ")
            if not stripped:
                continue  # a line of spaces only is blank
            lead = len(text) - len(text.lstrip(" "))
            body = piece[lead: lead + len(stripped)] if len(text) == len(piece) else piece
            k += 1
            out.append(Run(page, stripped, min(t[2].x0 for t in body), height - max(t[2].y1 for t in body),
                           max(t[2].x1 for t in body), height - min(t[2].y0 for t in body), cell, k))
    return out


def _dedupe(line: list) -> list:
    """A line's characters (sorted left to right) without the second print of a glyph printed twice."""
    out: list = []
    for it in line:
        if out:
            prev = out[-1][2]
            if (out[-1][3] == it[3] and abs(it[2].x0 - prev.x0) <= DUPLICATE_TOLERANCE
                    and abs(it[2].y0 - prev.y0) <= DUPLICATE_TOLERANCE):
                continue
        out.append(it)
    return out


def _number_runs(pages: list[_Page]) -> list[Run]:
    runs = [r for p in pages for r in p.runs]
    for n, r in enumerate(runs, start=1):
        r.line_no = n
    return runs


# --------------------------------------------------------------------------------- header -> columns
@dataclass
class _Columns:
    header_rows: int  # grid rows of the header
    role_of_col: list[str | None]  # grid column -> role
    names: dict[str, str]  # role -> header text as printed
    periods: tuple[Period, Period, Period]
    header_cells: list[Cell] = field(default_factory=list)


def _header_names(cells: list[Cell], texts: dict[Cell, str], n_cols: int, h: int) -> list[tuple[str, list[int]]]:
    """The column names of a header of ``h`` grid rows: (name, grid columns) left to right.

    Grid columns under the same stack of header cells are one column; a name is its stack's texts
    top to bottom (``2021年度`` over ``計画`` reads ``2021年度計画``).
    """
    out: list[tuple[str, list[int]]] = []
    prev: tuple | None = None
    for j in range(n_cols):
        stack = tuple(sorted((c for c in cells if c.row < h and c.col <= j < c.col + c.col_span), key=lambda c: c.row))
        if stack == prev:
            out[-1][1].append(j)
            continue
        prev = stack
        out.append(("".join(texts.get(c, "") for c in stack), [j]))
    return out


def header_columns(cells: list[Cell], texts: dict[Cell, str], n_cols: int, *, layout: Layout | None = None,
                   sidecar: str = "the report's sidecar <stem>.meta.json") -> _Columns | None:
    """Rule 2: the header rows of a page's table and the role of each grid column (None: not the report's table).

    A header is the top 1–3 grid rows whose cells name three period columns and a 評価 column
    (:func:`helpers.read.layout.is_period_label`); its names are then read by
    :func:`helpers.read.layout.column_roles` (with the sidecar's declared names, if any), as the
    text reader reads a text header.

    Args:
        cells: the page's cells; texts: each cell's text (its runs joined).
        n_cols: grid columns of the table.
        layout: the layout declared in the report's sidecar.

    Raises:
        LayoutError: a header the reader cannot place (message with the sidecar declaration to add).
    """
    top = [c for c in cells if c.row < HEADER_MAX_GRID_ROWS]
    for h in range(1, HEADER_MAX_GRID_ROWS + 1):
        if any(c.row < h < c.row + c.row_span for c in top):
            continue  # a cell crosses the header's lower edge
        named = [(n, cols) for n, cols in _header_names(top, texts, n_cols, h) if n]
        names = [n for n, _ in named]
        if sum(map(is_period_label, names)) != 3 or "grade" not in {_role_word(n) for n in names}:
            continue
        roles = column_roles(names, declared=layout)
        role_of_col: list[str | None] = [None] * n_cols
        for role, (_, cols) in zip(roles, named):
            for j in cols:
                role_of_col[j] = role
        periods = _periods(names, roles)
        return _Columns(h, role_of_col, dict(zip(roles, names)), periods, [c for c in cells if c.row < h])
    return None


def _role_word(name: str) -> str | None:
    return "grade" if name_key(name) in {name_key(x) for x in COLUMN_VOCABULARY["grade"]} else None


# --------------------------------------------------------------------------------- rows
@dataclass
class _Row:
    """A table row being read: cells by role, with the page and cells it came from."""

    page: int  # 1-based
    cells: dict[str, list[Fragment]]
    grade_cell: Cell | None
    first_at_top: bool  # the first body row of its page
    last_at_bottom: bool  # the last body row of its page
    objective: tuple[int, str, int] | None = None  # no, title, line_no (when a heading starts here)
    merged: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # role -> (page, row, col) of its merged cell
    notes: list[str] = field(default_factory=list)
    periods: tuple[Period, Period, Period] | None = None
    section: tuple[str, str] | None = None
    runs: list[Run] = field(default_factory=list)

    def has_text(self) -> bool:
        return any(self.cells.values())

    def grade(self) -> str:
        return "".join(f.text for f in self.cells.get("grade", []))


def _frag(r: Run) -> Fragment:
    return Fragment(r.line_no, 0, r.text, 1)


def _extract(pages: list[_Page], runs: list[Run], path: Path, layout: Layout | None = None) -> Extraction:
    """Rules 2–5 over all pages: the rows, the furniture, the unplaced runs."""
    boiler: dict[int, str] = {}
    unplaced: list[Run] = []
    legend_by_page: dict[int, list[Run]] = {}
    table_rows: list[_Row] = []
    periods_by_page: list[tuple[Period, Period, Period]] = []
    found_table = False
    first_table = (0, 0.0)  # (page, top of the table in pt) of the table's first page
    last: tuple[_Columns, list[float]] | None = None  # the last header read, and its page's column lines
    for page in pages:
        cell_runs: dict[Cell, list[Run]] = {}
        outside: list[Run] = []
        for r in page.runs:
            (cell_runs.setdefault(r.cell, []) if r.cell is not None else outside).append(r)
        texts = {c: "".join(r.text for r in rs) for c, rs in cell_runs.items()}
        cols = None
        if page.cells:
            try:
                cols = header_columns(page.cells, texts, page.n_grid_cols, layout=layout)
            except LayoutError as e:
                raise ReportError(path, f"page {page.number}, column header: {e.explain(_sidecar_name(str(path)))}") from None
            if cols is not None:
                last = (cols, page.xs)
            elif last is not None and _same_columns(page.xs, last[1]):
                # a page without a header of its own continues the table of the page before (same column lines)
                cols = _Columns(0, last[0].role_of_col, last[0].names, last[0].periods, [])
        # furniture outside the table (and full-width cells): legend, footers
        section = _furniture(outside, boiler, legend_by_page, unplaced, page.number, path)
        if cols is None:  # no report table on this page: its text fits no row
            for c, rs in cell_runs.items():
                unplaced += [r for r in rs if not _furniture_run(r, boiler, legend_by_page, page.number)]
            continue
        if not found_table:  # the table's top on its first page: text above it may be the document's title
            first_table = (page.number, min((r.top for r in page.runs if r.cell is not None), default=0.0))
        found_table = True
        if section is None:
            raise ReportError(path, f"page {page.number} names no basic goal and field plan in footers "
                                    f"({FOOTER_GOAL} … / {FOOTER_PLAN} …), expected one of each")
        periods_by_page.append(cols.periods)
        for c in cols.header_cells:
            for r in cell_runs.get(c, []):
                boiler[r.line_no] = "header"
        table_rows += _page_rows(page, cols, cell_runs, boiler, legend_by_page, unplaced, section, path)
    if not found_table:
        raise ReportError(path, "no evaluation table: no page has a ruled table whose header names the columns "
                                "(具体的な取り組み・事業, 概要, 担当部署, three …年度 periods, 評価); this reader needs the "
                                "table's drawn cell borders — for a PDF without them, use a text dump of the report (.txt)")
    unplaced = _preamble(unplaced, first_table, boiler)
    rows, more_unplaced = _join_broken_rows(table_rows)
    unplaced += more_unplaced
    raw_rows, sections = _raw_rows(rows, path)
    _refuse_repeated_rows(raw_rows, str(path))
    legend = _legend(legend_by_page, path)
    return Extraction(
        path=str(path),
        n_lines=len(runs),
        rows=raw_rows,
        boilerplate=dict(sorted(boiler.items())),
        unplaced=sorted({_frag(r) for r in unplaced}, key=lambda f: f.line_no),
        legend=legend,
        periods_by_page=periods_by_page,
        sections=sections,
        encoding="pdf",
    )


def _preamble(unplaced: list[Run], first_table: tuple[int, float], boiler: dict[int, str]) -> list[Run]:
    """Rule 5a: the document's title above the table is furniture of role ``preamble`` (the rest: unplaced).

    The runs that fit no cell and stand before the table (on earlier pages, or above the table on its
    first page) are the title lines a published report prints over its table; up to
    :data:`helpers.read.extract.MAX_PREAMBLE_LINES` of them are recorded as ``preamble`` (and printed by
    the run). More than that (a cover page, an introduction) stay unplaced: the run refuses rather than
    swallow pages of text.
    """
    page, top = first_table
    pre = [r for r in unplaced if r.page < page or (r.page == page and r.cell is None and r.bottom <= top)]
    if not pre or len(pre) > MAX_PREAMBLE_LINES:
        return unplaced
    for r in pre:
        boiler[r.line_no] = "preamble"
    taken = {id(r) for r in pre}
    return [r for r in unplaced if id(r) not in taken]


def _same_columns(xs: list[float], other: list[float]) -> bool:
    """The same column lines (within :data:`JOIN` + :data:`SNAP`): the same table on another page.

    >>> _same_columns([28.0, 84.0, 164.1], [28.0, 84.2, 164.0]), _same_columns([28.0, 84.0], [28.0, 90.0])
    (True, False)
    """
    return len(xs) == len(other) and all(abs(a - b) <= JOIN + SNAP for a, b in zip(xs, other))


def _furniture_run(r: Run, boiler: dict[int, str], legend_by_page: dict[int, list[Run]], page: int) -> bool:
    """A legend line (or its continuation) outside the rows: recorded as furniture."""
    norm = _nfkc(r.text)
    if LEGEND_MARK in r.text or _nfkc(LEGEND_MARK) in norm:
        boiler[r.line_no] = "legend"
        legend_by_page.setdefault(page, []).append(r)
        return True
    if legend_by_page.get(page) and re.match(r"^[A-D]\.", norm.strip()):
        boiler[r.line_no] = "legend"  # the legend wrapped onto a further line
        legend_by_page[page].append(r)
        return True
    return False


_PAGE_NUMBER_RE = re.compile(r"[-‐‑–—―ー\s]*(?:\d{1,4}|\d{1,4}\s*/\s*\d{1,4}|p\.?\s*\d{1,4})[-‐‑–—―ー\s]*", re.I)


def is_page_number(text: str) -> bool:
    """A page number printed outside the table: ``- 3 -``, ``３``, ``3/12``, ``P.3``.

    >>> [is_page_number(t) for t in ["- 3 -", "３", "3 / 12", "P.3", "―１２―", "2021年度", "評価"]]
    [True, True, True, True, True, False, False]
    """
    return bool(_PAGE_NUMBER_RE.fullmatch(_nfkc(text).strip()))


def _footer(text: str) -> tuple[str, str] | None:
    """('goal'|'plan', value as printed) for a footer line.

    >>> _footer("基本目標　安心して産み子育てできるまち"), _footer("分野別計画子ども・子育て支援"), _footer("概要")
    (('goal', '安心して産み子育てできるまち'), ('plan', '子ども・子育て支援'), None)
    """
    norm = _nfkc(text).strip()
    for kind, mark in (("goal", FOOTER_GOAL), ("plan", FOOTER_PLAN)):
        if norm.startswith(mark):
            value = _printed_span(text, norm[len(mark):].strip(" :："))
            return (kind, value) if value else None
    return None


def _furniture(outside: list[Run], boiler: dict[int, str], legend_by_page: dict[int, list[Run]],
               unplaced: list[Run], page: int, path: Path) -> tuple[str, str] | None:
    """Rule 5 outside the table: legend and footers recorded, the rest unplaced; the page's section (or None)."""
    goals: dict[str, Run] = {}
    plans: dict[str, Run] = {}
    for r in outside:
        if _furniture_run(r, boiler, legend_by_page, page):
            continue
        f = _footer(r.text)
        if f:
            boiler[r.line_no] = "footer"
            (goals if f[0] == "goal" else plans).setdefault(f[1], r)
        elif is_page_number(r.text):
            boiler[r.line_no] = "footer"  # the page number: footer furniture too
        else:
            unplaced.append(r)
    if not goals and not plans:
        return None
    if len(goals) != 1 or len(plans) != 1:
        raise ReportError(path, f"page {page} names {len(goals)} basic goals ({FOOTER_GOAL}) and {len(plans)} field "
                                f"plans ({FOOTER_PLAN}) in its footers, expected one each")
    return next(iter(goals)), next(iter(plans))


def _page_rows(page: _Page, cols: _Columns, cell_runs: dict[Cell, list[Run]], boiler: dict[int, str],
               legend_by_page: dict[int, list[Run]], unplaced: list[Run], section: tuple[str, str],
               path: Path) -> list[_Row]:
    """Rule 3: the body rows of one page's table, each cell's runs under its column's role."""
    role_of_col = cols.role_of_col
    grade_cols = {j for j, r in enumerate(role_of_col) if r == "grade"}
    body = [c for c in page.cells if c.row >= cols.header_rows]
    anchors = sorted({c for c in body if any(c.col <= j < c.col + c.col_span for j in grade_cols)}, key=lambda c: c.row)
    by_row: dict[int, list[Cell]] = {}  # grid row -> the body cells it crosses (left to right)
    for c in body:
        for i in range(c.row, c.row + c.row_span):
            by_row.setdefault(i, []).append(c)
    last_row = page.n_grid_rows - 1
    rows: list[_Row] = []
    for k, a in enumerate(anchors):
        r0, r1 = a.row, a.row + a.row_span - 1
        full_width = a.col == 0 and a.col_span == page.n_grid_cols
        row = _Row(page.number, {k2: [] for k2 in ROLE_NAMES if k2 != "objective"}, a,
                   first_at_top=k == 0, last_at_bottom=r1 == last_row, periods=cols.periods, section=section)
        if full_width:  # a heading row across the whole table
            rs = cell_runs.get(a, [])
            if not rs:
                continue
            m = _OBJECTIVE_RE.match(_nfkc("".join(r.text for r in rs)))
            if m:
                for r in rs:
                    boiler[r.line_no] = "objective"
                row.objective = (int(m.group("no")), _printed_span("".join(r.text for r in rs), m.group("title")), rs[0].line_no)
                row.cells = {}
                rows.append(row)
            else:
                unplaced += [r for r in rs if not _furniture_run(r, boiler, legend_by_page, page.number)]
            continue
        crossing = list(dict.fromkeys(c for i in range(r0, r1 + 1) for c in by_row.get(i, [])))
        for c in sorted(crossing, key=lambda c: (c.row, c.col)):
            roles = {role_of_col[j] for j in range(c.col, c.col + c.col_span)} - {None}
            rs = cell_runs.get(c, [])
            if c is not a and not roles:
                unplaced += rs
                continue
            role = "grade" if c is a else (roles.pop() if len(roles) == 1 else None)
            if role is None:
                if rs:
                    unplaced += rs
                    row.notes.append(f"a cell across columns {', '.join(sorted(ROLE_NAMES[x] for x in roles))} on page {page.number}")
                continue
            inside = c.row >= r0 and c.row + c.row_span - 1 <= r1
            if role == "objective":
                if c.row >= r0:  # the cell starts at this row: its text is the heading
                    if rs:
                        text = "".join(r.text for r in rs)
                        m = _OBJECTIVE_RE.match(_nfkc(text))
                        if not m:
                            raise ReportError(path, f"the 目標 cell reads {escape_text(text, 40)}, expected an objective "
                                                    "heading such as （１）…", rs[0].line_no)
                        for r in rs:
                            boiler[r.line_no] = "objective"
                        row.objective = (int(m.group("no")), _printed_span(text, m.group("title")), rs[0].line_no)
                continue
            if not inside:
                if role not in MERGEABLE:
                    raise ReportError(
                        path, f"the {ROLE_NAMES[role]} cell spans {c.row_span} grid rows, across table rows "
                              f"(only {_MERGEABLE_NAMES} cells may be merged)", rs[0].line_no if rs else None)
                row.merged[role] = (page.number, c.row, c.col)
            if rs and row.cells[role]:
                if role == "initiative" and inside:
                    # two initiatives beside one 評価 cell: a grade merged over rows, not one row ruled in parts
                    raise ReportError(
                        path, f"the 評価 cell beside this {ROLE_NAMES[role]} cell also spans the one above it: one grade "
                              f"printed for several rows (a merged 評価 cell) is not read, since joining the rows "
                              f"would lose one of them; print each row's grade in its own cell, or read a text dump "
                              f"of the report (.txt) in which each row has its grade", rs[0].line_no)
                row.notes.append(f"the {ROLE_NAMES[role]} cell is ruled in parts (page {page.number}); joined top to bottom")
            row.cells[role] += [_frag(r) for r in rs]
            row.runs += rs
        rows.append(row)
    return rows


def _join_broken_rows(rows: list[_Row]) -> tuple[list[_Row], list[Run]]:
    """Rule 4: a row broken across a page is one row; any other row without a grade is unplaced.

    An objective heading printed in such a row is kept (as a heading-only row) for the rows after it.
    """
    out: list[_Row] = []
    for row in rows:
        if row.cells and not row.has_text() and row.objective is None:
            continue  # an empty row
        prev = out[-1] if out and out[-1].cells else None
        broken = (row.cells and prev is not None and row.first_at_top and prev.page < row.page
                  and (not row.grade() or (not prev.grade() and prev.last_at_bottom)))
        if broken:
            for k, frags in row.cells.items():
                prev.cells[k] += frags
            prev.runs += row.runs
            prev.notes.append(f"row broken across pages {prev.page}–{row.page}")
            if row.objective is not None:  # a heading printed in the continuation: for the rows after it
                out.append(_Row(row.page, {}, None, False, False, objective=row.objective, section=row.section))
            continue
        out.append(row)
    final: list[_Row] = []
    unplaced: list[Run] = []
    for row in out:
        if row.cells and not row.grade():
            unplaced += row.runs
            if row.objective is None:
                continue
            row = _Row(row.page, {}, None, False, False, objective=row.objective, section=row.section)
        final.append(row)
    return final, unplaced


def _raw_rows(rows: list[_Row], path: Path) -> tuple[list[RawRow], list[tuple[str, str]]]:
    """The rows as :class:`~helpers.read.extract.RawRow` (objectives carried down, merged initiatives filled)."""
    out: list[RawRow] = []
    sections: list[tuple[str, str]] = []
    objective: tuple[int, str, int] | None = None
    objective_section: tuple[str, str] | None = None
    merged: dict[tuple[str, tuple[int, int, int]], list[RawRow]] = {}  # (role, cell) -> the rows it spans
    page_index: dict[int, int] = {}
    prev: tuple[_Row, RawRow] | None = None
    alias: dict = {}  # a merged cell continued on the next page -> the cell it continues
    for row in rows:
        if row.section is not None and row.section not in sections:
            sections.append(row.section)
        if row.objective is not None:
            objective, objective_section = row.objective, row.section
        if not row.cells:
            continue
        if objective is None or objective_section != row.section:
            first = next((f for fr in row.cells.values() for f in fr), None)
            raise ReportError(path, "table row before any objective heading （１）… of its section",
                              first.line_no if first else None)
        page_index.setdefault(row.page, len(page_index))
        raw = RawRow(
            page=page_index[row.page],
            section_key=row.section,  # type: ignore[arg-type]
            objective_no=objective[0],
            objective=objective[1],
            objective_line=objective[2],
            periods=row.periods,  # type: ignore[arg-type]
            cells={k: list(v) for k, v in row.cells.items()},
            layout_notes=list(row.notes),
        )
        for role in MERGEABLE[1:]:
            cell = row.merged.get(role)
            key = alias.get(cell, cell)
            if (role in CONTINUED_OVER_PAGES and not raw.cells.get(role) and row.first_at_top and prev is not None
                    and prev[0].page < row.page and prev[0].last_at_bottom and role in prev[0].merged):
                # a merged cell cut by the page break: printed on the page before, empty here (an initiative,
                # 概要 or 担当部署 is never empty; an empty コメント or 備考 cell may be just that)
                key = alias.get(prev[0].merged[role], prev[0].merged[role])
                if cell is not None:
                    alias[cell] = key
            if key is not None:
                merged.setdefault((role, key), []).append(raw)
        out.append(raw)
        prev = (row, raw)
    for (role, _), group in merged.items():
        if len(group) < 2:
            continue
        frags = next((r.cells[role] for r in group if r.cells.get(role)), [])
        for r in group:
            r.cells[role] = list(frags)
            if role == "initiative":
                r.initiative_merged = True
            else:
                r.merged_fields = r.merged_fields | {role}
            r.layout_notes.append(merged_cell_note(role, len(group)))
    return out, sections


def _legend(legend_by_page: dict[int, list[Run]], path: Path) -> list[dict]:
    """The grade legend: one text per page (its lines joined), equal on every page, defining A–D."""
    texts = {p: "".join(r.text for r in rs) for p, rs in legend_by_page.items()}
    parsed = {p: parse_grade_legend(t) for p, t in texts.items()}
    norm = {tuple((r["grade"], r["meaning"], r["min_achievement_pct"]) for r in v) for v in parsed.values()}
    if len(norm) > 1:
        raise ReportError(path, "the grade legend (〔評価の指標〕) differs between pages")
    first = parsed[min(parsed)] if parsed else []
    if parsed and [r["grade"] for r in first] != list(GRADES):
        raise ReportError(path, "the grade legend does not define grades A–D")
    return [dict(r) for r in first]
