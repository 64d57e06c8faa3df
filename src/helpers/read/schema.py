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

__all__ = ["GRADE_ORDER", "Column", "SCHEMA", "TABLE_DESCRIPTIONS", "TABLE_TITLES_JA", "CODES", "PRIMARY_KEYS",
           "FOREIGN_KEYS", "columns_of", "dictionary_rows", "datapackage"]

#: The grades of the report's legend, best first (A 目標を達成 … D ほとんど実施せず).
GRADE_ORDER = ["A", "B", "C", "D"]


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

_KEY = Column("initiative_key", "取り組みキー", "string", "",
              "報告書をまたいで同じ取り組み（表の同じ行が翌年度に続いたもの）に付く共通のキー。"
              "{series}:{最初の報告書での section_no-objective_no-行番号}。対応する行がない行は独自のキー"
              "（既に使われていれば末尾に @年度）。1つの報告書の中では一意。対応づけの根拠は links.csv")
_SERIES = Column("series", "系列", "string", "",
                 "同じ計画の年度ごとの報告書の系列ID。サイドカーの series、なければファイル名から年を除いたもの")

SCHEMA: dict[str, list[Column]] = {
    "initiatives": [
        _REPORT,
        _ID,
        _KEY,
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
        Column("prior_year", "前年度", "integer", "年度",
               "第1期間列の年度（西暦。列見出しの表記 2020年度・令和2年度・令和２年度・R2年度・令和元年度 などを西暦に換算。"
               "印刷どおりの見出しは prior_label）"),
        Column("prior_status", "前年度の区分", "category", "",
               "第1期間列が実績なら actual、見込みなら estimate（列見出しから）"),
        Column("prior_label", "前年度の列見出し", "string", "", "第1期間列の列見出し（印刷どおり。例 2020年度（実績）、令和2年度実績）"),
        Column("plan_year", "計画年度", "integer", "年度", "計画列の年度（西暦に換算。印刷どおりの見出しは plan_label）"),
        Column("plan_label", "計画の列見出し", "string", "", "計画列の列見出し（印刷どおり。例 2021年度計画、令和3年度計画）"),
        Column("result_year", "実績年度", "integer", "年度", "第3期間列の年度（西暦に換算。印刷どおりの見出しは result_label）"),
        Column("result_status", "実績の区分", "category", "",
               "第3期間列が実績なら actual、実績（見込み）なら estimate（列見出しから）"),
        Column("result_label", "実績の列見出し", "string", "",
               "第3期間列の列見出し（印刷どおり。例 2021年度実績（見込み）、R3年度実績）"),
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
               "cell（表のセル）/ preamble（表の前の文言：表題など）/ header（列見出し）/ legend（評価の指標）/ footer（基本目標・分野別計画）/ objective（目標見出し）/ unplaced（配置できなかった行）"),
        Column("initiative_id", "取り組みID", "string", "", "セルが属する行（role=cell のとき）"),
        Column("field", "項目", "string", "",
               "initiatives.csv の列名（initiative, summary, department, prior_text, plan_text, result_text, grade, comment, remarks）"),
        Column("text", "本文", "string", "", "その行（または行内のセル）の文字列（印刷どおり）"),
    ],
    "source_cells": [
        _REPORT,
        Column("line_no", "行番号", "integer", "行",
               "PDF の文字列（セル内の1行、または表の外の1行）の通し番号（1から。ページ順、ページ内は表の上・表のセル（行順、左から）・表の下の順）。"
               "PDF を読んだ報告書では source_lines.csv の line_no、initiatives.csv の source_first_line・source_last_line、"
               "metrics.csv・series.csv の source_line、reports.csv の lines はこの番号（数）を指す"),
        Column("page", "ページ", "integer", "ページ", "PDF のページ番号（1から）"),
        Column("table_row", "表の行", "integer", "", "そのページの表の罫線でできる格子の行番号（1から、列見出しを含む）。表の外なら空欄"),
        Column("table_col", "表の列", "integer", "", "同じく格子の列番号（1から、左から）。表の外なら空欄"),
        Column("row_span", "結合行数", "integer", "", "セルが縦に結合している格子の行数（1なら結合なし）。表の外なら空欄"),
        Column("col_span", "結合列数", "integer", "", "セルが横に結合している格子の列数"),
        Column("line_in_cell", "セル内の行", "integer", "", "セルの中での行の順番（1から、上から）。表の外なら空欄"),
        Column("x0", "左端", "number", "pt", "文字列の左端（ページ左端から、ポイント）"),
        Column("top", "上端", "number", "pt", "文字列の上端（ページ上端から、ポイント）"),
        Column("x1", "右端", "number", "pt", "文字列の右端"),
        Column("bottom", "下端", "number", "pt", "文字列の下端"),
        Column("text", "本文", "string", "", "その文字列（印刷どおり。両端の半角スペースを除く）"),
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
    "reports": [
        _REPORT,
        _SERIES,
        Column("fiscal_year", "報告書の年度", "integer", "年度", "報告書の年度（第3期間列の年度）。同じ系列の中で一意"),
        Column("previous_report", "前の報告書", "string", "", "同じ系列で1つ前の年度の報告書（なければ空欄）"),
        Column("source_file", "入力ファイル", "string", "", "読んだファイル名"),
        Column("sha256", "ハッシュ値（SHA-256）", "string", "", "入力ファイルのSHA-256（16進）"),
        Column("bytes", "バイト数", "integer", "バイト", "入力ファイルの大きさ"),
        Column("lines", "行数", "integer", "行", "入力ファイルの行数（空行を含む）"),
        Column("prior_year", "前年度", "integer", "年度", "第1期間列の年度（列見出しから）"),
        Column("prior_status", "前年度の区分", "category", "",
               "第1期間列の区分 actual / estimate。ページによって異なれば mixed（件数は prior_estimate_rows）"),
        Column("plan_year", "計画年度", "integer", "年度", "計画列の年度"),
        Column("result_year", "実績年度", "integer", "年度", "第3期間列の年度"),
        Column("result_status", "実績の区分", "category", "",
               "第3期間列の区分 actual / estimate。ページによって異なれば mixed（件数は result_estimate_rows）"),
        Column("prior_estimate_rows", "前年度が見込みの行数", "integer", "行", "第1期間列が見込み（estimate）の行の数"),
        Column("result_estimate_rows", "実績が見込みの行数", "integer", "行", "第3期間列が実績（見込み）（estimate）の行の数"),
        Column("rows", "取り組み数", "integer", "行", "表の行の数（再掲行を含む）"),
        Column("relisted_rows", "再掲行数", "integer", "行", "（再掲）行の数"),
        Column("grade_a", "評価A", "integer", "行", "評価 A の行の数（再掲行を含む）"),
        Column("grade_b", "評価B", "integer", "行", "評価 B の行の数"),
        Column("grade_c", "評価C", "integer", "行", "評価 C の行の数"),
        Column("grade_d", "評価D", "integer", "行", "評価 D の行の数"),
        Column("municipality", "自治体", "string", "", "自治体名（サイドカーの municipality。なければ空欄、推測しない）"),
        Column("plan_name", "計画名", "string", "", "計画名（サイドカーの plan_name。なければ空欄）"),
        Column("title", "報告書の表題", "string", "",
               "報告書の表題（サイドカーの title、なければ report_title。なければ空欄、推測しない）。"
               "自治体・表題・年度で報告書の表示名と出典を作る"),
        Column("lg_code", "全国地方公共団体コード", "string", "",
               "全国地方公共団体コード6桁（サイドカーの lg_code または local_government_code。なければ空欄）"),
        Column("sidecar", "サイドカー", "string", "", "読んだサイドカーのファイル名（<stem>.meta.json、なければ空欄）"),
    ],
    "links": [
        _SERIES,
        Column("report_a", "報告書A", "string", "", "前の年度の報告書"),
        Column("initiative_id_a", "取り組みID（A）", "string", "", "報告書Aの行（対応がなければ空欄）"),
        Column("row_no_a", "行番号（A）", "integer", "", "報告書Aでの行番号"),
        Column("initiative_a", "取り組み（A）", "string", "", "報告書Aの取り組み名（印刷どおり）"),
        Column("report_b", "報告書B", "string", "", "次の年度の報告書"),
        Column("initiative_id_b", "取り組みID（B）", "string", "", "報告書Bの行（対応がなければ空欄）"),
        Column("row_no_b", "行番号（B）", "integer", "", "報告書Bでの行番号"),
        Column("initiative_b", "取り組み（B）", "string", "", "報告書Bの取り組み名（印刷どおり）"),
        Column("initiative_key_a", "取り組みキー（A）", "string", "", "報告書Aの行の initiative_key"),
        Column("initiative_key_b", "取り組みキー（B）", "string", "",
               "報告書Bの行の initiative_key（status が accepted なら initiative_key_a と同じ）"),
        Column("score", "類似度", "number", "0〜100",
               "分野・目標・取り組み名・概要・担当部署の類似度（rapidfuzz ratio）の加重平均。対応がなければ空欄"),
        Column("method", "方法", "category", "",
               "exact（5項目とも一致）/ fuzzy（類似度で対応）/ override（link_overrides.csv による）/ none（対応なし）"),
        Column("status", "状態", "category", "",
               "accepted（対応を採用、同じキー）/ to_review（候補だが閾値未満のため採用せず、要確認）/ "
               "forbidden（link_overrides.csv で禁止）/ unlinked（相手なし：廃止または新規）"),
        Column("reason", "理由", "string", "", "判断の理由（override なら link_overrides.csv の行と注記）"),
    ],
    "series": [
        _REPORT,
        _SERIES,
        Column("report_year", "報告書の年度", "integer", "年度", "その数値を載せた報告書の年度（reports.fiscal_year）"),
        _KEY,
        _ID,
        Column("is_relisted", "再掲", "boolean", "", "（再掲）行の数値なら True（元の行と同じ数値の場合がある）"),
        Column("indicator", "指標", "string", "", "metrics.csv の指標（印刷どおり、なければ空欄）"),
        Column("unit", "単位", "string", "", "単位"),
        Column("cumulative", "延べ", "boolean", "", "「延べ」なら True"),
        Column("each", "各", "boolean", "", "「各」なら True"),
        Column("ordinal", "同一指標の順番", "integer", "",
               "同じセルに同じ指標・単位・延べ・各が複数あるときの印刷順の番号（1から）。キーを一意にする"),
        Column("fiscal_year", "年度", "integer", "年度", "数値の年度（列見出しから）"),
        Column("kind", "区分", "category", "", "actual（実績）/ estimate（見込み）/ plan（計画）"),
        Column("period", "期間列", "category", "", "数値を読んだ列 prior / plan / result"),
        Column("value", "値", "number", "unit 列", "数値"),
        Column("qualifier", "修飾", "string", "", "数値に付いた語（metrics.csv と同じ）"),
        Column("source_text", "出典文字列", "string", "", "数値を読んだ文字列（印刷どおり）"),
        Column("source_line", "出典行", "integer", "行", "数値が始まる入力ファイルの行番号"),
        Column("plan_value", "その年度の計画値", "number", "unit 列",
               "同じ系列・キー・指標・年度の計画値（複数の報告書にあれば最も新しい報告書の値）"),
        Column("estimate_value", "その年度の見込み値", "number", "unit 列", "同じく見込み値（最も新しい報告書の値）"),
        Column("actual_value", "その年度の実績値", "number", "unit 列", "同じく実績値（最も新しい報告書の値）"),
        Column("revision", "見込みからの修正", "number", "unit 列",
               "actual_value − estimate_value（見込みと実績が別の報告書にある場合のみ。自己結合なしで修正が見える）"),
        Column("reports_with_value", "値を載せた報告書数", "integer", "件",
               "その年度の実績または見込みを載せた報告書の数（2以上なら年度をまたいで再掲された数値）"),
    ],
}

TABLE_DESCRIPTIONS = {
    "initiatives": "取り組み（印刷された表の1行）ごとに1行",
    "departments": "取り組みと担当部署の組ごとに1行",
    "source_lines": "入力の空行以外の各行（または行内のセル）ごとに1行。どの行がどのセルになったかの記録",
    "source_cells": "PDF を読んだ報告書の文字列（セル内の1行、または表の外の1行）ごとに1行。ページ・表のセル・位置の記録（PDF の入力があるときだけ）",
    "grade_legend": "評価記号の定義（報告書の凡例から）",
    "metrics": "期間セルの中の数値（または定性的な記載）ごとに1行",
    "trends": "1つの取り組みの同じ指標を前年度・計画・実績で対応づけたもの、1組ごとに1行",
    "reports": "読んだ報告書ごとに1行（系列・年度・出典・件数・サイドカーの自治体情報）",
    "links": "同じ系列の連続する2つの報告書の行の対応づけ、1組（または相手のない行）ごとに1行",
    "series": "取り組みキーごとの数値を年度・区分（実績・見込み・計画）で並べた長い表、数値ごとに1行",
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


# --- the Frictionless data package (data/clean/datapackage.json) -----------------------------------

#: Japanese title of each clean table (the workbook's sheet names)
TABLE_TITLES_JA = {
    "initiatives": "取り組み", "departments": "担当部署", "source_lines": "出典行", "source_cells": "出典の位置（PDF）",
    "grade_legend": "評価の指標",
    "metrics": "数値", "trends": "指標の推移", "reports": "報告書", "links": "行の対応", "series": "年度別の数値",
}

#: the codes a category column may hold: (table, column) or column -> values (the descriptions above say
#: what each means; the package declares them as an enum so a validator checks them)
CODES: dict[object, tuple[str, ...]] = {
    "grade": tuple(GRADE_ORDER), "rubric_grade": tuple(GRADE_ORDER),
    "prior_status": ("actual", "estimate"), "result_status": ("actual", "estimate"),
    ("reports", "prior_status"): ("actual", "estimate", "mixed"), ("reports", "result_status"): ("actual", "estimate", "mixed"),
    "role": ("cell", "preamble", "header", "legend", "footer", "objective", "unplaced"),
    "period": ("prior", "plan", "result"),
    ("metrics", "status"): ("actual", "plan", "estimate"), ("metrics", "kind"): ("amount", "qualitative"),
    ("series", "kind"): ("actual", "estimate", "plan"),
    "method": ("exact", "fuzzy", "override", "none"),
    ("links", "status"): ("accepted", "to_review", "forbidden", "unlinked"),
}

#: the columns that identify a row (never empty, unique). trends, links and series have no such key:
#: their natural keys hold empty fields (an unlabelled indicator, an unpaired row).
PRIMARY_KEYS: dict[str, list[str]] = {
    "initiatives": ["initiative_id"],
    "departments": ["initiative_id", "department_no"],
    "source_lines": ["report", "line_no", "part"],
    "source_cells": ["report", "line_no"],
    "grade_legend": ["grade"],
    "metrics": ["initiative_id", "period", "item_no"],
    "reports": ["report"],
}

_TO_INITIATIVE = ("initiatives", ["initiative_id"])
_TO_REPORT = ("reports", ["report"])
_TO_GRADE = ("grade_legend", ["grade"])
#: (table, columns) -> (referenced table, its columns); an empty field refers to nothing
FOREIGN_KEYS: list[tuple[str, list[str], str, list[str]]] = [
    ("initiatives", ["report"], *_TO_REPORT),
    ("initiatives", ["relisted_of"], *_TO_INITIATIVE),
    ("initiatives", ["grade"], *_TO_GRADE),
    ("departments", ["initiative_id"], *_TO_INITIATIVE),
    ("departments", ["report"], *_TO_REPORT),
    ("source_lines", ["report"], *_TO_REPORT),
    ("source_lines", ["initiative_id"], *_TO_INITIATIVE),
    ("source_cells", ["report"], *_TO_REPORT),
    ("metrics", ["initiative_id"], *_TO_INITIATIVE),
    ("metrics", ["report"], *_TO_REPORT),
    ("trends", ["initiative_id"], *_TO_INITIATIVE),
    ("trends", ["report"], *_TO_REPORT),
    ("trends", ["grade"], *_TO_GRADE),
    ("trends", ["rubric_grade"], *_TO_GRADE),
    ("reports", ["previous_report"], *_TO_REPORT),
    ("links", ["report_a"], *_TO_REPORT),
    ("links", ["report_b"], *_TO_REPORT),
    ("links", ["initiative_id_a"], *_TO_INITIATIVE),
    ("links", ["initiative_id_b"], *_TO_INITIATIVE),
    ("series", ["report"], *_TO_REPORT),
    ("series", ["initiative_id"], *_TO_INITIATIVE),
]

_TYPES = {"string": "string", "category": "string", "integer": "integer", "number": "number", "boolean": "boolean"}
#: how the CSVs are written (helpers.outputs.CSV_OPTIONS, csv_bytes): said in the package so that a
#: validator reads them as they are
CSV_NOTE = (
    "UTF-8（BOM付き）、区切りはカンマ、改行は LF、見出し1行（ASCII の列名）。空欄は欠損値。真偽値は True / False。"
    "数値は桁区切りなし、小数は最大4桁。文字列が = + - @ ＝ ＋ － ＠ ' TAB CR LF で始まる値には、Excel が式として"
    "実行しないよう先頭に ' を1つ付けている（CSV インジェクション対策。helpers.load_tables() はその1文字だけを外す）。"
    "したがって文字列の値は、その先頭の ' を含めて検証される"
)


def _field(table: str, c: Column) -> dict:
    field: dict = {"name": c.name, "type": _TYPES[c.dtype], "title": c.name_ja, "description": c.description}
    if c.unit:
        field["unit"] = c.unit  # 単位 (年度, 行, 比率, unit 列 = the unit is in the row's unit column)
    if c.dtype == "boolean":
        field["trueValues"], field["falseValues"] = ["True"], ["False"]
    codes = CODES.get((table, c.name)) or CODES.get(c.name) if c.dtype == "category" else None
    if codes:
        field["constraints"] = {"enum": list(codes)}
    if c.name in PRIMARY_KEYS.get(table, []):
        field.setdefault("constraints", {})["required"] = True
    return field


def _resource(table: str, fields: list[dict], description: str, title: str, present: set[str]) -> dict:
    schema: dict = {"fields": fields, "missingValues": [""]}
    if table in PRIMARY_KEYS:
        schema["primaryKey"] = list(PRIMARY_KEYS[table])
    fks = [{"fields": cols, "reference": {"resource": "" if ref == table else ref, "fields": ref_cols}}
           for t, cols, ref, ref_cols in FOREIGN_KEYS if t == table and ref in present]
    if fks:
        schema["foreignKeys"] = fks
    return {
        "profile": "tabular-data-resource", "name": table.replace("_", "-"), "path": f"{table}.csv",
        "title": title, "description": f"{description}。{CSV_NOTE}。",
        "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig",
        "dialect": {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "doubleQuote": True, "header": True},
        "schema": schema,
    }


def datapackage(tables: list[str], *, sources: list[dict] | None = None, dictionary: bool = True) -> dict:
    """The Frictionless (Tabular) Data Package of a clean-tables folder, from :data:`SCHEMA`.

    One resource per table written (``{table}.csv``) with its fields' types, Japanese titles,
    descriptions and units, the codes of category columns (enum), primary and foreign keys
    (:data:`PRIMARY_KEYS`, :data:`FOREIGN_KEYS`, only between tables of the folder), and the CSV
    dialect and encoding as written (UTF-8 with BOM, the leading ``'`` of the injection escape:
    :data:`CSV_NOTE`); the data dictionary as a resource too. ``sources`` are the reports read
    (title, file, ``sha256:`` hash). ``licenses`` is left empty for the publisher to fill.

    >>> dp = datapackage(["reports", "initiatives"])
    >>> [r["name"] for r in dp["resources"]], dp["resources"][1]["schema"]["primaryKey"]
    (['reports', 'initiatives', 'data-dictionary'], ['initiative_id'])
    >>> dp["resources"][1]["schema"]["foreignKeys"][0]
    {'fields': ['report'], 'reference': {'resource': 'reports', 'fields': ['report']}}
    """
    present = set(tables)
    resources = []
    for table in tables:
        fields = [_field(table, c) for c in SCHEMA[table]]
        resources.append(_resource(table, fields, TABLE_DESCRIPTIONS[table], TABLE_TITLES_JA.get(table, table), present))
    for r in resources:  # a foreign key names the referenced resource by its name
        for fk in r["schema"].get("foreignKeys", []):
            if fk["reference"]["resource"]:
                fk["reference"]["resource"] = fk["reference"]["resource"].replace("_", "-")
    if dictionary:
        dd_fields = [{"name": k, "type": "string", "title": ja} for k, ja in
                     (("table", "表"), ("table_description", "表の説明"), ("column", "列名"), ("name_ja", "項目名"),
                      ("dtype", "型"), ("unit", "単位"), ("description", "説明"))]
        resources.append(_resource("data_dictionary", dd_fields, "各表の列の定義（項目名・型・単位・説明）", "データ辞書", present))
    return {
        "profile": "tabular-data-package",
        "name": "minami-welfare-eval-clean-tables",
        "title": "地域福祉計画 進捗状況評価の表（読み取り結果）",
        "description": (
            "進捗状況評価報告書のテキストから python -m helpers clean（make data）が作った表。"
            "列の意味・単位は各フィールドと data_dictionary.csv に、読んだ報告書は sources（SHA-256 付き）にある。"
            f"{CSV_NOTE}。ライセンス（licenses）は公開者が記入する（このツールは定めない）。"
        ),
        "licenses": [],
        "sources": list(sources or []),
        "resources": resources,
    }
