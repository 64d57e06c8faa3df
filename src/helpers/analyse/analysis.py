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
    "measured_achievement",
    "indicator_achievement",
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


def without_duplicates(initiatives: pd.DataFrame, decisions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Drop only the （再掲） rows that repeat their original (see :func:`relisted_decisions`).

    A （再掲） row describing a different activity stays: it is its own evidence.
    """
    if decisions is None:
        decisions = relisted_decisions(initiatives)
    dup = decisions.loc[decisions["decision"] == "duplicate", "relisted_id"]
    return initiatives[~initiatives["initiative_id"].isin(dup)]


def indicator_achievement(trends: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """Every planned indicator with its capped achievement; the rules of :func:`measured_achievement`.

    Returns the planned trends rows (plus cancellations printed in a result cell) with ``scheduled_only``,
    ``held`` (a result number that is not only scheduled), ``achievement_rate`` (result / plan, 0 when not
    held; not capped), ``capped`` (at 100 %) and ``label`` (indicator and unit, for lists).
    """

    planned = trends[trends["plan_value"].notna() & (trends["plan_value"] > 0)].copy()
    sched = metrics[(metrics["period"] == "result") & (metrics["qualifier"].astype("string") == "予定")]
    sched_keys = set(zip(sched["initiative_id"], sched["indicator"].fillna(""), sched["unit"].fillna("")))
    keys = list(zip(planned["initiative_id"], planned["indicator"].fillna(""), planned["unit"].fillna("")))
    planned["scheduled_only"] = [k in sched_keys for k in keys]
    # a result printed under another label (same row, same unit, no plan of its own) may be the
    # planned indicator reworded (各地区保健会で事業を1回以上 → 各地区学習会 11回): not measurable, left out
    extra = trends[trends["plan_value"].isna() & trends["result_value"].notna()]
    extra_keys = set(zip(extra["initiative_id"], extra["unit"].fillna("")))
    planned["unmatched"] = planned["result_value"].isna() & pd.Series(
        [(r, u) in extra_keys for r, u in zip(planned["initiative_id"], planned["unit"].fillna(""))], index=planned.index)
    planned = planned[~planned["unmatched"]]
    # a cancellation printed in the result cell (関係機関合同研修会　中止) is a planned activity not held,
    # also when the plan cell gave it no number: it counts as one more indicator at 0
    qual = metrics[(metrics["period"] == "result") & (metrics["kind"] == "qualitative")
                   & metrics["qualifier"].astype("string").isin(["中止", "未実施"])]
    known = planned.groupby("initiative_id")["indicator"].agg(lambda s: [str(x) for x in s.dropna()]).to_dict()
    add = [q for q in qual.to_dict("records")
           if pd.notna(q["indicator"]) and not any(str(q["indicator"]) in k or k in str(q["indicator"]) for k in known.get(q["initiative_id"], []))]
    if add:
        planned = pd.concat([planned, pd.DataFrame([{
            "initiative_id": q["initiative_id"], "indicator": q["indicator"], "unit": pd.NA, "plan_value": pd.NA,
            "result_value": pd.NA, "scheduled_only": False} for q in add])], ignore_index=True)
    held = planned["result_value"].notna() & ~planned["scheduled_only"]
    rate = (planned["result_value"].astype("Float64") / planned["plan_value"].astype("Float64")).where(held, 0.0)
    planned["capped"] = rate.fillna(0.0).clip(upper=1.0).astype(float)
    planned["held"] = held
    planned["label"] = [(str(i) if pd.notna(i) else "（無題）") + (f"（{u}）" if pd.notna(u) else "（中止）")
                        for i, u in zip(planned["indicator"], planned["unit"])]

    planned["achievement_rate"] = rate.fillna(0.0).astype(float)
    return planned.reset_index(drop=True)


def measured_achievement(trends: pd.DataFrame, metrics: pd.DataFrame, initiatives: pd.DataFrame,
                         legend: pd.DataFrame) -> pd.DataFrame:
    """Plan achievement per row over *every* planned indicator (all units), missing results counted as 0.

    An indicator is planned when the plan cell gives it a number. Its achievement is result / plan,
    capped at 100 % (over-achieving one indicator does not make up for another). A planned indicator
    without a result number (cancelled, 中止, not printed) or whose result is only scheduled
    (``１回（予定）``: metrics qualifier 予定) counts as 0 — a missing result lowers the row's
    achievement, it does not vanish from it. The row's achievement is the mean over its planned
    indicators; ``rubric_grade`` applies the report's legend to it. A planned indicator without a
    result, in a row whose result cell prints an unplanned number of the same unit, is left out (the
    result may be the same activity reworded; pairing it would be a guess).

    Returns:
        One row per initiative with at least one planned indicator: report, row_no, planned (indicators),
        with_result, without_result, scheduled_only, mean_achievement, lowest, highest, rubric_grade, grade,
        agrees, missing_indicators (names of planned indicators without a held result), initiative_id.
    """
    from ..read.metrics import rubric_grade

    planned = indicator_achievement(trends, metrics)
    def missing(g):
        return "・".join(g.loc[~g["held"], "label"])

    per_row = planned.groupby("initiative_id", sort=False).agg(
        planned=("capped", "size"), with_result=("held", "sum"), scheduled_only=("scheduled_only", "sum"),
        mean_achievement=("capped", "mean"), lowest=("capped", "min"), highest=("capped", "max"))
    per_row["missing_indicators"] = planned.groupby("initiative_id", sort=False)[["held", "label"]].apply(missing)
    per_row = per_row.reset_index()
    per_row["without_result"] = per_row["planned"] - per_row["with_result"]
    rules = legend.to_dict("records")
    per_row["rubric_grade"] = [rubric_grade(float(a), rules) for a in per_row["mean_achievement"]]
    out = per_row.merge(initiatives[["report", "initiative_id", "row_no", "grade"]], on="initiative_id")
    out["grade"] = out["grade"].astype(str)
    out["agrees"] = out["grade"] == out["rubric_grade"]
    for c in ("planned", "with_result", "without_result", "scheduled_only"):
        out[c] = out[c].astype(int)
    out["mean_achievement"] = out["mean_achievement"].round(4)
    order = ["report", "row_no", "planned", "with_result", "without_result", "scheduled_only", "mean_achievement",
             "lowest", "highest", "rubric_grade", "grade", "agrees", "missing_indicators", "initiative_id"]
    return out.sort_values(["report", "row_no"], kind="stable")[order].reset_index(drop=True)


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
