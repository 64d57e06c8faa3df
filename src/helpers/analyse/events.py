"""COVID impact as events: what happened to which activity, in which fiscal year, on which line.

Keyword counts (``helpers.analyse.analysis.covid_impact``) say *that* a row mentions 中止; an analyst needs
*what* was cancelled, how many sessions, in which year. :func:`covid_events` reads the period cells,
the comment and the remarks of every row clause by clause and returns one row per event:

``activity``
    the activity named next to the keyword (NFKC, e.g. ``NP 第2期``), '' when the text names none
    (then the row's initiative is the activity).
``what``
    ``cancelled`` (中止), ``postponed`` (延期), ``closed`` (休館), ``suspended`` (自粛, and N月から再開: suspended until then),
    ``not_held`` (0回 / 開催なし / 未実施), ``scheduled_only`` (（予定） / 開催予定 in the result
    column: not held when the report was written), ``reduced`` (縮小 / 短縮 / 各N回の開催) or ``adapted``
    (オンライン, 書面, 電話, ビデオ, 予約制, 個別相談に変更, 代替, 代わり, 工夫).
``fiscal_year``
    the year of the column the text stands in (a note in the prior-year cell is a prior-year
    event); the comment and remarks belong to the result year.

Sessions are filled only where printed in the same clause (中止22回, 全6回中２回実施後中止,
を１回中止, 0回). Events about the same activity, year and kind found in a cell and again in the
comment are merged (their source lines joined). Nothing is inferred from the absence of a keyword.

>>> [(e["what"], e["activity"], e["sessions_cancelled"]) for e in extract_events("子育て広場　中止22回")]
[('cancelled', '子育て広場', 22)]
>>> e = extract_events("NP　第２期全6回中２回実施後中止（８人参加）")[0]
>>> e["activity"], e["sessions_planned"], e["sessions_held"], e["sessions_cancelled"]
('NP 第2期', 6, 2, 4)
>>> [(e["what"], e["activity"]) for e in extract_events("コロナ禍により、育児相談会を１回中止、電話で相談対応。")]
[('cancelled', '育児相談会'), ('adapted', '電話')]
>>> [(e["what"], e["timing"]) for e in extract_events("コロナ禍による休館（9/3～9/16、1/21～3/6）あり。")]
[('closed', '9/3～9/16、1/21～3/6')]
>>> alert_months("警報以上の発令月4～６，8～10，1～3")
[4, 5, 6, 8, 9, 10, 1, 2, 3]
"""

from __future__ import annotations

import itertools
import re
import unicodedata

import pandas as pd

__all__ = ["EVENT_KINDS", "extract_events", "covid_events", "alert_months", "alert_note", "fully_cancelled",
           "event_months", "VAGUE_ACTIVITY", "is_vague_activity"]

#: event kinds, in the order used by tables and charts, with their Japanese label
EVENT_KINDS = {
    "cancelled": "中止", "not_held": "開催なし・未実施", "scheduled_only": "予定のみ（未開催）",
    "postponed": "延期", "closed": "休館", "suspended": "自粛・休止", "reduced": "縮小・短縮", "adapted": "工夫・代替",
}

# (kind, pattern) on NFKC text; the first group, when present, is the period or the number
_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("cancelled", re.compile(r"全(\d+)回中(\d+)回実施後中止")),
    ("cancelled", re.compile(r"中止(?:期間)?")),
    # 開催なし, 未実施, 0回; an activity the text says could not be done: 「立ち上げ支援の周知ができなかった」 (L1061–1062)
    ("not_held", re.compile(r"開催なし|未実施|(?<![\d.])0回|(?<=周知|開催|実施|訪問|活動)(?:が|は)?できなかった")),
    ("scheduled_only", re.compile(r"\(予定\)|開催予定")),
    ("postponed", re.compile(r"延期")),
    ("closed", re.compile(r"休館")),
    # 自粛; 「6月から再開」 (L740): the activity was suspended until that month
    ("suspended", re.compile(r"自粛|(?<=\d月)から再開")),
    ("reduced", re.compile(r"縮小|短縮|各(\d+)回の開催")),  # 各1回の開催: fewer sessions than planned
    # … 「地区の状況に合わせて事業を実施」 (L912): the form adapted to the situation, like 工夫
    ("adapted", re.compile(r"オンライン|書面|電話|ビデオ|予約制|個別相談に変更|代替|代わり|工夫|状況に合わせて")),
]
_COVID = re.compile(r"コロナ|感染")
_LEAD = re.compile(r"^(?:コロナ禍(?:による|により|の影響で|の影響により|もあり)?|新型コロナウイルス|[、,・\s])+")
_TRAIL = re.compile(r"(?:の開催|開催|を|が|は|も|として|としては|となり|の|、|,|\s)+$")
_MONTHS = re.compile(r"(?:R\d+\.\d+以降|\d+月(?:末)?(?:から\d+月末?)?|\d+/\d+～\d+/\d+(?:、\d+/\d+～\d+/\d+)*|第\d+期)")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _clauses(text: str, breaks: list[int] | None = None) -> list[tuple[int, str]]:
    """Split at 。 and at the given offsets (line starts of a period cell); keep start offsets.

    A break inside an open parenthesis is ignored (the note wraps onto the next line).
    """
    cuts = {m.end() for m in re.finditer("。", text)}
    for b in breaks or []:
        if text[:b].count("(") + text[:b].count("（") <= text[:b].count(")") + text[:b].count("）"):
            cuts.add(b)
    bounds = sorted({0, len(text), *cuts})
    return [(a, text[a:b]) for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]


def _activity(before: str) -> str:
    """The activity named in ``before`` (the clause up to a keyword), or '' when none is named."""
    # 関係機関合同研修会：コロナ禍により中止 / ウォーキング講座、糖尿病フォローアップ講座：中止
    label = re.search(r"([^。:：]+)[:：][^:：]*$", before)
    if label:
        return _clean(label.group(1))
    # 2月に研修会を予定していたが、…中止
    planned = re.search(r"([^、,。]+?)を予定していたが", before)
    if planned:
        return _clean(planned.group(1))
    # 新生児訪問（訪問自粛期間は… : the activity stands before the parenthesis
    if before.count("(") > before.count(")"):
        return _clean(before[:before.rindex("(")].split(",")[-1].split("、")[-1])
    # …育児相談会を１回中止 / 6月時の戸別訪問が中止 / 介護教室は中止
    obj = re.findall(r"([^、,。()]{2,}?)(?:を|が|は|としては)(?=[^をがは]*$)", before)
    if obj:
        return _clean(obj[-1])
    return _clean(before.split("、")[-1].split(",")[-1])


def _clean(text: str) -> str:
    text = re.sub(r"^.*(?:により|に伴い|の影響で|もあり)", "", text)
    text = _MONTHS.sub("", text)
    text = re.sub(r"\d+年連続|\d+回$", "", text.strip())
    text = re.sub(r"^.*?(?:時の|後に|に)(?=.{2,})", "", text) if re.match(r"^\d*(?:月|時)", text) or "後に" in text else text
    text = _LEAD.sub("", text)
    text = _TRAIL.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" 　、,。:：()")
    return text


def extract_events(text: str, breaks: list[int] | None = None) -> list[dict]:
    """Events in one cell's text (printed), in reading order; offsets refer to ``text``.

    >>> [(e["what"], e["activity"]) for e in extract_events("介護教室は中止")]
    [('cancelled', '介護教室')]
    >>> [(e["what"], e["activity"], e["timing"]) for e in extract_events("7月は中止，10月は２会場で実施")]
    [('cancelled', '', '7月')]
    >>> [(e["what"], e["sessions_held"]) for e in extract_events("0回")]
    [('not_held', 0)]
    >>> [e["what"] for e in extract_events("各組織が訓練規模の縮小、時間の短縮を行ったことで未達となった。")]
    ['reduced', 'reduced']
    """
    if not isinstance(text, str) or not text:
        return []
    norm = _nfkc(text)
    if len(norm) != len(text):  # keep offsets valid for mapping back to printed lines
        norm = text
    events = []
    for start, clause in _clauses(norm, breaks):
        found: list[tuple[str, re.Match]] = []
        for what, pat in _PATTERNS:
            for m in pat.finditer(clause):
                if not any(m2.start() < m.end() and m.start() < m2.end() for _, m2 in found):
                    found.append((what, m))
        found.sort(key=lambda x: x[1].start())
        prev_end = 0
        for what, m in found:
            planned = held = cancelled = None
            count_end = m.end()
            whole = m.re.pattern.startswith("全")
            if whole:
                planned, held = int(m.group(1)), int(m.group(2))
                cancelled = planned - held
            elif what == "cancelled":
                after = re.match(r"\s*(\d+)回", clause[m.end():])
                before = re.search(r"(\d+)回\s*$", clause[prev_end:m.start()])
                cancelled = int(after.group(1)) if after else int(before.group(1)) if before else None
                count_end = m.end() + after.end() if after else m.end()
            elif what == "not_held" and m.group(0).endswith("回"):
                held = 0
            elif what == "reduced" and m.group(1):
                held = int(m.group(1))
            seg_start = max(clause.rfind(c, 0, m.start()) for c in "、,。 ")
            before = clause[prev_end:m.start()] if what != "reduced" else re.split("[がは]", clause[seg_start + 1:m.start()])[-1]
            if what == "adapted":
                activities = [m.group(0)]
            elif whole and (prefix := re.search(r"(\S+)\s*(第\d+期)$", before.rstrip())):
                activities = [f"{prefix.group(1)} {prefix.group(2)}"]
            else:
                activities = [a.strip() for a in _activity(before).split("、")] or [""]
            if what != "adapted":
                prev_end = count_end if what == "cancelled" and not whole else m.end()
            seg_end = min([i for i in (clause.find(c, m.end()) for c in "、,。 ") if i >= 0] or [len(clause)])
            period = _MONTHS.findall(clause[seg_start + 1: seg_end])
            timing_of = "event" if period else ""
            planned_for = re.search(r"予定していたが", clause[:m.start()])
            if not period and what != "adapted" and planned_for:
                # 2月に研修会を予定していたが、…中止 (line 1035): the month the cancelled activity was planned for
                period = _MONTHS.findall(clause[:planned_for.start()])
                timing_of = "planned" if period else ""
            if what == "suspended" and m.group(0) == "から再開":
                # 6月から再開 (line 740): suspended *until* that month; the month is when it resumed
                month = re.search(r"(\d+月)$", clause[:m.start()])
                period, timing_of = [f"{month.group(1)}から再開"] if month else [], "resumed"
            paren = re.search(r"\(([^()]*\d+/\d+[^()]*)\)", clause[m.end():])
            if what == "closed" and paren:
                period = [text[start + m.end() + paren.start(1): start + m.end() + paren.end(1)]]
                timing_of = "event"
            for activity in activities:
                events.append({
                    "what": what, "activity": activity, "keyword": text[start + m.start(): start + m.end()],
                    "sessions_planned": planned, "sessions_held": held, "sessions_cancelled": cancelled,
                    "timing": "・".join(dict.fromkeys(period)), "timing_of": timing_of,
                    "cancelled_derived": whole, "covid_stated": bool(_COVID.search(clause)),
                    "offset": start + m.start(), "clause": text[start: start + len(clause)].strip(),
                })
    return sorted(events, key=lambda e: e["offset"])


_FIELDS = {"prior_text": "prior", "result_text": "result", "comment": "result", "remarks": "result"}


def _line_of(lines: list[tuple[int, str]], offset: int) -> int | None:
    pos = 0
    for line_no, text in lines:
        pos += len(text)
        if offset < pos:
            return line_no
    return lines[-1][0] if lines else None


def covid_events(initiatives: pd.DataFrame, source_lines: pd.DataFrame) -> pd.DataFrame:
    """One row per event over every row of every report (see the module docstring).

    Columns: report, row_no, initiative, is_relisted, fiscal_year, status (actual / estimate of that
    column), what, what_ja, activity, sessions_planned, sessions_held, sessions_cancelled, cancelled_derived
    (True when the count is not printed but computed: 全6回中２回実施後中止 → 6 − 2 = 4), timing (when, as
    printed), timing_of (``event``: when it happened; ``planned``: the month the cancelled activity was
    planned for, ``2月に研修会を予定していたが…中止``; '' when no month is named), covid_stated (the
    clause names コロナ/感染), row_mentions_covid (the row names them anywhere: an event of a row that
    never does has no stated COVID cause), field, source_lines (line numbers joined by ``,``), clause
    (as printed), initiative_id.
    """
    cells = source_lines[source_lines["role"] == "cell"].sort_values(["line_no", "part"])
    lines_of: dict[tuple, list[tuple[int, str]]] = {}  # (initiative_id, field) → its lines in order: one pass, no groupby
    for rid, field, no, text in zip(cells["initiative_id"].tolist(), cells["field"].tolist(),
                                    cells["line_no"].astype(int).tolist(), cells["text"].tolist()):
        if not (pd.isna(rid) or pd.isna(field)):  # as groupby's groups: a missing key is no group
            lines_of.setdefault((rid, field), []).append((no, text))
    rows = []
    for rec in initiatives.to_dict("records"):
        mentions = any(isinstance(rec[f], str) and _COVID.search(rec[f]) for f in _FIELDS)
        found = []
        for field, period in _FIELDS.items():
            if field == "remarks" and isinstance(rec[field], str) and "警報" in rec[field]:
                continue  # the alert note is context of the timeline (alert_note), not an event
            numbered = lines_of.get((rec["initiative_id"], field), [])
            breaks = list(itertools.accumulate(len(t) for _, t in numbered))[:-1] if field.endswith("_text") else None
            for e in extract_events(rec[field], breaks):
                e["field"], e["period_col"] = field, period
                e["line"] = _line_of(numbered, e["offset"])
                found.append(e)
        found = _merge(found)
        # a result-year adaptation in a row whose result is only scheduled describes the session already
        # held, when the prior-year cell prints the same adaptation: 講演会 「会場とオンラインで開催」 (L782,
        # FY2020) and 「…オンラインでも受講できるようにして開催」 (L785–786) while the FY2021 講演会 is
        # 「3月27日に開催予定」 (L784): one FY2020 event, not a FY2021 one
        if any(e["what"] == "scheduled_only" and e["period_col"] == "result" for e in found) and not any(
                e["period_col"] == "result" and e["what"] not in ("scheduled_only", "adapted") for e in found):
            prior_adapted = {e["activity"]: e for e in found if e["period_col"] == "prior" and e["what"] == "adapted"}
            kept = []
            for e in found:
                same = prior_adapted.get(e["activity"]) if e["period_col"] == "result" and e["what"] == "adapted" else None
                if same is not None:
                    same["lines"] = sorted(set(same["lines"]) | set(e["lines"]))
                else:
                    kept.append(e)
            found = kept
        for e in found:
            year = rec["prior_year"] if e["period_col"] == "prior" else rec["result_year"]
            status = rec["prior_status"] if e["period_col"] == "prior" else rec["result_status"]
            rows.append({
                "report": rec["report"], "row_no": rec["row_no"], "initiative": rec["initiative"],
                "is_relisted": rec["is_relisted"], "fiscal_year": year, "status": status, "what": e["what"],
                "what_ja": EVENT_KINDS[e["what"]], "activity": e["activity"] or "",
                "sessions_planned": e["sessions_planned"], "sessions_held": e["sessions_held"],
                "sessions_cancelled": e["sessions_cancelled"], "cancelled_derived": e["cancelled_derived"],
                "timing": e["timing"], "timing_of": e["timing_of"], "covid_stated": e["covid_stated"], "row_mentions_covid": bool(mentions), "field": e["field"],
                "source_lines": ",".join(str(n) for n in e["lines"]), "clause": e["clause"],
                "initiative_id": rec["initiative_id"],
            })
    out = pd.DataFrame(rows, columns=[
        "report", "row_no", "initiative", "is_relisted", "fiscal_year", "status", "what", "what_ja", "activity",
        "sessions_planned", "sessions_held", "sessions_cancelled", "cancelled_derived", "timing", "timing_of",
        "covid_stated", "row_mentions_covid", "field", "source_lines", "clause", "initiative_id"])
    for c in ("sessions_planned", "sessions_held", "sessions_cancelled", "fiscal_year", "row_no"):
        out[c] = out[c].astype("Int64")
    return out


def _same_activity(a: str, b: str) -> bool:
    a, b = _nfkc(a).replace(" ", ""), _nfkc(b).replace(" ", "")
    return bool(a) and bool(b) and (a in b or b in a)


def _merge(events: list[dict]) -> list[dict]:
    """Merge events of one row naming the same activity, year and kind (cell + comment).

    An event without a named activity joins the row's single event of the same year and kind.
    """
    merged: list[dict] = []
    for e in events:
        e = {**e, "lines": [e["line"]] if e["line"] is not None else []}
        same = [m for m in merged if m["what"] == e["what"] and m["period_col"] == e["period_col"]]
        target = next((m for m in same if _same_activity(m["activity"], e["activity"])), None)
        if target is None and e["what"] != "adapted" and len(same) == 1 and (not e["activity"] or not same[0]["activity"]):
            target = same[0]
        if target is None and e["what"] == "adapted":
            target = next((m for m in same if m["activity"] == e["activity"]), None)
        if target is None:
            merged.append(e)
            continue
        target["activity"] = target["activity"] or e["activity"]
        for k in ("sessions_planned", "sessions_held", "sessions_cancelled"):
            if target[k] is None:
                target[k] = e[k]
        if not target["timing"]:
            target["timing"], target["timing_of"] = e["timing"], e["timing_of"]
        target["cancelled_derived"] = target["cancelled_derived"] or (target["sessions_cancelled"] == e["sessions_cancelled"]
                                                                      and e["cancelled_derived"])
        target["covid_stated"] = target["covid_stated"] or e["covid_stated"]
        target["lines"] = sorted(set(target["lines"] + e["lines"]))
        if e["field"] != target["field"]:
            target["field"] = f"{target['field']}+{e['field']}"
            target["clause"] = f"{target['clause']} ／ {e['clause']}"
    return merged


def alert_months(text: str) -> list[int]:
    """Months (1–12, fiscal order as printed) of a note like ``警報以上の発令月4～６，8～10，1～3``.

    >>> alert_months("4～6")
    [4, 5, 6]
    """
    norm = _nfkc(text)
    months: list[int] = []
    for a, b in re.findall(r"(\d+)\s*[～~〜-]\s*(\d+)", norm):
        a, b = int(a), int(b)
        months += list(range(a, b + 1)) if a <= b else list(range(a, 13)) + list(range(1, b + 1))
    return months


def alert_note(initiatives: pd.DataFrame, source_lines: pd.DataFrame) -> pd.DataFrame:
    """The report's own note of alert months (警報以上の発令月 …) with its row, year and lines.

    Columns: report, row_no, fiscal_year, printed_note (as printed), months (fiscal order, ``,``-joined),
    source_lines.
    """
    rows = []
    for rec in initiatives.to_dict("records"):
        text = rec["remarks"]
        if isinstance(text, str) and "警報" in text:
            lines = source_lines[(source_lines["initiative_id"] == rec["initiative_id"])
                                 & (source_lines["field"] == "remarks")]["line_no"].astype(int).tolist()
            rows.append({"report": rec["report"], "row_no": rec["row_no"], "fiscal_year": rec["result_year"],
                         "printed_note": text, "months": ",".join(map(str, alert_months(text))),
                         "source_lines": ",".join(map(str, lines))})
    return pd.DataFrame(rows, columns=["report", "row_no", "fiscal_year", "printed_note", "months", "source_lines"])


#: names that stand for a group of unnamed activities (行事等: "events and such"), not for one activity
VAGUE_ACTIVITY = re.compile(r"(?:等|など|ほか|他)$|^(?:行事|イベント|事業|活動|取り組み|取組)$")


def is_vague_activity(name) -> bool:
    """True for a collective noun that names no activity a reader could count (``行事等``, line 399).

    >>> is_vague_activity("行事等"), is_vague_activity("関係機関合同研修会"), is_vague_activity("")
    (True, False, False)
    """
    return isinstance(name, str) and bool(VAGUE_ACTIVITY.search(_nfkc(name).strip()))


def fully_cancelled(events: pd.DataFrame, trends: pd.DataFrame, *, vague: bool = False) -> pd.DataFrame:
    """Activities of the result year not held at all: cancelled (the whole activity), 0回, 開催なし, 未実施.

    A cancellation that names sessions (中止22回, 全6回中２回実施後中止) or the month it happened (7月は
    中止) is partial, not full; the month a one-off activity had been planned for (``2月に研修会を予定
    していたが…中止``, ``timing_of == "planned"``) is not. An event list counts activities: a collective
    noun (``行事等``, :func:`is_vague_activity`) is not one and is left out unless ``vague=True``; one
    activity printed in several rows (関係機関合同研修会, rows 13 and 18, lines 373 and 458) is one
    activity, listed once with every row in ``row_nos``.

    Returns the events rows that qualify (same columns as :func:`covid_events`; the first row of each
    activity) plus ``row_nos`` (table rows joined by ``・``), ``also_prior_year`` (the same activity also
    cancelled / not held in the prior year) and ``vague``.
    """
    ev = events
    full_kinds = ev["what"].isin(["cancelled", "not_held"])
    timing_of = ev["timing_of"] if "timing_of" in ev.columns else pd.Series("event", index=ev.index)
    dated = (ev["timing"].fillna("") != "") & (timing_of.fillna("event") != "planned")
    partial = ev["sessions_cancelled"].notna() | ev["sessions_planned"].notna() | dated
    partial |= ev["clause"].str.contains("中止した学校あり|中止期間", regex=True)
    cand = ev[full_kinds & ~partial & (ev["field"].str.contains("result|comment"))].copy()
    latest = cand.groupby("report")["fiscal_year"].transform("max")
    cand = cand[cand["fiscal_year"] == latest]
    prior = ev[full_kinds & ev["field"].str.startswith("prior")]
    cand["also_prior_year"] = [
        bool(((prior["initiative_id"] == rid) & prior["activity"].map(lambda a, x=act: _same_activity(a, x) or (not a and not x))).any())
        for rid, act in zip(cand["initiative_id"], cand["activity"])]
    named = cand.groupby("initiative_id")["activity"].transform(lambda a: (a != "").any())
    cand = cand[(cand["activity"] != "") | ~named]  # 未実施 (no name) beside the comment's named event
    cand = cand.drop_duplicates(["initiative_id", "activity"])
    cand["vague"] = cand["activity"].map(is_vague_activity)
    if not vague:
        cand = cand[~cand["vague"]]
    # one activity once: the same name in several rows of a report and year (unnamed events stay per row)
    key = cand["activity"].map(lambda a: _nfkc(a).replace(" ", ""))
    key = key.where(key != "", cand["initiative_id"])
    group = [cand["report"], cand["fiscal_year"], key]
    cand["row_nos"] = cand.groupby(group, sort=False)["row_no"].transform(lambda r: "・".join(str(int(x)) for x in r))
    cand["also_prior_year"] = cand.groupby(group, sort=False)["also_prior_year"].transform("any")
    first = ~pd.DataFrame({"r": cand["report"], "y": cand["fiscal_year"], "k": key}).duplicated()
    return cand[first].reset_index(drop=True)


def event_months(period: str) -> list[int]:
    """Calendar months named in an event's period (fiscal order kept as printed).

    >>> event_months("9/3～9/16、1/21～3/6"), event_months("1月末から3月末"), event_months("R4.1以降")
    ([9, 1, 2, 3], [1, 2, 3], [1, 2, 3])
    """
    if not isinstance(period, str) or not period:
        return []
    norm = _nfkc(period)
    out: list[int] = []
    for a, b in re.findall(r"(\d+)/\d+~(\d+)/\d+", norm.replace("～", "~")):
        out += alert_months(f"{a}~{b}")
    if not out:
        months = [int(m) for m in re.findall(r"(\d+)月", norm)]
        if "から" in norm and len(months) == 2:
            out = alert_months(f"{months[0]}~{months[1]}")
        else:
            out = months
    r = re.search(r"R\d+\.(\d+)以降", norm)
    if r:  # 以降: to the end of the fiscal year (March)
        out += alert_months(f"{int(r.group(1))}~3")
    return list(dict.fromkeys(out))
