"""Stage 3b — *link*: the same table row in consecutive reports of one series.

Every row of ``initiatives`` gets an ``initiative_key``; rows that continue
one another across the years of a series share it.  ``links.csv`` records
every decision so a reviewer can check it.

How rows are linked
    Only reports of one series (:mod:`helpers.collect.collection`) are linked, and
    only consecutive ones (sorted by fiscal year): A = the earlier, B = the
    next.  The work is therefore linear in the number of reports (each pair
    costs about rows_A × rows_B similarity scores).

    For every pair of rows the score (0–100) is the weighted mean of
    ``rapidfuzz.fuzz.ratio`` on NFKC-normalised text of five cells
    (:data:`WEIGHTS`): initiative name 0.35, summary (概要) 0.30, objective
    0.15, section (基本目標 + 分野別計画) 0.10, departments 0.10.  Rows that
    share a printed name (the three 健康寿命延伸に向けた取り組みの実施 rows, a
    （再掲） row and its original) differ in summary or objective, so their true
    counterparts score higher than their namesakes.

    Assignment is one-to-one: candidate pairs are taken greedily by
    descending score (ties: smaller distance between the row numbers, then
    row numbers), and a row once taken is never taken again, so two rows are
    never mapped to one.  (scipy's Hungarian solver is not a dependency; with
    scores this far apart — same row ≈ 100, namesake ≤ 90 — the greedy
    maximum and the optimum agree, and the greedy rule is easy to explain.)

    Rows whose five cells are identical are paired first, in row order (a
    hash join: linear).  Only the rest is scored all against all; if more than
    :data:`MAX_PAIRS` pairs are left, rows are compared only within their
    section, and a section whose rows left give more than :data:`MAX_PAIRS`
    pairs is compared in a band: each row only with the rows of the other
    report near its own position in the section (:data:`BAND` on either side,
    positions scaled to the two sections' sizes).  So time and memory grow
    linearly with the rows of a section (issue 17 §3: two reports of 4,000
    near-identical rows in one section took 66 s and 4.3 GB); a row moved
    further than the band is not found and is listed ``unlinked``, with a
    reason that says the section was compared in a band; so is every fuzzy
    decision in such a section (its ``reason`` names the band: a better partner
    beyond it was not looked at), and the CLI's ``links …`` line counts them.
    The scores are computed a block at a time and only the pairs reaching
    :data:`REVIEW` are kept, as arrays, ranked in numpy (:func:`_ranked`): no
    Python object or sort key per pair.

    A pair scoring at least :data:`ACCEPT` is ``accepted`` (method ``exact``
    when all five cells are equal, else ``fuzzy``) and the B row inherits the
    A row's key.  A best remaining pair scoring at least :data:`REVIEW` but
    below :data:`ACCEPT` is listed as ``to_review``: *not* accepted, both rows
    keep their own keys, until someone adds a ``force`` override.  Rows left
    without partner are ``unlinked`` (method ``none``): dropped (A side) or
    new (B side).

Keys
    ``{series}:{section_no}-{objective_no}-{nn}`` — the initiative_id suffix
    of the row in the earliest report where it appears; a row without
    counterpart in the previous report gets a key from its own id suffix,
    with ``@{fiscal_year}`` appended if that key is already taken in the
    series.  Keys are unique within a report (checked).

Overrides: ``link_overrides.csv`` next to the reports (``data/raw/``)
    Hand-kept, optional (no file = no overrides), UTF-8 (BOM allowed), columns
    ``series,report_a,initiative_id_a,report_b,initiative_id_b,action,note``
    with ``action`` ``force`` (link these two rows, whatever the score) or
    ``forbid`` (never link them; both rows are then matched among the rest).
    ``initiative_id_*`` may be the full id (``<report>:1-1-02``) or its
    suffix (``1-1-02``); ``series`` may be empty.

    Overrides are checked, not trusted (exit 2, naming the file and line): a
    report that is neither in the run nor a report file beside the overrides
    file (a typo, ``r-2022`` for ``r_2022``), a ``series`` that is not the
    reports' series, an unknown row id, reports that are not consecutive in
    one series, a row forced twice, or ``force`` and ``forbid`` for the same
    pair.  A row naming a report file of the folder that this run did not read
    is not applied, and the run says so (a warning the CLI prints).

    The file is read by the one input reader (:mod:`helpers.read.files`): a
    regular file of at most :data:`OVERRIDES_MAX_BYTES`, UTF-8, no control
    character (refused with line and column), at most
    :data:`helpers.read.files.MAX_TEXT_CHARS` characters per field.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from ..read.extract import ReportError, nfkc
from ..read.files import decode_utf8, read_csv_rows, read_input

__all__ = ["WEIGHTS", "ACCEPT", "REVIEW", "OVERRIDES_FILE", "Override", "read_overrides", "check_overrides", "link_rows",
           "link_collection"]

#: cell -> weight in the score (sums to 1)
WEIGHTS = {"initiative": 0.35, "summary": 0.30, "objective": 0.15, "section": 0.10, "departments": 0.10}
#: score from which a link is accepted without review
ACCEPT = 90.0
#: score from which an unaccepted best candidate is listed as to_review
REVIEW = 60.0
#: above this many row pairs left after the exact pass, rows are only compared within their section;
#: a section above it is compared in a band of positions (:data:`BAND`)
MAX_PAIRS = 250_000
#: in a section too large to compare all against all, each row is compared with the rows of the
#: other report within this many positions (scaled) of its own, on either side
BAND = 100
#: the words links.csv adds to the reason of a row left without partner in a banded section
BANDED_NOTE = "its section was compared in a band"
OVERRIDES_FILE = "link_overrides.csv"
#: largest overrides file read, in bytes (a line per override: thousands of them fit)
OVERRIDES_MAX_BYTES = 1_000_000
OVERRIDE_COLUMNS = ["series", "report_a", "initiative_id_a", "report_b", "initiative_id_b", "action", "note"]


@dataclass(frozen=True)
class Override:
    series: str
    report_a: str
    id_a: str
    report_b: str
    id_b: str
    action: str  # force | forbid
    note: str
    path: str
    line: int


def _norm(text) -> str:
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    return "".join(nfkc(str(text)).split())


def read_overrides(path: str | Path) -> list[Override]:
    """Read a hand-kept overrides file; a missing file means no overrides.

    Raises:
        ReportError: not a regular file, too large, not UTF-8, a control character or an
            over-long field, missing columns, a contradictory or repeated pair, or an ``action``
            other than force/forbid (with the line).
    """
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return []
    raw = read_input(path, limit=OVERRIDES_MAX_BYTES, what="overrides file")
    header, rows = read_csv_rows(decode_utf8(raw, path, what="overrides file"), path)
    missing = [c for c in OVERRIDE_COLUMNS if c not in header]
    if missing:
        raise ReportError(path, f"overrides file lacks columns {missing}; expected {','.join(OVERRIDE_COLUMNS)}", 1)
    out = []
    seen: dict[tuple[str, str, str, str], Override] = {}
    for line, rec in rows:
        rec = {c: rec.get(c, "") for c in OVERRIDE_COLUMNS}
        if not any(rec.values()):
            continue
        if rec["action"] not in ("force", "forbid"):
            raise ReportError(path, f"action must be 'force' or 'forbid', got {rec['action']!r}", line)
        for c in ("report_a", "initiative_id_a", "report_b", "initiative_id_b"):
            if not rec[c]:
                raise ReportError(path, f"empty {c}", line)
        o = Override(rec["series"], rec["report_a"], rec["initiative_id_a"], rec["report_b"],
                     rec["initiative_id_b"], rec["action"], rec["note"], str(path), line)
        pair = (o.report_a, _suffix(o.id_a), o.report_b, _suffix(o.id_b))
        if pair in seen:
            first = seen[pair]
            if first.action != o.action:
                raise ReportError(path, f"'{o.action}' contradicts '{first.action}' on line {first.line} for the same pair of "
                                        "rows; keep one of the two lines", line)
            raise ReportError(path, f"the same override as line {first.line}; keep one of the two lines", line)
        seen[pair] = o
        out.append(o)
    return out


def _suffix(rid: str) -> str:
    return rid.split(":", 1)[1] if ":" in rid else rid


def _features(ini: pd.DataFrame, departments: pd.DataFrame) -> pd.DataFrame:
    # the departments of each row in print order, joined (one pass in Python: a groupby with a
    # lambda costs a DataFrame slice per row)
    names: dict[str, list[str]] = {}
    for rid, _, name in sorted(zip(departments["initiative_id"].tolist(), departments["department_no"].tolist(),
                                   departments["department"].tolist()), key=lambda t: (t[0], t[1])):
        names.setdefault(rid, []).append(name)
    dep = {rid: "・".join(v) for rid, v in names.items()}
    f = pd.DataFrame({
        "initiative_id": ini["initiative_id"].tolist(),
        "row_no": ini["row_no"].astype(int).tolist(),
        "initiative_text": ini["initiative"].tolist(),
    })
    f["initiative"] = [_norm(x) for x in ini["initiative"].tolist()]
    f["summary"] = [_norm(x) for x in ini["summary"].tolist()]
    f["objective"] = [_norm(x) for x in ini["objective"].tolist()]
    f["section"] = [_norm(a) + "／" + _norm(b) for a, b in zip(ini["basic_goal"].tolist(), ini["field_plan"].tolist())]
    f["departments"] = [_norm(dep.get(r, "")) for r in ini["initiative_id"].tolist()]
    return f


def _resolve(override: Override, report: str, ids: set[str], side: str) -> str:
    rid = getattr(override, f"id_{side}")
    full = rid if ":" in rid else f"{report}:{rid}"
    if full not in ids:
        raise ReportError(override.path, f"initiative_id_{side} '{rid}' is not a row of report '{report}'", override.line)
    return full


def _pair_score(fa: pd.DataFrame, i: int, fb: pd.DataFrame, j: int) -> float:
    return float(sum(w * fuzz.ratio(fa[c].iat[i], fb[c].iat[j]) for c, w in WEIGHTS.items()))


def _band(ba: list[int], bb: list[int]) -> list[tuple[list[int], list[int]]]:
    """Blocks of (rows of A, rows of B) covering every A row with the B rows near its scaled position.

    Chunks of :data:`BAND` A rows, each against the B rows from :data:`BAND` positions before the
    chunk's scaled start to :data:`BAND` after its scaled end: about 3 × BAND pairs a row.

    >>> [(a[0], a[-1], b[0], b[-1]) for a, b in _band(list(range(250)), list(range(500)))]
    [(0, 99, 0, 299), (100, 199, 100, 499), (200, 249, 300, 499)]
    """
    scale = len(bb) / len(ba)
    out = []
    for s in range(0, len(ba), BAND):
        e = min(s + BAND, len(ba))
        lo = max(0, int(s * scale) - BAND)
        hi = min(len(bb), int(math.ceil(e * scale)) + BAND)
        out.append((ba[s:e], bb[lo:hi]))
    return out


def _blocks(ra: list[int], sec_a: list[str], rb: list[int], sec_b: list[str]) -> list[tuple[list[int], list[int]]]:
    """(rows of A, rows of B) of each section, in the order A's rows first show the section (one pass each).

    >>> _blocks([0, 1, 2], ["x", "y", "x"], [0, 1], ["y", "z"])
    [([0, 2], []), ([1], [0])]
    """
    by_a: dict[str, list[int]] = {}
    for i in ra:
        by_a.setdefault(sec_a[i], []).append(i)
    by_b: dict[str, list[int]] = {}
    for j in rb:
        by_b.setdefault(sec_b[j], []).append(j)
    return [(rows, by_b.get(sec, [])) for sec, rows in by_a.items()]


def _candidates(fa: pd.DataFrame, ra: list[int], fb: pd.DataFrame, rb: list[int]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, set[int], set[int]]:
    """(i, j, score) arrays of the pairs of rows left after the exact pass that score at least
    REVIEW; and the A and B rows that were compared in a band only.

    Small remainders are scored all against all; a remainder above
    :data:`MAX_PAIRS` pairs is scored within each section only, and a section
    still above it in a band (:func:`_band`), so memory and time stay bounded
    (linear in the rows of a section) for huge or hostile inputs.  The scores
    are computed a block at a time (at most MAX_PAIRS, or BAND × 3·BAND, pairs)
    and only the pairs reaching REVIEW are kept, as numbers in arrays (no
    Python object a pair).
    """
    none = np.zeros(0, dtype=np.int64)
    if not ra or not rb:
        return none, none, np.zeros(0), set(), set()
    blocks = [(ra, rb)]
    if len(ra) * len(rb) > MAX_PAIRS:
        blocks = _blocks(ra, fa["section"].tolist(), rb, fb["section"].tolist())
    text_a = {c: fa[c].tolist() for c in WEIGHTS}
    text_b = {c: fb[c].tolist() for c in WEIGHTS}
    found_i, found_j, found_s = [], [], []
    banded_a: set[int] = set()
    banded_b: set[int] = set()
    for ba, bb in blocks:
        if not ba or not bb:
            continue
        if len(ba) * len(bb) > MAX_PAIRS:
            parts = _band(ba, bb)
            banded_a.update(ba)
            banded_b.update(bb)
        else:
            parts = [(ba, bb)]
        for pa, pb in parts:
            scores = np.zeros((len(pa), len(pb)))
            for col, w in WEIGHTS.items():
                xa, xb = text_a[col], text_b[col]
                scores += w * cdist([xa[i] for i in pa], [xb[j] for j in pb], scorer=fuzz.ratio,
                                    dtype=np.float64, workers=1)
            ii, jj = np.nonzero(scores >= REVIEW)
            found_i.append(np.asarray(pa, dtype=np.int64)[ii])
            found_j.append(np.asarray(pb, dtype=np.int64)[jj])
            found_s.append(scores[ii, jj])
    if not found_i:
        return none, none, np.zeros(0), banded_a, banded_b
    # each A row is in one part of one block: no pair is found twice
    return np.concatenate(found_i), np.concatenate(found_j), np.concatenate(found_s), banded_a, banded_b


def _ranked(i: np.ndarray, j: np.ndarray, s: np.ndarray, rows_a: list[int], rows_b: list[int]) -> np.ndarray:
    """The order in which the greedy assignment takes the pairs (i[k], j[k]) scoring s[k].

    Descending score rounded to 9 decimals (Python's ``round``, so float noise in the weighted sum
    makes no difference), then the smaller distance between the row numbers, then the row numbers
    of A and of B: a total order, since a pair of rows is listed once.  Sorted in numpy (the score
    is rounded once per distinct value), not by a Python key a pair.

    >>> _ranked(np.array([0, 0, 1]), np.array([0, 1, 1]), np.array([95.0, 95.0000000001, 99.0]), [1, 2], [1, 2]).tolist()
    [2, 0, 1]
    """
    if not len(s):
        return np.zeros(0, dtype=np.int64)
    values, where = np.unique(s, return_inverse=True)
    rounded = np.array([round(float(v), 9) for v in values])[where.reshape(-1)]
    ra = np.asarray(rows_a, dtype=np.int64)[i]
    rb = np.asarray(rows_b, dtype=np.int64)[j]
    return np.lexsort((rb, ra, np.abs(ra - rb), -rounded))


def link_rows(series: str, report_a: str, fa: pd.DataFrame, report_b: str, fb: pd.DataFrame,
              overrides: list[Override] = ()) -> list[dict]:
    """Link the rows of two consecutive reports; return the links records (without keys).

    Order of decisions: overrides; then rows whose five cells are all equal
    (paired in row order; score 100, method ``exact``); then the rest by
    descending score (see the module docstring).  Each record has
    ``initiative_id_a``/``initiative_id_b`` (``None`` on the side without
    partner), ``score``, ``method``, ``status`` and ``reason``.
    """
    ids_a, ids_b = fa["initiative_id"].tolist(), fb["initiative_id"].tolist()
    pos_a = {r: i for i, r in enumerate(ids_a)}
    pos_b = {r: j for j, r in enumerate(ids_b)}
    rows_a, rows_b = fa["row_no"].tolist(), fb["row_no"].tolist()
    taken_a, taken_b = set(), set()
    forbidden: set[tuple[int, int]] = set()
    records: list[dict] = []
    for o in overrides:
        i = pos_a[_resolve(o, report_a, set(ids_a), "a")]
        j = pos_b[_resolve(o, report_b, set(ids_b), "b")]
        note = f"{Path(o.path).name}:{o.line}" + (f": {o.note}" if o.note else "")
        if o.action == "forbid":
            forbidden.add((i, j))
            records.append({"i": i, "j": j, "score": _pair_score(fa, i, fb, j), "method": "override",
                            "status": "forbidden", "reason": note})
            continue
        if i in taken_a or j in taken_b:
            raise ReportError(o.path, "a row is forced into two links", o.line)
        taken_a.add(i)
        taken_b.add(j)
        records.append({"i": i, "j": j, "score": _pair_score(fa, i, fb, j), "method": "override",
                        "status": "accepted", "reason": note})
    # exact pass: identical five cells, paired in row order (a hash join, linear)
    cols = list(WEIGHTS)
    tup_a = list(zip(*(fa[c].tolist() for c in cols)))
    tup_b = list(zip(*(fb[c].tolist() for c in cols)))
    free_b: dict[tuple, list[int]] = {}
    for j, tb in enumerate(tup_b):
        if j not in taken_b:
            free_b.setdefault(tb, []).append(j)
    for i, ta in enumerate(tup_a):
        if i in taken_a:
            continue
        for j in free_b.get(ta, []):
            if j not in taken_b and (i, j) not in forbidden:
                taken_a.add(i)
                taken_b.add(j)
                records.append({"i": i, "j": j, "score": 100.0, "method": "exact", "status": "accepted", "reason": None})
                break
    # fuzzy pass on the rest: candidates by descending score; ties: closer row numbers, then earlier rows
    ra = [i for i in range(len(ids_a)) if i not in taken_a]
    rb = [j for j in range(len(ids_b)) if j not in taken_b]
    ci, cj, cs, banded_a, banded_b = _candidates(fa, ra, fb, rb)
    if forbidden and len(ci):
        keep = np.array([(x, y) not in forbidden for x, y in zip(ci.tolist(), cj.tolist())], dtype=bool)
        ci, cj, cs = ci[keep], cj[keep], cs[keep]
    order = _ranked(ci, cj, cs, rows_a, rows_b)
    band_note = (f"{BANDED_NOTE} (rows of its section were compared only with the rows within {BAND} "
                 "positions of their own, as the section is too large to compare all against all)")
    free_a, free_b = len(ra), len(rb)
    for start in range(0, len(order), 65_536):  # a slice at a time: no Python list of every pair
        if not free_a or not free_b:  # every row of one side is taken: no pair is left to take
            break
        part = order[start: start + 65_536]
        for s, i, j in zip(cs[part].tolist(), ci[part].tolist(), cj[part].tolist()):
            if i in taken_a or j in taken_b:
                continue
            taken_a.add(i)
            taken_b.add(j)
            free_a -= 1
            free_b -= 1
            note = band_note if i in banded_a else None
            if s >= ACCEPT:
                method = "exact" if tup_a[i] == tup_b[j] else "fuzzy"
                records.append({"i": i, "j": j, "score": s, "method": method, "status": "accepted", "reason": note})
            else:
                records.append({"i": i, "j": j, "score": s, "method": "fuzzy", "status": "to_review",
                                "reason": f"score below {ACCEPT:g}: not linked; add a 'force' override to accept"
                                          + (f"; {note}" if note else "")})
            if not free_a or not free_b:
                break
    for i in range(len(ids_a)):
        if i not in taken_a:
            records.append({"i": i, "j": None, "score": None, "method": "none", "status": "unlinked",
                            "reason": f"no row of {report_b} scores {REVIEW:g} or more (dropped?)"
                                      + (f"; {band_note}" if i in banded_a else "")})
    for j in range(len(ids_b)):
        if j not in taken_b:
            records.append({"i": None, "j": j, "score": None, "method": "none", "status": "unlinked",
                            "reason": f"no row of {report_a} scores {REVIEW:g} or more (new?)"
                                      + (f"; {band_note}" if j in banded_b else "")})
    out = []
    text_a, text_b = fa["initiative_text"].tolist(), fb["initiative_text"].tolist()  # (not .iat a record)
    for r in records:
        i, j = r.pop("i"), r.pop("j")
        out.append({
            "series": series,
            "report_a": report_a, "i": i, "initiative_id_a": None if i is None else ids_a[i],
            "row_no_a": None if i is None else rows_a[i],
            "initiative_a": None if i is None else text_a[i],
            "report_b": report_b, "j": j, "initiative_id_b": None if j is None else ids_b[j],
            "row_no_b": None if j is None else rows_b[j],
            "initiative_b": None if j is None else text_b[j],
            **r,
            "score": None if r["score"] is None else round(float(r["score"]), 2),
        })
    big = 10**9
    out.sort(key=lambda r: (big if r["row_no_a"] is None else r["row_no_a"],
                            big if r["row_no_b"] is None else r["row_no_b"], r["status"]))
    return out


def check_overrides(overrides: list[Override], in_run, series_of: dict[str, str], warnings: list[str]) -> list[Override]:
    """The overrides that apply to this run; the others refused or reported.

    A report an override names must be in the run (``in_run``); one that is not, but is a report
    file beside the overrides file, is a report this run did not read: the override is not
    applied and a warning says so. Any other name (a typo) is an error naming the line, and so is a
    ``series`` that is not the series of the reports named.

    Raises:
        ReportError: with the file and line.
    """
    out = []
    for o in overrides:
        missing = [r for r in (o.report_a, o.report_b) if r not in in_run]
        if missing:
            folder = Path(o.path).parent
            unknown = [r for r in missing if not any((folder / f"{r}{ext}").is_file() for ext in (".txt", ".TXT"))]
            if unknown:
                known = ", ".join(sorted(in_run)[:5]) or "none"
                raise ReportError(o.path, f"report '{unknown[0]}' is neither in this run nor a report file in {folder} "
                                          f"(reports in this run: {known}); check the name", o.line)
            warnings.append(f"{Path(o.path).name}:{o.line}: not applied: report '{missing[0]}' is not part of this run")
            continue
        if o.series and any(series_of.get(r) != o.series for r in (o.report_a, o.report_b)):
            actual = sorted({series_of.get(r) for r in (o.report_a, o.report_b)})
            raise ReportError(o.path, f"series '{o.series}' is not the series of '{o.report_a}' and '{o.report_b}' "
                                      f"({', '.join(actual)}); correct it or leave the column empty", o.line)
        out.append(o)
    return out


def link_collection(tables, reports: pd.DataFrame, overrides: list[Override] = ()) -> pd.DataFrame:
    """Fill ``tables.initiatives["initiative_key"]`` and return the ``links`` table.

    Args:
        tables: :class:`helpers.read.tidy.Tables` (initiatives, departments).
        reports: the ``reports`` table (series, fiscal_year; sorted by series and year).
        overrides: from :func:`read_overrides`.
    """
    from ..read.tidy import ValidationError, _frame

    ini = tables.initiatives
    # features only for the reports that have a neighbour in their series (the others are never compared)
    sizes = reports["series"].value_counts()
    linked = set(reports.loc[reports["series"].map(sizes) > 1, "report"].tolist())
    sub = ini[ini["report"].isin(linked)].reset_index(drop=True)
    feats = _features(sub, tables.departments)
    by_report = {r: idx for r, idx in feats.groupby(sub["report"].to_numpy(), sort=False).groups.items()}
    suffix = {rid: rid.split(":", 1)[1] if ":" in rid else rid for rid in ini["initiative_id"].tolist()}
    keys: dict[str, str] = {}
    links: list[dict] = []
    order = {r: k for k, r in enumerate(reports["report"].tolist())}
    series_of = dict(zip(reports["report"].tolist(), reports["series"].tolist()))
    pairs = {(a, b) for a, b in zip(reports["previous_report"].tolist(), reports["report"].tolist()) if isinstance(a, str)}
    applied = []
    for o in check_overrides(overrides, order, series_of, tables.warnings):
        if (o.report_a, o.report_b) not in pairs:
            raise ReportError(o.path, f"'{o.report_a}' → '{o.report_b}' are not consecutive reports of one series", o.line)
        applied.append(o)
    overrides = applied
    ids_of: dict[str, list[str]] = {}
    for rep, rid in zip(ini["report"].tolist(), ini["initiative_id"].tolist()):
        ids_of.setdefault(rep, []).append(rid)

    def features_of(report: str) -> pd.DataFrame:
        return feats.loc[by_report.get(report, [])].reset_index(drop=True)

    for series, group in reports.groupby("series", sort=True):
        used: set[str] = set()
        prev = None
        fa = None  # the previous report's features, built only when a series has two reports or more
        for report, year in zip(group["report"].tolist(), group["fiscal_year"].tolist()):
            inherited: dict[str, str] = {}
            if prev is not None:
                fa = features_of(prev) if fa is None else fa
                fb = features_of(report)
                mine = [o for o in overrides if o.report_a == prev and o.report_b == report]
                recs = link_rows(series, prev, fa, report, fb, mine)
                for r in recs:
                    if r["status"] == "accepted":
                        inherited[r["initiative_id_b"]] = keys[r["initiative_id_a"]]
                links += recs
                fa = fb
            for rid in ids_of.get(report, []):
                if rid in inherited:
                    keys[rid] = inherited[rid]
                    continue
                key = f"{series}:{suffix[rid]}"
                if key in used:
                    key = f"{key}@{year}"
                keys[rid] = key
                used.add(key)
            prev = report
    for r in links:
        r["initiative_key_a"] = keys.get(r["initiative_id_a"]) if r["initiative_id_a"] else None
        r["initiative_key_b"] = keys.get(r["initiative_id_b"]) if r["initiative_id_b"] else None
    ini = ini.copy()
    mapped = ini["initiative_id"].map(keys)
    if mapped.isna().any():
        raise ValidationError(f"rows without initiative_key: {ini.loc[mapped.isna(), 'initiative_id'].tolist()[:3]}")
    ini["initiative_key"] = mapped.astype("str")
    dup = ini[ini.duplicated(["report", "initiative_key"], keep=False)]
    if len(dup):
        raise ValidationError(f"initiative_key not unique within a report: {sorted(set(dup['initiative_key']))[:5]}")
    tables.initiatives = ini
    rank = {"accepted": 0, "to_review": 1, "forbidden": 2, "unlinked": 3}
    links.sort(key=lambda r: (r["series"], order[r["report_b"]], r["row_no_a"] if r["row_no_a"] is not None else 10**9,
                              r["row_no_b"] if r["row_no_b"] is not None else 10**9, rank[r["status"]]))
    return _frame(links, "links")
