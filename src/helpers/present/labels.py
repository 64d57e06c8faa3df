"""Japanese labels shared by the workbook, the notebooks' displayed tables and the figures.

One place for every human-facing Japanese name, so the Excel sheet, the HTML table and the chart
axis say the same thing:

- :data:`COLUMN_LABELS`: column name → Japanese header, for columns that the clean-table schema
  (:data:`helpers.read.schema.SCHEMA`, whose 項目名 always win) does not define — the notebooks'
  summary tables and the data dictionary's own columns.
- :data:`TABLE_TITLES`: stem of a ``reports/tables/*.csv`` file → Japanese title (used as the
  workbook's sheet name; at most 31 characters, no ``[]:*?/\\``).
- :data:`CODE_LABELS`: coded values of the clean tables → the words of the report
  (``prior`` → 前年度, ``estimate`` → 見込み …).

>>> CODE_LABELS["status"]["estimate"]
'見込み'
"""

from __future__ import annotations

__all__ = ["COLUMN_LABELS", "TABLE_TITLES", "CODE_LABELS"]

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
        "cell": "表のセル", "header": "列見出し", "legend": "評価の指標", "footer": "基本目標・分野別計画",
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
    "objective_lines": "目標見出しの行数", "cell_lines": "セルの行数", "unplaced_lines": "未配置の行数",
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
             "postponed": "延期", "closed": "休館", "suspended": "自粛", "reduced": "縮小・短縮", "adapted": "工夫・代替"},
    "measure": {"attendance": "参加・利用", "caseload": "対象者・登録者"},
})
COLUMN_LABELS.update({"plan_minus_cancelled": "計画−中止", "consistent": "実績と整合", "timing": "時期",
                      "year_role": "年度の区分", "result_note": "実績の注記", "prior_is_plan_only": "前年度の値は予定"})
COLUMN_LABELS.update({"mean_achievement": "行の計画達成率（平均、実績なしは0%）"})

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
CODE_LABELS.update({
    "achievement_status": {"measured": "測れた", "scheduled": "予定のみ", "unmeasured": "測れない", "no_plan": "計画に数値なし"},
    "basis": {"measured": "計画の数値で測れる", "scheduled": "予定のみ", "plan_unmeasurable": "計画の数値が実績と対応しない",
              "no_numeric_plan": "計画に数値なし"},
    "check": {"agrees": "合う", "differs": "合わない", "derived": "計算値（照合にならない）", "no_plan": "計画の回数なし"},
    "timing_of": {"event": "出来事の時期", "planned": "予定していた時期"},
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
