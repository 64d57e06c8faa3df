"""The master table: one row per initiative with everything a reviewer checks side by side.

:func:`initiatives_overview` joins the printed row (grade, comment, departments, source lines), the
measured plan achievement over all units (:func:`helpers.analyse.analysis.measured_achievement`, missing
results counted as 0), sessions planned vs held (unit 回), the COVID events of the result year
(:func:`helpers.analyse.events.covid_events`) and the per-row （再掲） decision
(:func:`helpers.analyse.analysis.relisted_decisions`).

:func:`same_figures_different_grades` finds rows that print the same activity with the same plan and
result but carry different grades; :func:`low_grade_reasons` lists every C/D row with its stated
reason (the comment, as printed).
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from .analysis import activity_key, indicator_status, measured_achievement, relisted_decisions, row_items, session_totals
from .events import covid_events

__all__ = ["OVERVIEW_COLUMNS", "initiatives_overview", "same_figures_different_grades", "low_grade_reasons"]

OVERVIEW_COLUMNS = [
    "report", "row_no", "section_no", "field_plan", "objective", "initiative", "departments", "grade",
    "is_relisted", "relisted_decision", "counts_as_initiative", "prior_year", "result_year", "result_status",
    "planned_indicators", "indicators_with_result", "indicators_without_result", "indicators_changed_format",
    "indicators_scheduled", "items", "items_measured",
    "achievement_status", "mean_achievement", "rubric_grade", "grade_agrees", "sessions_planned", "sessions_held",
    "sessions_scheduled", "sessions_note", "covid_events", "cancelled", "not_held",
    "scheduled_only", "postponed", "closed", "reduced", "adapted", "mentions_covid", "comment",
    "source_first_line", "source_last_line", "initiative_id",
]

_KINDS = ["cancelled", "not_held", "scheduled_only", "postponed", "closed", "reduced", "adapted"]


def initiatives_overview(tables) -> pd.DataFrame:
    """One row per printed table row of every report in ``tables`` (a :class:`helpers.present.tables.CleanTables`).

    ``counts_as_initiative`` is False only for （再掲） rows that repeat their original; event flags
    refer to the result year (prior-year notes are in the events table, not here).

    >>> from helpers import load_tables
    >>> ov = initiatives_overview(load_tables()).set_index("row_no")
    >>> r = ov.loc[30]  # line 769 "８回　48人 12回　72人 0回 D", line 772 "開催なし"
    >>> (r.grade, int(r.sessions_planned), int(r.sessions_held), r.covid_events)
    ('D', 12, 0, 'not_held')
    """
    ini = tables.initiatives
    decisions = relisted_decisions(ini, tables.departments)
    ach = measured_achievement(tables)
    events = covid_events(ini, tables.source_lines)
    ev = events[events["fiscal_year"] == events["initiative_id"].map(ini.set_index("initiative_id")["result_year"])]
    depts = tables.departments.groupby("initiative_id", sort=False)["department"].agg("・".join)
    # sessions: every 回 amount of the cell, 各 multiplied, うち subsets and 予定 apart (session_totals)
    st = indicator_status(tables)
    later = st[st["scheduled_by_comment"] != ""]
    tot = session_totals(tables.metrics, scheduled_items=list(zip(later["initiative_id"], later["indicator"])))
    plan_s = tot[tot["period"] == "plan"].set_index("initiative_id")
    res_s = tot[tot["period"] == "result"].set_index("initiative_id")

    out = ini[["report", "row_no", "section_no", "field_plan", "objective", "initiative", "grade", "is_relisted",
               "prior_year", "result_year", "result_status", "comment", "source_first_line", "source_last_line",
               "initiative_id"]].copy()
    out["grade"] = out["grade"].astype(str)
    out["departments"] = out["initiative_id"].map(depts).fillna("")
    dec = decisions.set_index("relisted_id")["decision"]
    out["relisted_decision"] = out["initiative_id"].map(dec).fillna("")
    out["counts_as_initiative"] = out["relisted_decision"] != "duplicate"
    a = ach.set_index("initiative_id")
    out["planned_indicators"] = out["initiative_id"].map(a["planned"]).fillna(0).astype(int)
    out["indicators_with_result"] = out["initiative_id"].map(a["with_result"]).fillna(0).astype(int)
    out["indicators_without_result"] = out["initiative_id"].map(a["without_result"]).fillna(0).astype(int)
    # a figure whose counting changed or that is only scheduled is marked beside the row's achievement
    out["indicators_changed_format"] = out["initiative_id"].map(a["changed_format"]).fillna(0).astype(int)
    out["indicators_scheduled"] = out["initiative_id"].map(a["scheduled_only"]).fillna(0).astype(int)
    out["mean_achievement"] = out["initiative_id"].map(a["mean_achievement"]).astype("Float64")
    out["rubric_grade"] = out["initiative_id"].map(a["rubric_grade"]).fillna("")
    out["grade_agrees"] = out["initiative_id"].map(a["agrees"].astype("boolean")).astype("boolean")
    out["items"] = out["initiative_id"].map(row_items(tables).set_index("initiative_id")["items"]).fillna(0).astype(int)
    out["items_measured"] = out["initiative_id"].map(a["items_measured"]).fillna(0).astype(int)
    out["achievement_status"] = out["initiative_id"].map(a["status"]).fillna("no_plan")
    out["sessions_planned"] = out["initiative_id"].map(plan_s["sessions"]).astype("Int64")
    out["sessions_held"] = out["initiative_id"].map(res_s["sessions"]).astype("Int64")
    out["sessions_scheduled"] = out["initiative_id"].map(res_s["scheduled"]).fillna(0).astype("Int64")
    # a result cell printing only 中止 / 未実施 (line 1015 "1回 1回 未実施") held none of its planned sessions
    res_m = tables.metrics[tables.metrics["period"] == "result"]
    only_cancelled = res_m.groupby("initiative_id")["qualifier"].agg(
        lambda q: bool(len(q)) and q.astype("string").isin(["中止", "未実施"]).all())
    none_held = out["sessions_held"].isna() & out["sessions_planned"].notna() \
        & out["initiative_id"].map(only_cancelled).fillna(False).astype(bool)
    out.loc[none_held, "sessions_held"] = 0
    notes = {rid: "；".join(n for n in (plan_s["note"].get(rid, ""), res_s["note"].get(rid, "")) if n)
             for rid in out["initiative_id"]}
    out["sessions_note"] = out["initiative_id"].map(notes).fillna("")
    kinds = ev.groupby("initiative_id")["what"].agg(lambda s: set(s))
    for k in _KINDS:
        out[k] = out["initiative_id"].map(lambda rid, k=k: k in kinds.get(rid, set()))
    out["covid_events"] = out["initiative_id"].map(
        lambda rid: "・".join(k for k in _KINDS if k in kinds.get(rid, set())))
    mentions = ini.set_index("initiative_id")[["prior_text", "result_text", "comment", "remarks"]].fillna("")
    covid = mentions.apply(lambda r: any(w in "".join(r) for w in ("コロナ", "感染")), axis=1)
    out["mentions_covid"] = out["initiative_id"].map(covid).astype(bool)
    out["comment"] = out["comment"].fillna("")
    return out[OVERVIEW_COLUMNS].sort_values(["report", "row_no"], kind="stable").reset_index(drop=True)


def _norm(text) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text)).split()) if isinstance(text, str) else ""


def same_figures_different_grades(tables) -> pd.DataFrame:
    """Pairs of rows (same report, neither a duplicate （再掲）) printing an activity with the same plan
    and result entry but graded differently.

    Result entries are compared as printed amounts (value and unit) or as printed qualifiers
    (中止, 未実施); the label is compared after NFKC without spaces.

    A shared entry says little until it is set against what else each row reports: ``shared_items``
    (activities in common), ``items_a`` / ``items_b`` (activities each row prints, :func:`row_items`)
    and their shares. Row 13 prints three items and row 18 one; they share one (関係機関合同研修会 中止,
    lines 371–373, 458): row 13 met its other two. ``same_items`` is True only when both rows print
    the same activities and nothing else — only then do two grades grade the same evidence.

    Returns:
        report, row_a, row_b, grade_a, grade_b, shared (the shared entries, ``；``-joined), shared_items,
        items_a, items_b, share_a, share_b, same_items, initiative_a, initiative_b.
    """
    ini = tables.initiatives
    dup = relisted_decisions(ini, tables.departments)
    dup_ids = set(dup.loc[dup["decision"] == "duplicate", "relisted_id"])
    m = tables.metrics[~tables.metrics["initiative_id"].isin(dup_ids)]
    m = m[m["indicator"].notna()]
    res = m[m["period"] == "result"].copy()
    plan = m[m["period"] == "plan"].copy()
    for df in (res, plan):
        df["key"] = df["indicator"].map(_norm) + "|" + df["unit"].fillna("").astype(str)
        df["entry"] = df["value"].map(lambda v: "" if pd.isna(v) else f"{float(v):g}") + df["unit"].fillna("").astype(str) \
            + df["qualifier"].fillna("").astype(str)
    plan_entry = plan.groupby(["initiative_id", "key"])["entry"].first()
    res["plan_entry"] = [plan_entry.get((r, k), "") for r, k in zip(res["initiative_id"], res["key"])]
    res["sig"] = res["indicator"].map(_norm) + " " + res["plan_entry"].where(res["plan_entry"] == "", res["plan_entry"] + "→") + res["entry"]
    grade = ini.set_index("initiative_id")["grade"].astype(str)
    row = ini.set_index("initiative_id")["row_no"]
    name = ini.set_index("initiative_id")["initiative"]
    rep = ini.set_index("initiative_id")["report"]
    pairs: dict[tuple[str, str], list[str]] = {}
    for (_, sig), grp in res.groupby(["report", "sig"]):
        ids = sorted(set(grp["initiative_id"]), key=lambda i: row[i])
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                if grade[a] != grade[b]:
                    pairs.setdefault((a, b), []).append(sig)
    items = row_items(tables).set_index("initiative_id")["items"]
    sig_activity = dict(zip(res["sig"], res["indicator"].map(activity_key)))
    out = []
    for (a, b), s in pairs.items():
        shared_items = len(set(sig_activity[x] for x in s))
        ia, ib = int(items.get(a, shared_items)), int(items.get(b, shared_items))
        out.append({"report": rep[a], "row_a": int(row[a]), "row_b": int(row[b]), "grade_a": grade[a], "grade_b": grade[b],
                    "shared": "；".join(sorted(set(s))), "shared_items": shared_items, "items_a": ia, "items_b": ib,
                    "share_a": round(shared_items / ia, 4), "share_b": round(shared_items / ib, 4),
                    "same_items": shared_items == ia == ib, "initiative_a": name[a], "initiative_b": name[b]})
    cols = ["report", "row_a", "row_b", "grade_a", "grade_b", "shared", "shared_items", "items_a", "items_b", "share_a",
            "share_b", "same_items", "initiative_a", "initiative_b"]
    return pd.DataFrame(out, columns=cols).sort_values(["report", "row_a", "row_b"]).reset_index(drop=True)


def low_grade_reasons(overview: pd.DataFrame, *, duplicates: bool = False) -> pd.DataFrame:
    """Every C/D initiative with its stated reason (the comment as printed), its events and measured achievement.

    One rule for duplicates everywhere: a （再掲） row that repeats its original (``counts_as_initiative``
    False) is left out unless ``duplicates=True``, as in every count of initiatives (notebooks 03, 04).
    """
    low = overview[overview["grade"].isin(["C", "D"]) & (overview["counts_as_initiative"] | duplicates)]
    cols = ["report", "row_no", "grade", "initiative", "departments", "mean_achievement", "rubric_grade", "covid_events",
            "relisted_decision", "comment", "source_first_line", "source_last_line"]
    return low[cols].reset_index(drop=True)
