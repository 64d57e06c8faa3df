"""Unit tests of helpers.read.layout: fiscal years in every notation, column names → roles.

The column names are those printed in the committed report's headers
(data/raw/niigata-minami_chiiki-fukushi-keikaku_hyoka_2021.txt, ``cat -n``):

* lines 1–5:  `` 目標 具体的な取り組み・事業 概要 担当部署 2020年度（実績） 2021年度計画`` / ``2021年度実績`` /
  ``（見込み）`` / (blank) / ``評価 コメント・課題等 備考``
* line 916:   `` 目標 具体的な取り組み・事業 概要 担当部署 2020年度（見込み） 2021年度計画 2021年度実績 評価 コメント・課題等 備考``

Spellings other than the report's (令和, 取組, 担当課 …) are the variants named in issue 13.
"""

from __future__ import annotations

import json
import re

import pytest

from helpers.read.layout import (
    COLUMN_VOCABULARY,
    ERAS,
    ROLES,
    Layout,
    LayoutError,
    column_roles,
    parse_fiscal_year,
    period_status,
)

# lines 1-5, words as printed; "2021年度実績" (line 2) and "（見込み）" (line 3) are one column name
HEADER_1 = ["目標", "具体的な取り組み・事業", "概要", "担当部署", "2020年度（実績）", "2021年度計画",
            "2021年度実績（見込み）", "評価", "コメント・課題等", "備考"]
# line 916
HEADER_916 = ["目標", "具体的な取り組み・事業", "概要", "担当部署", "2020年度（見込み）", "2021年度計画",
              "2021年度実績", "評価", "コメント・課題等", "備考"]
ALL_ROLES = ["objective", "initiative", "summary", "department", "prior", "plan", "result", "grade", "comment", "remarks"]


# ---------------------------------------------------------------- fiscal years
@pytest.mark.parametrize("label, year", [
    ("2020年度（実績）", 2020),  # line 1
    ("2021年度計画", 2021),  # line 1
    ("2021年度実績", 2021),  # line 2
    ("2020年度（見込み）", 2020),  # line 916
    ("２０２１年度計画", 2021),  # full-width 西暦
    ("令和2年度（実績）", 2020),
    ("令和２年度（実績）", 2020),  # full-width digits
    ("令和３年度実績（見込み）", 2021),
    ("令和元年度", 2019),  # 元年 = the era's first year
    ("平成31年度", 2019),  # the same year, the old era
    ("平成元年度", 1989),
    ("平成32年度計画", 2020),  # written before the era changed: read as printed
    ("昭和64年度", 1989),
    ("R3年度", 2021),
    ("Ｒ３年度", 2021),  # full-width abbreviation
    ("r3年度", 2021),
    ("H31年度", 2019),
    ("H元年度", 1989),
    ("㋿3年度", 2021),  # the one-character era sign (NFKC 令和)
    ("㍻31年度", 2019),
    ("令和3（2021）年度", 2021),  # both notations, agreeing
    ("2021（令和3）年度実績", 2021),
    ("令和 3 年度", 2021),  # blanks inside the label
])
def test_parse_fiscal_year_in_every_notation(label, year):
    assert parse_fiscal_year(label) == year


def test_era_table_gives_the_first_year_of_each_era():
    # 令和元年 = 2019, 平成元年 = 1989, 昭和元年 = 1926 (the eras' first years)
    assert {e: ERAS[e] + 1 for e in ("令和", "平成", "昭和", "R", "H", "S")} == {
        "令和": 2019, "平成": 1989, "昭和": 1926, "R": 2019, "H": 1989, "S": 1926}


@pytest.mark.parametrize("label", ["実績", "次年度", "前年度実績", "令和年度", "2021年", "年度計画"])
def test_a_label_without_a_fiscal_year_is_refused(label):
    with pytest.raises(LayoutError, match="names no fiscal year"):
        parse_fiscal_year(label)


def test_two_disagreeing_years_are_refused():
    with pytest.raises(LayoutError, match=r"two different fiscal years \(2021 and 2020\)"):
        parse_fiscal_year("令和3（2020）年度")


@pytest.mark.parametrize("label, status", [
    ("2020年度（実績）", "actual"), ("2021年度計画", "plan"), ("2021年度実績（見込み）", "estimate"),
    ("2020年度（見込み）", "estimate"), ("2021年度実績", "actual"), ("令和3年度実績（見込）", "estimate"),
    ("R3年度予定", "plan"),
])
def test_period_status_from_the_label(label, status):
    assert period_status(label) == status


# ---------------------------------------------------------------- column roles
def test_the_committed_headers_map_to_every_role():
    assert column_roles(HEADER_1) == ALL_ROLES
    assert column_roles(HEADER_916) == ALL_ROLES


@pytest.mark.parametrize("old, new", [
    ("具体的な取り組み・事業", "具体的な取組・事業"),
    ("具体的な取り組み・事業", "取組"),
    ("具体的な取り組み・事業", "事業名"),
    ("概要", "内容"),
    ("担当部署", "担当課"),
    ("担当部署", "所管課"),
    ("コメント・課題等", "コメント"),
    ("コメント・課題等", "課題"),
    ("2020年度（実績）", "令和2年度（実績）"),
    ("2020年度（実績）", "令和２年度（実績）"),
    ("2021年度実績（見込み）", "2021年度実績（見込）"),
    ("2021年度実績（見込み）", "R3年度実績（見込み）"),
    ("担当部署", "担当\u3000部署"),  # an ideographic space inside a name
])
def test_known_spellings_map_to_the_same_roles(old, new):
    names = [new if n == old else n for n in HEADER_1]
    assert column_roles(names) == ALL_ROLES


def test_every_vocabulary_spelling_is_read():
    for role, spellings in COLUMN_VOCABULARY.items():
        for s in spellings:
            names = [s if r == role else n for n, r in zip(HEADER_1, ALL_ROLES)]
            assert column_roles(names)[ALL_ROLES.index(role)] == role, s


def test_remarks_and_objective_are_optional():
    assert column_roles(HEADER_1[:-1]) == ALL_ROLES[:-1]  # no 備考
    assert column_roles(HEADER_1[1:]) == ALL_ROLES[1:]  # no 目標


def test_an_unknown_name_is_refused_with_the_declaration_to_add():
    names = [("施策" if n == "具体的な取り組み・事業" else n) for n in HEADER_1]
    with pytest.raises(LayoutError) as e:
        column_roles(names)
    assert "'施策'" in e.value.message and "initiative column" in e.value.message
    assert e.value.fix == {"columns": {"施策": "initiative"}}
    snippet = str(e.value).split("rerun: ", 1)[1].rsplit(" (", 1)[0]
    declared = json.loads(snippet)["layout"]["columns"]
    assert column_roles(names, declared=declared) == ALL_ROLES


def test_an_extra_column_is_refused_naming_it():
    # an extra column between comment and remarks fits no role: ROLE is left for the analyst
    names = HEADER_1[:-1] + ["指標"] + HEADER_1[-1:]
    with pytest.raises(LayoutError, match="'指標', which is no column name") as e:
        column_roles(names)
    assert e.value.fix == {"columns": {"指標": "ROLE"}}
    with pytest.raises(LayoutError, match="'ROLE', which is not a role"):
        column_roles(names, declared=e.value.fix["columns"])


def test_several_unknown_names_are_all_named():
    names = ["目標", "施策", "施策の内容", "担当部署", *HEADER_1[4:]]
    with pytest.raises(LayoutError, match="'施策', '施策の内容', which are no column names") as e:
        column_roles(names)
    assert e.value.fix == {"columns": {"施策": "ROLE", "施策の内容": "ROLE"}}


def test_a_declared_layout_object_is_used_and_kept_in_the_fix():
    layout = Layout(columns={"所属": "department"}, header_first_line="目標 施策")
    names = ["目標", "施策", "概要", "所属", *HEADER_1[4:]]
    with pytest.raises(LayoutError) as e:
        column_roles(names, declared=layout)
    assert e.value.fix == {"header_first_line": "目標 施策", "columns": {"所属": "department", "施策": "initiative"}}


def test_a_declared_name_overrides_the_vocabulary():
    # a report whose 課題 column is in fact its remarks
    names = HEADER_1[:-2] + ["コメント", "課題"]
    assert column_roles(names, declared={"課題": "remarks"})[-2:] == ["comment", "remarks"]


def test_declared_period_columns_without_status_words():
    names = HEADER_1[:4] + ["2020年度取組状況", "2021年度計画", "2021年度取組状況", *HEADER_1[7:]]
    with pytest.raises(LayoutError, match="'2020年度取組状況', '2021年度取組状況'"):
        column_roles(names)
    assert column_roles(names, declared={"2020年度取組状況": "prior", "2021年度取組状況": "result"}) == ALL_ROLES


def test_a_declared_period_column_must_print_its_year():
    names = HEADER_1[:4] + ["前年度実績", *HEADER_1[5:]]
    with pytest.raises(LayoutError, match="'前年度実績' names no fiscal year"):
        column_roles(names, declared={"前年度実績": "prior"})


@pytest.mark.parametrize("names, message", [
    (HEADER_1[:6] + HEADER_1[7:], "names 2 periods"),
    (HEADER_1[:5] + ["2021年度実績"] + HEADER_1[6:], "second period column '2021年度実績' is not a plan"),
    (HEADER_1[:4] + ["2020年度", *HEADER_1[5:]], "'2020年度' says neither"),
    (HEADER_1[:3] + HEADER_1[4:], "names no department column"),
    (HEADER_1[:7] + HEADER_1[8:], "names no grade column"),
    (HEADER_1 + ["課題"], "names the comment column .* twice: 'コメント・課題等' and '課題'"),
    (["目標", "概要", "具体的な取り組み・事業", *HEADER_1[3:]], "an order the reader cannot follow"),
    (HEADER_1[:7] + ["コメント・課題等", "評価", "備考"], "an order the reader cannot follow"),
])
def test_headers_the_reader_cannot_follow_are_refused(names, message):
    with pytest.raises(LayoutError, match=message):
        column_roles(names)


def test_roles_are_listed_in_print_order():
    assert ROLES == tuple(ALL_ROLES)


# ---------------------------------------------------------------- the committed report, its header rewritten
# Issue 13's variants (tests/layout_variants.py, SYNTHETIC): the committed report with its seven column
# headers (lines 1-5, 213-217, 333-337, 544-548, 795-799, 916, 1110) rewritten and nothing else.  Each must
# give the committed report's 56 rows (hand readings tests/data/reading_section1-4.json: 11 + 10 + 14 + 21)
# cell for cell, with fiscal years 2020 (prior) and 2021 (plan, result) as the headers print them.
from tests import layout_variants as V  # noqa: E402

LABELS = ("prior_label", "plan_label", "result_label")
LINES = ("source_first_line", "source_last_line")


def _read(text: str, name: str = "synthetic_variant", layout=None) -> list[dict]:
    from helpers.read.extract import extract_report, normalise_lines, split_lines
    from helpers.read.tidy import tidy_extraction

    ex = extract_report(text, path=f"{name}.txt", layout=layout)
    assert ex.unplaced == [], [(f.line_no, f.text) for f in ex.unplaced]
    return tidy_extraction(ex, report="r", lines=normalise_lines(split_lines(text))).initiatives


@pytest.fixture(scope="module")
def committed() -> list[dict]:
    rows = _read(V.REAL.read_text(encoding="utf-8"))
    assert len(rows) == 56
    return rows


def _without(rows: list[dict], *cols: str) -> list[dict]:
    """The rows without ``cols``; without line numbers (LINES) the layout notes lose theirs too."""
    shifted = set(LINES) <= set(cols)
    return [{k: (re.sub(r"\d+", "#", v) if shifted and k == "layout_note" else v) for k, v in r.items() if k not in cols}
            for r in rows]


@pytest.mark.parametrize("name", list(V.VARIANTS))
def test_each_header_variant_reads_the_56_rows(committed, name):
    rows = _read(V.VARIANTS[name](), name)
    assert len(rows) == 56
    assert {(r["prior_year"], r["plan_year"], r["result_year"]) for r in rows} == {(2020, 2021, 2021)}
    ignore = LABELS
    if name == "words_on_own_lines":  # the headers take more lines: rows are shifted, not changed
        ignore += LINES
    if name == "no_remarks_column":  # the remarks cell (lines 1298-1299) was removed with the column
        ignore += ("remarks", "source_last_line")
        assert [r["remarks"] for r in rows] == [""] * 56
        assert rows[55]["source_last_line"] == 1296  # row 4-4-03 now ends with its comment (lines 1293-1296)
    assert _without(rows, *ignore) == _without(committed, *ignore)
    if name not in ("era_years", "era_years_full_width", "mikomi_short"):
        assert [tuple(r[k] for k in LABELS) for r in rows] == [tuple(r[k] for k in LABELS) for r in committed]


def test_era_variants_keep_the_printed_labels(committed):
    # sections 1-3 print 2020年度（実績）/2020年度実績, 2021年度計画, 2021年度実績（見込み）; section 4 prints
    # 2020年度（見込み）, 2021年度計画, 2021年度実績 (lines 1-3, 333-335, 916)
    era = {tuple(r[k] for k in LABELS) for r in _read(V.era_years())}
    assert era == {("令和2年度（実績）", "令和3年度計画", "令和3年度実績（見込み）"),
                   ("令和2年度実績", "令和3年度計画", "令和3年度実績（見込み）"),
                   ("令和2年度（見込み）", "令和3年度計画", "令和3年度実績")}
    full = {r["prior_label"] for r in _read(V.era_years(full_width=True))}
    assert full == {"令和２年度（実績）", "令和２年度実績", "令和２年度（見込み）"}
    short = {r["result_label"] for r in _read(V.VARIANTS["mikomi_short"]())}
    assert short == {"2021年度実績（見込）", "2021年度実績"}
    assert {r["result_status"] for r in _read(V.VARIANTS["mikomi_short"]())} == {r["result_status"] for r in committed}


def test_words_on_own_lines_with_blank_lines_between(committed):
    rows = _read(V.words_on_own_lines(blank_between=True))
    assert _without(rows, *LINES) == _without(committed, *LINES)


def test_two_row_header_years_above_their_statuses(committed):
    # another common print: the years in one row, 実績 / 計画 / 実績（見込み） below them
    def two_rows(block):
        if len(block) == 1:
            return block
        first = block[0].replace("（実績）", "").replace("2020年度実績", "2020年度").replace("2021年度計画", "2021年度")
        status = "（実績）" if "（実績）" in block[0] else "実績"
        return [first + " 2021年度", f"{status} 計画 実績（見込み）", "", block[-1], ""][:len(block)]

    rows = _read(V.rewrite_headers(two_rows))
    assert _without(rows, *LABELS) == _without(committed, *LABELS)
    assert rows[0]["prior_label"] == "2020年度（実績）" and rows[0]["result_label"] == "2021年度実績（見込み）"


def test_remarks_text_without_a_remarks_column_is_unplaced():
    # 備考 removed from the headers but the remarks cell (lines 1298-1299) kept: never silently remarks
    from helpers.read.extract import extract_report

    ex = extract_report(V.replace_in_headers(" 備考", ""), path="synthetic.txt")
    assert [(f.line_no, f.text) for f in ex.unplaced] == [(1298, "警報以上の発令月"), (1299, "4～６，8～10，1～3")]
    assert all(r.cells["remarks"] == [] for r in ex.rows)


# ---------------------------------------------------------------- refusal -> sidecar -> tables
def _refusal(text: str, layout=None) -> str:
    from helpers.read.extract import ReportError, extract_report

    with pytest.raises(ReportError) as e:
        extract_report(text, path="data/raw/synthetic_x.txt", layout=layout)
    return str(e.value)


def _snippet(message: str) -> dict:
    return json.loads(message.split("and rerun: ", 1)[1].rsplit(" (", 1)[0])


@pytest.mark.parametrize("words_apart", [False, True])
def test_unknown_column_name_refused_then_declared(committed, words_apart):
    from helpers.read.layout import declared_layout

    if words_apart:  # the same with every header word on its own line
        text = V.rewrite_headers(lambda b: [("施策" if w == "具体的な取り組み・事業" else w)
                                            for t in b for w in t.split(" ") if w])
    else:
        text = V.replace_in_headers("具体的な取り組み・事業", "施策")
    message = _refusal(text)
    assert message.startswith("data/raw/synthetic_x.txt:1: column header names '施策'")
    assert "add this key to the report's sidecar data/raw/synthetic_x.meta.json" in message
    fix = _snippet(message)
    assert fix == {"layout": {"columns": {"施策": "initiative"}}}
    rows = _read(text, layout=declared_layout(fix))
    ignore = LINES if words_apart else ()
    assert _without(rows, *ignore) == _without(committed, *ignore)


def test_unknown_grade_spelling_on_its_own_line_is_named():
    text = V.rewrite_headers(lambda b: [("達成度" if w == "評価" else w) for t in b for w in t.split(" ") if w])
    assert _snippet(_refusal(text)) == {"layout": {"columns": {"達成度": "grade"}}}


def test_no_header_at_all_points_to_the_declaration():
    from tests.layout_variants import real_lines

    text = "\n".join(t.replace("年度", "期") for t in real_lines())  # no fiscal year anywhere: no period column
    message = _refusal(text)
    assert "no evaluation table: no column header found" in message
    assert _snippet(message)["layout"]["header_first_line"].startswith("目標 具体的な取り組み・事業 概要 担当部署")


def test_declared_header_first_line_must_be_in_the_file():
    from helpers.read.layout import Layout

    message = _refusal(V.REAL.read_text(encoding="utf-8"), Layout(header_first_line="目標 施策"))
    assert "declared header_first_line '目標 施策' is not a line of the file" in message


def test_declared_name_must_be_in_a_header():
    from helpers.read.layout import Layout

    message = _refusal(V.REAL.read_text(encoding="utf-8"), Layout(columns={"施策": "initiative"}))
    assert "declares the column name '施策', which is in no column header" in message


def test_header_past_blank_lines_refused_then_declared(committed):
    # the header's last line (評価 コメント・課題等 備考) printed 4 blank lines further down than in the report:
    # the structure rule (at most 2 blank lines inside a header) sees a header without 評価; the refusal
    # proposes where the header starts (its words before the first period column), and with it declared
    # the header reads on past the blank lines
    from helpers.read.layout import declared_layout

    def spread(block):
        return block if len(block) == 1 else block[:-1] + ["", "", "", ""] + block[-1:]

    text = V.rewrite_headers(spread)
    message = _refusal(text)
    assert message.startswith("data/raw/synthetic_x.txt:1: column header names no grade column (評価), "
                              "no comment column (コメント・課題等)")
    fix = _snippet(message)
    assert fix == {"layout": {"header_first_line": "目標 具体的な取り組み・事業 概要 担当部署"}}
    rows = _read(text, layout=declared_layout(fix))
    assert _without(rows, *LINES) == _without(committed, *LINES)


# ---------------------------------------------------------------- the worked example (docs/reading-rules.md), by the CLI
def test_worked_example_refusal_sidecar_tables(tmp_path, capsys):
    # a SYNTHETIC report whose header says 施策 for 具体的な取り組み・事業, with a sidecar that exists already
    import pandas as pd

    from helpers import cli

    raw = tmp_path / "raw"
    report = V.write_variant(raw, "shisaku", V.replace_in_headers("具体的な取り組み・事業", "施策"))
    sidecar = raw / "synthetic_shisaku.meta.json"
    sidecar.write_text(json.dumps({"municipality": "新潟市南区", "synthetic": True}, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "clean"
    assert cli.main(["clean", str(raw), "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {report}:1: column header names '施策'") and "Traceback" not in err
    assert f"add this key to the report's sidecar {sidecar}" in err
    assert not out.exists()  # nothing written

    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    meta.update(_snippet(err.strip()))  # as the message says
    sidecar.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    assert cli.main(["clean", str(raw), "--out", str(out), "-q"]) == 0
    got = pd.read_csv(out / "initiatives.csv", encoding="utf-8-sig", keep_default_na=False)
    want = pd.read_csv(V.ROOT / "data" / "clean" / "initiatives.csv", encoding="utf-8-sig", keep_default_na=False)
    cells = ["row_no", "initiative", "summary", "prior_text", "plan_text", "result_text", "grade", "comment", "remarks",
             "prior_year", "plan_year", "result_year", "prior_label", "plan_label", "result_label",
             "source_first_line", "source_last_line"]
    assert len(got) == 56
    assert got[cells].equals(want[cells])
    assert pd.read_csv(out / "reports.csv", encoding="utf-8-sig")["municipality"].tolist() == ["新潟市南区"]


@pytest.mark.parametrize("layout, message", [
    ({"columns": {"施策": "initative"}}, "declared column '施策' has the role 'initative', which is not a role"),
    ({"colums": {"施策": "initiative"}}, "unknown key 'colums'"),
    (["施策"], "must be a JSON object"),
    ({"columns": {"施策": 1}}, "the role of '施策' must be a string"),
    ({"header_first_line": ""}, "must be the text of a line"),
    ({"header_first_line": "目標" * 600}, "must be the text of a line (at most 1000 characters)"),
    ({"columns": {f"列{i}": "remarks" for i in range(101)}}, "declares 101 names"),
])
def test_a_bad_declaration_is_refused_naming_the_sidecar(tmp_path, capsys, layout, message):
    from helpers import cli

    raw = tmp_path / "raw"
    V.write_variant(raw, "shisaku", V.replace_in_headers("具体的な取り組み・事業", "施策"))
    sidecar = raw / "synthetic_shisaku.meta.json"
    sidecar.write_text(json.dumps({"layout": layout}, ensure_ascii=False), encoding="utf-8")
    assert cli.main(["clean", str(raw), "--out", str(tmp_path / "clean"), "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f'error: {sidecar}: "layout"') and message in err and "Traceback" not in err


def test_the_documented_vocabulary_is_the_vocabulary():
    # docs/reading-rules.md lists every spelling of COLUMN_VOCABULARY in its role's row, and no other
    doc = (V.ROOT / "docs" / "reading-rules.md").read_text(encoding="utf-8")
    for role, spellings in COLUMN_VOCABULARY.items():
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{role}` |"))
        assert row.split(" | ")[1].split(", ") == list(spellings), role


def test_report_error_from_layout_names_the_sidecar():
    # the one way a reader (text dump, PDF) refuses a header it cannot read
    from helpers.read.extract import ReportError

    with pytest.raises(LayoutError) as e:
        column_roles([("施策" if n == "具体的な取り組み・事業" else n) for n in HEADER_1])
    err = ReportError.from_layout("data/raw/minami_2022.pdf", e.value, line=3)
    assert str(err).startswith("data/raw/minami_2022.pdf:3: column header names '施策'")
    assert "add this key to the report's sidecar data/raw/minami_2022.meta.json" in str(err)


@pytest.mark.parametrize("line", ["2021年度計画", "2021年度計画 評価", "具体的な " * 30 + "2021年度"])
def test_crafted_header_like_lines_get_one_refusal(line):
    # 20,000 copies of a line that looks like part of a header: one clear refusal naming a line, no traceback
    from helpers.read.extract import ReportError, extract_report

    with pytest.raises(ReportError, match="column header|no evaluation table"):
        extract_report("\n".join([line] * 20_000), path="synthetic.txt")
