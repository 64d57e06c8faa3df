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
    snippet = str(e.value).split("rerun: ", 1)[1].split(" (roles:", 1)[0]
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
