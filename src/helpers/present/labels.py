"""The one label table: every column name, code, boolean and status a reader sees, in Japanese.

Used by every presenter — :func:`helpers.present.display.show_table` (notebooks and their HTML),
:mod:`helpers.present.excel` (the workbook) and the charts — so the Excel sheet, the HTML table and
the chart axis say the same thing. The clean CSVs keep their ASCII names and codes (the data
dictionary translates them); only what a reader sees goes through here:

- :func:`column_label`: a column's Japanese header (the schema's 項目名, :data:`READER_LABELS`,
  :data:`COLUMN_LABELS`);
- :func:`label_codes`: coded values, lists of codes joined with ``・``, column names held as values
  and booleans (:data:`BOOL_LABELS`) in Japanese;
- :func:`is_rate`: the columns that hold a ratio (shown as %).

- :data:`COLUMN_LABELS`: column name → Japanese header, for columns that the clean-table schema
  (:data:`helpers.read.schema.SCHEMA`, whose 項目名 always win) does not define — the notebooks'
  summary tables and the data dictionary's own columns.
- :data:`TABLE_TITLES`: stem of a ``reports/tables/*.csv`` file → Japanese title (used as the
  workbook's sheet name; at most 31 characters, no ``[]:*?/\\``).
- :data:`CODE_LABELS`: coded values of the clean tables → the words of the report
  (``prior`` → 前年度, ``estimate`` → 見込み …).

>>> CODE_LABELS["status"]["estimate"]
'見込み'
>>> column_label("row_no"), column_label("row_no", table="initiatives"), column_label("what")
('表の行番号', '行番号', '出来事')
"""

from __future__ import annotations

import math
import re

import pandas as pd

__all__ = ["COLUMN_LABELS", "TABLE_TITLES", "CODE_LABELS", "READER_LABELS", "BOOL_LABELS", "JOIN",
           "column_label", "code_labels", "label_value", "label_codes", "is_rate", "layout_note_ja", "EMPTY_REASONS",
           "empty_reason", "NUMBER_LIST_COLUMNS"]

COLUMN_LABELS: dict[str, str] = {  # columns of the notebooks' summary tables (helpers.analyse.analysis) and of the data dictionary
    "achievement": "行の計画達成率（中央値）", "lowest": "最低の達成率", "highest": "最高の達成率",
    "indicators": "指標数", "planned_without_result": "計画にあり実績に数値なしの指標数", "agrees": "評価が一致",
    "mentions_covid": "コロナ言及", "cancelled": "中止など", "adapted": "工夫", "cancelled_sessions": "中止回数",
    "cancel_terms": "中止などの語", "adapt_terms": "工夫の語", "relisted_row": "再掲行", "original_row": "元の行",
    "field": "項目", "same": "完全一致", "same_normalised": "幅と空白を除き一致", "original_text": "元の行の文字列",
    "relisted_text": "再掲行の文字列", "term": "キーワード", "context": "前後の文字列", "category": "区分",
    "sessions": "回数", "total": "合計", "table": "表", "table_description": "表の説明", "column": "列名",
    "name_ja": "項目名", "dtype": "型", "description": "説明",
    # notebook 06 (helpers.analyse.year_over_year)
    "figures": "数値の数", "grade_before": "前の評価", "grade_after": "後の評価",
    "change": "変化", "initiative_id_before": "前の取り組みID", "initiative_before": "前の取り組み",
    "initiative_id_after": "後の取り組みID", "initiative_after": "後の取り組み", "estimate_report": "見込みを載せた報告書",
    "estimate_line": "見込みの出典行", "actual_line": "実績の出典行",
}

TABLE_TITLES: dict[str, str] = {  # reports/tables/<stem>.csv -> Japanese sheet title (≤ 31 characters)
    # notebooks 01–05 and the master table: see the TABLE_TITLES.update below
    "06_reports": "06 報告書の一覧", "06_periods": "06 期間ごとの数値", "06_figures_by_year": "06 数値の推移",
    "06_revisions": "06 見込みから実績への修正", "06_grade_transitions": "06 評価の移り変わり",
    "06_changes": "06 追加・廃止・改称", "06_links_to_review": "06 確認が必要な対応",
}

CODE_LABELS: dict[str, dict[str, str]] = {  # column -> {code: label as the report words it}
    "period": {"prior": "前年度", "plan": "計画", "result": "実績"},
    "status": {  # prior/result status; links.status
        "actual": "実績", "estimate": "見込み", "plan": "計画",
        "accepted": "採用", "to_review": "要確認", "forbidden": "禁止（手動）", "unlinked": "対応なし",
    },
    "kind": {"actual": "実績", "estimate": "見込み", "plan": "計画", "amount": "数値", "qualitative": "定性的な記載"},  # series.kind / metrics.kind
    "prior_status": {"actual": "実績", "estimate": "見込み"},
    "result_status": {"actual": "実績", "estimate": "見込み"},
    "role": {  # source_lines.role
        "cell": "表のセル", "preamble": "表の前の文言（表題など）", "header": "列見出し", "legend": "評価の指標", "footer": "基本目標・分野別計画",
        "objective": "目標見出し", "unplaced": "配置できなかった行",
    },
    "dtype": {  # data dictionary: column types
        "string": "文字列", "integer": "整数", "number": "数値", "boolean": "真偽値（True/False）",
        "category": "区分（決まった値）",
    },
    "method": {"exact": "完全一致", "fuzzy": "類似", "override": "手動指定", "none": "対応なし"},
    "change": {"dropped": "廃止", "added": "追加", "reworded": "改称", "to_review": "要確認"},
}

# --- notebooks 01–05 (issue 9): summary-table columns, table titles and codes ---------------------
COLUMN_LABELS.update({
    "last_line": "最後の空でない行", "nonblank_lines": "空でない行数", "blank_lines": "空行数",
    "header_lines": "列見出しの行数", "legend_lines": "凡例の行数", "footer_lines": "フッターの行数",
    "preamble_lines": "表の前の文言（表題など）の行数", "objective_lines": "目標見出しの行数", "cell_lines": "セルの行数", "unplaced_lines": "未配置の行数",
    "objectives": "目標数", "rows": "表の行数", "relisted_rows": "（再掲）の行数", "decision": "判定",
    "relisted_decision": "再掲の判定", "differing_fields": "元の行と違う項目", "figures_differ": "数字が食い違う",
    "quirk": "内容", "table_rows": "表の行番号", "text_lines": "テキストの行番号",
    "counts_as_initiative": "取り組みとして数える", "planned": "計画の指標数", "planned_indicators": "計画の指標数",
    "with_result": "実績のある指標数", "indicators_with_result": "実績のある指標数",
    "without_result": "実績のない指標数", "indicators_without_result": "実績のない指標数",
    "scheduled_only": "予定のみ", "missing_indicators": "実績のない指標", "grade_agrees": "評価が一致",
    "sessions_planned": "計画の回数", "sessions_held": "実施の回数", "sessions_cancelled": "中止の回数",
    "covid_events": "コロナ禍の出来事（実績年度）", "not_held": "開催なし・未実施", "postponed": "延期",
    "closed": "休館", "reduced": "縮小・短縮", "departments": "担当部署", "what": "出来事", "what_ja": "出来事",
    "activity": "活動", "timing": "時期", "covid_stated": "同じ文でコロナに言及", "row_mentions_covid": "行でコロナに言及",
    "clause": "原文（印刷どおり）", "also_prior_year": "前年度も中止", "printed_note": "注記（印刷どおり）", "months": "月",
    "row_a": "表の行番号A", "row_b": "表の行番号B", "grade_a": "評価A", "grade_b": "評価B", "shared": "共通の数字",
    "initiative_a": "取り組みA", "initiative_b": "取り組みB", "measure": "種類", "label": "表示名",
    "share": "割合", "share_A": "Aの割合", "share_B": "Bの割合", "share_C": "Cの割合", "share_D": "Dの割合",
    "counting": "数え方", "mentions": "コロナ言及", "initiatives": "取り組み数", "rows_mentioning_covid": "コロナ言及の行数",
    "rows_with_event": "出来事のある行数", "rows_adapted": "工夫のある行数", "held": "実績あり",
})
TABLE_TITLES.update({
    "01_line_accounting": "01 入力行の行き先", "01_structure": "01 構成", "01_relisted_differences": "01 再掲行の相違",
    "01_relisted_decisions": "01 再掲行の判定", "01_quirks": "01 表記の揺れ",
    "02_people_trends": "02 人数の指標", "02_people_change_ranked": "02 前年度比の順位",
    "03_covid_events": "03 コロナ禍の出来事", "03_fully_cancelled": "03 全面中止の活動", "03_alert_note": "03 警報の発令月",
    "03_session_counts": "03 中止回数の照合", "03_grades_by_covid_mention": "03 コロナ言及と評価",
    "03_impact_by_field_plan": "03 分野別の影響", "03_impact_by_department": "03 部署別の影響",
    "04_grades_overall": "04 評価の全体", "04_grades_by_field_plan": "04 分野別の評価",
    "04_grades_by_objective": "04 目標別の評価", "04_grades_by_department": "04 部署別の評価",
    "05_grade_audit": "05 評価の検証", "05_agreement": "05 評価の一致表", "05_disagreement_details": "05 不一致の指標",
    "05_indicator_achievement": "05 指標ごとの達成率", "05_same_figures_different_grades": "05 同じ数字で違う評価",
    "05_low_grade_reasons": "05 CとDの理由", "initiatives_overview": "取り組み一覧（マスター）",
})
CODE_LABELS.update({
    "decision": {"duplicate": "重複（同じ取り組み）", "own_evidence": "別の活動（自身の根拠）"},
    "relisted_decision": {"duplicate": "重複（同じ取り組み）", "own_evidence": "別の活動（自身の根拠）"},
    "what": {"cancelled": "中止", "not_held": "開催なし・未実施", "scheduled_only": "予定のみ（未開催）",
             "postponed": "延期", "closed": "休館", "suspended": "自粛・休止", "reduced": "縮小・短縮", "adapted": "工夫・代替"},
    "measure": {"attendance": "参加・利用", "caseload": "対象者・登録者"},
})
COLUMN_LABELS.update({"plan_minus_cancelled": "計画−中止", "consistent": "実績と整合", "timing": "時期",
                      "year_role": "年度の区分", "result_note": "実績の注記", "prior_is_plan_only": "前年度の値は予定"})
COLUMN_LABELS.update({"mean_achievement": "行の計画達成率（平均、実績なしは0%）"})
COLUMN_LABELS.update({  # review round 3: courses, exact rates, comment-scheduled results, planned substitutes
    "printed": "印刷", "sessions_are_courses": "回は講座の期", "prior_unknown": "前年度の実施は不明（予定のみ）",
    "substitute_planned": "代わりは予定のみ", "scheduled_by_comment": "後の月に予定（コメント）",
    "result_exact": "実績の正確な値（同じ行に印刷）", "result_exact_source": "正確な値の印刷", "cancelled_text": "中止（印刷）",
    "prior_breakdown": "前年度の内訳（印刷）"})
CODE_LABELS["counting"] = {"printed": "印刷どおり（再掲を含む）", "counted": "重複の再掲を除く"}  # notebook 04
for _col in ("status", "prior_status", "result_status"):  # reports.csv: a status that differs page by page
    CODE_LABELS[_col]["mixed"] = "分野により異なる"
CODE_LABELS["covid_events"] = CODE_LABELS["what"]  # the master table: the year's events, joined with ・

#: headers that win over the schema's 項目名 outside a clean-table sheet: "行" alone is ambiguous
#: (a row of the printed table or a line of the text file), so these say which.
READER_LABELS: dict[str, str] = {
    "report": "報告書", "row_no": "表の行番号", "line_no": "テキストの行番号", "source_lines": "原文の行（テキストの行番号）",
    "source_first_line": "原文の最初の行", "source_last_line": "原文の最後の行", "relisted_row": "再掲の表の行番号",
    "original_row": "元の表の行番号", "prior_value": "前年度の値", "plan_value": "計画の値", "result_value": "実績の値",
    "change_rate": "前年度比の増減率", "achievement_rate": "計画達成率",
    "rubric_grade": "凡例による評価", "grade": "評価",
    "indicator": "指標", "indicator_label": "指標（表示用）", "unit": "単位", "field_plan": "分野別計画",
    "initiative": "具体的な取り組み・事業", "department": "担当部署", "comment": "コメント・課題等",
    "result_note": "実績の注記", "measure": "種類", "source_line": "原文の行（テキストの行番号）",
    "series": "系列", "fiscal_year": "年度", "kind": "区分",
}
#: headers of numeric columns whose name means something else on a text column (06's ``change``
#: holds 追加/廃止/改称; trends' ``change`` is 実績 − 前年度)
_NUMERIC_LABELS = {"change": "増減（実績−前年度）"}

#: booleans as readers see them (never TRUE/FALSE); a missing value stays empty / —
BOOL_LABELS = {True: "はい", False: "いいえ"}
#: separator of a list of codes in one cell (``cancelled・closed``, ``summary・prior_text``)
JOIN = "・"
#: columns whose values are column names of the clean tables (shown as those columns' headers)
_FIELD_COLUMNS = ("field", "differing_fields")
#: columns holding a ratio (0.735 = 73.5 %), besides the schema's unit 比率 and ``*_rate``
_RATE_NAMES = frozenset({"achievement", "mean_achievement", "lowest", "highest", "share"})
_RATE_RE = re.compile(r"(?:_rate$|^share(?:_|$))")


def _schema():
    from ..read.schema import SCHEMA

    return SCHEMA


def column_label(name: str, *, table: str | None = None, numeric: bool | None = None) -> str:
    """The Japanese header of a column.

    Args:
        name: the column name (ASCII snake_case; anything else is returned as it is when unknown).
        table: a clean table whose own 項目名 win (a clean-table sheet of the workbook, where the
            headers are exactly the data dictionary's).
        numeric: whether the column holds numbers (a few names mean different things).

    Order: the table's 項目名 → :data:`READER_LABELS` → numeric-only labels → any schema table's
    項目名 → :data:`COLUMN_LABELS` → the name itself.

    >>> column_label("change", numeric=True), column_label("change"), column_label("no_such_column")
    ('増減（実績−前年度）', '変化', 'no_such_column')
    """
    schema = _schema()
    if table in schema:
        for c in schema[table]:
            if c.name == name:
                return c.name_ja
    if name in READER_LABELS:
        return READER_LABELS[name]
    if numeric and name in _NUMERIC_LABELS:
        return _NUMERIC_LABELS[name]
    if name in COLUMN_LABELS:
        return COLUMN_LABELS[name]
    for cols in schema.values():
        for c in cols:
            if c.name == name:
                return c.name_ja
    return name


def code_labels(column: str) -> dict[str, str]:
    """``{code: Japanese}`` for a column (:data:`CODE_LABELS`; ``*_status`` columns share ``status``)."""
    if column in CODE_LABELS:
        return CODE_LABELS[column]
    if column.endswith("_status"):
        return CODE_LABELS["status"]
    return {}


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def label_value(column: str, value):
    """One value as a reader sees it: a code in Japanese, a list of codes part by part, a boolean as はい/いいえ.

    Numbers, missing values and text that is not a code are returned unchanged.

    >>> label_value("covid_events", "cancelled・closed"), label_value("agrees", True), label_value("differing_fields", "summary・prior_text")
    ('中止・休館', 'はい', '概要・前年度（本文）')
    >>> label_value("field", "result_text+comment")
    '実績（本文）＋コメント・課題等'
    >>> label_value("comment", "中止"), label_value("what", "unknown_code")
    ('中止', 'unknown_code')
    """
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return BOOL_LABELS[bool(value)]
    if not isinstance(value, str) or not value:
        return value
    if column in _FIELD_COLUMNS:  # ``summary・prior_text``; ``result_text+comment`` (a clause across two cells)
        return re.sub(r"[^・+]+", lambda m: column_label(m.group(), table="initiatives"), value).replace("+", "＋")
    codes = code_labels(column)
    if not codes:
        return value
    if value in codes:
        return codes[value]
    parts = value.split(JOIN)
    if len(parts) > 1 and all(p in codes for p in parts):
        return JOIN.join(codes[p] for p in parts)
    return value


_STATUS_ONLY = {"actual", "estimate"}
#: summary-table columns holding a list of numbers (``373,377`` = lines 373 and 377): shown joined
#: with 、 (never a text that reads like the number 373,377), a single number as a number
NUMBER_LIST_COLUMNS = ("source_lines", "table_rows", "text_lines", "months", "row_nos")
_NUMBER_LIST = re.compile(r"\d+(?:\s*[,，、・]\s*\d+)*")


def _number_list(value):
    if isinstance(value, str) and _NUMBER_LIST.fullmatch(value.strip()):
        parts = re.split(r"\s*[,，、・]\s*", value.strip())
        return int(parts[0]) if len(parts) == 1 else "、".join(parts)
    return value


def label_codes(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose codes, lists of codes, field names and booleans are in Japanese (:func:`label_value`).

    A text column holding only ``actual``/``estimate`` (a pivot's columns) gets 実績/見込み too; a
    column of layout notes (``layout_note``) is put into Japanese by :func:`layout_note_ja`; a list of
    line numbers (:data:`NUMBER_LIST_COLUMNS`) is joined with 、 and a single one is a number.
    Numeric columns are left as numbers.

    >>> label_codes(pd.DataFrame({"period": ["prior", "result"], "前年度": ["actual", "estimate"],
    ...                           "agrees": pd.array([True, None], dtype="boolean")})).to_dict("list")
    {'period': ['前年度', '実績'], '前年度': ['実績', '見込み'], 'agrees': ['はい', None]}
    """
    out = df.copy()
    for i, name in enumerate(out.columns):
        s = out.iloc[:, i]
        if pd.api.types.is_bool_dtype(s.dtype) or (s.dtype == object and s.dropna().map(type).isin([bool]).all()
                                                     and s.notna().any()):
            values = [None if _missing(v) else BOOL_LABELS[bool(v)] for v in s.tolist()]
        elif pd.api.types.is_numeric_dtype(s.dtype) and not isinstance(s.dtype, pd.CategoricalDtype):
            continue
        elif name in NUMBER_LIST_COLUMNS:
            values = [None if _missing(v) else _number_list(v) for v in s.tolist()]
        elif name == "layout_note":
            values = [layout_note_ja(v) if isinstance(v, str) else (None if _missing(v) else v) for v in s.tolist()]
        else:
            col = str(name)
            present = {v for v in s.dropna().tolist()}
            if not code_labels(col) and col not in _FIELD_COLUMNS and present and present <= _STATUS_ONLY:
                col = "status"
            values = [None if _missing(v) else label_value(col, v) for v in s.tolist()]
        out.isetitem(i, pd.Series(values, index=s.index, dtype=object))
    return out


def is_rate(column) -> bool:
    """Whether a column holds a ratio (0.735 = 73.5 %): the schema's unit 比率, ``*_rate``, ``share*``, achievements.

    >>> is_rate("achievement_rate"), is_rate("share_A"), is_rate("mean_achievement"), is_rate("value")
    (True, True, True, False)
    """
    if not isinstance(column, str):
        return False
    if column in _RATE_NAMES or _RATE_RE.search(column):
        return True
    return any(c.name == column and c.unit == "比率" for cols in _schema().values() for c in cols)


# layout notes (initiatives.layout_note) are written by the reader in English; readers see them in
# Japanese. One pattern per note of helpers.read.extract / tidy; a note no pattern knows is shown
# as written (and the test of the HTML pages would name it).
_LAYOUT_NOTES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"two period cells printed without a blank line between them; split before line (\d+), "
                r"whose label '(.*)' starts another period cell"),
     r"2つの期間セルが空行なしで続けて印刷されている。ラベル「\2」で始まる \1 行目から次の期間セルとして分けた"),
    (re.compile(r"initiative printed once for (\d+) rows \(vertically merged cell\) at line (\d+)"),
     r"取り組み名が縦に結合されたセルで、\1 行分に対して \2 行目に一度だけ印刷されている"),
    (re.compile(r"result cell continues across (\d+) blank line\(s\) \(lines (\d+)-(\d+)\)"),
     r"実績セルが空行 \1 行をはさんで続いている（続きは \2〜\3 行目）"),
    (re.compile(r"expected 3 period cells, found (\d+)"), r"期間セルが3つのはずが \1 つ"),
    (re.compile(r"more than one block after the comment"), "コメントの後に複数のかたまりがある"),
    (re.compile(r"no initiative found"), "取り組み名が見つからない"),
    (re.compile(r"（再掲） but no original row of that name"), "（再掲）だが同じ名前の元の行がない"),
]


def layout_note_ja(note: str) -> str:
    """A layout note (``initiatives.layout_note``, ``; ``-separated) in Japanese; unknown notes as written.

    >>> layout_note_ja("result cell continues across 1 blank line(s) (lines 1173-1174)")
    '実績セルが空行 1 行をはさんで続いている（続きは 1173〜1174 行目）'
    >>> layout_note_ja("two period cells printed without a blank line between them; split before line 495, "
    ...                "whose label '新規相談件数' starts another period cell; no initiative found")
    '2つの期間セルが空行なしで続けて印刷されている。ラベル「新規相談件数」で始まる 495 行目から次の期間セルとして分けた。取り組み名が見つからない'
    """
    text = str(note)
    for pattern, ja in _LAYOUT_NOTES:  # whole notes (a note may itself hold "; ")
        text = pattern.sub(ja, text)
    return text.replace("; ", "。")


#: why a table may have no rows: (when every series holds one report, otherwise)
EMPTY_REASONS: dict[str, tuple[str, str]] = {
    "links": ("どの系列にも報告書が1つしかないため、年度をまたぐ行の対応づけはない",
              "同じ系列の連続する報告書の組がない"),
    "06_revisions": ("どの系列にも報告書が1つしかないため、見込みと実績を別々の報告書が載せた数値はない",
                     "見込みと実績を別々の報告書が載せた数値はない"),
    "06_grade_transitions": ("どの系列にも報告書が1つしかないため、評価の移り変わりは示せない",
                             "対応づけた取り組みがない"),
    "06_changes": ("どの系列にも報告書が1つしかないため、追加・廃止・改称は比べられない",
                   "追加・廃止・改称された取り組みはない"),
    "06_links_to_review": ("どの系列にも報告書が1つしかないため、確認が必要な対応はない",
                           "確認が必要な対応はない"),
}


def empty_reason(stem: str, *, one_report_per_series: bool) -> str:
    """Why the table ``stem`` (a clean table or a ``reports/tables`` stem) has no rows, in Japanese.

    >>> empty_reason("06_changes", one_report_per_series=True)
    'どの系列にも報告書が1つしかないため、追加・廃止・改称は比べられない'
    >>> empty_reason("99_x", one_report_per_series=True)
    '該当する行はない'
    """
    single, several = EMPTY_REASONS.get(stem, ("該当する行はない", "該当する行はない"))
    return single if one_report_per_series else several

CODE_LABELS_ACHIEVEMENT = {"measured": "測れた", "scheduled": "予定のみ", "unmeasured": "測れない", "no_plan": "計画に数値なし"}

# --- issue 18 (one status per activity, the reviewer's analyses, the ward's query list) -----------
COLUMN_LABELS.update({
    "status_ja": "状態", "format_changed": "形を変えて実施", "period_differs": "期間が違う（年度の一部）",
    "ranked": "順位に入れる", "rank_note": "順位に入れない理由", "same_as_row": "同じ数字の行",
    "measured": "測れた指標数", "items": "項目数（計画・実績に印刷された活動）", "items_measured": "測れた項目数",
    "unmeasured": "測れなかった指標", "changed_format": "形を変えて実施した指標数", "achievement_status": "達成率の状態",
    "sessions_scheduled": "予定の回数", "sessions_note": "回数の注記", "shared_items": "共通の項目数",
    "items_a": "項目数A", "items_b": "項目数B", "share_a": "共通の割合A", "share_b": "共通の割合B",
    "same_items": "項目がすべて同じ", "row_nos": "表の行番号（複数）", "cancelled_derived": "中止回数は計算値",
    "timing_of": "時期の意味", "vague": "活動名ではない（…等）", "plan_vs_prior": "計画の前年度比",
    "below_prior": "計画が前年度を下回る", "prior_people": "前年度の人数", "prior_sessions": "前年度の回数",
    "prior_per_session_derived": "前年度の1回あたり（計算値）", "plan_people": "計画の人数", "plan_sessions": "計画の回数",
    "plan_per_session_derived": "計画の1回あたり（計算値）", "result_people": "実績の人数", "result_sessions": "実績の回数",
    "result_per_session_derived": "実績の1回あたり（計算値）", "change_per_session_derived": "1回あたりの増減率（計算値）",
    "facility": "施設", "result_per_day": "実績の1日平均（印刷）", "comparison": "前年度との比較（印刷）",
    "prior_per_day_derived": "前年度の1日平均（計算値）", "prior_total": "前年度の延べ人数", "result_total": "実績の延べ人数",
    "total_change": "延べ人数の増減率", "per_day_change_derived": "1日平均の増減率（印刷から）",
    "prior_open_days_derived": "前年度の開館日数（計算値）", "result_open_days_derived": "実績の開館日数（計算値）",
    "basis": "評価の根拠", "basis_ja": "評価の根拠（説明）", "on_estimate": "実績が見込み", "scheduled_items": "予定のみの指標数",
    "horizon": "時期", "statement": "記述（コメント）", "two_years": "2年続けて中止", "substitute": "代わりの実施",
    "next_step": "次の対応（コメント）", "is_duplicate": "重複の再掲", "derived": "計算値", "check": "照合",
    "query_no": "番号", "topic": "論点", "finding": "報告書の記載", "question": "担当課への質問",
    "rule": "見つけた規則", "agree": "一致", "disagree": "不一致", "agreement": "一致の割合", "weight": "重み",
    "partial": "一部だけ測れた行", "primary": "本文の読み方", "scheduled": "予定のみの扱い",
    "events": "出来事の数", "no_covid_cause": "コロナの原因が書かれていない",
    "indicators_changed_format": "形を変えて実施した指標数", "indicators_scheduled": "予定のみの指標数",
    "caveat": "注意（読み方の限界）", "plan_level": "計画の水準",
})
TABLE_TITLES.update({
    "01_ward_queries": "01 担当課への確認事項", "02_rates_per_session": "02 1回あたりの人数",
    "02_daily_averages": "02 1日平均と開館日数", "03_next_year_actions": "03 次年度への対応",
    "03_cancelled_followup": "03 中止した活動のその後",
    "04_grade_basis": "04 評価の根拠", "05_audit_sensitivity": "05 評価の検証の感度",
    "05_plan_ambition": "05 計画の水準", "05_plan_ambition_grades": "05 計画の水準と評価",
})
CODE_LABELS["status"].update({"held": "実施", "changed_format": "形を変えて実施", "scheduled": "予定のみ",
                              "not_held": "実績なし"})
# 05_grade_audit's ``status`` is a row's achievement status (the same codes as ``achievement_status``)
CODE_LABELS["status"].update({k: v for k, v in CODE_LABELS_ACHIEVEMENT.items() if k not in CODE_LABELS["status"]})
CODE_LABELS.update({
    "achievement_status": CODE_LABELS_ACHIEVEMENT,
    "basis": {"measured": "計画の数値で測れる", "scheduled": "予定のみ", "plan_unmeasurable": "計画の数値が実績と対応しない",
              "no_numeric_plan": "計画に数値なし"},
    "check": {"agrees": "合う", "differs": "合わない", "derived": "計算値（照合にならない）", "no_plan": "計画の回数なし"},
    "timing_of": {"event": "出来事の時期", "planned": "予定していた時期", "resumed": "再開した時期（それまで休止）"},
    "counting": {"printed": "印刷どおり（再掲を含む）", "counted": "重複の再掲を除く", "no_relisted": "再掲をすべて除く"},
    "changed_format": {"held": "実施と数える", "exclude": "除く", "zero": "0%と数える"},
    "weight": {"indicator": "指標ごとに同じ", "activity": "活動ごとに同じ"},
    "partial": {"kept": "含む", "dropped": "除く"},
})
CODE_LABELS["scheduled"] = {"exclude": "除く", "held": "実施と数える", "zero": "0%と数える"}
CODE_LABELS["rule"] = {  # 01_ward_queries: which rule surfaced a query
    "relisted_figures_differ": "再掲と元の行の数字の食い違い", "same_figures_different_grades": "同じ数字で評価が違う",
    "scheduled": "実績が予定のみ", "changed_format": "形を変えて実施", "period_differs": "期間が違う",
    "plan_unmatched": "計画の数値と実績が対応しない", "each_unknown": "「各」で合計が出せない",
    "a_below_legend": "計画の数値が未達の A", "context_note": "原因の書かれていない備考",
}
