"""Issue 14: a ruled PDF of the report reads into the same tables as its text (helpers.read.pdf).

The PDF is SYNTHETIC: tests/make_pdf_report.py renders the independent hand readings of the report
(tests/data/reading_section*.json) as a municipality would print them (A4 landscape, ruled cells,
header on every page, merged 目標 cells, legend and footers).  Expected values come from the
report text (line numbers of data/raw/…_2021.txt, read with ``cat -n``) and from the readings; the
text route's tables (data/raw → clean_reports) are the comparison for "the same tables".
No timing is asserted: ``make bench`` prints the PDF route's time per page.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pandas as pd
import pytest

from helpers import cli
from helpers.pipeline import clean_reports
from helpers.read.extract import ReportError
from helpers.read import pdf
from helpers.read.pdf import page_cells
from helpers.read.text import expand_inputs

from . import hostile_pdf as H
from .conftest import RAW, load_readings
from .make_pdf_report import render_pdf, render_text_only_pdf

ROOT = Path(__file__).resolve().parents[1]
#: columns that say where a value was read (lines of the text, runs of the PDF) or how: they differ by route
PROVENANCE = {
    "initiatives": ["source_first_line", "source_last_line", "layout_note"],
    "metrics": ["source_line"],
    "series": ["source_line"],
    "reports": ["source_file", "sha256", "bytes", "lines"],
}
SAME = ("initiatives", "departments", "grade_legend", "metrics", "trends", "reports", "links", "series")


@pytest.fixture(scope="module")
def text_tables(raw_path, raw_tables):
    assert raw_path == RAW
    return raw_tables


def rows_of(tables, rid_suffix: str) -> pd.Series:
    ini = tables.initiatives
    return ini[ini["initiative_id"].str.endswith(":" + rid_suffix)].iloc[0]


def runs_of(tables, rid_suffix: str, field: str) -> pd.DataFrame:
    """source_lines rows of one cell, joined with their source_cells position."""
    rid = rows_of(tables, rid_suffix)["initiative_id"]
    src = tables.source_lines
    cell = src[(src["initiative_id"] == rid) & (src["field"] == field)]
    return cell.merge(tables.source_cells, on=["report", "line_no"], suffixes=("", "_pdf"))


# ---------------------------------------------------------------------------------- the same tables
def test_pdf_gives_the_text_routes_tables(pdf_tables, text_tables):
    """Same rows, cells, grades, amounts, keys and links; only the provenance columns differ."""
    for name in SAME:
        got = getattr(pdf_tables, name).drop(columns=PROVENANCE.get(name, []))
        want = getattr(text_tables, name).drop(columns=PROVENANCE.get(name, []))
        pd.testing.assert_frame_equal(got, want, obj=name)
    assert text_tables.source_cells is None and len(pdf_tables.source_cells) == len(pdf_tables.source_lines)


def test_every_reading_row_is_read(pdf_tables):
    """The 56 rows of the four hand readings (11 + 10 + 14 + 21), cell by cell."""
    ini = pdf_tables.initiatives
    flat = lambda text: text.replace("\n", "")  # noqa: E731 (readings keep line breaks; cells join without)
    readings = load_readings()
    assert len(ini) == sum(len(d["rows"]) for d in readings) == 56
    for s, doc in enumerate(readings, start=1):
        got = ini[ini["section_no"] == s].reset_index(drop=True)
        for k, r in enumerate(doc["rows"]):
            row = got.loc[k]
            assert (row.objective_no, row.objective, row.initiative, bool(row.is_relisted)) == (
                r["objective_no"], r["objective"], r["initiative"], r["relisted"])
            assert (row.summary, row.grade) == (r["summary"], r["grade"])
            assert (row.prior_text, row.plan_text, row.result_text) == (
                flat(r["fy2020"]), flat(r["fy2021_plan"]), flat(r["fy2021_actual"]))
            assert ((row.comment or ""), (row.remarks or "")) == (flat(r["comment"]), flat(r["remarks"]))


def test_reading_notes_are_the_pdfs_own(pdf_tables, fixture_pdf_rendered):
    """layout_note says how the PDF was read: rows broken across pages, the merged initiative cell."""
    _, layout = fixture_pdf_rendered
    ini = pdf_tables.initiatives
    notes = dict(zip(ini["initiative_id"].str.split(":").str[1], ini["layout_note"].fillna("")))
    merged = {k for k, v in notes.items() if "vertically merged cell over 3 rows" in v}
    broken = {k for k, v in notes.items() if v.startswith("row broken across pages")}
    assert merged == {"3-3-01", "3-3-02", "3-3-03"}  # readings s3 rows 11–13, lines 807–892
    assert len(broken) == len(layout.broken_rows) >= 1
    assert {v for v in notes.values()} <= {""} | {notes[k] for k in merged | broken}


# ---------------------------------------------------------------------------------- layout cases
def test_row_broken_across_a_page(pdf_tables, fixture_pdf_rendered):
    """Reading s1 row 8 (子育て支援リーダー、ボランティアの育成と活動の支援, lines 229–254) breaks from page 1 to 2."""
    _, layout = fixture_pdf_rendered
    assert (1, 8, 1) in layout.broken_rows
    row = rows_of(pdf_tables, "1-2-04")
    assert row.initiative == "子育て支援リーダー、ボランティアの育成と活動の支援"
    assert row.layout_note == "row broken across pages 1–2"
    assert row.grade == "A"  # line 243
    comment = runs_of(pdf_tables, "1-2-04", "comment")
    assert sorted(set(comment["page"])) == [1, 2]  # the comment continues under page 2's repeated header
    assert row.comment == "リーダー：勤務先の変更や、仕事を始めたため4人が活動休止中。勉強会：外部講師の招聘をやめる等、ウィズコロナでの実施方法を検討。"


def test_merged_initiative_cell_is_one_cell_for_three_rows(pdf_tables):
    """健康寿命延伸に向けた取り組みの実施: one cell spanning rows 3-3-01…03 (printed once, line 893 of the text)."""
    ini = pdf_tables.initiatives
    three = ini[ini["initiative_id"].str.split(":").str[1].isin(["3-3-01", "3-3-02", "3-3-03"])]
    assert three["initiative"].unique().tolist() == ["健康寿命延伸に向けた取り組みの実施"]
    assert three["initiative_merged"].all() and ini["initiative_merged"].sum() == 3
    runs = runs_of(pdf_tables, "3-3-01", "initiative")
    assert runs["row_span"].unique().tolist() == [3]
    src = pdf_tables.source_lines
    recorded = src[(src["field"] == "initiative") & src["line_no"].isin(runs["line_no"])]
    assert recorded["initiative_id"].str.endswith(":3-3-01").all()  # recorded once, with its first row


def test_merged_objective_cell(pdf_tables):
    """（１）妊娠期からの切れ目ない支援 (line 7) heads the four rows of objective 1 on page 1 (lines 9–125)."""
    cells = pdf_tables.source_cells
    src = pdf_tables.source_lines
    heading = src[src["role"] == "objective"].merge(cells, on=["report", "line_no"], suffixes=("", "_pdf"))
    first = heading[heading["page"] == 1].sort_values("line_no")
    first_cell = first[first["table_row"] == first["table_row"].min()]
    assert "".join(first_cell["text"]) == "（１）妊娠期からの切れ目ない支援"
    assert first_cell["row_span"].unique().tolist() == [4]
    ini = pdf_tables.initiatives
    assert ini[(ini["section_no"] == 1) & (ini["objective_no"] == 1)]["objective"].unique().tolist() == ["妊娠期からの切れ目ない支援"]


def test_forced_line_breaks_are_the_reports_lines(pdf_tables):
    """The first row's 2020 cell: one run per printed line, exactly lines 15–22 of the text."""
    lines = RAW.read_text(encoding="utf-8").split("\n")
    runs = runs_of(pdf_tables, "1-1-01", "prior_text").sort_values("line_no")
    assert runs["text"].tolist() == lines[14:22]
    assert runs["line_in_cell"].tolist() == list(range(1, 9)) and runs["page"].unique().tolist() == [1]


def test_full_width_digits_and_grades(pdf_tables):
    """Ｃ (line 71) reads as grade C, printed Ｃ; ＢＰ　４回 (line 66) is the amount 4 回; １回 (line 39) kept as printed."""
    grade = runs_of(pdf_tables, "1-1-02", "grade")
    assert grade["text"].tolist() == ["Ｃ"] and rows_of(pdf_tables, "1-1-02").grade == "C"
    m = pdf_tables.metrics
    rid = rows_of(pdf_tables, "1-1-02").initiative_id
    bp = m[(m["initiative_id"] == rid) & (m["period"] == "result") & (m["indicator"] == "BP") & (m["unit"] == "回")]
    assert bp["value"].tolist() == [4]
    assert rows_of(pdf_tables, "1-1-01").comment == "コロナ禍により、育児相談会を１回中止、電話で相談対応。"


# ---------------------------------------------------------------------------------- provenance
def test_every_run_is_in_a_cell_or_furniture(pdf_tables, fixture_pdf_rendered):
    _, layout = fixture_pdf_rendered
    acc = pdf_tables.accounting[0]
    assert (acc["unplaced"], acc["missing"], acc["blank"], acc["rows"]) == (0, [], 0, 56)
    src, cells = pdf_tables.source_lines, pdf_tables.source_cells
    assert sorted(set(src["line_no"])) == cells["line_no"].tolist() == list(range(1, len(cells) + 1))
    roles = src.drop_duplicates("line_no").merge(cells, on=["report", "line_no"], suffixes=("", "_pdf"))
    per_page = roles.groupby(["page", "role"]).size().unstack(fill_value=0)
    n_pages = len(layout.pages)
    assert per_page.index.tolist() == list(range(1, n_pages + 1))
    assert (per_page["legend"] == 1).all()  # 〔評価の指標〕
    assert (per_page["footer"] == 3).all()  # 基本目標 …, 分野別計画 …, and the page number - n -
    numbers = roles[(roles["role"] == "footer") & roles["text"].str.startswith("- ")]
    assert numbers["text"].tolist() == [f"- {n} -" for n in range(1, n_pages + 1)]
    assert (per_page["header"] >= 10).all()  # ten column names, some wrapped over two lines
    assert roles[roles["role"] == "cell"]["table_row"].notna().all()
    assert roles[roles["role"].isin(["legend", "footer"])]["table_row"].isna().all()


def test_amounts_point_to_their_page_and_cell(pdf_tables):
    """股関節検診　2回 (line 15): metrics.source_line → source_cells: page 1, under the 2020年度（実績） header."""
    m, cells, src = pdf_tables.metrics, pdf_tables.source_cells, pdf_tables.source_lines
    rid = rows_of(pdf_tables, "1-1-01").initiative_id
    hit = m[(m["initiative_id"] == rid) & (m["period"] == "prior") & (m["indicator"] == "股関節検診")]
    at = cells[cells["line_no"] == int(hit["source_line"].iloc[0])].iloc[0]
    assert (at["page"], at["text"]) == (1, "股関節検診　2回（中止期間中")
    headers = cells[cells["line_no"].isin(src[src["role"] == "header"]["line_no"]) & (cells["page"] == 1)]
    assert headers[headers["table_col"] == at["table_col"]]["text"].tolist() == ["2020年度（実績）"]


def test_a_pdfs_clean_folder_is_a_valid_data_package(pdf_tables, tmp_path):
    """source_cells is a resource of datapackage.json (key report + line_no) and the package validates."""
    from frictionless import Package

    from helpers.pipeline import write_tables

    write_tables(pdf_tables, tmp_path / "clean")
    package = json.loads((tmp_path / "clean" / "datapackage.json").read_text(encoding="utf-8"))
    cells = next(r for r in package["resources"] if r["path"] == "source_cells.csv")
    assert cells["schema"]["primaryKey"] == ["report", "line_no"]
    report = Package(str(tmp_path / "clean" / "datapackage.json")).validate()
    assert report.valid, report.flatten(["type", "note"])[:10]


def test_fixture_bytes_are_deterministic(fixture_pdf, tmp_path):
    render_pdf(tmp_path / "again.pdf")
    assert (tmp_path / "again.pdf").read_bytes() == fixture_pdf.read_bytes()


# ---------------------------------------------------------------------------------- small PDFs
def cli_clean(args: list[str]):
    """``cli.main(args)`` as ``python -m helpers`` runs it, and the tables its ``clean_reports`` call returned
    (None if it raised): a spy, the CLI runs unchanged. One reading of the PDF serves the test of what the
    CLI says and writes and the comparison of its tables (issue 16 §1: a PDF takes about 0.25 s to read)."""
    got = []

    def spy(*a, **k):
        got.append(clean_reports(*a, **k))
        return got[-1]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cli, "clean_reports", spy)
        code = cli.main(args)
    return code, (got[0] if got else None)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Section 2 only (10 rows, two pages): its path and its tables, read ONCE by the CLI into an output folder
    (``(path, tables, out, exit code, stdout, stderr)``; :func:`test_cli_reads_a_pdf_and_writes_source_cells`
    checks the run)."""
    import contextlib
    import io

    folder = tmp_path_factory.mktemp("small")
    path = folder / "small.pdf"
    render_pdf(path, sections=(2,))
    out = folder / "out"
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        mp.setenv("PATH", "/usr/bin:/bin")  # no tool of the venv on the PATH (the CLI, in this process)
        code, tables = cli_clean(["clean", str(path), "--out", str(out)])
    assert tables is not None, f"the CLI could not read {path}: exit {code}: {stderr.getvalue()}"
    return path, tables, out, code, stdout.getvalue(), stderr.getvalue()


def test_owner_password_only_reads_like_the_plain_pdf(small, tmp_path):
    """Restricted (copying forbidden, no password to open), as many published PDFs are: read as usual."""
    path = tmp_path / "small.pdf"
    render_pdf(path, sections=(2,), owner_password="owner")
    pd.testing.assert_frame_equal(clean_reports([path]).initiatives, small[1].initiatives)


def test_cli_reads_a_pdf_and_writes_source_cells(small):
    """The run of ``python -m helpers clean small.pdf --out …`` (in this process) that :func:`small` made."""
    _, _, out, code, stdout, stderr = small
    assert code == 0, stderr
    assert "+ 0 unplaced; 10 table rows" in stdout
    assert (out / "source_cells.csv").exists()
    dictionary = (out / "data_dictionary.csv").read_text(encoding="utf-8-sig")
    assert "source_cells,PDF を読んだ報告書" in dictionary


def test_the_title_above_the_table_is_preamble_and_printed(small, tmp_path, capsys):
    """A published PDF prints its title over the table on page 1: preamble, the same rows as without it
    (``small``: the same section, same file name, printed without the title)."""
    path = tmp_path / small[0].name
    render_pdf(path, sections=(2,), title="南区地域福祉計画　進捗状況評価")
    code, got = cli_clean(["clean", str(path), "--out", str(tmp_path / "out")])  # got: the tables the CLI wrote
    out = capsys.readouterr().out
    assert code == 0
    assert "small:1: above the table, read as the document's title (source_lines role preamble): 南区地域福祉計画　進捗状況評価" in out
    want = small[1]
    cells = ["initiative_id", "initiative", "summary", "prior_text", "plan_text", "result_text", "grade", "comment"]
    pd.testing.assert_frame_equal(got.initiatives[cells], want.initiatives[cells])
    src = got.source_lines
    assert src.loc[src["role"] == "preamble", ["line_no", "text"]].values.tolist() == [[1, "南区地域福祉計画　進捗状況評価"]]


def test_text_that_fits_no_cell_is_listed_with_its_page(tmp_path, capsys, monkeypatch):
    """Text outside the table that is not a title (here: no preamble allowed) is listed with its page and place."""
    monkeypatch.setattr(pdf, "MAX_PREAMBLE_LINES", 0)
    path = tmp_path / "titled.pdf"
    render_pdf(path, sections=(2,), title="南区地域福祉計画　進捗状況評価")
    code = cli.main(["clean", str(path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1 and not (tmp_path / "out").exists()
    assert "unplaced: titled: page 1, outside the table (x 28 pt, y 21 pt from the top): 南区地域福祉計画　進捗状況評価" in err


def test_header_printed_only_on_a_sections_first_page(tmp_path):
    """A page without its own header continues the table above it when its column lines are the same."""
    plain, bare = tmp_path / "s3.pdf", tmp_path / "bare" / "s3.pdf"
    bare.parent.mkdir()
    lay = render_pdf(plain, sections=(3,))
    bare_lay = render_pdf(bare, sections=(3,), repeat_header=False)
    assert len(bare_lay.pages) == len(lay.pages) >= 2 and not bare_lay.pages[1].has_header
    got, want = clean_reports([bare]), clean_reports([plain])
    cells = ["initiative_id", "initiative", "summary", "prior_text", "plan_text", "result_text", "grade", "comment",
             "prior_year", "result_status", "initiative_merged"]
    pd.testing.assert_frame_equal(got.initiatives[cells], want.initiatives[cells])
    assert got.accounting[0]["unplaced"] == 0


def test_a_glyph_printed_twice_is_read_once(small, tmp_path):
    """A simulated bold header (each glyph printed again 0.3 pt to the right) reads as the plain header."""
    path = tmp_path / "small.pdf"
    render_pdf(path, sections=(2,), bold_header=True)
    got = clean_reports([path])
    src = got.source_lines.merge(got.source_cells, on=["report", "line_no"], suffixes=("", "_pdf"))
    assert "具体的な取り組み・事業" in src[(src["role"] == "header") & (src["page"] == 1)]["text"].tolist()
    pd.testing.assert_frame_equal(got.initiatives, small[1].initiatives)


def test_a_folder_stands_for_its_text_and_pdf_reports(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "B.PDF").write_bytes(b"%PDF-1.7")
    (tmp_path / ".hidden.pdf").write_bytes(b"%PDF-1.7")
    assert [p.name for p in expand_inputs([tmp_path])] == ["B.PDF", "a.txt"]


def test_the_same_report_as_text_and_pdf_is_refused(small, tmp_path, monkeypatch):
    """Refused before any file is read (the PDF sorts first; reading it would cost its parsing for nothing)."""
    from helpers import pipeline

    (tmp_path / "small.txt").write_bytes(RAW.read_bytes())
    (tmp_path / "small.pdf").write_bytes(small[0].read_bytes())

    def not_read(*args, **kwargs):
        raise AssertionError("a file was read before the names were checked")

    monkeypatch.setattr(pipeline, "read_pdf", not_read)
    monkeypatch.setattr(pipeline, "read_report", not_read)
    with pytest.raises(ReportError, match=r"small\.txt: .*same name 'small' \(.*small\.pdf\)"):
        clean_reports([tmp_path])


def test_era_years_and_other_spellings_in_a_pdf_header(small, tmp_path):
    """The PDF header goes through the same vocabulary and era table as the text header (read/layout.py)."""
    path = tmp_path / "small.pdf"
    render_pdf(path, sections=(2,), headers={"prior": "令和２年度実績", "plan": "令和３年度計画", "result": "R3年度実績（見込み）",
                                             "initiative": "具体的な取組・事業", "department": "担当課"})
    got = clean_reports([path]).initiatives
    want = small[1].initiatives
    cols = ["initiative_id", "initiative", "prior_year", "plan_year", "result_year", "prior_status", "result_status",
            "prior_text", "grade"]
    pd.testing.assert_frame_equal(got[cols], want[cols])
    assert got["prior_label"].unique().tolist() == ["令和２年度実績"]


def test_unknown_column_name_refused_with_the_sidecar_declaration_then_read(small, tmp_path, capsys):
    path = tmp_path / "small.pdf"
    render_pdf(path, sections=(2,), headers={"initiative": "施策"})
    code = cli.main(["clean", str(path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "page 1, column header: column header names '施策'" in err
    fix = '{"layout": {"columns": {"施策": "initiative"}}}'
    assert fix in err and str(tmp_path / "small.meta.json") in err
    (tmp_path / "small.meta.json").write_text(fix, encoding="utf-8")
    got = clean_reports([path]).initiatives
    pd.testing.assert_series_equal(got["initiative"], small[1].initiatives["initiative"])


def test_make_data_takes_pdfs():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "RAW_TXT = $(call make_safe,$(wildcard $(RAW_DIR)/*.txt $(RAW_DIR)/*.pdf))" in makefile


# ---------------------------------------------------------------------------------- refusals
def _scanned(p):
    render_pdf(p, sections=(2,), scan_page=2)


def _encrypted(p):
    render_pdf(p, sections=(2,), user_password="secret")


def _truncated(p):
    render_pdf(p, sections=(2,))
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


REFUSED = {
    "scanned page": (_scanned, "page 2 has no text layer, only an image (a scanned page?)"),
    "encrypted": (_encrypted, "the PDF is encrypted with a password"),
    "truncated": (_truncated, "the PDF is cut short"),
    "damaged": (lambda p: p.write_bytes(H.not_a_pdf_body()), "the PDF is damaged and cannot be read"),
    "no table": (render_text_only_pdf, "no evaluation table: no page has a ruled table"),
    "not a PDF": (lambda p: p.write_text("目標 具体的な取り組み・事業\n", encoding="utf-8"), "not a PDF"),
    "no Unicode": (lambda p: p.write_bytes(H.text_without_unicode()), "characters without Unicode"),
    "100,000 tiny rectangles": (lambda p: p.write_bytes(H.tiny_rectangles()), "page 1: its content decodes to more than"),
    "30,000 rectangles in one path": (lambda p: p.write_bytes(H.tiny_rectangles_one_path(30_000)),
                                      "page 1 draws more than 10,000 lines and shapes"),
    "deep nesting": (lambda p: p.write_bytes(H.deep_nesting()), "nests arrays or dictionaries 100,001 levels deep"),
    "deep page tree": (lambda p: p.write_bytes(H.deep_page_tree()), "page 1 cannot be found"),
    "60,000 pages": (lambda p: p.write_bytes(H.many_pages()), "declares 60,000 pages, more than the 300"),
    "60,000 pages, /Count 1": (lambda p: p.write_bytes(H.many_pages(declared=1)), "lists 60,000 pages in one node"),
    "compression bomb": (lambda p: p.write_bytes(H.compression_bomb(50)), "its content decodes to more than 500,000 bytes"),
    "forms drawing forms": (lambda p: p.write_bytes(H.form_fan_out()), "draws more than 500 forms or images"),
    "object stream bomb": (lambda p: p.write_bytes(H.object_stream_bomb(20)),
                           "a compressed stream unpacks to more than 16,000,000 bytes"),
    "cross-reference stream bomb": (lambda p: p.write_bytes(H.object_stream_bomb(20, where="xref")),
                                    "a compressed stream unpacks to more than 16,000,000 bytes"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_bad_pdf_one_message_exit_2_nothing_written(case, tmp_path, capsys):
    make, message = REFUSED[case]
    path = tmp_path / "report.pdf"
    make(path)
    out = tmp_path / "out"
    code = cli.main(["clean", str(path), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert err.count("\n") == 1 and err.startswith(f"error: {path}: "), err
    assert message in err and "Traceback" not in err


def test_size_cap_applies_to_pdfs(small, tmp_path, capsys):
    code = cli.main(["clean", str(small[0]), "--out", str(tmp_path / "out"), "--max-bytes", "1000"])
    err = capsys.readouterr().err
    assert code == 2 and "more than the limit of 1,000" in err and err.count("\n") == 1


# ---------------------------------------------------------------------------------- cells from rules
def test_cells_from_rules_merged_double_and_stray():
    """A 3 × 3 table: the left column merged over rows 2–3, its top rule drawn twice 0.8 pt apart
    (a double border), and a separate small box elsewhere on the page (not part of the table)."""
    h = [(0, 0, 90), (30, 0, 90), (30.8, 0, 90), (60, 30, 90), (90, 0, 90), (200, 300, 320), (210, 300, 320)]
    v = [(0, 0, 90), (30, 0, 90), (60, 0, 90), (90, 0, 90), (300, 200, 210), (320, 200, 210)]
    cells, (xs, ys) = page_cells(h, v)
    assert xs == [0.0, 30.0, 60.0, 90.0] and ys == [0.0, 30.4, 60.0, 90.0]
    spans = {(c.row, c.col): (c.row_span, c.col_span) for c in cells}
    assert spans[(1, 0)] == (2, 1) and (2, 0) not in spans
    assert len(cells) == 8


def test_no_rules_no_table():
    assert page_cells([(10, 0, 100)], []) == ([], None)


# ---------------------------------------------------------------------------------- bounded unpacking
def _outcome(fn, *args):
    try:
        return fn(*args)
    except Exception as e:  # the kind of error is the outcome to compare
        return type(e)


def _flate_cases() -> dict[str, bytes]:
    packed = zlib.compress("目標 子育て広場 延べ354人\n".encode() * 5000, 6)
    return {
        "intact": packed,
        "trailing bytes": packed + b"\nendstream",
        "cut short": packed[:-100],
        "checksum damaged": packed[:-2] + bytes([packed[-2] ^ 0xFF, packed[-1]]),
        "middle damaged": packed[:50] + b"\xff" * 8 + packed[58:],
        "not zlib": b"BT /F1 10 Tf (x) Tj ET",
        "empty": b"",
    }


@pytest.mark.parametrize("case", list(_flate_cases()))
def test_bounded_inflate_gives_pdfminers_bytes(case):
    """The stand-ins pdfminer uses while a PDF is read give what pdfminer's own decoders give, damage included."""
    from pdfminer import pdftypes

    data = _flate_cases()[case]
    unpacker = pdf._Unpacker(pdftypes.rldecode)
    assert _outcome(unpacker.decompress, data) == _outcome(zlib.decompress, data)
    assert _outcome(unpacker.decompress_corrupted, data) == _outcome(pdftypes.decompress_corrupted, data)


def test_bounded_lzw_and_runlength_give_pdfminers_bytes():
    from pdfminer.lzw import lzwdecode
    from pdfminer.runlength import rldecode

    unpacker = pdf._Unpacker(rldecode)
    for data in (H.lzw_pack([256, 97, 258, 259, 98, 257]), H.lzw_growing_runs(1)[:700], b"", b"\x80\x00"):
        assert unpacker.lzwdecode(data) == lzwdecode(data)
    assert lzwdecode(H.lzw_pack([256, 97, 258, 259, 98, 257])) == b"aaaaaab"  # a, aa, aaa, b
    runs = bytes([2]) + b"abc" + bytes([257 - 5]) + b"z" + b"\x80"  # 3 literal bytes, then z × 5, end
    assert unpacker.rldecode(runs) == rldecode(runs) == b"abczzzzz"


def test_every_stream_pdfminer_unpacks_is_bounded(monkeypatch):
    """One stream past 16 MB (LZW: 16 KB unpack to about 22 MB; a 400 KB object stream to 400 MB), or all the
    document's streams past their total, is refused while unpacking, holding at most a piece more."""
    from pdfminer import pdftypes

    unpacker = pdf._Unpacker(pdftypes.rldecode)
    with pytest.raises(pdf._TooMuchToUnpack, match="more than 16,000,000 bytes"):
        unpacker.lzwdecode(H.lzw_growing_runs(3))
    with pytest.raises(pdf._TooMuchToUnpack, match="more than 16,000,000 bytes"):
        unpacker.decompress(zlib.compress(b" " * 17_000_000, 1))
    with pytest.raises(pdf._TooMuchToUnpack, match="more than 16,000,000 bytes"):
        unpacker.rldecode((bytes([129]) + b" ") * 130_000)  # 128 blanks a run
    with pytest.raises(pdf._TooMuchToUnpack, match="fax filter"):
        unpacker.ccittfaxdecode(b"\0", {})
    monkeypatch.setattr(pdf, "MAX_DOCUMENT_DECODED_BYTES", 20_000)
    unpacker = pdf._Unpacker(pdftypes.rldecode)
    unpacker.decompress(zlib.compress(b" " * 15_000))
    with pytest.raises(pdf._TooMuchToUnpack, match="more than 20,000 bytes together"):
        unpacker.decompress(zlib.compress(b" " * 15_000))


def test_the_documents_unpacking_total_is_one_message(small, monkeypatch, tmp_path, capsys):
    """The fixture report reads within the limits; with a total lower than its streams need it is one refusal,
    and pdfminer's own decoders are back in place afterwards."""
    from pdfminer import pdftypes

    before = (pdftypes.zlib, pdftypes.lzwdecode, pdftypes.decompress_corrupted)
    monkeypatch.setattr(pdf, "MAX_DOCUMENT_DECODED_BYTES", 10_000)
    code = cli.main(["clean", str(small[0]), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and not (tmp_path / "out").exists()
    assert err.count("\n") == 1 and "unpack to more than 10,000 bytes together" in err, err
    assert (pdftypes.zlib, pdftypes.lzwdecode, pdftypes.decompress_corrupted) == before


# ---------------------------------------------------------------------------------- merged cells of other columns
@pytest.fixture(scope="module")
def section3_plain_and_merged(tmp_path_factory):
    """Section 3 (reading s3, 14 rows) printed twice under one file name: as is, and with equal 担当部署 and
    コメント cells of consecutive rows of a page merged into one cell (as a spreadsheet exported to PDF may
    print them); every コメント is one SYNTHETIC text in both, so that it has equal cells to merge."""
    comment = {"comment": "新型コロナウイルス感染症拡大防止のため一部中止"}
    plain, merged = (tmp_path_factory.mktemp(k) / "section3.pdf" for k in ("plain", "merged"))
    render_pdf(plain, sections=(3,), fill=comment)
    layout = render_pdf(merged, sections=(3,), merge_columns=("department", "comment"), fill=comment)
    return clean_reports([plain]), clean_reports([merged]), layout


def _merged_groups(layout, column: str) -> list[list[int]]:
    """Runs of consecutive rows on one page with equal, non-empty ``column`` cells (the builder's rule), as seqs."""
    groups = []
    for page in layout.pages:
        run: list = []
        for part in page.parts + [None]:
            if part is not None and run and part.cells[column] and part.cells[column] == run[-1].cells[column]:
                run.append(part)
                continue
            if len(run) > 1:
                groups.append([p.row.seq for p in run])
            run = [part] if part is not None and part.cells[column] else []
    return groups


@pytest.mark.parametrize("column", ["department", "comment"])
def test_merged_department_and_comment_cells_read_as_each_rows_cell(section3_plain_and_merged, column):
    """A merged 担当部署 (or コメント) cell is that cell of every row it spans: the same tables as the PDF that
    prints it in each row; the merge is said in layout_note and its lines are recorded once."""
    plain, merged, layout = section3_plain_and_merged
    groups = _merged_groups(layout, column)
    assert groups and max(map(len, groups)) >= 3  # the builder did merge (reading s3: 健康福祉課 rows in a run)
    for name in SAME:
        drop = PROVENANCE.get(name, [])
        pd.testing.assert_frame_equal(getattr(merged, name).drop(columns=drop), getattr(plain, name).drop(columns=drop),
                                      obj=name)
    ini = merged.initiatives
    notes = dict(zip(ini["row_no"], ini["layout_note"].fillna("")))
    for group in groups:
        for seq in group:
            assert f"{column} in a vertically merged cell over {len(group)} rows" in notes[seq], (seq, notes[seq])
    src = merged.source_lines
    for group in groups:
        ids = ini.loc[ini["row_no"].isin(group), "initiative_id"]
        lines = src[(src["field"] == column) & src["initiative_id"].isin(ids)]
        # recorded once, with the group's first row
        assert len(lines) > 0 and set(lines["initiative_id"]) == {ini.loc[ini["row_no"] == group[0], "initiative_id"].iloc[0]}
    assert (src["role"] != "unplaced").all() and not src.duplicated(["line_no", "part"]).any()


def test_a_merged_cell_cut_by_a_page_break(tmp_path_factory):
    """Section 3 (reading s3, 14 rows) with one SYNTHETIC 概要, 担当部署 and コメント for every row, each printed as ONE
    merged cell per column, cut by the page break as a spreadsheet prints it: the text on page 1, an empty merged
    box on page 2. A 概要 or 担当部署 is never empty, so page 2's rows get the cell of page 1 (the same tables as the
    PDF that prints the text in every row); an empty コメント may be just that: page 2's rows keep it empty."""
    fill = {"summary": "地域の茶の間の運営を支援する", "department": "健康福祉課", "comment": "一部中止"}
    plain, cut = (tmp_path_factory.mktemp(k) / "section3.pdf" for k in ("plain", "cut"))
    render_pdf(plain, sections=(3,), fill=fill)
    layout = render_pdf(cut, sections=(3,), fill=fill, merge_columns=tuple(fill), merge_across_pages=True)
    page2 = [p.row.seq for p in layout.pages[1].parts]
    assert len(layout.pages) == 2 and all(p.first for p in layout.pages[1].parts) and len(page2) >= 2
    a, b = clean_reports([plain]), clean_reports([cut])
    pd.testing.assert_frame_equal(b.departments, a.departments)
    drop = PROVENANCE["initiatives"] + ["comment"]
    pd.testing.assert_frame_equal(b.initiatives.drop(columns=drop), a.initiatives.drop(columns=drop))
    ini = b.initiatives.set_index("row_no")
    assert (ini["department_count"] == 1).all() and (ini["summary"] == fill["summary"]).all()
    on_page2 = ini.index.isin(page2)
    assert (ini.loc[~on_page2, "comment"] == "一部中止").all() and (ini.loc[on_page2, "comment"].fillna("") == "").all()
    for seq, note in ini["layout_note"].items():
        assert f"summary in a vertically merged cell over {len(ini)} rows" in note, (seq, note)
        assert f"department in a vertically merged cell over {len(ini)} rows" in note, (seq, note)
    src = b.source_lines
    first_id = ini.loc[1, "initiative_id"]
    for field in ("summary", "department"):  # the cell's lines once, with the first row
        assert set(src.loc[src["field"] == field, "initiative_id"]) == {first_id}, field
    assert (src["role"] != "unplaced").all() and not src.duplicated(["line_no", "part"]).any()


def test_a_merged_figure_cell_is_refused_naming_the_columns_that_may_merge(tmp_path, capsys):
    """A 計画 cell spanning rows gives its figure to none of them alone: one message, exit 2, nothing written."""
    path = tmp_path / "r.pdf"
    render_pdf(path, sections=(2,), merge_columns=("plan",), fill={"plan": "随時"})
    code = cli.main(["clean", str(path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and not (tmp_path / "out").exists()
    assert "the 計画 cell spans" in err and "(only 目標、具体的な取り組み・事業、概要、担当部署、コメント・課題等、備考 cells may be merged)" in err


def test_a_merged_grade_cell_is_refused_not_read_as_one_row(tmp_path, capsys):
    """Reading s2 rows 3–5 are each graded A (L383, L402, L416 of the text): printed as one merged 評価 cell, the
    rows would join into one row. Refused: one message, exit 2, nothing written."""
    path = tmp_path / "r.pdf"
    render_pdf(path, sections=(2,), merge_columns=("grade",))
    code = cli.main(["clean", str(path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and not (tmp_path / "out").exists()
    assert "one grade printed for several rows (a merged 評価 cell) is not read" in err


def test_another_pdfminer_without_the_decoders_is_one_message(small, monkeypatch, tmp_path, capsys):
    """The bounded decoders replace names of pdfminer.pdftypes: a pdfminer.six without one is refused plainly."""
    from pdfminer import pdftypes

    monkeypatch.delattr(pdftypes, "lzwdecode")
    code = cli.main(["clean", str(small[0]), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "lacks lzwdecode in pdfminer.pdftypes" in err and "Traceback" not in err
