"""SYNTHETIC test fixture: the committed report's evaluation table rendered as a PDF (issue 14).

The project has no published PDF of the report, so this script makes one the way municipalities
make theirs from a spreadsheet: A4 landscape, ruled cells, the column header repeated at the top
of every page, the 目標 (objective) column as vertically merged cells, the grade legend
〔評価の指標〕 above the table and the 基本目標 / 分野別計画 footer below it, IPAexGothic (the font file
shipped inside matplotlib-fontja).  Nothing here is a real PDF of the report: the file is written
only where the caller says (a pytest ``tmp_path``, the benchmark's temporary folder), never into
``data/raw/`` (real reports only).

The table's content is the independent hand reading of the report (``tests/data/reading_section*.json``,
see tests/data/README.md), not the parser's output, plus the legend line of the report (line 204).
What the PDF shows, with the committed report's line numbers:

* each section (基本目標 / 分野別計画, readings 1–4) starts on a new page; its pages' column header
  names the section's three period columns as the report prints them (lines 1–5, 333–337, 544–548,
  916; the readings' ``period_headers``);
* the objective （１）… is printed once at the top of its merged 目標 cell (line 7 …); on a page
  where an objective continues from the page before, its cell is empty;
* three consecutive rows with one initiative name, 健康寿命延伸に向けた取り組みの実施 (section 3,
  readings 11–13, lines 807–892), share one vertically merged 具体的な取り組み・事業 cell;
* a cell line break in the readings (``\\n``, the report's own line breaks, e.g. lines 15–22) is a forced
  line break in the PDF cell; longer text wraps at the cell width (never next to an ASCII space);
* full-width digits as printed (``１回`` line 39, ``第２期`` line 76) and the full-width grades Ｃ, Ｃ, Ａ
  of lines 71, 158 and 330;
* a row that does not fit at the bottom of a page is broken across the page (the rest of its
  cells continue in the first row of the next page, under the repeated header), as a word
  processor's "allow row to break across pages" does (:attr:`Layout.broken_rows` lists them);
* the page number ``- n -`` centred at the bottom of every page.

Variants for the failure tests: ``scan_page`` (one page is an image only, no text layer), encryption
(``user_password`` / ``owner_password``), :func:`render_text_only_pdf` (text, no ruled table).

The bytes are deterministic (reportlab's invariant mode: no creation date, a fixed document id).

Usage::

    .venv/bin/python tests/make_pdf_report.py OUT.pdf
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READINGS = [ROOT / "tests" / "data" / f"reading_section{k}.json" for k in (1, 2, 3, 4)]
RAW = ROOT / "data" / "raw" / "niigata-minami_chiiki-fukushi-keikaku_hyoka_2021.txt"
#: the report's name: a PDF written under this stem reads as the same report as the committed text
STEM = RAW.stem
LEGEND_LINE = 204  # 〔評価の指標〕 Ａ．目標を達成（概ね90％以上） …

#: (section, reading seq) -> the grade as printed where the text prints it full-width
PRINTED_GRADE = {(1, 2): "Ｃ", (1, 5): "Ｃ", (1, 11): "Ａ"}  # lines 71, 158, 330

PAGE_W, PAGE_H = 841.89, 595.28  # A4 landscape, points
MARGIN_X = 28.0
TABLE_TOP = 44.0  # from the top of the page
TABLE_BOTTOM = PAGE_H - 56.0  # lowest point of the table
FONT = "IPAexGothic"
SIZE = 6.5
LEADING = 8.4
PAD_X, PAD_Y = 3.0, 2.6

#: (field, column width in points); the 10 columns fill the 786 pt between the margins
COLUMNS = [
    ("objective", 56), ("initiative", 80), ("summary", 118), ("department", 64),
    ("prior", 98), ("plan", 98), ("result", 98), ("grade", 22), ("comment", 110), ("remarks", 42),
]
FIXED_HEADERS = {"objective": "目標", "initiative": "具体的な取り組み・事業", "summary": "概要", "department": "担当部署",
                 "grade": "評価", "comment": "コメント・課題等", "remarks": "備考"}
PERIOD_FIELDS = {"prior": "fy2020", "plan": "fy2021_plan", "result": "fy2021_actual"}
#: cells whose lines are the report's own lines: they must not wrap (the amounts are read line by line)
NO_WRAP = ("prior", "plan", "result")


def _font_path() -> Path:
    import matplotlib_fontja

    return Path(matplotlib_fontja.__file__).parent / "fonts" / "ipaexg.ttf"


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(_font_path())))


def _width(text: str, size: float = SIZE) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, FONT, size)


def wrap(text: str, width: float, *, size: float = SIZE) -> list[str]:
    """Lines of ``text`` in a cell ``width`` points wide: forced breaks at ``\\n``, then greedy wrapping.

    A wrapped line never starts or ends next to an ASCII space (those would read as layout).
    """
    out: list[str] = []
    for para in text.split("\n"):
        line = ""
        for ch in para:
            if line and _width(line + ch, size) > width:
                cut = len(line)
                while cut > 1 and (line[cut - 1] == " " or line[cut - 1:cut + 1].startswith(" ") or
                                   (cut < len(line) and line[cut] == " ")):
                    cut -= 1
                out.append(line[:cut])
                line = line[cut:]
            line += ch
        out.append(line)
    return out


@dataclass
class Row:
    """One table row of the reading, as printed."""

    section: int
    seq: int
    objective_no: int
    objective: str
    cells: dict[str, list[str]]  # field -> printed lines (objective excluded)
    merge_group: int | None = None  # rows sharing a vertically merged initiative cell

    @property
    def height(self) -> float:
        return 2 * PAD_Y + LEADING * max(len(v) for v in self.cells.values())


@dataclass
class Part:
    """A row, or the part of a row that falls on one page."""

    row: Row
    cells: dict[str, list[str]]
    first: bool  # the part holding the row's start (and its grade)
    top: float = 0.0
    height: float = 0.0


@dataclass
class Page:
    section: int
    headers: dict[str, str]
    parts: list[Part] = field(default_factory=list)
    scanned: bool = False
    has_header: bool = True  # the column header printed at the top of this page


@dataclass
class Layout:
    pages: list[Page]
    legend: str
    sections: list[dict]
    broken_rows: list[tuple[int, int, int]] = field(default_factory=list)  # (section, seq, first page 1-based)
    page_numbers: bool = True  # "- n -" centred below the footers
    bold_header: bool = False
    merge_columns: tuple[str, ...] = ()  # columns whose equal cells in consecutive rows of a page print as one
    merge_across_pages: bool = False  # a merged run at a page's foot continues as an empty merged cell on the next


def _fullwidth_digits(n: int) -> str:
    return "".join(chr(ord("０") + int(d)) for d in str(n))


def objective_text(no: int, title: str) -> str:
    """The 目標 cell as the report prints the heading (line 7: ``（１）妊娠期からの切れ目ない支援``)."""
    return f"（{_fullwidth_digits(no)}）{title}"


def load_rows(sections_wanted: tuple[int, ...] | None = None, fill: dict[str, str] | None = None) -> tuple[list[dict], list[Row]]:
    """The readings' sections and rows (all, or only ``sections_wanted``, numbered 1–4), cells as printed lines.

    ``fill``: field -> a text printed in that cell of every row instead of the reading's (a SYNTHETIC variant).
    """
    _register_font()
    width = dict(COLUMNS)
    sections, rows = [], []
    for s, path in enumerate(READINGS, start=1):
        doc = json.loads(path.read_text(encoding="utf-8"))
        sections.append(doc["section"])
        if sections_wanted is not None and s not in sections_wanted:
            continue
        for r in doc["rows"]:
            texts = {
                "initiative": r["initiative"] + ("（再掲）" if r["relisted"] else ""),
                "summary": r["summary"],
                "department": "\n".join(r["departments"]),
                **{k: r[v] for k, v in PERIOD_FIELDS.items()},
                "grade": PRINTED_GRADE.get((s, r["seq"]), r["grade"]),
                "comment": r["comment"],
                "remarks": r["remarks"],
                **(fill or {}),
            }
            cells = {}
            for k, t in texts.items():
                cells[k] = wrap(t, width[k] - 2 * PAD_X) if t else []
                if k in NO_WRAP and len(cells[k]) != len(t.split("\n")):
                    raise ValueError(f"section {s} row {r['seq']}: a {k} line is wider than its column; widen it")
            rows.append(Row(s, r["seq"], r["objective_no"], r["objective"], cells))
    # consecutive rows of one objective with one (non-relisted) initiative name: one merged cell
    group = 0
    for a, b in zip(rows, rows[1:]):
        if (a.section, a.objective_no, a.cells["initiative"]) == (b.section, b.objective_no, b.cells["initiative"]):
            if a.merge_group is None:
                group += 1
                a.merge_group = group
            b.merge_group = a.merge_group
    return sections, rows


def _header_lines(headers: dict[str, str]) -> dict[str, list[str]]:
    width = dict(COLUMNS)
    return {k: wrap(headers[k], width[k] - 2 * PAD_X) for k, _ in COLUMNS}


def header_height(headers: dict[str, str]) -> float:
    return 2 * PAD_Y + LEADING * max(len(v) for v in _header_lines(headers).values())


def layout(*, scan_page: int | None = None, sections: tuple[int, ...] | None = None,
           headers: dict[str, str] | None = None, repeat_header: bool = True, fill: dict[str, str] | None = None) -> Layout:
    """Place the rows on pages: sections start a page, rows break across pages when they must."""
    sections, rows = load_rows(sections, fill)
    legend = RAW.read_text(encoding="utf-8").split("\n")[LEGEND_LINE - 1].strip(" ")
    obj_width = dict(COLUMNS)["objective"] - 2 * PAD_X
    pages: list[Page] = []
    broken: list[tuple[int, int, int]] = []

    def new_page(section: int) -> tuple[Page, float]:
        sec = sections[section - 1]["period_headers"]
        names = {**FIXED_HEADERS, "prior": sec["fy2020"], "plan": sec["fy2021_plan"], "result": sec["fy2021_actual"],
                 **(headers or {})}
        first_of_section = not pages or pages[-1].section != section
        page = Page(section, names, has_header=repeat_header or first_of_section)
        pages.append(page)
        return page, TABLE_TOP + (header_height(names) if page.has_header else 0.0)

    page, y = None, 0.0
    i = 0
    while i < len(rows):
        row = rows[i]
        if page is None or page.section != row.section:
            page, y = new_page(row.section)
        group = [row]
        while row.merge_group is not None and i + len(group) < len(rows) and rows[i + len(group)].merge_group == row.merge_group:
            group.append(rows[i + len(group)])
        starts_objective = i == 0 or (rows[i - 1].section, rows[i - 1].objective_no) != (row.section, row.objective_no)
        min_first = 2 * PAD_Y + LEADING * len(wrap(objective_text(row.objective_no, row.objective), obj_width))
        heights = [max(r.height, min_first if (k == 0 and starts_objective) else 0) for k, r in enumerate(group)]
        if len(group) > 1:  # a merged group stays on one page
            if y + sum(heights) > TABLE_BOTTOM:
                page, y = new_page(row.section)
            for r, h in zip(group, heights):
                page.parts.append(Part(r, r.cells, True, y, h))
                y += h
            i += len(group)
            continue
        cells, first, h = row.cells, True, heights[0]
        obj_lines = round((min_first - 2 * PAD_Y) / LEADING) if starts_objective else 0
        while y + h > TABLE_BOTTOM:
            fit = int((TABLE_BOTTOM - y - 2 * PAD_Y) // LEADING)
            if fit < max(2, obj_lines if first else 0) or max(len(v) for v in cells.values()) <= fit:
                page, y = new_page(row.section)  # too little room to break the row here: next page
                continue
            # break the row: the first `fit` lines of each cell stay, the rest continue on the next page
            head = {k: v[:fit] for k, v in cells.items()}
            cells = {k: v[fit:] for k, v in cells.items()}
            page.parts.append(Part(row, head, first, y, TABLE_BOTTOM - y))
            if first:
                broken.append((row.section, row.seq, len(pages)))
            first = False
            page, y = new_page(row.section)
            h = 2 * PAD_Y + LEADING * max(len(v) for v in cells.values())
        page.parts.append(Part(row, cells, first, y, h))
        y += h
        i += 1
    if scan_page is not None:
        pages[scan_page - 1].scanned = True
    return Layout(pages, legend, sections, broken)


# ---------------------------------------------------------------------------------------- drawing
def _draw_lines(c, lines: list[str], x: float, top: float, width: float, height: float, *,
                align: str = "left", valign: str = "top") -> None:
    """Text lines in a cell whose top-left corner is (x, top) in top-down page coordinates."""
    block = LEADING * len(lines)
    y0 = top + PAD_Y if valign == "top" else top + (height - block) / 2
    for k, line in enumerate(lines):
        baseline = y0 + LEADING * k + SIZE * 0.95
        if align == "center":
            tx = x + (width - _width(line)) / 2
        else:
            tx = x + PAD_X
        c.drawString(tx, PAGE_H - baseline, line)


def _border(c, x0: float, top: float, x1: float, bottom: float) -> None:
    """A body cell's four borders as separate strokes (as spreadsheet exports draw them)."""
    for (ax, ay, bx, by) in ((x0, top, x1, top), (x0, bottom, x1, bottom), (x0, top, x0, bottom), (x1, top, x1, bottom)):
        c.line(ax, PAGE_H - ay, bx, PAGE_H - by)


def _draw_page(c, page: Page, lay: Layout, page_no: int) -> None:
    from reportlab.lib.utils import ImageReader

    if page.scanned:
        c.drawImage(ImageReader(_scan_image()), 0, 0, PAGE_W, PAGE_H)
        return
    xs = [MARGIN_X]
    for _, w in COLUMNS:
        xs.append(xs[-1] + w)
    col = {k: (xs[j], xs[j + 1]) for j, (k, _) in enumerate(COLUMNS)}
    c.setLineWidth(0.5)
    c.setFont(FONT, SIZE)
    # grade legend above the table, section footer below it
    c.drawString(PAGE_W - MARGIN_X - _width(lay.legend), PAGE_H - 30, lay.legend)
    sec = lay.sections[page.section - 1]
    c.drawString(MARGIN_X, 32, f"基本目標\u3000{sec['basic_goal']}")
    c.drawString(MARGIN_X, 22, "分野別計画")
    c.drawString(MARGIN_X + 48, 22, sec["field_plan"])
    if lay.page_numbers:
        c.drawString((PAGE_W - _width(f"- {page_no} -")) / 2, 10, f"- {page_no} -")
    # column header: shaded, ruled cells (rectangles)
    hh = header_height(page.headers)
    hl = _header_lines(page.headers)
    for k, _ in COLUMNS if page.has_header else ():
        x0, x1 = col[k]
        c.setFillGray(0.85)
        c.rect(x0, PAGE_H - TABLE_TOP - hh, x1 - x0, hh, stroke=1, fill=1)
        c.setFillGray(0)
        _draw_lines(c, hl[k], x0, TABLE_TOP, x1 - x0, hh, align="center", valign="middle")
        if lay.bold_header:  # simulated bold: every glyph printed again 0.3 pt to the right
            _draw_lines(c, hl[k], x0 + 0.3, TABLE_TOP, x1 - x0, hh, align="center", valign="middle")
    # body cells
    parts = page.parts
    k = 0
    while k < len(parts):  # the 目標 column: one merged cell per run of parts of one objective
        p = parts[k]
        j = k
        while j + 1 < len(parts) and (parts[j + 1].row.section, parts[j + 1].row.objective_no) == (p.row.section, p.row.objective_no):
            j += 1
        top, bottom = p.top, parts[j].top + parts[j].height
        x0, x1 = col["objective"]
        _border(c, x0, top, x1, bottom)
        starts_here = p.first and _objective_starts(p.row, lay)
        if starts_here:
            _draw_lines(c, wrap(objective_text(p.row.objective_no, p.row.objective), x1 - x0 - 2 * PAD_X), x0, top, x1 - x0, bottom - top)
        k = j + 1
    k = 0
    while k < len(parts):  # the initiative column: merged over a group
        p = parts[k]
        j = k
        while p.row.merge_group is not None and j + 1 < len(parts) and parts[j + 1].row.merge_group == p.row.merge_group:
            j += 1
        top, bottom = p.top, parts[j].top + parts[j].height
        x0, x1 = col["initiative"]
        _border(c, x0, top, x1, bottom)
        _draw_lines(c, p.cells["initiative"], x0, top, x1 - x0, bottom - top, valign="middle" if j > k else "top")
        k = j + 1
    for key, _ in COLUMNS[2:]:
        x0, x1 = col[key]
        centred = key == "grade"
        k = 0
        while k < len(parts):  # a column of merge_columns: equal cells of consecutive rows as one merged cell
            p, j = parts[k], k
            while (key in lay.merge_columns and p.cells[key] and j + 1 < len(parts)
                   and parts[j + 1].cells[key] == p.cells[key]):
                j += 1
            top, bottom = p.top, parts[j].top + parts[j].height
            _border(c, x0, top, x1, bottom)
            if not (k == 0 and key in lay.merge_columns and _continues_merged_run(page, lay, key)):
                _draw_lines(c, p.cells[key], x0, top, x1 - x0, bottom - top,
                            align="center" if centred else "left", valign="middle" if centred or j > k else "top")
            k = j + 1


def _continues_merged_run(page: Page, lay: Layout, key: str) -> bool:
    """Does ``page``'s first ``key`` cell continue a merged cell of 2+ rows cut by the page break (printed empty)?

    As a spreadsheet prints a merged cell that a page break cuts: its text on the first page, an empty
    box on the next (``lay.merge_across_pages``).
    """
    at = next(i for i, pg in enumerate(lay.pages) if pg is page)
    if not lay.merge_across_pages or at == 0 or lay.pages[at - 1].section != page.section or not page.parts:
        return False
    before, first = lay.pages[at - 1].parts, page.parts[0]
    if not before or not first.first or not first.cells[key] or first.cells[key] != before[-1].cells[key]:
        return False
    return len(before) > 1 and before[-2].cells[key] == before[-1].cells[key]


def _objective_starts(row: Row, lay: Layout) -> bool:
    """Is ``row`` the first row of its objective (its cell then prints the objective)?"""
    for page in lay.pages:
        for p in page.parts:
            if (p.row.section, p.row.objective_no) == (row.section, row.objective_no):
                return p.row is row
    return False


def _scan_image():
    """A deterministic grey 'scan' (no text layer): what an image-only page looks like to the reader."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (420, 297), 245)
    d = ImageDraw.Draw(img)
    for y in range(20, 280, 12):
        d.line((20, y, 400, y), fill=90)
    for x in (20, 60, 110, 170, 210, 260, 310, 360, 400):
        d.line((x, 20, x, 272), fill=90)
    return img


def render_pdf(path: str | Path, *, sections: tuple[int, ...] | None = None, scan_page: int | None = None,
               user_password: str | None = None, owner_password: str | None = None, title: str | None = None,
               headers: dict[str, str] | None = None, repeat_header: bool = True, page_numbers: bool = True,
               bold_header: bool = False, merge_columns: tuple[str, ...] = (), fill: dict[str, str] | None = None,
               merge_across_pages: bool = False) -> Layout:
    """Write the fixture PDF to ``path``; return its :class:`Layout` (pages, broken rows).

    Args:
        sections: only these sections of the report (1–4), e.g. ``(2,)`` for a small two-page PDF.
        scan_page: this page (1-based) is an image only, without text.
        user_password / owner_password: encrypt (a user password must be typed to open the file;
            an owner password alone only restricts copying, as many published PDFs do).
        title: a line printed at the top left of page 1 (text that is neither a cell nor furniture).
        headers: column names printed instead of the report's (field -> name), e.g. ``{"initiative": "施策"}``.
        repeat_header: print the column header on every page (else only on each section's first page).
        page_numbers: print ``- n -`` at the bottom of each page.
        bold_header: print the header's glyphs twice, 0.3 pt apart (a simulated bold).
        merge_columns: in these columns (e.g. ``("department",)``), equal cells of consecutive rows on a page
            print as one vertically merged cell, the text once in its middle (as a spreadsheet merges them).
        fill: field -> a text printed in that cell of every row instead of the reading's (SYNTHETIC: e.g. one
            comment for every row, so that ``merge_columns`` has equal cells to merge).
        merge_across_pages: a merged run of ``merge_columns`` (2+ rows) at the foot of a page that the next
            page's first rows continue prints there as an empty merged box (a merged cell cut by the page
            break, as a spreadsheet prints it); else each page prints the text again.
    """
    from reportlab.pdfgen import canvas

    _register_font()
    lay = layout(scan_page=scan_page, sections=sections, headers=headers, repeat_header=repeat_header, fill=fill)
    lay.page_numbers, lay.bold_header, lay.merge_columns = page_numbers, bold_header, tuple(merge_columns)
    lay.merge_across_pages = merge_across_pages
    encrypt = None
    if user_password is not None or owner_password is not None:
        from reportlab.lib.pdfencrypt import StandardEncryption

        encrypt = StandardEncryption(user_password or "", ownerPassword=owner_password or "owner",
                                     canPrint=1, canModify=0, canCopy=0, canAnnotate=0, strength=128)
    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1, encrypt=encrypt)
    c.setTitle("SYNTHETIC test fixture: 南区地域福祉計画 進捗状況評価の表（テスト用に生成）")
    for n, page in enumerate(lay.pages, start=1):
        _draw_page(c, page, lay, n)
        if title and n == 1:
            c.setFont(FONT, 10)
            c.drawString(MARGIN_X, PAGE_H - 30, title)
        c.showPage()
    c.save()
    return lay


def render_text_only_pdf(path: str | Path) -> None:
    """A PDF with text (the report's legend and a summary) but no ruled table."""
    from reportlab.pdfgen import canvas

    _register_font()
    sections, rows = load_rows()
    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1)
    c.setFont(FONT, 10)
    c.drawString(MARGIN_X, PAGE_H - 60, "南区地域福祉計画　進捗状況評価（SYNTHETIC: 表のないページ）")
    for k, line in enumerate(rows[0].cells["summary"]):
        c.drawString(MARGIN_X, PAGE_H - 90 - 14 * k, line)
    c.showPage()
    c.save()


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else f"{STEM}.pdf")
    lay = render_pdf(out)
    print(f"wrote {out}: {len(lay.pages)} pages; rows broken across pages: {lay.broken_rows}")
