r"""SYNTHETIC test data: a made-up "next year" report built from the committed 2021 report.

Nothing here is a real report.  The output is written only where the caller
says (a pytest ``tmp_path``, the benchmark's temporary folder) — never into
``data/raw/`` (real reports only) — and its file name starts with
``synthetic``.  It lets the tests, the benchmark and notebook 06 see a
*collection* before a real second report exists.

What changes from the committed report (line numbers of the committed file;
every edit checks the original text first, so a changed source fails loudly):

* every ``NNNN年度`` in the column headers is shifted by ``years``
  (2020→2021, 2021→2022 for ``years=1``); the statuses (実績 / 見込み) are kept
  as printed, page by page;
* figures — line 17 ``1歳歯科健診　9回`` → ``8回`` and line 20 ``育児相談会　18回``
  → ``12回`` (row 1-1-01, prior column: FY2021 actuals.  The 2021 report's
  estimates for FY2021 are 8 and 11, so 1歳歯科健診 is confirmed and 育児相談会
  is revised 11 → 12); line 35 ``育児相談会　11回`` → ``10回`` (FY2022 estimate);
  line 974 ``社会福祉協議会 26回 20回 35回 A`` → ``… 35回 30回 28回 B`` (row 4-1-05);
* grades — line 38 (row 1-1-01) A → B, and row 4-1-05 A → B (line 974);
* one initiative reworded — line 978 ``ボランティア交流会の実施`` → ``ボランティア交流会の開催`` (row 4-1-06);
* one initiative dropped — lines 987–991, row 4-1-07 ``ボランティア活動支援``
  (so the synthetic report's 4-1-07 is the committed 4-1-08 災害ボランティアの育成).
* with ``crafted=True`` only: hostile text in row 1-1-01 (:data:`CRAFTED`, lines 9, 39, 40):
  formula text at the start of the initiative name and of the comment, HTML and script, URLs,
  Markdown links, emphasis and code spans, ``$…$`` and ``\(…\)`` maths.

Usage::

    .venv/bin/python tests/make_synthetic_report.py OUT_DIR      # writes the real report + the synthetic next year
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "data" / "raw" / "niigata-minami_chiiki-fukushi-keikaku_hyoka_2021.txt"
REAL_SERIES = "niigata-minami_chiiki-fukushi-keikaku_hyoka"
SYNTHETIC_PREFIX = "synthetic_"
#: report id of the default synthetic next year (write_synthetic with years=1)
SYNTHETIC_NEXT = f"{SYNTHETIC_PREFIX}niigata-minami_chiiki-fukushi-keikaku_hyoka_2022"

#: line number -> (original text, synthetic text)
EDITS = {
    17: ("1歳歯科健診　9回", "1歳歯科健診　8回"),
    20: ("育児相談会　18回", "育児相談会　12回"),
    35: ("育児相談会　11回", "育児相談会　10回"),
    38: ("A", "B"),
    974: ("社会福祉協議会 26回 20回 35回 A", "社会福祉協議会 35回 30回 28回 B"),
    978: ("ボランティア交流会の実施", "ボランティア交流会の開催"),
}
#: inclusive line range removed (one whole table row) and its first line, checked
DROP = (987, 991, "ボランティア活動支援 活動に伴う相談支援、活動を安定的に行うための助")
_YEAR = re.compile(r"(\d{4})年度")

#: SYNTHETIC crafted text (issue 15 §1, issue 17 §2): what a hostile or careless report could print.
#: line number -> (original text, crafted text); no ASCII space, so every cell stays where it was.
#: Each marker word (CRAFTED_MARKERS) must reach the outputs only as literal text.
CRAFTED = {
    # the initiative name of row 1-1-01: a formula at its start, a bare URL, a Markdown link, emphasis
    9: ("多様な手法による子育て情報の発信",
        '=HYPERLINK("http://evil.example/init","x")多様な手法による子育て情報の発信'
        "https://evil.example/bare[L](http://evil.example/md)**太字MARK**"),
    # its comment: a formula at the start, HTML and script, code spans, maths
    39: ("コロナ禍により、育児相談会を１回中止、電話で",
         '=1+2コロナ禍により、<script>alert("XSS")</script><img/src=x/onerror=alert(2)>育児相談会を１回中止、電話で'),
    40: ("相談対応。", "相談対応。`CODEMARK`_斜体MARK_$\\href{http://evil.example/tex}{TEXMARK}$\\(MATHMARK\\)www.evil.example/www"),
}
#: words that only crafted markup holds: none may end up inside a live element
CRAFTED_MARKERS = ("太字MARK", "CODEMARK", "斜体MARK", "TEXMARK", "MATHMARK")


def next_year_text(text: str, *, years: int = 1, edits: bool = True, crafted: bool = False) -> str:
    """The committed report's text with header years shifted by ``years`` and (optionally) the edits above.

    ``crafted`` also puts the :data:`CRAFTED` text into row 1-1-01 (initiative name and comment).
    """
    lines = text.split("\n")
    if crafted:
        for no, (old, new) in CRAFTED.items():
            if lines[no - 1] != old:
                raise ValueError(f"{REAL.name}:{no}: expected {old!r}, found {lines[no - 1]!r}")
            lines[no - 1] = new
    if edits:
        for no, (old, new) in EDITS.items():
            if lines[no - 1] != old:
                raise ValueError(f"{REAL.name}:{no}: expected {old!r}, found {lines[no - 1]!r}")
            lines[no - 1] = new
        a, b, first = DROP
        if lines[a - 1] != first or lines[b - 1].strip() != "":
            raise ValueError(f"{REAL.name}:{a}-{b}: not the row to drop")
        del lines[a - 1 : b]
    out = []
    for line in lines:
        if _YEAR.search(line) and not ("年度計画" in line or line.strip().endswith("年度実績")):
            raise ValueError(f"a fiscal year outside the column headers: {line!r}")
        out.append(_YEAR.sub(lambda m: f"{int(m.group(1)) + years}年度", line))
    return "\n".join(out)


def write_synthetic(folder: str | Path, *, years: int = 1, edits: bool = True, stem: str | None = None,
                    sidecar: bool = True, series: str = REAL_SERIES, crafted: bool = False) -> Path:
    """Write one synthetic report (and, by default, a sidecar naming its series) into ``folder``.

    Returns:
        The path of the ``.txt`` written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    year = 2021 + years
    stem = stem or f"{SYNTHETIC_PREFIX}niigata-minami_chiiki-fukushi-keikaku_hyoka_{year}"
    path = folder / f"{stem}.txt"
    path.write_text(next_year_text(REAL.read_text(encoding="utf-8"), years=years, edits=edits, crafted=crafted),
                    encoding="utf-8")
    if sidecar:
        meta = {
            "synthetic": True,
            "note": "SYNTHETIC test data made by tests/make_synthetic_report.py from the committed 2021 report; not a real report",
            "series": series,
            "municipality": "新潟市南区",
            "plan_name": "南区地域福祉計画",
            "lg_code": "151068",
        }
        path.with_name(f"{stem}.meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def two_report_collection(folder: str | Path) -> Path:
    """``folder`` with the committed report (+ its sidecar) and the synthetic next year: a two-report collection."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REAL, folder / REAL.name)
    shutil.copyfile(REAL.with_name(REAL.stem + ".meta.json"), folder / (REAL.stem + ".meta.json"))
    write_synthetic(folder)
    return folder


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} OUT_DIR   (never data/raw)")
    out = Path(sys.argv[1])
    if out.resolve() == (ROOT / "data" / "raw").resolve():
        sys.exit("refusing to write synthetic data into data/raw/ (real reports only)")
    print(two_report_collection(out))
