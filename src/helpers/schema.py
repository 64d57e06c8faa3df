"""The output contract: every clean table's columns, in order, with a Japanese data dictionary.

One definition serves three purposes: it orders the columns written to CSV, it
is checked against the DataFrames before anything is written (a missing or
extra column is an error), and it *is* the data dictionary
(``data_dictionary.csv``), so the documentation cannot drift from the data.

CSV conventions (all tables): UTF-8 with BOM (Excel opens it as UTF-8), one
header row of ASCII snake_case names, LF line ends, no line breaks inside
fields, booleans as ``True``/``False``, missing values as empty fields,
numbers without thousands separators, floats with at most 4 decimals.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Column", "SCHEMA", "TABLE_DESCRIPTIONS", "columns_of", "dictionary_rows"]


@dataclass(frozen=True)
class Column:
    name: str  # ASCII snake_case column name
    name_ja: str  # 項目名
    dtype: str  # string / integer / boolean / number / category
    unit: str  # unit of the values, "" when none
    description: str  # meaning, in Japanese (English in parentheses where useful)


_ID = Column("initiative_id", "取り組みID", "string", "",
             "取り組み（表の1行）の識別子。{report}:{section_no}-{objective_no}-{行番号2桁}。同じ入力からは常に同じ値")
_REPORT = Column("report", "報告書", "string", "",
                 "入力ファイル名（拡張子なし）。複数の報告書を区別する")

SCHEMA: dict[str, list[Column]] = {
    "initiatives": [
        _REPORT,
        _ID,
        Column("row_no", "行番号", "integer", "", "報告書内で印刷された表の行の通し番号（1から）"),
        Column("section_no", "分野番号", "integer", "", "基本目標・分野別計画の通し番号（報告書に現れる順）"),
        Column("basic_goal", "基本目標", "string", "", "ページ下部の「基本目標」（印刷どおり）"),
        Column("field_plan", "分野別計画", "string", "", "ページ下部の「分野別計画」（印刷どおり）"),
        Column("objective_no", "目標番号", "integer", "", "目標見出し（１）（２）…の番号"),
        Column("objective", "目標", "string", "", "目標見出しの文言（番号を除く、印刷どおり）"),
        Column("initiative", "具体的な取り組み・事業", "string", "", "取り組み名（印刷どおり、（再掲）を除く）"),
        Column("is_relisted", "再掲", "boolean", "", "（再掲）と印刷された行なら True"),
        Column("relisted_of", "再掲元ID", "string", "", "再掲行の元の行の initiative_id（同名の最初の非再掲行）"),
        Column("initiative_merged", "取り組み名セル結合", "boolean", "",
               "取り組み名が縦に結合されたセルで、複数行に対してページ末尾に一度だけ印刷されている場合 True"),
        Column("summary", "概要", "string", "", "概要（印刷どおり）"),
        Column("prior_year", "前年度", "integer", "年度", "第1期間列の年度（列見出しから）"),
        Column("prior_status", "前年度の区分", "category", "",
               "第1期間列が実績なら actual、見込みなら estimate（列見出しから）"),
        Column("plan_year", "計画年度", "integer", "年度", "計画列の年度（列見出しから）"),
        Column("result_year", "実績年度", "integer", "年度", "第3期間列の年度（列見出しから）"),
        Column("result_status", "実績の区分", "category", "",
               "第3期間列が実績なら actual、実績（見込み）なら estimate（列見出しから）"),
        Column("prior_text", "前年度（本文）", "string", "", "第1期間列のセル（印刷どおり、行を区切りなしで連結）"),
        Column("plan_text", "計画（本文）", "string", "", "計画列のセル（同上）"),
        Column("result_text", "実績（本文）", "string", "", "第3期間列のセル（同上）"),
        Column("grade", "評価", "category", "", "評価 A〜D（半角に正規化）。意味は grade_legend.csv"),
        Column("comment", "コメント・課題等", "string", "", "コメント・課題等（印刷どおり）"),
        Column("remarks", "備考", "string", "", "備考（印刷どおり、なければ空）"),
        Column("department_count", "担当部署数", "integer", "", "担当部署の数（一覧は departments.csv）"),
        Column("layout_note", "レイアウト注記", "string", "",
               "読み取りで特別な規則を使った場合の説明（空欄でない行は要確認ではなく、根拠の記録）"),
        Column("source_first_line", "出典開始行", "integer", "行", "この行のセルが印刷されている最初の行番号（入力ファイル、1から）"),
        Column("source_last_line", "出典終了行", "integer", "行", "同じく最後の行番号"),
    ],
    "departments": [
        _REPORT,
        _ID,
        Column("department_no", "担当部署順", "integer", "", "その行の中での担当部署の順番（1から）"),
        Column("department", "担当部署", "string", "", "担当部署名（2行に折り返された名前は1つ、印刷どおり連結）"),
        Column("department_key", "担当部署（照合キー）", "string", "",
               "部署をまとめるときの照合キー：NFKC 正規化しゼロ幅文字・BOM を除いた部署名（半角ｶﾅや不可視文字の違いで1つの部署が2つに分かれない）"),
    ],
    "source_lines": [
        _REPORT,
        Column("line_no", "行番号", "integer", "行", "入力ファイルの行番号（1から、空行は含めない）"),
        Column("part", "行内位置", "integer", "", "1行に複数のセルが印刷されている場合の位置（0から）"),
        Column("role", "種別", "category", "",
               "cell（表のセル）/ header（列見出し）/ legend（評価の指標）/ footer（基本目標・分野別計画）/ objective（目標見出し）/ unplaced（配置できなかった行）"),
        Column("initiative_id", "取り組みID", "string", "", "セルが属する行（role=cell のとき）"),
        Column("field", "項目", "string", "",
               "initiatives.csv の列名（initiative, summary, department, prior_text, plan_text, result_text, grade, comment, remarks）"),
        Column("text", "本文", "string", "", "その行（または行内のセル）の文字列（印刷どおり）"),
    ],
    "grade_legend": [
        Column("grade", "評価", "category", "", "評価記号（半角）"),
        Column("label", "表記", "string", "", "報告書の〔評価の指標〕の表記（印刷どおり）"),
        Column("meaning", "意味", "string", "", "評価の意味"),
        Column("min_achievement_pct", "達成率の目安（以上）", "integer", "%",
               "その評価の目安となる達成率の下限（概ね〜％以上）。D は定めなし（空欄）"),
    ],
    "metrics": [
        _REPORT,
        _ID,
        Column("period", "期間", "category", "", "prior（第1期間列）/ plan（計画）/ result（第3期間列）"),
        Column("fiscal_year", "年度", "integer", "年度", "その期間列の年度（列見出しから）"),
        Column("status", "区分", "category", "", "actual（実績）/ plan（計画）/ estimate（見込み）（列見出しから）"),
        Column("item_no", "セル内順序", "integer", "", "セルの中での順番（1から、印刷順）"),
        Column("indicator", "指標", "string", "",
               "数えているもの（数値の前に印刷されたラベル、印刷どおり）。印刷されていない場合は他の期間の同じ数値のラベル（label_inherited）、どこにもなければ空欄"),
        Column("value", "値", "number", "unit 列", "数値（全角・桁区切り・行の折り返しを解決）。定性的な記載（全戸・随時・中止など）は空欄"),
        Column("unit", "単位", "string", "", "回・人・件・枚・組・団体・か所・地区・%・割 など（％は % に正規化）"),
        Column("cumulative", "延べ", "boolean", "", "「延べ」と書かれた数値なら True"),
        Column("each", "各", "boolean", "", "「各」「各館」と書かれた数値（1つあたりの数）なら True"),
        Column("qualifier", "修飾", "string", "",
               "数値に付いた語（強・弱・以上・予定・計 など）。定性的な記載では その語（全戸・全数・随時・適宜・中止・未実施）"),
        Column("kind", "種類", "category", "", "amount（数値）/ qualitative（定性的な記載。0 ではない）"),
        Column("label_inherited", "ラベル補完", "boolean", "", "指標を他の期間の同じ数値から補ったなら True"),
        Column("source_text", "出典文字列", "string", "", "数値を読んだ部分の文字列（印刷どおり）"),
        Column("source_line", "出典行", "integer", "行", "数値が始まる入力ファイルの行番号"),
    ],
    "trends": [
        _REPORT,
        _ID,
        Column("indicator", "指標", "string", "", "期間をまたいで対応づけた指標（最も詳しい印刷ラベル、なければ空欄）"),
        Column("unit", "単位", "string", "", "単位（異なる単位どうしは対応づけない）"),
        Column("cumulative", "延べ", "boolean", "", "どれかの期間で「延べ」と書かれていれば True"),
        Column("each", "各", "boolean", "", "どれかの期間で「各」と書かれていれば True"),
        Column("prior_value", "前年度の値", "number", "unit 列", "第1期間列の値（なければ空欄）"),
        Column("plan_value", "計画値", "number", "unit 列", "計画列の値"),
        Column("result_value", "実績値", "number", "unit 列", "第3期間列の値"),
        Column("change", "増減", "number", "unit 列", "実績値 − 前年度の値"),
        Column("change_rate", "増減率", "number", "比率", "増減 ÷ 前年度の値（0.12 = 12%増）"),
        Column("achievement_rate", "計画達成率", "number", "比率", "実績値 ÷ 計画値（0.735 = 73.5%）"),
        Column("rubric_grade", "凡例による評価", "category", "",
               "計画達成率に報告書の〔評価の指標〕（概ね90%以上 A、75%以上 B、50%以上 C、それ未満 D）を当てはめた評価"),
        Column("grade", "報告書の評価", "category", "", "報告書に印刷された評価（その行全体に対する評価）"),
        Column("prior_source", "前年度の出典", "string", "", "前年度の値を読んだ文字列（印刷どおり）"),
        Column("plan_source", "計画の出典", "string", "", "計画値を読んだ文字列"),
        Column("result_source", "実績の出典", "string", "", "実績値を読んだ文字列"),
    ],
}

TABLE_DESCRIPTIONS = {
    "initiatives": "取り組み（印刷された表の1行）ごとに1行",
    "departments": "取り組みと担当部署の組ごとに1行",
    "source_lines": "入力の空行以外の各行（または行内のセル）ごとに1行。どの行がどのセルになったかの記録",
    "grade_legend": "評価記号の定義（報告書の凡例から）",
    "metrics": "期間セルの中の数値（または定性的な記載）ごとに1行",
    "trends": "1つの取り組みの同じ指標を前年度・計画・実績で対応づけたもの、1組ごとに1行",
}


def columns_of(table: str) -> list[str]:
    """Column names of ``table`` in output order.

    >>> columns_of("departments")
    ['report', 'initiative_id', 'department_no', 'department', 'department_key']
    """
    return [c.name for c in SCHEMA[table]]


def dictionary_rows() -> list[dict]:
    """The data dictionary: one row per (table, column)."""
    return [
        {
            "table": table,
            "table_description": TABLE_DESCRIPTIONS[table],
            "column": c.name,
            "name_ja": c.name_ja,
            "dtype": c.dtype,
            "unit": c.unit,
            "description": c.description,
        }
        for table, cols in SCHEMA.items()
        for c in cols
    ]
