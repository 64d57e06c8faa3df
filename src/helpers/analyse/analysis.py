"""Analysis verbs shared by the notebooks: grade tables and COVID keyword evidence.

Notebooks stay thin: anything two notebooks need, or anything worth a unit
test, lives here.  Every function takes a DataFrame first, returns a new one,
and keeps ``initiative_id`` so a figure can always be traced back to its row
(and, through ``source_lines.csv``, to its lines in the report).

Text matching is done on NFKC-normalised text (full-width digits and
letters become half-width) but the context returned is the text as printed.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from ..read.schema import GRADE_ORDER

__all__ = [
    "canonical_departments",
    "TEXT_FIELDS",
    "COVID_TERMS",
    "CANCEL_TERMS",
    "ADAPT_TERMS",
    "without_relisted",
    "grade_table",
    "find_terms",
    "covid_evidence",
    "covid_impact",
    "compare_relisted",
    "people_trends",
    "grade_audit",
    "relisted_decisions",
    "without_duplicates",
    "relisted_figure_conflicts",
    "measured_achievement",
    "indicator_achievement",
    "STATUS_JA",
    "activity_key",
    "same_activity",
    "each_multiplier",
    "each_unit_unknown",
    "exact_rates",
    "session_totals",
    "format_changes",
    "indicator_status",
    "row_items",
    "audit_sensitivity",
    "same_figures_once",
    "change_ranking",
    "RANK_NOTES",
    "status_conflicts",
    "select_reports",
    "people_measure",
]

# columns of initiatives.csv searched for keywords, in reading order
TEXT_FIELDS = ["prior_text", "plan_text", "result_text", "comment", "remarks"]

COVID_TERMS = {
    "コロナ": "COVID-19 (コロナ禍, 新型コロナウイルス, ウィズコロナ …)",
    "感染": "infection (感染拡大, 感染予防, 感染症)",
}
CANCEL_TERMS = {
    "中止": "cancelled (中止, 中止22回 …)",
    "休館": "facility closed",
    "延期": "postponed",
    "未実施": "not held",
    "自粛": "voluntarily suspended (訪問自粛)",
}
ADAPT_TERMS = {
    "オンライン": "held online",
    "書面": "held in writing (書面開催 / 書面で開催)",
    "電話": "by telephone (電話確認・相談)",
    "ビデオ": "video recording instead of a live event",
    "予約制": "by appointment",
    "個別相談に変更": "individual consultations instead of group sessions (集団を個別相談に変更); plain 個別 is not used: 個別ケア会議 and 個別課題 are ordinary activities",
    "代替": "an alternative was provided (代替として…)",
}

_COUNT_AFTER = re.compile(r"^\s*(\d+)\s*回")  # 中止22回
_COUNT_BEFORE = re.compile(r"(\d+)\s*回\s*$")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def without_relisted(initiatives: pd.DataFrame) -> pd.DataFrame:
    """Drop the rows printed again with （再掲）, so each initiative counts once."""
    return initiatives[~initiatives["is_relisted"].astype(bool)]


def grade_table(initiatives: pd.DataFrame, by: str | list[str], *, relisted: bool = True) -> pd.DataFrame:
    """Count grades A–D per group, with a total column.

    Args:
        initiatives: the initiatives table.
        by: column(s) to group by (e.g. ``"field_plan"``).
        relisted: keep the （再掲） rows (as printed) or count each initiative once.

    Returns:
        One row per group (in first-appearance order), columns A, B, C, D, total.
    """
    df = initiatives if relisted else without_relisted(initiatives)
    keys = [by] if isinstance(by, str) else list(by)
    grades = pd.Categorical(df["grade"].astype(str), categories=GRADE_ORDER, ordered=True)
    counts = (
        pd.crosstab([df[k] for k in keys], grades, dropna=False)
        .reindex(columns=GRADE_ORDER, fill_value=0)
    )
    counts.columns = pd.Index(GRADE_ORDER, name="grade")
    order = df[keys].drop_duplicates()
    counts = counts.reindex(pd.MultiIndex.from_frame(order) if len(keys) > 1 else order[keys[0]], fill_value=0)
    counts["total"] = counts.sum(axis=1)
    return counts.astype(int)


def find_terms(text: str, terms: dict[str, str] | list[str], *, context: int = 12) -> list[dict]:
    """Every occurrence of each term in ``text``, with a printed context and a count.

    The count is the number of sessions stated next to a cancellation
    (``中止22回``, ``中止８回``), when printed; otherwise None.

    >>> [(m["term"], m["sessions"]) for m in find_terms("コロナ禍による施設休館により中止８回", CANCEL_TERMS)]
    [('休館', None), ('中止', 8)]
    """
    if not text:
        return []
    norm = _nfkc(text)
    if len(norm) != len(text):  # NFKC changed the length: fall back to printed text
        norm = text
    out = []
    for term in terms:
        for m in re.finditer(re.escape(term), norm):
            after = _COUNT_AFTER.match(norm[m.end():])
            sessions = int(after.group(1)) if after and term == "中止" else None
            out.append({
                "term": term,
                "start": m.start(),
                "sessions": sessions,
                "context": text[max(0, m.start() - context): m.end() + context],
            })
    return sorted(out, key=lambda d: (d["start"], d["term"]))


def covid_evidence(initiatives: pd.DataFrame) -> pd.DataFrame:
    """Long table of every keyword hit: one row per (initiative, field, term occurrence).

    Columns: initiative_id, row_no, field, category (covid / cancel / adapt),
    term, sessions (for 中止N回), context (as printed).
    """
    rows = []
    cats = {"covid": COVID_TERMS, "cancel": CANCEL_TERMS, "adapt": ADAPT_TERMS}
    for rec in initiatives[["initiative_id", "row_no", *TEXT_FIELDS]].to_dict("records"):
        for field in TEXT_FIELDS:
            text = rec[field] if isinstance(rec[field], str) else ""
            for cat, terms in cats.items():
                for hit in find_terms(text, terms):
                    rows.append({
                        "initiative_id": rec["initiative_id"], "row_no": rec["row_no"], "field": field,
                        "category": cat, "term": hit["term"], "sessions": hit["sessions"], "context": hit["context"],
                    })
    cols = ["initiative_id", "row_no", "field", "category", "term", "sessions", "context"]
    df = pd.DataFrame(rows, columns=cols)
    df["sessions"] = df["sessions"].astype("Int64")
    return df


def covid_impact(initiatives: pd.DataFrame) -> pd.DataFrame:
    """One row per initiative: does it mention COVID, a cancellation, an adaptation?

    Columns added to the identifying columns: ``mentions_covid``,
    ``cancelled`` (any cancellation term), ``cancelled_sessions`` (sum of
    stated 中止N回, NA when none stated), ``adapted`` (any adaptation term),
    ``cancel_terms`` / ``adapt_terms`` (distinct terms, in order of appearance).
    """
    ev = covid_evidence(initiatives)
    base = initiatives[["initiative_id", "row_no", "section_no", "field_plan", "objective", "initiative",
                        "is_relisted", "grade"]].copy()

    def terms(cat: str) -> pd.Series:
        sub = ev[ev["category"] == cat]
        return sub.groupby("initiative_id", sort=False)["term"].agg(lambda s: "・".join(dict.fromkeys(s)))

    base["mentions_covid"] = base["initiative_id"].isin(ev.loc[ev["category"] == "covid", "initiative_id"])
    base["cancelled"] = base["initiative_id"].isin(ev.loc[ev["category"] == "cancel", "initiative_id"])
    base["adapted"] = base["initiative_id"].isin(ev.loc[ev["category"] == "adapt", "initiative_id"])
    sessions = ev.dropna(subset=["sessions"]).groupby("initiative_id")["sessions"].sum()
    base["cancelled_sessions"] = base["initiative_id"].map(sessions).astype("Int64")
    base["cancel_terms"] = base["initiative_id"].map(terms("cancel")).fillna("")
    base["adapt_terms"] = base["initiative_id"].map(terms("adapt")).fillna("")
    return base.reset_index(drop=True)


COMPARED_FIELDS = ["summary", "prior_text", "plan_text", "result_text", "grade", "comment", "remarks"]


def _squash(text: str) -> str:
    """NFKC without any whitespace: ``NP(子育て支援)　   1回　5人`` == ``NP(子育て支援)　1回　５人``."""
    return re.sub(r"\s+", "", _nfkc(text))


def compare_relisted(initiatives: pd.DataFrame, departments: pd.DataFrame | None = None) -> pd.DataFrame:
    """Compare every （再掲） row with its original, field by field.

    Returns one row per (relisted row, field) with both texts and whether they
    are identical; a department column is compared too when ``departments`` is
    given.  A relisted row is meant to repeat its original, so every
    difference is something the report itself is inconsistent about (or a
    different activity under the same name).  ``same_normalised`` ignores
    differences of character width and spacing only.
    """
    ini = initiatives.set_index("initiative_id")
    dept = None
    if departments is not None:
        dept = departments.groupby("initiative_id", sort=False)["department"].agg("・".join)
    rows = []
    for rid, orig in ini["relisted_of"].dropna().items():
        fields = COMPARED_FIELDS + (["departments"] if dept is not None else [])
        for f in fields:
            a = dept.get(orig, "") if f == "departments" else ini.at[orig, f]
            b = dept.get(rid, "") if f == "departments" else ini.at[rid, f]
            a = "" if pd.isna(a) else str(a)
            b = "" if pd.isna(b) else str(b)
            rows.append({
                "relisted_id": rid, "relisted_row": ini.at[rid, "row_no"], "original_id": orig,
                "original_row": ini.at[orig, "row_no"], "initiative": ini.at[rid, "initiative"],
                "field": f, "same": a == b, "same_normalised": _squash(a) == _squash(b),
                "original_text": a, "relisted_text": b,
            })
    return pd.DataFrame(rows)


PEOPLE_UNITS = ("人", "名")  # counters of people (名 as printed in 就職者 15名)


def people_trends(trends: pd.DataFrame, initiatives: pd.DataFrame, *, relisted: bool = False) -> pd.DataFrame:
    """Participant / visitor / user counts (unit 人 or 名) paired across the periods.

    Adds the row's printed order, field plan and initiative name, and keeps
    the source texts so every figure can be checked against the report.

    Args:
        trends: the trends table.
        initiatives: the initiatives table.
        relisted: keep the （再掲） rows (their figures may differ from the original's).
    """
    ini = initiatives if relisted else without_relisted(initiatives)
    cols = ["initiative_id", "row_no", "field_plan", "initiative", "is_relisted"]
    out = trends[trends["unit"].isin(PEOPLE_UNITS)].merge(ini[cols], on="initiative_id", how="inner")
    out = out.sort_values(["row_no"], kind="stable").reset_index(drop=True)
    front = ["row_no", "field_plan", "initiative", "indicator", "unit", "cumulative",
             "prior_value", "plan_value", "result_value", "change", "change_rate", "achievement_rate",
             "rubric_grade", "grade", "prior_source", "plan_source", "result_source", "initiative_id"]
    return out[front]


def grade_audit(trends: pd.DataFrame, initiatives: pd.DataFrame, legend: pd.DataFrame, *, relisted: bool = False) -> pd.DataFrame:
    """Reported grade against the grade the legend gives the measured plan achievement, per row.

    A row's measured achievement is the median, over its indicators with both
    a plan and a result, of result / plan capped at 100 % (over-achieving one
    indicator does not make up for missing another; the median keeps one odd
    indicator from deciding).  ``rubric_grade`` applies the thresholds of the
    report's own legend (``grade_legend``) to it; rows without any such
    indicator are left out.

    Returns:
        One row per initiative with a measured achievement: row_no, field_plan,
        initiative, indicators, planned_without_result (indicators planned but
        absent from the result cell: not counted, often cancelled), achievement,
        lowest / highest indicator achievement, rubric_grade, grade (as printed),
        agrees, initiative_id.
    """
    from ..read.metrics import rubric_grade

    ini = initiatives if relisted else without_relisted(initiatives)
    measured = trends.dropna(subset=["achievement_rate"])
    measured = measured[measured["initiative_id"].isin(ini["initiative_id"])]
    per_row = (
        measured.assign(capped=measured["achievement_rate"].astype(float).clip(upper=1.0))
        .groupby("initiative_id", sort=False)
        .agg(indicators=("indicator", "size"), achievement=("capped", "median"),
             lowest=("achievement_rate", "min"), highest=("achievement_rate", "max"))
        .reset_index()
    )
    rows = trends[trends["initiative_id"].isin(per_row["initiative_id"])]
    missing = rows[rows["plan_value"].notna() & rows["result_value"].isna()].groupby("initiative_id").size()
    per_row["planned_without_result"] = per_row["initiative_id"].map(missing).fillna(0).astype(int)
    rules = legend.to_dict("records")
    per_row["rubric_grade"] = [rubric_grade(float(a), rules) for a in per_row["achievement"]]
    cols = ["initiative_id", "row_no", "field_plan", "initiative", "grade"]
    out = per_row.merge(initiatives[cols], on="initiative_id")
    out["grade"] = out["grade"].astype(str)
    out["agrees"] = out["grade"] == out["rubric_grade"]
    order = ["row_no", "field_plan", "initiative", "indicators", "planned_without_result", "achievement", "lowest",
             "highest", "rubric_grade", "grade", "agrees", "initiative_id"]
    return out.sort_values("row_no", kind="stable")[order].reset_index(drop=True)


#: fields that say *what* a （再掲） row is about; when they match its original (ignoring width and
#: spacing) the row repeats the same activity, whatever its results say.
ACTIVITY_FIELDS = ("summary", "prior_text", "plan_text")


def relisted_decisions(initiatives: pd.DataFrame, departments: pd.DataFrame | None = None) -> pd.DataFrame:
    """Decide, per （再掲） row, whether it repeats its original or reports a different activity.

    Uses :func:`compare_relisted`. A relisted row whose summary, prior-year and plan cells equal the
    original's (after NFKC and without spacing) describes the *same activity*: it is a duplicate and
    counts once (``decision == "duplicate"``), even when its result cell or grade differ (then
    ``figures_differ`` is True: the report disagrees with itself). A row whose activity cells differ is
    a *different activity* printed under the same name: it is its own evidence (``"own_evidence"``).

    Returns:
        One row per （再掲） row: relisted_row, original_row, initiative, decision, differing_fields
        (names joined by ``・``), figures_differ, relisted_id, original_id.
    """
    cmp = compare_relisted(initiatives, departments)
    out = []
    for (rid, oid), grp in cmp.groupby(["relisted_id", "original_id"], sort=False):
        differ = grp.loc[~grp["same_normalised"], "field"].tolist()
        same_activity = not set(differ) & set(ACTIVITY_FIELDS)
        out.append({
            "relisted_row": int(grp["relisted_row"].iloc[0]), "original_row": int(grp["original_row"].iloc[0]),
            "initiative": grp["initiative"].iloc[0],
            "decision": "duplicate" if same_activity else "own_evidence",
            "differing_fields": "・".join(differ),
            "figures_differ": same_activity and bool({"result_text", "grade"} & set(differ)),
            "relisted_id": rid, "original_id": oid,
        })
    cols = ["relisted_row", "original_row", "initiative", "decision", "differing_fields", "figures_differ",
            "relisted_id", "original_id"]
    return pd.DataFrame(out, columns=cols).sort_values("relisted_row", kind="stable").reset_index(drop=True)


def relisted_figure_conflicts(tables, decisions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every figure a duplicate （再掲） row prints differently from its original, per activity and unit.

    A duplicate repeats its original's activity (:func:`relisted_decisions`), so two different numbers for
    the same activity, unit and period are the report contradicting itself. Row 2 and its （再掲） row 5
    differ on two activities: 子育て広場 38回・397人 against 32回・337人 (lines 64, 151) and BP 4回・28人
    against 3回・21人 (lines 66, 153); NP 1回・10人 is printed alike (lines 67, 154).

    Returns:
        One row per (pair, activity, unit, period) that differs: report, original_row, relisted_row, activity
        (the original's label), unit, period, original_value, relisted_value, original_line, relisted_line,
        original_id, relisted_id.
    """
    if decisions is None:
        decisions = relisted_decisions(tables.initiatives, getattr(tables, "departments", None))
    dup = decisions[decisions["decision"] == "duplicate"]
    m = tables.metrics[(tables.metrics["kind"] == "amount") & tables.metrics["value"].notna()]
    rows = []
    for d in dup.itertuples():
        a = m[m["initiative_id"] == d.original_id]
        b = m[m["initiative_id"] == d.relisted_id]
        for per in ("prior", "plan", "result"):
            aa, bb = a[a["period"] == per], b[b["period"] == per]
            for x in aa.itertuples():
                match = bb[(bb["unit"] == x.unit) & bb["indicator"].map(lambda y, i=x.indicator: same_activity(y, i) or y == i)]
                if len(match) and float(match["value"].iloc[0]) != float(x.value):
                    y = match.iloc[0]
                    rows.append({"report": x.report, "original_row": d.original_row, "relisted_row": d.relisted_row,
                                 "activity": x.indicator, "unit": x.unit, "period": per, "original_value": float(x.value),
                                 "relisted_value": float(y["value"]), "original_line": int(x.source_line),
                                 "relisted_line": int(y["source_line"]), "original_id": d.original_id,
                                 "relisted_id": d.relisted_id})
    cols = ["report", "original_row", "relisted_row", "activity", "unit", "period", "original_value", "relisted_value",
            "original_line", "relisted_line", "original_id", "relisted_id"]
    return pd.DataFrame(rows, columns=cols)


def without_duplicates(initiatives: pd.DataFrame, decisions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Drop only the （再掲） rows that repeat their original (see :func:`relisted_decisions`).

    A （再掲） row describing a different activity stays: it is its own evidence.
    """
    if decisions is None:
        decisions = relisted_decisions(initiatives)
    dup = decisions.loc[decisions["decision"] == "duplicate", "relisted_id"]
    return initiatives[~initiatives["initiative_id"].isin(dup)]


# --- one status per activity (issue 18, issue 15 §4) ------------------------------------------------
#
# Every notebook asks the same question of a printed figure: was the activity held, held in another
# form, only scheduled, or not held, and is its figure comparable with the previous year's? The
# answer is decided once, here, from the cells and the comment, and every notebook uses it.

#: status of a planned or printed indicator in the result year, with the words the notebooks show
STATUS_JA = {
    "held": "実施",
    "changed_format": "形を変えて実施（数え方が変わった）",
    "scheduled": "予定（報告時点で未実施）",
    "not_held": "実績なし（中止・未実施・印刷なし）",
}
#: a result-year clause saying the activity was delivered in another form (個別相談に変更して実施)
FORMAT_CHANGE = re.compile(r"個別相談に変更|個別に変更|変更して実施|に切り替えて実施")
#: a clause about a later year: its changes are plans, not this year's results
FUTURE = re.compile(r"新年度|次年度|来年度|今後")
#: a figure that covers part of the year only (6月から再開, 1月開催まで, R4.1以降)
PARTIAL_PERIOD = re.compile(r"\d+月から|\d+月(?:開催)?まで|から再開|以降")
#: a result cell saying the activity is scheduled (講演会を3月27日に開催予定, １回（予定）)
SCHEDULED = re.compile(r"予定")
#: a comment sentence putting an activity in a later month of the year: postponed (「3月末に延期」, lines
#: 186–187) or in the future tense (「3月には…相談会を予約制で開催する」, lines 1038–1039). A count printed
#: in the result column for it was scheduled when the report was written, not held.
LATER_MONTH = re.compile(r"\d+月")
NOT_YET = re.compile(r"延期(?!し[てた].*(?:実施|開催)し?た)|(?:する|します|予定|している|ていく)$")
#: approximate amounts (4割弱, 2割強, 約…): an exact rate printed in the same row is preferred
APPROX_UNITS = ("割",)
APPROX_QUALIFIERS = ("弱", "強", "約", "程度", "前後")
#: percent per unit of an approximate amount
_PCT_PER_UNIT = {"割": 10.0, "%": 1.0}
_AMOUNT_END = re.compile(r"\d\s*[^\d\s]{0,3}[)）]?\s*$")  # a line ending in an amount: 社協だより掲載　１回
_LIST_SEP = re.compile(r"[，,、]")


def activity_key(label) -> str:
    """A label compared as an activity name: NFKC, no spaces, no brackets (BP(親子の絆づくり) → BP親子の絆づくり).

    >>> activity_key("NP(子育て支援)　"), activity_key(None)
    ('NP子育て支援', '')
    """
    if not isinstance(label, str):
        return ""
    return re.sub(r"[\s()（）【】「」]", "", _nfkc(label))


def same_activity(a, b) -> bool:
    """Two labels name the same activity when one contains the other (two characters at least).

    >>> same_activity("BP", "BP(親子の絆づくり)"), same_activity("フォーラム", "フォーラムの開催"), same_activity("区内", "区だより掲載")
    (True, True, False)
    """
    a, b = activity_key(a), activity_key(b)
    return len(a) >= 2 and len(b) >= 2 and (a in b or b in a)


def each_multiplier(indicator) -> int | None:
    """How many things a 各 amount counts: the names listed before it, or None when none are listed.

    ``1歳6か月児健診，3歳児健診 各12回`` (lines 26–27) is 12 sessions of each of two check-ups: 24.
    ``児童館運営協議会 各館2回`` (line 324) is 2 per hall, and the number of halls is not printed.

    >>> each_multiplier("1歳6か月児健診，3歳児健診"), each_multiplier("児童館運営協議会")
    (2, None)
    """
    if not isinstance(indicator, str):
        return None
    parts = [p for p in _LIST_SEP.split(_nfkc(indicator)) if p.strip()]
    return len(parts) if len(parts) >= 2 else None


#: a label that applies its amount to each of a set whose size the cell does not print:
#: 「各地区保健会で事業を1回以上実施」 (lines 903–904: at least once in every district, districts not counted)
_EACH_PREFIX = re.compile(r"^各\S+?(?:で|ごとに|につき|あたり)")


def each_unit_unknown(indicator) -> bool:
    """True when a label starting with 各 spreads its amount over units it does not count.

    ``各地区保健会で事業を`` (lines 903–904: 1回以上 in *each* district, the districts not printed) has no
    total; ``各地区学習会　11回`` (line 906) names the sessions as a noun and prints their total.

    >>> each_unit_unknown("各地区保健会で事業を"), each_unit_unknown("各地区学習会"), each_unit_unknown(None)
    (True, False, False)
    """
    return isinstance(indicator, str) and bool(_EACH_PREFIX.search(_nfkc(indicator).strip()))


def session_totals(metrics: pd.DataFrame, *, scheduled_items=None) -> pd.DataFrame:
    """Sessions (unit 回) per row and period, as a reviewer adds them up.

    Rules: every 回 amount of the cell counts once, whatever its label (the result may name the
    sessions differently from the plan: 勉強会 2回 planned, 圏域 1回 + 地区 3回 held, lines 1170–1174);
    an amount flagged 各 counts once per name listed before it (:func:`each_multiplier`), and makes the
    total unknown when no names are listed (各館: the halls are not counted in the report); so does a
    label that starts with 各 and spreads the amount over each of an uncounted set
    (``各地区保健会で事業を1回以上実施``, lines 903–904: :func:`each_unit_unknown`; a lower bound of 1 would
    be wrong, the bound is the number of districts); an amount
    labelled うち is a subset of the amount before it and is not added (2回（うち1回は…）, lines
    941–943); an amount marked 予定 is scheduled, not held, and counted apart; an amount per month
    (``区だよりに月1回``, line 633) is a frequency and makes the total unknown.

    ``scheduled_items``: (initiative_id, label) pairs of result amounts the row's comment puts in a
    later month (:func:`indicator_status`, ``scheduled_by_comment``: 活動報告会 1回 「3月末に延期」, lines
    183, 186–187): counted apart like 予定.

    Returns:
        One row per (initiative_id, period) with 回 amounts: sessions (Int64, NA when unknown),
        scheduled (Int64), note (why a total is unknown or what it leaves out, Japanese; '' when none).
    """
    m = metrics[(metrics["unit"].astype("string") == "回") & (metrics["kind"].astype("string") == "amount")]
    rows = []
    for (rid, period), g in m.groupby(["initiative_id", "period"], sort=False, observed=True):
        total, sched, known, notes = 0, 0, True, []
        for r in g.sort_values("item_no", kind="stable").itertuples():
            label = r.indicator if isinstance(r.indicator, str) else ""
            value = float(r.value)
            if activity_key(label).startswith("うち"):
                notes.append(f"うち{value:g}回は内数")
                continue
            if re.search(r"(?<![0-9])(?:毎?月|毎?週)$", _nfkc(label)):  # 区だよりに月1回 (line 633): a rate, not a count
                known = False
                notes.append(f"{label}{value:g}回: 頻度で、回数の合計ではない")
                continue
            if each_unit_unknown(label):
                known = False
                more = "以上" if str(r.qualifier) == "以上" else ""
                notes.append(f"{label}{value:g}回{more}: 数が印刷されていない")
                continue
            if bool(r.each):
                k = each_multiplier(label)
                if k is None:
                    known = False
                    notes.append(f"{label}各{value:g}回: 数が印刷されていない")
                    continue
                value *= k
            later = str(period) == "result" and any(
                rid == i and same_activity(label, lab) for i, lab in (scheduled_items or ()))
            if str(r.qualifier) == "予定" or later:
                sched += value
                continue
            if str(r.qualifier) == "以上":
                notes.append(f"{label}{value:g}回以上（下限）")
            total += value
        rows.append({"initiative_id": rid, "period": str(period), "sessions": int(total) if known else pd.NA,
                     "scheduled": int(sched), "note": "・".join(notes)})
    out = pd.DataFrame(rows, columns=["initiative_id", "period", "sessions", "scheduled", "note"])
    out["sessions"] = out["sessions"].astype("Int64")
    out["scheduled"] = out["scheduled"].astype("Int64")
    return out


def _clauses_of(text) -> list[str]:
    """A cell or comment split into sentences (at 。), NFKC."""
    return [c for c in re.split("。", _nfkc(text)) if c.strip()] if isinstance(text, str) else []


def format_changes(initiatives: pd.DataFrame) -> pd.DataFrame:
    """Comment sentences saying an activity was delivered in another form this year.

    ``幼児を対象とした食育講座：集団を個別相談に変更して実施。`` (lines 888–889) qualifies; a sentence about
    a later year (``新年度は、糖尿病予防教室を糖尿病予防相談会に変更し``, lines 890–891) does not: that
    change is a plan.

    Returns:
        initiative_id, clause (NFKC) — one row per qualifying sentence.
    """
    rows = [{"initiative_id": rec["initiative_id"], "clause": c}
            for rec in initiatives[["initiative_id", "comment"]].to_dict("records")
            for c in _clauses_of(rec["comment"]) if FORMAT_CHANGE.search(c) and not FUTURE.search(c)]
    return pd.DataFrame(rows, columns=["initiative_id", "clause"])


def _names_in(clause: str, label) -> bool:
    key = activity_key(label)
    return len(key) >= 2 and key in activity_key(clause)


def _cell_lines(source_lines: pd.DataFrame | None, field: str) -> dict:
    """{initiative_id: [(line_no, text), …]} of one field's cell lines, in reading order."""
    if source_lines is None:
        return {}
    cells = source_lines[(source_lines["role"].astype("string") == "cell") & (source_lines["field"] == field)]
    out: dict[str, list] = {}
    for rid, no, _, text in sorted(zip(cells["initiative_id"], cells["line_no"].astype(int), cells["part"].astype(int),
                                       cells["text"].astype(str)), key=lambda x: (x[1], x[2])):
        out.setdefault(rid, []).append((no, text))
    return out


def _item_text(lines: list[tuple[int, str]], start_line: int) -> str:
    """The printed item starting on ``start_line``: that line and the lines it wraps onto.

    A line that ends in an amount (``社協だより掲載　１回``) closes its item; one that stops mid-phrase
    (``区内3圏域での介護教室の開`` / ``催``, lines 644–645) continues on the next line.
    """
    out, on = [], False
    for no, text in lines:
        if no == start_line:
            on = True
        elif on and (not out or _AMOUNT_END.search(out[-1])):
            break
        if on:
            out.append(text)
    return "".join(out)


def indicator_status(tables) -> pd.DataFrame:
    """The status of every indicator of ``tables.trends`` in the result year, decided once for all notebooks.

    ``status`` (:data:`STATUS_JA`):

    - ``changed_format``: the comment says the activity was delivered in another form this year
      (:func:`format_changes`), or the result prints it only in another unit (a 回 plan, a 人 result):
      it was held, but its figures are not counted as before (row 34 食育講座: 2回 planned, 271人 in
      individual consultations, lines 879–880, 888).
    - ``held``: a result number above 0 is printed (and not marked 予定).
    - ``scheduled``: the result is only scheduled (``１回（予定）``, or a result cell naming the
      activity with 予定: ``講演会を3月27日に開催予定``, line 784): not held when the report was written,
      not failed either.
    - ``not_held``: no result number (中止, 未実施, 開催なし, or nothing printed), or ``0回`` (line 769).

    ``period_differs`` is True when the prior-year or result figure covers part of a year only
    (``認知症カフェ（6月から再開し延べ参加者数 143人（1月開催まで））``, lines 740–742): its change
    against a full year is not a change of the same thing. ``prior_is_plan_only`` marks a prior
    figure printed as 予定 (``57人の予定``, lines 861–862).

    Args:
        tables: anything with ``trends``, ``metrics``, ``initiatives`` and ``source_lines`` frames.

    Returns:
        ``tables.trends`` plus row_no, status, status_ja, format_changed, period_differs, prior_is_plan_only.
    """
    tr = tables.trends.copy()
    ini = tables.initiatives.set_index("initiative_id")
    m = tables.metrics
    key3 = lambda df: list(zip(df["initiative_id"], df["indicator"].fillna(""), df["unit"].fillna("")))  # noqa: E731
    q = m["qualifier"].astype("string")
    sched = set(key3(m[(m["period"] == "result") & (q == "予定")]))
    prior_plan = set(key3(m[(m["period"] == "prior") & (q == "予定")]))
    said_by_row: dict[str, list[str]] = {}
    for rid, clause in format_changes(tables.initiatives).itertuples(index=False):
        said_by_row.setdefault(rid, []).append(clause)
    result_units: dict[tuple[str, str], set] = {}
    for rid, label, unit in key3(tr[tr["result_value"].notna()]):
        result_units.setdefault((rid, label), set()).add(unit)
    res_lines = {rid: [c for c in _clauses_of(text) if SCHEDULED.search(c)] for rid, text in ini["result_text"].items()}
    later = {rid: [c for c in _clauses_of(text) if LATER_MONTH.search(c) and NOT_YET.search(c.strip())]
             for rid, text in ini["comment"].items()}
    res_m = m[m["period"] == "result"]
    res_labels: dict[str, list[str]] = {}
    for rid, lab in zip(res_m["initiative_id"], res_m["indicator"]):
        if isinstance(lab, str):
            res_labels.setdefault(rid, []).append(lab)
    status, fmt, later_clause = [], [], []
    for r, k in zip(tr.itertuples(), key3(tr)):
        label = k[1]
        in_other_unit = bool(label) and pd.isna(r.result_value) and bool(result_units.get((k[0], label), set()) - {k[2]})
        changed_here = any(_names_in(c, label) for c in said_by_row.get(k[0], [])) or in_other_unit
        fmt.append(changed_here)
        names = [label] + [x for x in res_labels.get(k[0], []) if same_activity(x, label)] if label else []
        said_later = next((c.strip() for c in later.get(k[0], []) if any(_names_in(c, n) for n in names)), "")
        later_clause.append(said_later if pd.notna(r.result_value) and r.result_value > 0 else "")
        if changed_here:
            status.append("changed_format")
        elif k in sched:
            status.append("scheduled")
        elif pd.notna(r.result_value) and r.result_value > 0 and said_later:
            status.append("scheduled")  # 活動報告会 1回 "3月末に延期" (lines 183, 186–187): not held yet
        elif pd.notna(r.result_value) and r.result_value > 0:
            status.append("held")
        elif pd.notna(r.result_value):
            status.append("not_held")  # 0回 (line 769): printed, and nothing held
        elif any(_names_in(c, label) for c in res_lines.get(r.initiative_id, [])):
            status.append("scheduled")
        else:
            status.append("not_held")
    tr["row_no"] = tr["initiative_id"].map(ini["row_no"])
    tr["status"] = status
    tr["status_ja"] = tr["status"].map(STATUS_JA)
    tr["format_changed"] = fmt
    tr["scheduled_by_comment"] = later_clause
    exact = exact_rates(tables)
    ex = {(e.initiative_id, e.indicator): e for e in exact.itertuples()}
    tr["result_exact"] = pd.array([ex[(r, i)].value if (r, i) in ex else pd.NA
                                   for r, i in zip(tr["initiative_id"], tr["indicator"])], dtype="Float64")
    tr["result_exact_source"] = [f"{ex[(r, i)].printed}（L{ex[(r, i)].line}）" if (r, i) in ex else ""
                                 for r, i in zip(tr["initiative_id"], tr["indicator"])]
    tr["period_differs"] = _period_differs(tables, tr)
    tr["prior_is_plan_only"] = [k in prior_plan for k in key3(tr)]
    return tr


def exact_rates(tables) -> pd.DataFrame:
    """An exact rate printed in the same row for a result given as an approximate amount.

    ``実施率　4割弱`` (line 1291) is about 4割; the comment of the same row prints ``(実施率39.1％)``
    (line 1293). A reviewer measures the row with 39.1 %, not 40 %: the exact figure wins whenever the
    result cell prints an approximate amount (unit 割, or 弱・強・約・程度) and the row's result or comment
    prints the same label with a percentage.

    Returns:
        report, initiative_id, indicator, unit, approx_value, value (the exact rate in the indicator's
        unit: 39.1 % → 3.91割), printed (the exact text, NFKC), line.
    """
    m = tables.metrics
    res = m[(m["period"] == "result") & (m["kind"] == "amount") & m["value"].notna()]
    approx = res[res["unit"].astype("string").isin(APPROX_UNITS) | res["qualifier"].astype("string").isin(APPROX_QUALIFIERS)]
    s = getattr(tables, "source_lines", None)
    rows = []
    for r in approx.itertuples():
        label = r.indicator if isinstance(r.indicator, str) else ""
        per_unit = _PCT_PER_UNIT.get(str(r.unit))
        if len(activity_key(label)) < 2 or per_unit is None or s is None:
            continue
        lines = s[(s["initiative_id"] == r.initiative_id) & s["field"].isin(["result_text", "comment"])
                  & (s["role"].astype("string") == "cell")].sort_values(["line_no", "part"])
        pat = re.compile(re.escape(activity_key(label)) + r"\s*(\d+(?:\.\d+)?)\s*[%％]")
        for no, text in zip(lines["line_no"].astype(int), lines["text"].astype(str)):
            hit = pat.search(re.sub(r"\s", "", _nfkc(text)))
            if hit:
                rows.append({"report": r.report, "initiative_id": r.initiative_id, "indicator": r.indicator,
                             "unit": r.unit, "approx_value": float(r.value),
                             "value": round(float(hit.group(1)) / per_unit, 6), "printed": hit.group(0), "line": no})
                break
    return pd.DataFrame(rows, columns=["report", "initiative_id", "indicator", "unit", "approx_value", "value",
                                       "printed", "line"])


def _period_differs(tables, tr: pd.DataFrame) -> list[bool]:
    """Per trends row: does a prior or result figure of it name a part of the year (:data:`PARTIAL_PERIOD`)?

    The figure's label and the printed line it starts on (with the next, where a note in brackets
    wraps: ``143人（1`` / ``月開催まで））``, lines 741–742) are searched.
    """
    m = tables.metrics[tables.metrics["period"].isin(["prior", "result"]) & tables.metrics["value"].notna()]
    lines: dict[tuple[str, int], str] = {}
    s = getattr(tables, "source_lines", None)
    if s is not None:  # the period cells only: a comment on the next line is not the figure's note
        cells = s[(s["role"].astype("string") == "cell") & s["field"].isin(["prior_text", "result_text"])]
        parts: dict[tuple[str, int], list[str]] = {}  # one pass in row order, as groupby(sort=False) joined them
        for rid, no, text in zip(cells["initiative_id"].tolist(), cells["line_no"].tolist(), cells["text"].astype(str).tolist()):
            if not (pd.isna(rid) or pd.isna(no)):
                parts.setdefault((rid, int(no)), []).append(text)
        lines = {k: "".join(v) for k, v in parts.items()}
    partial = []
    for r in m.itertuples():
        label = r.indicator if isinstance(r.indicator, str) else ""
        near = lines.get((r.initiative_id, int(r.source_line)), "") + lines.get((r.initiative_id, int(r.source_line) + 1), "")
        if PARTIAL_PERIOD.search(_nfkc(label + near)):
            partial.append((r.initiative_id, r.unit, label))
    return [any(rid == t.initiative_id and unit == t.unit and (label == (t.indicator if isinstance(t.indicator, str) else "")
                                                               or same_activity(label, t.indicator))
                for rid, unit, label in partial) for t in tr.itertuples()]


#: options of the grade audit: how a scheduled result and a result delivered in another form count
SCHEDULED_OPTIONS = ("exclude", "held", "zero")
CHANGED_OPTIONS = ("held", "exclude", "zero")
WEIGHT_OPTIONS = ("indicator", "activity")


def indicator_achievement(tables, *, scheduled: str = "exclude", changed_format: str = "held",
                          _status: pd.DataFrame | None = None, _base: tuple | None = None) -> pd.DataFrame:
    """Every planned indicator with its status and achievement; the rules of :func:`measured_achievement`.

    An indicator is planned when the plan cell gives it a number (any unit). Its achievement is
    result / plan (``capped`` at 100 %), by status (:func:`indicator_status`):

    - ``held``: result / plan;
    - ``not_held``: 0 (a missing result lowers the row, it does not vanish from it);
    - ``scheduled``: left out by default (``scheduled="exclude"``: not held yet, not failed; the
      row names it as not measured), or counted as held (1) or as 0;
    - ``changed_format``: counted as held by default (it took place, in another form), or left out,
      or 0; a held figure in the planned unit keeps its ratio.

    A planned indicator without a result, in a row whose result cell prints an unplanned number of
    the same unit, is left out (``unmatched``: the result may be the same activity reworded; pairing
    would be a guess). A cancellation printed in the result cell (``関係機関合同研修会　中止``) is a
    planned activity not held: it joins the planned indicator whose printed plan item names it
    (``区内3圏域での介護教室の開催`` → ``介護教室は中止``, lines 644–647: one item, not two), or else
    counts as one more indicator at 0.

    Returns:
        The planned indicators: trends columns plus row_no, status, status_ja, format_changed,
        scheduled_only, held, unmatched, measured (counted in the row's mean), achievement_rate
        (result / plan, 0 when not held, NA when not measured), capped, label, activity.
    """
    for name, value, allowed in (("scheduled", scheduled, SCHEDULED_OPTIONS),
                                 ("changed_format", changed_format, CHANGED_OPTIONS)):
        if value not in allowed:
            raise ValueError(f"{name}={value!r}: expected one of {allowed}")
    if _base is None:
        st = indicator_status(tables) if _status is None else _status  # _status: computed once by audit_sensitivity
        _base = _planned_indicators(tables, st)
    base, ratio, labels, activities = _base  # the same for every reading: audit_sensitivity computes it once
    planned = base.copy()
    st_ = planned["status"]
    held_ratio = ratio.where(planned["result_value"].notna(), 1.0)
    rate = pd.Series(0.0, index=planned.index, dtype="Float64")
    rate = rate.mask(st_ == "held", ratio)
    rate = rate.mask((st_ == "not_held") & planned["result_value"].notna(), 0.0)  # 0回 printed
    rate = rate.mask(st_ == "changed_format", {"held": held_ratio, "zero": 0.0, "exclude": pd.NA}[changed_format]
                     if changed_format != "held" else held_ratio)
    rate = rate.mask(st_ == "scheduled", {"held": 1.0, "zero": 0.0, "exclude": pd.NA}[scheduled])
    planned["measured"] = ~planned["unmatched"] & rate.notna()
    planned["held"] = st_.isin(["held", "changed_format"])
    planned["achievement_rate"] = rate.where(planned["measured"]).astype("Float64").round(6)
    planned["capped"] = planned["achievement_rate"].clip(upper=1.0)
    planned["label"] = labels
    planned["activity"] = activities
    planned["format_changed"] = planned["format_changed"].astype(bool)
    return planned.sort_values(["initiative_id"], kind="stable").reset_index(drop=True)


def _planned_indicators(tables, st: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series, list[str], list[str]]:
    """What :func:`indicator_achievement` decides the same way under every reading.

    The planned indicators (with ``unmatched``, the printed cancellations joined or added,
    ``status_ja`` and ``scheduled_only``), their result / plan ratio, labels and activities.
    """
    planned = st[st["plan_value"].notna() & (st["plan_value"] > 0)].copy()
    extra = st[st["plan_value"].isna() & st["result_value"].notna()]
    extra_keys = set(zip(extra["initiative_id"], extra["unit"].fillna("")))
    planned["unmatched"] = (planned["status"] == "not_held") & pd.Series(
        [(r, u) in extra_keys for r, u in zip(planned["initiative_id"], planned["unit"].fillna(""))], index=planned.index)
    # cancellations printed in the result cell: join the planned item that names them, or add one
    m = tables.metrics
    qual = m[(m["period"] == "result") & (m["kind"] == "qualitative")
             & m["qualifier"].astype("string").isin(["中止", "未実施"])]
    plan_lines = _cell_lines(getattr(tables, "source_lines", None), "plan_text")
    plan_m = m[(m["period"] == "plan") & (m["kind"] == "amount")]
    add = []
    for q in qual.to_dict("records"):
        if pd.isna(q["indicator"]):
            continue
        rid, name = q["initiative_id"], str(q["indicator"])
        mine = planned[planned["initiative_id"] == rid]
        if any(same_activity(name, k) for k in mine["indicator"].dropna()):
            continue
        items = {pm.indicator: _item_text(plan_lines.get(rid, []), int(pm.source_line))
                 for pm in plan_m[plan_m["initiative_id"] == rid].itertuples()}
        owner = [ind for ind, text in items.items() if _names_in(text, name)]
        hit = mine[mine["indicator"].isin(owner) & (mine["status"] == "not_held")]
        if len(hit):
            planned.loc[hit.index, "unmatched"] = False  # the printed cancellation is its result
            continue
        add.append({"report": q["report"], "initiative_id": rid, "indicator": q["indicator"], "unit": pd.NA, "plan_value": pd.NA,
                    "result_value": pd.NA, "status": "not_held", "format_changed": False, "unmatched": False,
                    "row_no": tables.initiatives.set_index("initiative_id")["row_no"].get(rid)})
    if add:
        planned = pd.concat([planned, pd.DataFrame(add)], ignore_index=True)
    planned["status_ja"] = planned["status"].map(STATUS_JA)
    planned["scheduled_only"] = planned["status"] == "scheduled"
    result = planned["result_value"].astype("Float64")
    if "result_exact" in planned.columns:  # 4割弱 → 実施率39.1％ printed in the same row (lines 1291, 1293)
        result = planned["result_exact"].astype("Float64").fillna(result)
    ratio = result / planned["plan_value"].astype("Float64")
    labels = [(str(i) if pd.notna(i) else "（無題）") + (f"（{u}）" if pd.notna(u) else "（中止）")
              for i, u in zip(planned["indicator"], planned["unit"])]
    return planned, ratio, labels, _activities(planned)


def _activities(df: pd.DataFrame) -> list[str]:
    """One activity name per indicator of a row: labels naming the same activity share the shortest one."""
    labels: dict[str, list[str]] = {}
    for rid, label in zip(df["initiative_id"], df["indicator"]):
        if isinstance(label, str):
            labels.setdefault(rid, []).append(label)
    out = []
    for rid, label in zip(df["initiative_id"], df["indicator"]):
        same = [x for x in labels.get(rid, []) if same_activity(x, label)]
        out.append(min(same, key=lambda s: (len(activity_key(s)), s)) if same else (label if isinstance(label, str) else ""))
    return out


def _loose(label: str) -> str:
    """A label without the fillers a cell may add or drop (区だよりなどの掲載 / 区だより掲載, lines 1278, 1281)."""
    return re.sub(r"など|等|の", "", activity_key(label))


def row_items(tables) -> pd.DataFrame:
    """The activities each row prints in its plan and result cells (numbers or words), once each.

    Labels naming the same activity (:func:`same_activity`) are one item, and so is a result label
    named inside a printed plan item (``区内3圏域での介護教室の開催`` and ``介護教室は中止``, lines 644–647);
    amounts printed without any label (``８回　48人``) are one item together. Row 23 prints three
    items in its result (茶の間新設数 1か所, 区、圏域会議開催回数 1回, フォーラム 中止, lines 605–608);
    only the forum has a number in its plan (300人, line 603).

    Returns:
        initiative_id, items (number of activities), names (``・``-joined).
    """
    m = tables.metrics[tables.metrics["period"].isin(["plan", "result"])]
    plan_lines = _cell_lines(getattr(tables, "source_lines", None), "plan_text")
    order = {"plan": 0, "result": 1}
    recs: dict[str, list] = {}
    for rid, period, item, label, line in zip(m["initiative_id"], m["period"].astype(str), m["item_no"].astype(int),
                                              m["indicator"], m["source_line"]):
        recs.setdefault(rid, []).append((order[period], item, period, label if isinstance(label, str) else "", line))
    rows = []
    for rid, items in recs.items():
        names: list[str] = []
        texts: dict[str, str] = {}
        unnamed = False
        for _, _, period, label, line in sorted(items, key=lambda x: (x[0], x[1])):
            if len(activity_key(label)) < 2 or activity_key(label).startswith("うち"):
                unnamed = unnamed or not label
                continue
            if any(same_activity(label, n) or same_activity(_loose(label), _loose(n)) or _names_in(texts.get(n, ""), label)
                   for n in names):
                continue
            names.append(label)
            if period == "plan":
                texts[label] = _item_text(plan_lines.get(rid, []), int(line))
        rows.append({"initiative_id": rid, "items": len(names) + int(unnamed), "names": "・".join(names)})
    return pd.DataFrame(rows, columns=["initiative_id", "items", "names"])


def measured_achievement(tables, *, scheduled: str = "exclude", changed_format: str = "held",
                         weight: str = "indicator", _pre: dict | None = None) -> pd.DataFrame:
    """Plan achievement per row over its measured planned indicators, saying which items it measured.

    The indicators and their statuses are those of :func:`indicator_achievement`. The row's
    achievement is the mean of the capped achievements of its measured indicators (``weight=
    "indicator"``), or the mean over activities of the mean of each activity's indicators
    (``weight="activity"``: 子育て広場 回 and 人 are one activity). ``rubric_grade`` applies the
    report's legend (``tables.grade_legend``) to it. A row whose planned indicators are all
    scheduled (row 31, line 784) has no measured achievement: ``status`` is ``scheduled`` and it is
    left out of the agreement, never counted 0 %.

    The row also says what it rests on: ``items`` (activities printed in its plan and result
    cells, :func:`row_items`), ``items_measured`` (activities with a measured plan number) and
    ``unmeasured`` (the planned indicators not measured: scheduled, unmatched, changed format left
    out). Row 23 is measured on one of its three items (lines 598–608).

    Returns:
        One row per initiative with at least one planned indicator: report, row_no, planned, with_result,
        without_result, scheduled_only, changed_format, measured, items, items_measured, mean_achievement
        (NA when nothing is measured), lowest, highest, rubric_grade ('' when not measured), grade,
        agrees (NA when not measured), status (measured / scheduled / unmeasured), missing_indicators
        (planned indicators without a held result), unmeasured, initiative_id.
    """
    from ..read.metrics import rubric_grade

    if weight not in WEIGHT_OPTIONS:
        raise ValueError(f"weight={weight!r}: expected one of {WEIGHT_OPTIONS}")
    pre = _pre or {}
    planned = indicator_achievement(tables, scheduled=scheduled, changed_format=changed_format, _status=pre.get("status"),
                                    _base=pre.get("base"))
    rules = tables.grade_legend.to_dict("records")
    items = (pre["items"] if "items" in pre else row_items(tables)).set_index("initiative_id")
    groups: dict[str, list[dict]] = {}
    for rec in planned[["initiative_id", "measured", "capped", "activity", "held", "scheduled_only", "status",
                        "label"]].to_dict("records"):
        groups.setdefault(rec["initiative_id"], []).append(rec)
    out = []
    for rid, g in groups.items():  # plain Python: this runs once per reading of audit_sensitivity
        used = [x for x in g if x["measured"]]
        vals = [float(x["capped"]) for x in used]
        if weight == "activity" and used:
            acts: dict[str, list[float]] = {}
            for x in used:
                acts.setdefault(x["activity"], []).append(float(x["capped"]))
            mean = sum(sum(v) / len(v) for v in acts.values()) / len(acts)
        else:
            mean = sum(vals) / len(vals) if vals else float("nan")
        have = bool(used)
        out.append({
            "initiative_id": rid, "planned": len(g), "with_result": sum(bool(x["held"]) for x in g),
            "without_result": sum(not x["held"] for x in g), "scheduled_only": sum(bool(x["scheduled_only"]) for x in g),
            "changed_format": sum(x["status"] == "changed_format" for x in g), "measured": len(used),
            "items": int(items["items"].get(rid, len(g))), "items_measured": len({x["activity"] for x in used}),
            "mean_achievement": round(mean, 4) if have else pd.NA,
            "lowest": min(vals) if have else pd.NA, "highest": max(vals) if have else pd.NA,
            "rubric_grade": rubric_grade(round(mean, 4), rules) if have else "",
            "status": "measured" if have else ("scheduled" if any(x["scheduled_only"] for x in g) else "unmeasured"),
            "missing_indicators": "・".join(x["label"] for x in g if not x["held"]),
            "unmeasured": "・".join(x["label"] for x in g if not x["measured"]),
        })
    per_row = pd.DataFrame(out)
    per_row["items"] = per_row[["items", "items_measured"]].max(axis=1)
    res = per_row.merge(tables.initiatives[["report", "initiative_id", "row_no", "grade"]], on="initiative_id")
    res["grade"] = res["grade"].astype(str)
    res["mean_achievement"] = res["mean_achievement"].astype("Float64")
    res["lowest"] = res["lowest"].astype("Float64")
    res["highest"] = res["highest"].astype("Float64")
    res["agrees"] = (res["grade"] == res["rubric_grade"]).astype("boolean").where(res["status"] == "measured")
    order = ["report", "row_no", "planned", "with_result", "without_result", "scheduled_only", "changed_format",
             "measured", "items", "items_measured", "mean_achievement", "lowest", "highest", "rubric_grade", "grade",
             "agrees", "status", "missing_indicators", "unmeasured", "initiative_id"]
    return res.sort_values(["report", "row_no"], kind="stable")[order].reset_index(drop=True)


def audit_sensitivity(tables, initiatives: pd.DataFrame | None = None) -> pd.DataFrame:
    """Agreement of printed and legend grades under every reasonable reading, not one number.

    The readings: a scheduled result left out / counted held / counted 0 (:data:`SCHEDULED_OPTIONS`);
    a result delivered in another form counted held / left out / counted 0 (:data:`CHANGED_OPTIONS`);
    indicators or activities weighted equally within a row (:data:`WEIGHT_OPTIONS`); rows measured on
    only part of their printed items kept or left out (``partial``).

    Args:
        tables: as for :func:`measured_achievement`.
        initiatives: the rows to audit (default: all; pass the rows counted once, without duplicate （再掲）).

    Returns:
        One row per (report, reading): report, scheduled, changed_format, weight, partial, primary (the
        notebooks' reading), rows (measured), agree, disagree, agreement (share).
    """
    keep = None if initiatives is None else set(initiatives["initiative_id"])
    status = indicator_status(tables)
    # the same for every reading: the statuses, the planned indicators, the items of each row
    pre = {"status": status, "base": _planned_indicators(tables, status), "items": row_items(tables)}
    rows = []
    for s in SCHEDULED_OPTIONS:
        for c in CHANGED_OPTIONS:
            for w in WEIGHT_OPTIONS:
                a = measured_achievement(tables, scheduled=s, changed_format=c, weight=w, _pre=pre)
                if keep is not None:
                    a = a[a["initiative_id"].isin(keep)]
                a = a[a["status"] == "measured"]
                for partial in ("kept", "dropped"):
                    b = a if partial == "kept" else a[a["items_measured"] >= a["items"]]
                    for report, g in b.groupby("report", sort=True):
                        agree = int(g["agrees"].astype(bool).sum())
                        rows.append({"report": report, "scheduled": s, "changed_format": c, "weight": w,
                                     "partial": partial,
                                     "primary": (s, c, w, partial) == ("exclude", "held", "indicator", "kept"),
                                     "rows": len(g), "agree": agree, "disagree": len(g) - agree,
                                     "agreement": round(agree / len(g), 4) if len(g) else pd.NA})
    return pd.DataFrame(rows)


def same_figures_once(df: pd.DataFrame, *, by: tuple[str, ...] = ("prior_value", "plan_value", "result_value")) -> pd.Series:
    """For figure rows (report, row_no, indicator, unit, values), the earlier row printing the same figures, else NA.

    Rows 2 and 7 both print 子育て広場 354人 → 540人 → 397人 (lines 51–64, 195–201): one figure printed
    twice, ranked once (at row 2).
    """
    key = pd.DataFrame({"report": df["report"], "ind": df["indicator"].map(activity_key), "unit": df["unit"].astype("string"),
                        **{c: df[c].astype("Float64").astype("string").fillna("") for c in by}})
    first_row: dict[tuple, int] = {}
    out = []
    for k, row in zip(key.itertuples(index=False, name=None), df["row_no"]):
        if k in first_row and first_row[k] != row:
            out.append(first_row[k])
        else:
            first_row.setdefault(k, row)
            out.append(pd.NA)
    return pd.Series(out, index=df.index, dtype="Int64")


#: why a people figure is left out of the ranking of change (Japanese, shown beside the figure)
RANK_NOTES = {
    "changed_format": "数え方が変わった（形を変えて実施）",
    "scheduled": "予定（報告時点で未実施）",
    "not_held": "実績なし",
    "period_differs": "期間が違う（年度の一部）",
    "prior_is_plan_only": "前年度の値が予定",
    "no_prior": "前年度の値なし",
    "duplicate": "同じ数字の行",
    "relisted_differs": "再掲と食い違い",
}


def change_ranking(people: pd.DataFrame, conflicts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which people figures a ranking of change may rank, and why the others are left out.

    ``people`` needs report, row_no, indicator, unit, prior_value, plan_value, result_value and the
    columns of :func:`indicator_status` (status, period_differs, prior_is_plan_only). A figure is
    ranked only when both years print a comparable count of the same thing: held in both years, not
    delivered in another form, over the same period, not the same figures as an earlier row, and not a
    figure its duplicate （再掲） row prints differently (``conflicts``, :func:`relisted_figure_conflicts`:
    子育て広場 397人 in row 2 against 337人 in row 5, BP 28人 against 21人, lines 64/151, 66/153: the report
    contradicts itself, so neither version is ranked).

    Returns:
        ``people`` plus ``same_as_row`` (Int64), ``ranked`` (bool) and ``rank_note`` (Japanese, '' when ranked).
    """
    out = people.copy()
    out["same_as_row"] = same_figures_once(out)
    other: dict[int, str] = {}
    if conflicts is not None and len(conflicts):
        res = conflicts[conflicts["period"] == "result"]
        for i, r in zip(out.index, out.itertuples()):
            hit = res[(res["report"] == r.report) & (res["original_row"] == r.row_no) & (res["unit"] == r.unit)
                      & res["activity"].map(lambda a, x=r.indicator: same_activity(a, x) or a == x)]
            if len(hit):
                h = hit.iloc[0]
                other[i] = f"（No.{int(h.relisted_row)}は{h.relisted_value:g}{h.unit}）"
    notes = []
    for i, r in zip(out.index, out.itertuples()):
        if pd.isna(r.prior_value):
            notes.append("no_prior")
        elif r.prior_is_plan_only:
            notes.append("prior_is_plan_only")
        elif r.status != "held":
            notes.append(r.status)
        elif i in other:
            notes.append("relisted_differs")
        elif r.period_differs:
            notes.append("period_differs")
        elif pd.notna(r.same_as_row):
            notes.append("duplicate")
        else:
            notes.append("")
    out["ranked"] = [n == "" for n in notes]
    out["rank_note"] = [RANK_NOTES[n] + (f"（No.{int(s)}と同じ）" if n == "duplicate" else other.get(i, "")) if n else ""
                        for i, n, s in zip(out.index, notes, out["same_as_row"])]
    return out


def status_conflicts(ranked: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """(row, activity) pairs ranked as a rise in one table and counted as not held in another, unmarked.

    Issue 15 §4: a notebook that ranks an activity's rise (``ranked`` True, ``change_rate`` > 0) while
    another counts the same activity of the same row as not held (``status`` ``not_held`` or
    ``changed_format`` without the mark) tells a reader two stories. Marked figures (not ranked) are
    allowed.

    Args:
        ranked: report, row_no, indicator, change_rate, ranked (e.g. ``02_people_change_ranked.csv``).
        indicators: report, row_no, indicator, status (e.g. ``05_indicator_achievement.csv``).

    Returns:
        The conflicting pairs: report, row_no, ranked_indicator, indicator, status.
    """
    rises = ranked[ranked["ranked"].astype(bool) & (ranked["change_rate"].astype(float) > 0)]
    out = []
    for r in rises.itertuples():
        other = indicators[(indicators["report"] == r.report) & (indicators["row_no"] == r.row_no)]
        for o in other.itertuples():
            if same_activity(o.indicator, r.indicator) and o.status != "held":
                out.append({"report": r.report, "row_no": r.row_no, "ranked_indicator": r.indicator,
                            "indicator": o.indicator, "status": o.status})
    return pd.DataFrame(out, columns=["report", "row_no", "ranked_indicator", "indicator", "status"])


def select_reports(tables, reports=None):
    """A copy of :class:`helpers.present.tables.CleanTables` holding only ``reports`` (all when None).

    Every table with a ``report`` column is filtered; the grade legend is kept whole.
    """
    import dataclasses

    if reports is None:
        return tables
    keep = set(reports)
    missing = keep - set(tables.initiatives["report"])
    if missing:
        raise KeyError(f"reports not in {tables.folder}: {sorted(missing)}")
    changes = {}
    for f in dataclasses.fields(tables):
        df = getattr(tables, f.name)
        if isinstance(df, pd.DataFrame) and "report" in df.columns:
            changes[f.name] = df[df["report"].isin(keep)].reset_index(drop=True)
    return dataclasses.replace(tables, **changes)


#: people counts that measure a caseload or a roster (people served, registered or placed), not
#: attendance at an event: ranked apart from participants and visitors.
CASELOAD_PATTERN = r"対象者|就職者|支援リーダー|配食サービス利用者"


def people_measure(indicator) -> str:
    """``caseload`` for a caseload/roster count, else ``attendance``.

    >>> people_measure("就労支援対象者"), people_measure("子育て広場")
    ('caseload', 'attendance')
    """
    return "caseload" if isinstance(indicator, str) and re.search(CASELOAD_PATTERN, indicator) else "attendance"


def canonical_departments(departments: pd.DataFrame) -> pd.DataFrame:
    """``departments`` with one printed name per ``department_key`` and report, for grouping.

    The parser keeps each department as printed and adds ``department_key`` (NFKC, zero-width
    characters removed). Grouping on the printed name would split one department in two when a
    dump spells it differently on one page (half-width kana 地域包括支援ｾﾝﾀｰ, a BOM or zero-width
    space). This returns a copy whose ``department`` is the first printed spelling of its key in
    the report (row order), so a groupby on ``department`` counts each department once and still
    shows a name as printed.

    Examples:
        >>> d = pd.DataFrame({"report": ["r", "r"], "initiative_id": ["r:1", "r:2"],
        ...                   "department": ["地域包括支援センター", "地域包括支援ｾﾝﾀｰ"],
        ...                   "department_key": ["地域包括支援センター", "地域包括支援センター"]})
        >>> canonical_departments(d)["department"].tolist()
        ['地域包括支援センター', '地域包括支援センター']
        >>> d["department"].tolist()  # the input is unchanged
        ['地域包括支援センター', '地域包括支援ｾﾝﾀｰ']
    """
    first = departments.groupby(["report", "department_key"], sort=False)["department"].transform("first")
    return departments.assign(department=first)
