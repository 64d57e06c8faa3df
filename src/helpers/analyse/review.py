"""What a welfare reviewer asks next: plan ambition, rates, what the grades rest on, next-year actions, queries.

Each function reads the clean tables (and the rules of :mod:`helpers.analyse.analysis` and
:mod:`helpers.analyse.events`) and returns one table a notebook shows, saves and renders prose from:

- :func:`plan_ambition`: plans set below the previous year's result (an A is then easy to reach);
- :func:`rates_per_session` and :func:`daily_averages`: people per session and per open day, where
  the cells or the comment print both numbers (a total hides a change of sessions or open days);
- :func:`grade_basis` and :func:`counting_rules`: what each grade rests on (a measured plan, words
  only, a 見込み), and the grade counts under the three ways of counting （再掲） rows;
- :func:`next_year_actions` and :func:`cancellation_followup`: the commitments stated in comments,
  and the activities not held, with whether a substitute is named and whether it is the second year;
- :func:`cancellation_check`: printed cancellation counts against plan and result (rows 2/5/7);
- :func:`ward_queries`: the contradictions the report cannot settle, each with its lines and the
  question for the responsible 課.

Derived numbers (computed, not printed) are always in columns named ``*_derived`` or flagged so.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from .analysis import (
    activity_key,
    indicator_status,
    relisted_figure_conflicts,
    measured_achievement,
    relisted_decisions,
    row_items,
    same_activity,
    same_figures_once,
    session_totals,
    without_duplicates,
)
from .events import covid_events, fully_cancelled

__all__ = [
    "plan_ambition",
    "rates_per_session",
    "daily_averages",
    "grade_basis",
    "BASIS_JA",
    "counting_rules",
    "next_year_actions",
    "cancellation_followup",
    "SUBSTITUTE_TERMS",
    "cancellation_check",
    "ward_queries",
]


def _nfkc(text) -> str:
    return unicodedata.normalize("NFKC", text) if isinstance(text, str) else ""


def _departments(tables) -> pd.Series:
    return tables.departments.groupby("initiative_id", sort=False)["department"].agg("・".join)


def _counted(tables) -> pd.DataFrame:
    return without_duplicates(tables.initiatives, relisted_decisions(tables.initiatives, tables.departments))


# --- plan ambition ---------------------------------------------------------------------------------

def plan_ambition(tables) -> pd.DataFrame:
    """Every indicator with a prior-year figure and a plan in the same unit: was the plan set below it?

    A plan below the previous year's result (育児相談会 18回 → plan 12回, lines 20 and 28; 就労支援対象者
    28人 → 20人, 就職者 16人 → 10人, lines 468–473) makes a high achievement easy; the plan may still be
    realistic (the prior year may have been unusual). A prior figure marked 予定 is not a result and is
    left out. Only the rows counted once (no duplicate （再掲）) are listed.

    Returns:
        report, row_no, initiative, indicator, unit, prior_value, prior_status, plan_value, result_value,
        plan_vs_prior (plan ÷ prior − 1), below_prior, grade, result_status, initiative_id.
    """
    st = indicator_status(tables)
    ini = _counted(tables).set_index("initiative_id")
    d = st[st["prior_value"].notna() & st["plan_value"].notna() & (st["prior_value"] > 0)
           & ~st["prior_is_plan_only"] & st["initiative_id"].isin(ini.index)
           & ~st["indicator"].map(activity_key).str.startswith("うち")].copy()  # うち: a subset of the figure before
    d["report"] = d["initiative_id"].map(ini["report"])
    d["initiative"] = d["initiative_id"].map(ini["initiative"])
    d["prior_status"] = d["initiative_id"].map(ini["prior_status"]).astype(str)
    d["result_status"] = d["initiative_id"].map(ini["result_status"]).astype(str)
    d["grade"] = d["initiative_id"].map(ini["grade"]).astype(str)
    d["plan_vs_prior"] = (d["plan_value"].astype(float) / d["prior_value"].astype(float) - 1).round(4)
    d["below_prior"] = d["plan_value"] < d["prior_value"]
    d["prior_breakdown"] = [_breakdown(tables.metrics, rid, ind, unit, prior, plan)
                            for rid, ind, unit, prior, plan in zip(d["initiative_id"], d["indicator"], d["unit"],
                                                                   d["prior_value"], d["plan_value"])]
    cols = ["report", "row_no", "initiative", "indicator", "unit", "prior_value", "prior_status", "plan_value",
            "result_value", "plan_vs_prior", "below_prior", "prior_breakdown", "grade", "result_status", "initiative_id"]
    return d.sort_values(["report", "row_no"], kind="stable")[cols].reset_index(drop=True)


def _breakdown(metrics: pd.DataFrame, rid, indicator, unit, prior, plan) -> str:
    """The parts a prior figure is printed with, when they add up to it: ``支援センター会議　4回（定例
    ３回、臨時１回）`` (lines 321–322) → ``定例3回・臨時1回（L321–L322）``; and which part the plan equals
    (``計画 3回 = 定例``). '' when the figure is printed without parts."""
    m = metrics[(metrics["initiative_id"] == rid) & (metrics["period"] == "prior") & (metrics["kind"] == "amount")]
    m = m.sort_values("item_no")
    head = m[(m["indicator"] == indicator) & (m["unit"] == unit)]
    if head.empty:
        return ""
    h = head.iloc[0]
    after = m[(m["item_no"] > h["item_no"]) & (m["unit"] == unit) & (m["source_line"] <= int(h["source_line"]) + 1)]
    parts = []
    for x in after.itertuples():
        parts.append(x)
        if sum(float(p.value) for p in parts) >= float(h["value"]):
            break
    if len(parts) < 2 or sum(float(p.value) for p in parts) != float(h["value"]):
        return ""
    text = "・".join(f"{p.indicator}{p.value:g}{p.unit}" for p in parts)
    lines = sorted({int(h["source_line"]), *(int(p.source_line) for p in parts)})
    same = [p.indicator for p in parts if float(p.value) == float(plan)]
    return f"{text}（L{lines[0]}–L{lines[-1]}）" + (f"で、計画 {plan:g}{unit} は{same[0]}の数と同じ" if same else "")


# --- rates -------------------------------------------------------------------------------------------

def rates_per_session(tables) -> pd.DataFrame:
    """People per session, per period, where a row prints both for one activity in the same cell.

    子育て広場 33回・延べ354人 (line 51) is 10.7 people per session, 38回・397人 (line 64) 10.4: the total
    rose by 12 %, the attendance per session did not. Where the row counts an activity's 回 in courses
    (``BP　第4期中止``, ``NP　第２期全6回中２回実施後中止``, lines 75–77: a 期 is 6 sessions), a 回 is a
    course, not a session: ``sessions_are_courses`` is True and no per-session rate is derived. ``cumulative``
    is True only where the cell marks the people as 延べ. A result delivered in another form or only
    scheduled has no comparable rate; the same figures printed in two rows (rows 2 and 7) are listed
    once (``same_as_row``). Rates are derived (people ÷ sessions), never printed.

    Returns:
        report, row_no, activity, status, prior_people, prior_sessions, prior_per_session_derived,
        plan_people, plan_sessions, plan_per_session_derived, result_people, result_sessions,
        result_per_session_derived, change_per_session_derived (result ÷ prior − 1, comparable rows only),
        same_as_row, initiative_id.
    """
    st = indicator_status(tables)
    counted = set(_counted(tables)["initiative_id"])
    st = st[st["initiative_id"].isin(counted)]
    texts = tables.initiatives.set_index("initiative_id")[["prior_text", "result_text", "comment"]].fillna("").agg("".join, axis=1)
    people = st[st["unit"].isin(["人", "名"])]
    sessions = st[st["unit"] == "回"]
    rows = []
    for p in people.itertuples():
        s = sessions[(sessions["initiative_id"] == p.initiative_id)
                     & sessions["indicator"].map(lambda x, i=p.indicator: (x == i) or same_activity(x, i))]
        if s.empty or bool(s["each"].any()):
            continue
        s = s.iloc[0]
        courses = _counts_courses(texts.get(p.initiative_id, ""), p.indicator)
        rec = {"report": tables.initiatives.set_index("initiative_id").at[p.initiative_id, "report"],
               "row_no": p.row_no, "activity": p.indicator, "status": p.status, "cumulative": bool(p.cumulative),
               "sessions_are_courses": courses, "initiative_id": p.initiative_id}
        for per in ("prior", "plan", "result"):
            n, k = getattr(p, f"{per}_value"), s[f"{per}_value"]
            if per == "prior" and (p.prior_is_plan_only or s["prior_is_plan_only"]):
                n = pd.NA  # 57人の予定 (lines 861-862): a plan, not an attendance
            rec[f"{per}_people"], rec[f"{per}_sessions"] = n, k
            rec[f"{per}_per_session_derived"] = round(float(n) / float(k), 2) \
                if pd.notna(n) and pd.notna(k) and k and not courses else pd.NA  # per course is no session rate
        comparable = p.status == "held" and not p.period_differs and pd.notna(rec["prior_per_session_derived"]) \
            and pd.notna(rec["result_per_session_derived"])
        rec["change_per_session_derived"] = round(rec["result_per_session_derived"] / rec["prior_per_session_derived"] - 1, 4) \
            if comparable else pd.NA
        if courses or any(pd.notna(rec[f"{per}_per_session_derived"]) for per in ("prior", "result")):
            rows.append(rec)
    cols = ["report", "row_no", "activity", "status", "cumulative", "sessions_are_courses", "prior_people", "prior_sessions", "prior_per_session_derived",
            "plan_people", "plan_sessions", "plan_per_session_derived", "result_people", "result_sessions",
            "result_per_session_derived", "change_per_session_derived", "same_as_row", "initiative_id"]
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=cols)
    out["same_as_row"] = same_figures_once(out.rename(columns={"activity": "indicator", "prior_people": "prior_value",
                                                               "plan_people": "plan_value", "result_people": "result_value"})
                                           .assign(unit="人"))
    for c in ("prior_per_session_derived", "plan_per_session_derived", "result_per_session_derived",
              "change_per_session_derived"):
        out[c] = out[c].astype("Float64")
    return out[cols].sort_values(["report", "row_no"], kind="stable").reset_index(drop=True)


def _counts_courses(text: str, activity) -> bool:
    """The row names the activity with a course number (``BP　第4期中止``, line 75): its 回 count courses."""
    key = activity_key(activity)
    short = re.split(r"[(（]", _nfkc(activity) if isinstance(activity, str) else "")[0].strip()
    squashed = re.sub(r"\s", "", _nfkc(text))
    return any(len(k) >= 2 and re.search(re.escape(k) + r"第\d+期", squashed) for k in {key, activity_key(short)})


_DAILY = re.compile(r"([^、,。()（）0-9]+?)(\d+(?:\.\d+)?)人\((前年度と同数|前年度比[+＋\-−]?\d+(?:\.\d+)?[%％])\)")


def daily_averages(tables) -> pd.DataFrame:
    """Per-open-day averages printed in a comment (``1日平均は白根つくし園20人（前年度と同数）、…``, lines 307–309).

    Each printed average is set beside the row's total for the same facility (``白根つくし園利用者数``),
    with the prior-year average implied by the printed comparison (前年度と同数: the same; 前年度比＋12％:
    result ÷ 1.12, rounded as printed) and the open days implied by total ÷ average. Every implied number
    is derived, not printed: the comparison is rounded to a whole percent.

    Returns:
        report, row_no, facility, result_per_day (printed), comparison (printed), prior_per_day_derived,
        prior_total, result_total, total_change (result ÷ prior − 1), per_day_change_derived,
        prior_open_days_derived, result_open_days_derived, source_lines, initiative_id.
    """
    ini = tables.initiatives
    tr = tables.trends
    s = tables.source_lines
    rows = []
    for rec in ini[ini["comment"].fillna("").str.contains("1日平均|１日平均")].to_dict("records"):
        text = _nfkc(rec["comment"])
        part = text[text.index("1日平均"):]
        com = s[(s["initiative_id"] == rec["initiative_id"]) & (s["field"] == "comment")].sort_values("line_no")
        lines, on = [], False
        for no, line in zip(com["line_no"].astype(int), com["text"].map(_nfkc)):
            on = on or "1日平均" in line
            if on:
                lines.append(no)
                if "。" in line:
                    break
        for m in _DAILY.finditer(part):
            name = re.sub(r"^(?:1?日平均は|は)", "", m.group(1)).strip("、, ")
            per_day, comparison = float(m.group(2)), m.group(3)
            if comparison == "前年度と同数":
                prior_pd, change_pd = per_day, 0.0
            else:
                pct = float(re.search(r"([+\-−]?\d+(?:\.\d+)?)", comparison.replace("＋", "+")).group(1).replace("−", "-"))
                prior_pd, change_pd = per_day / (1 + pct / 100), pct / 100
            total = tr[(tr["initiative_id"] == rec["initiative_id"]) & tr["indicator"].map(lambda x, n=name: same_activity(x, n))]
            total = total[total["unit"] == "人"]
            pt = float(total["prior_value"].iloc[0]) if len(total) and pd.notna(total["prior_value"].iloc[0]) else None
            rt = float(total["result_value"].iloc[0]) if len(total) and pd.notna(total["result_value"].iloc[0]) else None
            rows.append({
                "report": rec["report"], "row_no": rec["row_no"], "facility": name, "result_per_day": per_day,
                "comparison": comparison, "prior_per_day_derived": round(prior_pd, 1), "prior_total": pt, "result_total": rt,
                "total_change": round(rt / pt - 1, 4) if pt and rt else pd.NA, "per_day_change_derived": round(change_pd, 4),
                "prior_open_days_derived": round(pt / prior_pd, 1) if pt else pd.NA,
                "result_open_days_derived": round(rt / per_day, 1) if rt else pd.NA,
                "source_lines": ",".join(map(str, sorted(set(lines)))), "initiative_id": rec["initiative_id"],
            })
    cols = ["report", "row_no", "facility", "result_per_day", "comparison", "prior_per_day_derived", "prior_total",
            "result_total", "total_change", "per_day_change_derived", "prior_open_days_derived", "result_open_days_derived",
            "source_lines", "initiative_id"]
    return pd.DataFrame(rows, columns=cols)


# --- what the grades rest on -------------------------------------------------------------------------

#: what a row's grade rests on (Japanese, for tables and prose)
BASIS_JA = {
    "measured": "計画の数値と実績で測れる",
    "scheduled": "実績が予定のみ",
    "plan_unmeasurable": "計画に数値はあるが実績と対応しない",
    "no_numeric_plan": "計画に数値がない（文章のみ）",
}


def grade_basis(tables) -> pd.DataFrame:
    """Per row counted once: what its printed grade can rest on.

    ``basis``: ``measured`` (a numeric plan met by a result: :func:`helpers.analyse.analysis.measured_achievement`),
    ``scheduled`` (the planned result is only scheduled), ``plan_unmeasurable`` (a plan number that no
    result number answers: ``各地区保健会で事業を1回以上`` (line 903), ``勉強会 2回`` against ``圏域１回・地区３回``
    (lines 1170–1174)), ``no_numeric_plan`` (the plan cell gives words only: ``全戸``, ``随時``,
    ``…の開催``). ``on_estimate`` marks a result column headed 見込み (the grade rests on an estimate),
    ``scheduled_items`` counts results printed as 予定.

    Returns:
        report, row_no, initiative, grade, basis, basis_ja, on_estimate, scheduled_items, items, items_measured,
        mean_achievement, plan_text, initiative_id.
    """
    ini = _counted(tables)
    ach = measured_achievement(tables).set_index("initiative_id")
    plan_amounts = tables.metrics[(tables.metrics["period"] == "plan") & (tables.metrics["kind"] == "amount")]
    has_plan = set(plan_amounts["initiative_id"])
    out = ini[["report", "row_no", "initiative", "grade", "result_status", "plan_text", "initiative_id"]].copy()
    out["grade"] = out["grade"].astype(str)
    status = out["initiative_id"].map(ach["status"])
    out["basis"] = [
        "measured" if s == "measured" else "scheduled" if s == "scheduled"
        else "plan_unmeasurable" if rid in has_plan else "no_numeric_plan"
        for rid, s in zip(out["initiative_id"], status)]
    out["basis_ja"] = out["basis"].map(BASIS_JA)
    out["on_estimate"] = out["result_status"].astype(str) == "estimate"
    out["scheduled_items"] = out["initiative_id"].map(ach["scheduled_only"]).fillna(0).astype(int)
    out["items"] = out["initiative_id"].map(row_items(tables).set_index("initiative_id")["items"]).fillna(0).astype(int)
    out["items_measured"] = out["initiative_id"].map(ach["items_measured"]).fillna(0).astype(int)
    out["mean_achievement"] = out["initiative_id"].map(ach["mean_achievement"]).astype("Float64")
    cols = ["report", "row_no", "initiative", "grade", "basis", "basis_ja", "on_estimate", "scheduled_items", "items",
            "items_measured", "mean_achievement", "plan_text", "initiative_id"]
    return out[cols].sort_values(["report", "row_no"], kind="stable").reset_index(drop=True)


def counting_rules(tables) -> pd.DataFrame:
    """Grade counts under the three ways of counting （再掲） rows, side by side.

    ``printed``: every printed row (56 in the 2021 report); ``counted``: duplicates of their original
    removed, a （再掲） row describing another activity kept (the notebooks' rule, 53);
    ``no_relisted``: every （再掲） row removed (51), as a city summary that counts each printed
    initiative once would.

    Returns:
        report, counting, A, B, C, D, total.
    """
    ini = tables.initiatives
    sets = {"printed": ini, "counted": _counted(tables), "no_relisted": ini[~ini["is_relisted"].astype(bool)]}
    rows = []
    for name, df in sets.items():
        for report, g in df.groupby("report", sort=True):
            grades = g["grade"].astype(str)
            rows.append({"report": report, "counting": name, **{x: int((grades == x).sum()) for x in "ABCD"}, "total": len(g)})
    return pd.DataFrame(rows, columns=["report", "counting", "A", "B", "C", "D", "total"])


# --- next-year actions and cancelled activities ------------------------------------------------------

_NEXT = re.compile(r"次年度|新年度|来年度|今後")
_NOT_NEXT = re.compile(r"次年度申請")  # 次年度申請書類: next year's application forms, handled this year
#: a sentence ending in a decision still open, with no year named: a next step all the same
#: (「連携強化の進め方について検討中」 L460–461, 「内容についても検討していく」 L1214–1215,
#: 「ウィズコロナでの実施方法を検討」 L253–254); 「検討した」「検討を行った」 are done, not next steps
_OPEN = re.compile(r"(?:検討|協議)(?:中|する|していく|を進める|する必要がある)?。?$")


def next_year_actions(tables) -> pd.DataFrame:
    """Commitments for the next year or later, as stated in the comments, one per sentence.

    A sentence naming 次年度・新年度・来年度 or 今後 is a commitment (``次年度は対象者を第2子以上の母親とする
    BP2を新たに実施``, lines 81–83; ``新年度は、糖尿病予防教室を糖尿病予防相談会に変更``, 890–891; ``今後の
    実施方法について受託事業者と協議``, 648–649); ``次年度申請`` (next year's application forms, handled
    this March: lines 1019, 1039) is not. A sentence that follows one and ends in a plan (``…変更し、
    重点化して実施する``, lines 827–828) belongs to it. A sentence ending in an open decision without a
    year (``連携強化の進め方について検討中``, lines 460–461; ``内容についても検討していく``, 1214–1215) is a
    next step too, with horizon 時期の記載なし. ``kind``: 実施・変更 (a stated action), 検討・協議
    (to be decided), 必要性 (a need, no action stated).

    Returns:
        report, row_no, initiative, departments, horizon (次年度 / 今後), kind, statement (as printed, NFKC),
        grade, initiative_id — rows counted once (no duplicate （再掲）).
    """
    ini = _counted(tables)
    depts = _departments(tables)
    rows = []
    for rec in ini.to_dict("records"):
        text = _nfkc(rec["comment"])
        sentences = [x for x in re.split(r"(?<=。)", text) if x.strip()]
        follow = False
        for sent in sentences:
            core = re.sub(r"^[(（][^)）]*[)）]", "", sent).strip()  # a leading （実施方法は検討中） belongs to the sentence before
            hit = _NEXT.search(core) and not _NOT_NEXT.search(core[_NEXT.search(core).start():][:6])
            open_ = not hit and bool(_OPEN.search(core.strip()))
            if not hit and not open_ and not (follow and re.search(r"(?:する|していく|予定)[。]?$", core)):
                follow = False
                if rows and rows[-1]["initiative_id"] == rec["initiative_id"] and sent.startswith(("(", "（")):
                    rows[-1]["statement"] += sent[: len(sent) - len(core)].strip()
                continue
            start = max(core.rfind(c, 0, _NEXT.search(core).start()) for c in ")）") + 1 if hit else 0
            statement = core[start:].strip()
            if rows and rows[-1]["initiative_id"] == rec["initiative_id"] and sent.startswith(("(", "（")):
                rows[-1]["statement"] += sent[: len(sent) - len(core)].strip()
            horizon = ("次年度" if re.search(r"次年度|新年度|来年度", statement) else "今後" if hit
                       else "時期の記載なし" if open_ else rows[-1]["horizon"])
            kind = ("検討・協議" if re.search(r"検討|協議", statement) else
                    "必要性" if re.search(r"必要|大切", statement) else "実施・変更")
            rows.append({"report": rec["report"], "row_no": rec["row_no"], "initiative": rec["initiative"],
                         "departments": depts.get(rec["initiative_id"], ""), "horizon": horizon, "kind": kind,
                         "statement": statement, "grade": str(rec["grade"]), "initiative_id": rec["initiative_id"]})
            follow = True
    cols = ["report", "row_no", "initiative", "departments", "horizon", "kind", "statement", "grade", "initiative_id"]
    return pd.DataFrame(rows, columns=cols)


#: words that name a substitute for a cancelled activity (代替として…, 代わりに…, ビデオ収録, オンライン …)
SUBSTITUTE_TERMS = ("代替", "代わり", "ビデオ", "オンライン", "書面", "電話", "個別相談に変更")


def cancellation_followup(tables) -> pd.DataFrame:
    """Each activity not held at all in the result year, with its substitute (if named) and its second year.

    The activities are those of :func:`helpers.analyse.events.fully_cancelled` (counted once, no
    collective nouns). A substitute is an adaptation event (:data:`SUBSTITUTE_TERMS`) in the same row and
    year, or in another row of the same activity (関係機関合同研修会: the substitute course is printed in
    row 13, line 378, not in row 18); ``two_years`` is True when the prior-year cell already reported it
    cancelled (介護教室: "2年連続の中止", line 648).

    Returns:
        report, row_nos, activity, initiative, two_years, prior_unknown (the prior-year figure is only a plan,
        「57人の予定」 lines 861–862: whether it was held then cannot be told, so two_years False is a lower
        bound), substitute_planned (every substitute named is only planned: 「代わりに…配布を予定している」,
        lines 1036–1037), substitute (the clause, NFKC; '' when none), next_step (the row's next-year
        statement, '' when none), source_lines, initiative_id.
    """
    ini = tables.initiatives
    ev = covid_events(ini, tables.source_lines)
    counted = set(_counted(tables)["initiative_id"])
    ev_c = ev[ev["initiative_id"].isin(counted)]
    full = fully_cancelled(ev_c, tables.trends)
    row_id = ini.set_index(["report", "row_no"])["initiative_id"]
    ry = ev["initiative_id"].map(ini.set_index("initiative_id")["result_year"])
    adapted = ev[(ev["what"] == "adapted") & (ev["fiscal_year"] == ry)]
    nxt = next_year_actions(tables)
    st = indicator_status(tables)
    prior_only: dict[str, dict[str, bool]] = {}  # 「57人の予定」 (lines 861–862): the prior year is a plan, not a result
    for rid, ind, flag in zip(st["initiative_id"], st["indicator"], st["prior_is_plan_only"]):
        if isinstance(ind, str):
            prior_only.setdefault(rid, {})[ind] = prior_only.get(rid, {}).get(ind, False) or bool(flag)
    planned_names = tables.trends.groupby("initiative_id")["indicator"].agg(lambda x: [i for i in x.dropna()])

    def about(text: str, activity: str, ids: list, cancelled_here: int) -> bool:
        """A clause is about the cancelled activity when it names it, or names none of the row's
        activities in a row with one cancelled activity (代わりに、…資料の配布, line 1036)."""
        if activity_key(activity) and activity_key(activity) in activity_key(text):
            return True
        others = [n for i in ids for n in planned_names.get(i, []) if len(activity_key(n)) >= 2]
        return cancelled_here == 1 and not any(activity_key(n) in activity_key(text) for n in others)

    out = []
    for f in full.itertuples():
        ids = [row_id.get((f.report, int(r))) for r in str(f.row_nos).split("・")]
        n_here = int(full["initiative_id"].isin(ids).sum())
        subs = adapted[adapted["initiative_id"].isin(ids) & adapted["activity"].isin(SUBSTITUTE_TERMS)]
        subs = [c for c in subs["clause"] if about(c, f.activity, ids, n_here)]
        steps = [x for x in nxt[nxt["initiative_id"].isin(ids)]["statement"] if about(x, f.activity, ids, n_here)]
        planned_sub = bool(subs) and all(_PLANNED_ONLY.search(_sentence_of(_nfkc(c), ("代替", "代わり", "ビデオ", "オンライン", "書面", "電話")))
                                         for c in subs)
        prior_plan = any(v for i in ids for k, v in prior_only.get(i, {}).items() if same_activity(k, f.activity))
        out.append({"report": f.report, "row_nos": f.row_nos, "activity": f.activity, "initiative": f.initiative,
                    "two_years": bool(f.also_prior_year), "prior_unknown": bool(prior_plan) and not f.also_prior_year,
                    "substitute_planned": planned_sub,
                    "substitute": " ／ ".join(dict.fromkeys(_nfkc(c) for c in subs)),
                    "next_step": " ／ ".join(dict.fromkeys(steps)), "source_lines": f.source_lines,
                    "initiative_id": f.initiative_id})
    cols = ["report", "row_nos", "activity", "initiative", "two_years", "prior_unknown", "substitute_planned", "substitute",
            "next_step", "source_lines", "initiative_id"]
    return pd.DataFrame(out, columns=cols)


#: a substitute stated as a plan only: 「代わりに、感染症等に関する参考資料の配布を予定している」 (lines 1036–1037)
_PLANNED_ONLY = re.compile(r"予定(?:している|です)?。?$|予定。?$")


def _sentence_of(text: str, words) -> str:
    """The sentence of ``text`` holding the first of ``words`` (the clause may hold several sentences)."""
    for sent in re.split(r"(?<=。)", text):
        if any(w in sent for w in words):
            return sent.strip()
    return text.strip()


# --- printed cancellation counts against plan and result -----------------------------------------------

def cancellation_check(tables) -> pd.DataFrame:
    """Every printed count of cancelled sessions set against the row's plan and result for that activity.

    plan − cancelled = held is the check. A count computed from its own clause (全6回中２回実施後中止:
    6 − 2 = 4) is ``derived`` and agrees by construction, so it is not evidence; only printed counts
    are checked (``check`` = agrees / differs / derived / no_plan). 「BP　第4期中止」 (line 75) cancels one
    course: BP's 回 count courses (期; one 期 is 6 sessions, line 76), so plan 4 − 1 = 3 is checked against
    the result (row 2 prints 4回, line 66; row 5 3回, line 153). （再掲） duplicates are kept: their
    figures are the report's own second version (row 5: 32回 + 中止22回 = 54, the plan; lines 144, 151, 161).

    Returns:
        report, row_no, is_duplicate, activity, sessions_cancelled, derived, plan_value, result_value,
        plan_minus_cancelled, check, source_lines, initiative_id.
    """
    ini = tables.initiatives
    ev = covid_events(ini, tables.source_lines)
    dec = relisted_decisions(ini, tables.departments)
    dups = set(dec.loc[dec["decision"] == "duplicate", "relisted_id"])
    tr = tables.trends[tables.trends["unit"] == "回"]
    ry = ev["initiative_id"].map(ini.set_index("initiative_id")["result_year"])
    rows = []
    # 「BP　第4期中止」 (line 75): one course (期) of a 回 count that counts courses cancelled
    course = ev["sessions_cancelled"].isna() & (ev["what"] == "cancelled") \
        & ev["timing"].fillna("").astype(str).str.fullmatch(r"第\d+期")
    for e in ev[(ev["sessions_cancelled"].notna() | course) & (ev["fiscal_year"] == ry)].itertuples():
        per_course = pd.isna(e.sessions_cancelled)
        if per_course:
            e = e._replace(sessions_cancelled=len(str(e.timing).split("・")))
        act = e.activity.split(" ")[0] if e.activity else ""
        cand = tr[tr["initiative_id"] == e.initiative_id]
        match = cand[cand["indicator"].map(lambda x, a=act: same_activity(x, a))] if act else cand
        m = match.iloc[0] if len(match) == 1 else None
        derived = bool(e.cancelled_derived)
        plan = e.sessions_planned if derived else (None if m is None else m["plan_value"])
        held = e.sessions_held if derived else (None if m is None else m["result_value"])
        diff = None if plan is None or pd.isna(plan) else float(plan) - float(e.sessions_cancelled)
        check = "derived" if derived else "no_plan" if diff is None or held is None or pd.isna(held) \
            else "agrees" if diff == float(held) else "differs"
        rows.append({"report": e.report, "row_no": e.row_no, "is_duplicate": e.initiative_id in dups,
                     "activity": e.activity or (m["indicator"] if m is not None and isinstance(m["indicator"], str) else e.initiative), "sessions_cancelled": int(e.sessions_cancelled),
                     "cancelled_text": f"{e.timing}中止（{e.sessions_cancelled}期）" if per_course else f"中止{e.sessions_cancelled}回",
                     "derived": derived, "plan_value": plan, "result_value": held, "plan_minus_cancelled": diff,
                     "check": check, "source_lines": e.source_lines, "initiative_id": e.initiative_id})
    cols = ["report", "row_no", "is_duplicate", "activity", "sessions_cancelled", "cancelled_text", "derived", "plan_value",
            "result_value", "plan_minus_cancelled", "check", "source_lines", "initiative_id"]
    out = pd.DataFrame(rows, columns=cols)
    for c in ("plan_value", "result_value", "plan_minus_cancelled"):
        out[c] = out[c].astype("Float64")
    return out


# --- the query list ------------------------------------------------------------------------------------

def _lines_of(tables, rid, indicator=None, periods=("prior", "plan", "result")) -> list[int]:
    m = tables.metrics[(tables.metrics["initiative_id"] == rid) & tables.metrics["period"].isin(periods)]
    if indicator is not None:
        m = m[m["indicator"].map(lambda x: same_activity(x, indicator) or x == indicator)]
    return sorted(set(m["source_line"].dropna().astype(int)))


def _fmt_lines(lines) -> str:
    return ", ".join(f"L{n}" for n in sorted(set(int(x) for x in lines)))


def ward_queries(tables) -> pd.DataFrame:
    """Questions for the ward: what the report cannot settle, each with its lines and the 課 to ask.

    Built from the rules, not typed: a （再掲） row whose figures differ from its original and the
    printed cancellation counts of that activity (:func:`cancellation_check`); rows printing the
    same activity with different grades (:func:`helpers.analyse.overview.same_figures_different_grades`);
    results delivered in another form, only scheduled, or over part of a year
    (:func:`helpers.analyse.analysis.indicator_status`); plan numbers no result answers; session totals
    the report does not print (各館); rows graded A whose measured achievement is below the legend's C
    threshold; and the report's own context note (警報以上の発令月) that names no cause.

    Returns:
        report, query_no, row_nos (``・``-joined), text_lines (``L<n>``), departments, topic, finding (what the report
        prints), question (to ask the 課), rule (which rule surfaced it).
    """
    from .overview import same_figures_different_grades
    from .events import alert_note

    ini = tables.initiatives
    by_id = ini.set_index("initiative_id")
    rid_of = ini.set_index(["report", "row_no"])["initiative_id"]
    depts = _departments(tables)
    queries: list[dict] = []

    def add(report, rows, lines, topic, finding, question, rule):
        ids = [rid_of.get((report, int(r))) for r in rows]
        d = "・".join(dict.fromkeys(x for i in ids if i is not None for x in str(depts.get(i, "")).split("・") if x))
        queries.append({"report": report, "row_nos": "・".join(str(int(r)) for r in sorted(set(rows))),
                        "text_lines": _fmt_lines(lines), "departments": d, "topic": topic, "finding": finding,
                        "question": question, "rule": rule})

    dec = relisted_decisions(ini, tables.departments)
    check = cancellation_check(tables)
    pairs = same_figures_different_grades(tables)
    # 1. every activity a （再掲） duplicate prints with other figures, with the printed cancellations of it
    conflicts = relisted_figure_conflicts(tables, dec)
    tr = tables.trends
    for (oid, rid_, _), cg in conflicts.groupby(["original_id", "relisted_id", conflicts["activity"].map(activity_key)],
                                                sort=False):
        d = dec[(dec["original_id"] == oid) & (dec["relisted_id"] == rid_)].iloc[0]
        report = by_id.at[oid, "report"]
        act = str(cg["activity"].iloc[0]).split("(")[0].split("（")[0].strip() or str(cg["activity"].iloc[0])
        same_act = pairs[(pairs["report"] == report) & pairs["shared"].str.contains(activity_key(act), regex=False)
                         & ((pairs["row_a"] == d.original_row) | (pairs["row_b"] == d.original_row))]
        others = sorted(set(same_act["row_a"]) | set(same_act["row_b"]) - {d.original_row})
        ck = check[(check["report"] == report) & check["activity"].map(lambda x, a=act: same_activity(x, a)) & ~check["derived"]]
        rows = [d.original_row, d.relisted_row, *others, *ck["row_no"]]
        lines = _lines_of(tables, oid, act, ("result",)) + _lines_of(tables, rid_, act, ("result",))
        lines += [int(x) for s_ in ck["source_lines"] for x in str(s_).split(",")]
        for o in others:
            lines += _lines_of(tables, rid_of[(report, o)], act, ("result",))
        res = {r: tr[(tr["initiative_id"] == rid_of[(report, r)]) & tr["indicator"].map(lambda x, a=act: same_activity(x, a))]
               for r in sorted(set(rows))}
        fig = {r: "・".join(f"{v:g}{u}" for v, u in zip(g["result_value"], g["unit"]) if pd.notna(v)) for r, g in res.items()}
        ck_txt = "、".join(f"No.{c.row_no} {c.cancelled_text}（計画 {c.plan_value:g} − {c.sessions_cancelled} = "
                          f"{c.plan_minus_cancelled:g}、実績 {c.result_value:g}回: {'合う' if c.check == 'agrees' else '合わない'}）"
                          for c in ck.itertuples() if pd.notna(c.plan_value))
        finding = ("；".join(f"No.{r} {act} {fig[r]}（評価 {by_id.at[rid_of[(report, r)], 'grade']}）" for r in sorted(fig) if fig[r])
                   + (f"。{ck_txt}。" if ck_txt else "。"))
        agree = ck[ck["check"] == "agrees"]["row_no"].tolist()
        question = (f"{act}の実績はどちらが確定値か（No.{d.relisted_row} の版だけが中止回数と合う）。"
                    if set(agree) == {d.relisted_row} else f"{act}の実績の確定値と、中止回数の数え方（期間・対象）は何か。")
        question += "同じ数字に違う評価が付いている理由は何か。" if others else ""
        add(report, rows, lines, f"{act}の実績と中止回数（再掲と元の行の食い違い）", finding, question, "relisted_figures_differ")
    # 2. the same activity with the same figures and different grades (not already asked above)
    asked = {int(r) for q in queries for r in q["row_nos"].split("・")}
    for p in pairs.itertuples():
        if p.row_a in asked and p.row_b in asked:
            continue
        ra, rb = rid_of[(p.report, p.row_a)], rid_of[(p.report, p.row_b)]
        act = p.shared.split(" ")[0]
        lines = _lines_of(tables, ra, act, ("plan", "result")) + _lines_of(tables, rb, act, ("plan", "result"))
        finding = (f"No.{p.row_a}（評価 {p.grade_a}、{p.items_a}項目）と No.{p.row_b}（評価 {p.grade_b}、{p.items_b}項目）が"
                   f"同じ「{p.shared}」を印刷。共通は {p.shared_items} 項目。")
        add(p.report, [p.row_a, p.row_b], lines, f"{act}: 同じ数字で評価が違う", finding,
            f"同じ{act}の結果に {p.grade_a} と {p.grade_b} が付いた理由は何か（同じ活動か、別の取り組みとして評価したのか）。",
            "same_figures_different_grades")
    # 3. statuses: changed format, scheduled, part of a year
    st = indicator_status(tables)
    counted = set(_counted(tables)["initiative_id"])
    st = st[st["initiative_id"].isin(counted)]
    words = {
        "changed_format": ("形を変えて実施（数え方が変わった）", "{act}は何回（何件）実施したか。人数は前年度の集団講座の人数と比べられるか。"),
        "scheduled": ("実績が予定のみ", "{act}は予定どおり実施したか。実施した場合の回数・人数は。評価はその予定を実施済みとして付けたか。"),
    }
    for (rid, kind), g in st[st["status"].isin(list(words))].groupby(["initiative_id", "status"], sort=False):
        act = g["indicator"].dropna().iloc[0] if g["indicator"].notna().any() else by_id.at[rid, "initiative"]
        lines = _lines_of(tables, rid, act, ("plan", "result"))
        src = tables.source_lines
        cell = src[(src["initiative_id"] == rid) & src["field"].isin(["result_text", "comment"])
                   & src["text"].map(lambda x, a=act: activity_key(a)[:4] in activity_key(x) or "予定" in _nfkc(x))]
        lines += cell["line_no"].astype(int).tolist()
        res = "・".join(f"{v:g}{u}" + ("（予定）" if kind == "scheduled" else "")
                       for v, u in zip(g["result_value"], g["unit"]) if pd.notna(v)) or "数値なし"
        plan = "・".join(f"{v:g}{u}" for v, u in zip(g["plan_value"], g["unit"]) if pd.notna(v)) or "数値なし"
        add(by_id.at[rid, "report"], [by_id.at[rid, "row_no"]], lines, f"{act}: {words[kind][0]}",
            f"計画 {plan}、実績 {res}（評価 {by_id.at[rid, 'grade']}）。", words[kind][1].format(act=act), kind)
    for rid, g in st[st["period_differs"]].groupby("initiative_id", sort=False):
        act = g["indicator"].iloc[0]
        prior_lines = _lines_of(tables, rid, act, ("prior",))
        lines = [n + k for n in prior_lines for k in (-1, 0, 1)] + _lines_of(tables, rid, act, ("result",))
        r = g.iloc[0]
        add(by_id.at[rid, "report"], [by_id.at[rid, "row_no"]], lines, "前年度と実績で期間が違う",
            f"前年度 {r.prior_value:g}{r.unit}（年度の一部）、実績 {r.result_value:g}{r.unit}。",
            "実績の人数はいつからいつまでの期間か。月あたり・回あたりの参加者数は前年度と比べてどうか。", "period_differs")
    # 4. plan numbers that no result number answers, and totals the report does not print
    ach = indicator_achievement_unmatched(tables)
    for rid, g in ach.groupby("initiative_id", sort=False):
        if rid not in counted:
            continue
        act = g["indicator"].iloc[0]
        mine = tables.metrics[tables.metrics["initiative_id"] == rid]
        res = mine[mine["period"] == "result"]
        plan = mine[(mine["period"] == "plan") & (mine["indicator"] == act) & mine["value"].notna()]
        plan_text = (_amount_text(plan.iloc[0]) if len(plan)
                     else f"{g['plan_value'].iloc[0]:g}{g['unit'].iloc[0]}")
        add(by_id.at[rid, "report"], [by_id.at[rid, "row_no"]], _lines_of(tables, rid, None, ("plan", "result")),
            "計画の数値と実績が対応しない",
            f"計画「{act} {plan_text}」、実績 "
            + "・".join(f"{x.indicator or ''} {_amount_text(x)}" for x in res.itertuples() if pd.notna(x.value)) + "。",
            "実績のどの数値が計画のどの項目に当たるか（計画は何件・何地区を対象にしていたか）。", "plan_unmatched")
    tot = session_totals(tables.metrics)
    asked = {(q["report"], q["row_nos"]) for q in queries}
    for rid, g in tot[tot["sessions"].isna() & tot["note"].str.contains("各")].groupby("initiative_id", sort=False):
        if rid not in counted or (by_id.at[rid, "report"], str(by_id.at[rid, "row_no"])) in asked:
            continue  # 各地区保健会で… (line 903): already asked as a plan no result answers
        add(by_id.at[rid, "report"], [by_id.at[rid, "row_no"]], _lines_of(tables, rid, None, ("plan", "result")),
            "回数の合計が出せない（各）", g["note"].iloc[0] + "。", "対象の館（地区）の数と、合計の開催回数は。", "each_unknown")
    # 5. an A on a row whose measured achievement is below the legend's C threshold
    audit = measured_achievement(tables)
    audit = audit[audit["initiative_id"].isin(counted) & (audit["status"] == "measured")]
    low = audit[(audit["grade"] == "A") & (audit["rubric_grade"] == "D")]
    for r in low.itertuples():
        rid = r.initiative_id
        add(r.report, [r.row_no], _lines_of(tables, rid, None, ("plan", "result")), "A の根拠（計画の数値は未達）",
            f"計画の数値がある {r.items_measured} 項目（全 {r.items} 項目中）の達成率 {r.mean_achievement:.0%}、評価 A。",
            "A は数値のない他の項目の実績で付けたのか。どの項目をどう評価したか。", "a_below_legend")
    # 6. the context note of the timeline
    for n in alert_note(ini, tables.source_lines).itertuples():
        add(n.report, [n.row_no], [int(x) for x in str(n.source_lines).split(",") if x],
            "備考「警報以上の発令月」の意味", f"No.{n.row_no}（{by_id.at[rid_of[(n.report, n.row_no)], 'initiative']}）の備考: {n.printed_note}。原因は書かれていない。",
            "何の警報か（気象警報か、新型コロナの警戒レベルか）。防災訓練の実施率とどう関係するか。", "context_note")
    out = pd.DataFrame(queries, columns=["report", "row_nos", "text_lines", "departments", "topic", "finding", "question", "rule"])
    out.insert(1, "query_no", out.groupby("report").cumcount() + 1)
    return out.reset_index(drop=True)


#: qualifiers printed after an amount that change what it says (at least, about, planned …): quoted with it
_AFTER = ("以上", "以下", "未満", "程度", "強", "弱", "予定", "見込み")


def _amount_text(m) -> str:
    """An amount of ``metrics`` as quoted in a query: value, unit and a qualifier printed after it.

    >>> import pandas as pd
    >>> _amount_text(pd.Series({"value": 1.0, "unit": "回", "qualifier": "以上"}))  # L903「1回以上実施」
    '1回以上'
    >>> _amount_text(pd.Series({"value": 11.0, "unit": "回", "qualifier": None}))  # L906「各地区学習会　11回」
    '11回'
    """
    q = getattr(m, "qualifier", None)
    return f"{m.value:g}{m.unit}" + (str(q) if isinstance(q, str) and q in _AFTER else "")


def indicator_achievement_unmatched(tables) -> pd.DataFrame:
    """Planned indicators that no result number answers (``unmatched`` in :func:`indicator_achievement`)."""
    from .analysis import indicator_achievement

    ia = indicator_achievement(tables)
    return ia[ia["unmatched"]]
