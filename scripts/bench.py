"""Benchmark the cleaner: one report, and folders of N copies (N = 1, 10, 100); then hostile inputs.

Prints wall time per run and per report, and how it scales relative to N = 1.
Timings are the median of several repeats in one process, so machine noise
shows up as spread (min…max), not as a wrong answer.  Nothing is asserted:
read the ratios.

The collection section (:func:`bench_collection`) times clean + link + series
on collections of synthetic yearly reports (tests/make_synthetic_report.py:
one series, one report per fiscal year, every other year with the reworded
and the dropped row, so every pair of consecutive reports has a fuzzy link
and an unlinked row).

The PDF section (issue 14, :func:`bench_pdf`) reads the SYNTHETIC PDF of the report
(tests/make_pdf_report.py: the hand readings printed as ruled A4 pages) and prints the
time per page beside the text route's time for the same report, and what ten pages take.

The adversarial section (issue 7 §4) runs each hostile variant of the report
(built by tests/hostile_cases.py, and for PDFs tests/hostile_pdf.py) through ``python -m helpers clean`` in a fresh
process and prints the exit code, the time spent in the command (imports
excluded), the process's peak memory (ru_maxrss) and the first line of its
message.  Each should end in well under a second with sane tables or one clear
refusal.

    make bench            # or: .venv/bin/python scripts/bench.py [--repeat 5] [--only adversarial|scaling|collection|large|pdf]
    .venv/bin/python scripts/bench.py --only scaling --against main   # before/after in one run

Targets (issue 16): at N = 100, a full clean with the CSVs written costs at most 20 ms per
report and extract at most 5 ms (measured on the idle 2-core machine before the work: 51 ms and
7.5 ms).  The scaling section prints each stage's ratio to its target.  Machines are noisy, so
``--against REV`` also times the code of git revision REV (its ``src/`` unpacked into a temporary
folder, run in a child process right after each stage of this code) and prints this code's time
as a ratio to REV's, measured in the same run; with REV = b740efc (the code the idle "before"
figures were measured on), that ratio times the idle "before" figure is the estimate to compare
with the target when the machine is busy (for another REV no idle estimate is printed).
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import io
import json
import os
import resource
import shutil
import subprocess
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# BENCH_SRC: the src/ folder whose helpers are timed (set by --against for the child process)
sys.path.insert(0, os.environ.get("BENCH_SRC") or str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from helpers.config import RAW_DATA_DIR  # noqa: E402
from helpers.read.extract import extract_report  # noqa: E402
from helpers.pipeline import clean_reports, write_tables  # noqa: E402
from helpers.read.text import expand_inputs, read_report  # noqa: E402


#: extract_report takes the lines read_report made (issue 16 §2), as clean_reports hands them over;
#: an older revision timed by --against splits and checks them again, as its clean_reports did
_TAKES_LINES = "lines" in inspect.signature(extract_report).parameters


def extract_only(paths):
    for p in expand_inputs(paths):
        rep = read_report(p)
        if _TAKES_LINES:
            extract_report(rep.text, path=p, lines=rep.lines)
        else:
            extract_report(rep.text, path=p)


#: per-report targets at N = 100 (ms) and the idle figures measured before the work (issue 16)
TARGET_MS = {"extract only (text -> rows)": 5.0, "…and write CSVs": 20.0}
BEFORE_IDLE_MS = {"extract only (text -> rows)": 7.5, "…and write CSVs": 51.0}
#: the revision those idle figures were measured on (main when issue 16 was opened): the "≈ idle"
#: estimate (ratio × idle figure) holds only for ``--against`` this revision
BEFORE_REV = "b740efc"


def _same_commit(a: str, b: str) -> bool:
    """Do git revisions ``a`` and ``b`` name the same commit?"""
    def full(rev):
        r = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
                           capture_output=True, text=True)
        return r.stdout.strip() or None
    return full(a) is not None and full(a) == full(b)


def scaling_stages(work: Path) -> dict:
    """label -> function of a list of input paths (the scaling section's stages)."""
    return {
        "extract only (text -> rows)": extract_only,
        "without metrics/trends": lambda paths: clean_reports(paths, with_metrics=False),
        "full clean (+metrics/trends)": lambda paths: clean_reports(paths),
        "…and write CSVs": lambda paths: write_tables(clean_reports(paths), work / "out"),
    }


def stage_child(spec: dict) -> None:
    """Time one scaling stage (the helpers of BENCH_SRC) in this fresh process; print the times as JSON."""
    folder, work = Path(spec["folder"]), Path(spec["work"])
    clean_reports([next(iter(sorted(folder.glob("*.txt"))))])  # warm-up, as in the parent
    fn = scaling_stages(work)[spec["label"]]
    print(json.dumps(timed(lambda: fn([folder]), spec["repeat"])))


def baseline_src(rev: str, work: Path) -> Path:
    """The src/ folder of git revision ``rev``, unpacked under ``work``."""
    dest = work / f"src-{rev.replace('/', '_')}"
    dest.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest / "src"


def baseline_times(src: Path, label: str, folder: Path, work: Path, repeat: int) -> list[float]:
    spec = {"label": label, "folder": str(folder), "work": str(work / "out-baseline"), "repeat": repeat}
    env = {**os.environ, "BENCH_SRC": str(src)}
    r = subprocess.run([sys.executable, __file__, "--stage-child", json.dumps(spec)], env=env,
                       capture_output=True, text=True, timeout=3600)
    if r.returncode:
        raise SystemExit(f"baseline run failed: {r.stderr.strip()[-500:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


#: the clock of timed(): wall time by default; BENCH_CLOCK=cpu (--cpu) counts this process's CPU time,
#: which other jobs on a busy machine disturb less
CLOCK = time.process_time if os.environ.get("BENCH_CLOCK") == "cpu" else time.perf_counter


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = CLOCK()
        fn()
        out.append(CLOCK() - t0)
    return out


def bench_collection(repeat: int, sizes: list[int], work: Path) -> None:
    """Collections of N synthetic yearly reports: full clean, and link + series alone; per report and growth."""
    sys.path.insert(0, str(ROOT))
    from helpers.collect.collection import reports_table
    from helpers.collect.link import link_collection
    from helpers.collect.series import build_series
    from tests.make_synthetic_report import REAL, next_year_text

    text = REAL.read_text(encoding="utf-8")
    print("collection: N synthetic yearly reports of one series (bench_hyoka_<year>, no sidecar)\n")
    print(f"{'stage':32s} {'N':>4s} {'median s':>9s} {'min…max s':>15s} {'ms/report':>10s} {'× first N per report':>21s}")
    results: dict[str, list] = {}
    for n in sizes:
        folder = work / f"collection{n}"
        folder.mkdir()
        paths = {}
        for k in range(n):
            years = k - 50  # result years 1971…: the default series rule removes 19xx/20xx years
            p = folder / f"bench_hyoka_{2021 + years}.txt"
            p.write_text(next_year_text(text, years=years, edits=k % 2 == 1), encoding="utf-8")
            paths[p.stem] = p
        tables = clean_reports([folder])
        assert len(tables.reports) == n and tables.reports["series"].nunique() == 1
        stages = {
            "clean + link + series": lambda: clean_reports([folder]),
            "link only (reports + keys)": lambda: link_collection(tables, reports_table(tables, paths)),
            "series only": lambda: build_series(tables.metrics, tables.initiatives, tables.reports),
        }
        for label, fn in stages.items():
            times = timed(fn, repeat)
            results.setdefault(label, []).append((n, times))
        links = tables.links
        print(f"  N={n}: {len(links)} links rows, {int((links['method'] == 'fuzzy').sum())} fuzzy,"
              f" {int((links['status'] == 'unlinked').sum())} unlinked, {len(tables.series)} series rows")
    print()
    for label, runs in results.items():
        base = None
        for n, times in runs:
            med = statistics.median(times)
            per = med / n * 1000
            base = base or per
            print(f"{label:32s} {n:4d} {med:9.3f} {min(times):7.3f}…{max(times):<7.3f} {per:10.2f} {per / base:21.2f}")
        print()


# ---------------------------------------------------------------------------
# large inputs under the caps (issue 17 §3): time and memory must grow linearly

#: row 1-1-02 of the committed report: lines 42–84 (initiative 42–43, summary 45–47, department 49,
#: period cells 51–55 / 57–62 / 64–69, grade 71, comment 73–83, blank 84); more rows go after it
ROW_FIRST, ROW_LAST = 42, 84
CELLS = ((51, 55), (57, 62), (64, 69))  # first and last line of the prior, plan and result cells of that row


def _row_block(lines: list[str], k: int, *, amounts: int = 0, reworded: bool = False) -> list[str]:
    """Row 1-1-02 as the ``k``-th of many: one character appended to its initiative (U+4E00 + k), its
    summary reworded (``reworded``: 提供する → 提供している, so no row is an exact match), and with
    ``amounts``, each period cell replaced by that many labelled amounts (tests/hostile_cases.py labels)."""
    import tests.hostile_cases as H

    block = list(lines[ROW_FIRST - 1: ROW_LAST])
    if block[1] != "ワークづくり" or not block[5].endswith("提供する。"):
        raise ValueError("data/raw: row 1-1-02 is not where scripts/bench.py expects it")
    block[1] += chr(0x4E00 + k)
    if reworded:
        block[5] = block[5].replace("提供する。", "提供している。")
    if amounts:
        for (first, last), offset in zip(reversed(CELLS), (13, 7, 0)):
            block[first - ROW_FIRST: last - ROW_FIRST + 1] = H._labels(amounts, offset)
    return block


def report_with_rows(n: int, *, years: int = 0, amounts: int = 0, reworded: bool = False) -> str:
    """The committed report with ``n`` more rows like 1-1-02 in its first section (SYNTHETIC, for the bench)."""
    from tests.make_synthetic_report import REAL, next_year_text

    lines = REAL.read_text(encoding="utf-8").split("\n")
    extra = [x for k in range(n) for x in _row_block(lines, k, amounts=amounts, reworded=reworded)]
    text = "\n".join(lines[:ROW_LAST] + extra + lines[ROW_LAST:])
    return next_year_text(text, years=years, edits=False)


def large_cases(work: Path, scale: float = 1) -> list[tuple[str, list[str], int, int]]:
    """(label, CLI arguments, size in bytes, rows added): the two slow cases of issue 17 at three sizes each."""
    out = []
    for n in (int(1000 * scale), int(2000 * scale), int(4000 * scale)):
        folder = work / f"rows{n}"
        folder.mkdir()
        a = folder / "bench_rows_2021.txt"
        b = folder / "bench_rows_2022.txt"
        a.write_text(report_with_rows(n), encoding="utf-8")
        b.write_text(report_with_rows(n, years=1, reworded=True), encoding="utf-8")
        out.append((f"2 reports, {n:,} near-identical rows a section", [str(folder)], a.stat().st_size + b.stat().st_size,
                    2 * n))
    for n in (int(950 * scale), int(1900 * scale), int(3800 * scale)):  # 2.4, 4.9 and 9.8 MB: the largest just under the 10 MB cap
        p = work / f"amounts{n}.txt"
        p.write_text(report_with_rows(n, amounts=29), encoding="utf-8")
        out.append((f"{n:,} rows × 3 cells × 29 amounts", [str(p)], p.stat().st_size, n))
    return out


def large_child(args: list[str]) -> None:
    """:func:`child`, plus the CPU seconds spent linking (``link_collection``) and pairing amounts
    (``pair_trends``) printed as a second JSON line."""
    import helpers.collect.link as link
    import helpers.read.metrics as metrics

    spent = {"link": 0.0, "pairing": 0.0}

    def timed_call(fn, what):
        def run(*a, **k):
            t0 = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                spent[what] += time.process_time() - t0
        return run

    link.link_collection = timed_call(link.link_collection, "link")  # imported where it is called
    metrics.pair_trends = timed_call(metrics.pair_trends, "pairing")
    child(args)
    print(json.dumps(spent))


def _run_large(args: list[str], src: Path | None) -> tuple[dict, dict] | str:
    env = {**os.environ, "BENCH_SRC": str(src)} if src else None
    r = subprocess.run([sys.executable, __file__, "--large-child", json.dumps(args)], env=env,
                       capture_output=True, text=True, timeout=3600)
    try:
        lines = r.stdout.strip().splitlines()
        return json.loads(lines[-2]), json.loads(lines[-1])
    except (IndexError, ValueError):
        return f"child failed: {r.stderr.strip()[-200:]}"


def large_inputs(scale: float = 1, against: str | None = None) -> None:
    """Each large case in a fresh process: exit, seconds, peak memory, the seconds spent linking and
    pairing, s/MB, the growth from the first size, and per case the slope (CPU seconds and peak MB
    per MB of input, and per 1,000 rows) between the smallest and the largest size.  With
    ``against``, the same cases with git revision REV's helpers, in the same run (before/after)."""
    work = Path(tempfile.mkdtemp(prefix="bench-large-"))
    try:
        print("large inputs under the caps (issue 17 §3): each in a fresh process; time excludes imports\n")
        print("(s: wall time; cpu s: CPU time of the process, which other jobs on the machine disturb less;"
              " link/pair: CPU s in link_collection and pair_trends; × columns: growth from the smallest size)\n")
        versions = [("this code", None)]
        if against:
            versions.append((against, baseline_src(against, work)))
        cases = large_cases(work, scale)
        # each case with every version before the next case: the versions see the same machine load
        results = {(label, name): _run_large(args, src) for label, args, _, _ in cases for name, src in versions}
        for name, src in versions:
            if against:
                print(f"-- {name}")
            print(f"{'case':46s} {'MB':>6s} {'exit':>4s} {'s':>7s} {'cpu s':>7s} {'peak MB':>8s} {'link s':>6s} {'pair s':>6s}"
                  f" {'cpu s/MB':>8s} {'× cpu s':>7s} {'× peak':>6s} {'× MB':>6s}  message")
            seen: dict[str, list] = {}
            for label, args, size, rows in cases:
                got = results[(label, name)]
                if isinstance(got, str):
                    print(f"{label:46s} {got}")
                    continue
                res, spent = got
                kind = label.split(",")[0] if label.startswith("2 reports") else "amounts"
                mb = size / 1e6
                seen.setdefault(kind, []).append((mb, rows, res["cpu"], res["peak_mb"]))
                base = seen[kind][0]
                msg = res["message"].replace(str(work) + "/", "")
                msg = msg if len(msg) <= 60 else msg[:60] + "…"
                print(f"{label:46s} {mb:6.2f} {res['exit']!s:>4s} {res['seconds']:7.2f} {res['cpu']:7.2f} {res['peak_mb']:8.0f}"
                      f" {spent['link']:6.2f} {spent['pairing']:6.2f} {res['cpu'] / mb:8.2f} {res['cpu'] / base[2]:7.2f}"
                      f" {res['peak_mb'] / base[3]:6.2f} {mb / base[0]:6.2f}  {msg}")
            for kind, pts in seen.items():
                if len(pts) < 2:
                    continue
                (m0, r0, c0, p0), (m1, r1, c1, p1) = pts[0], pts[-1]
                print(f"  slope {kind}: {(c1 - c0) / (m1 - m0):.2f} cpu s and {(p1 - p0) / (m1 - m0):.0f} peak MB per MB"
                      f" ({(c1 - c0) / (r1 - r0) * 1000:.2f} cpu s and {(p1 - p0) / (r1 - r0) * 1000:.0f} MB per 1,000 rows);"
                      f" ×{c1 / c0:.2f} cpu and ×{p1 / p0:.2f} peak for ×{m1 / m0:.2f} MB")
            print()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench_pdf(repeat: int, work: Path) -> None:
    """The PDF route beside the text route: the same report, read from its ruled PDF and from its text."""
    from helpers.read.pdf import extract_pdf
    from tests.make_pdf_report import render_pdf

    raw = sorted(RAW_DATA_DIR.glob("*.txt"))[0]
    pdf = work / f"{raw.stem}.pdf"
    layout = render_pdf(pdf)
    pages = len(layout.pages)
    data = pdf.read_bytes()
    clean_reports([pdf])  # warm-up (fonts, imports)
    print(f"PDF route: {pdf.name} (SYNTHETIC, tests/make_pdf_report.py: {pages} pages, {len(data):,} bytes); "
          f"median of {repeat} runs\n")
    print(f"{'stage':36s} {'median s':>9s} {'min…max s':>15s} {'cpu s':>6s} {'ms/page':>8s} {'10 pages s':>11s} "
          f"{'× text route':>13s}")
    text_full = statistics.median(timed(lambda: clean_reports([raw]), repeat))
    stages = {
        "text route: full clean (.txt)": (lambda: clean_reports([raw]), None),
        "PDF: read pages -> rows (extract)": (lambda: extract_pdf(data, path=pdf), pages),
        "PDF route: full clean (.pdf)": (lambda: clean_reports([pdf]), pages),
    }
    for label, (fn, n) in stages.items():
        cpu0 = time.process_time()
        times = timed(fn, repeat)
        cpu = (time.process_time() - cpu0) / repeat  # CPU time of this process: what an idle machine's wall time would be
        med = statistics.median(times)
        per = f"{med / n * 1000:8.1f}" if n else f"{'':8s}"
        ten = f"{med / n * 10:11.2f}" if n else f"{'':11s}"
        print(f"{label:36s} {med:9.3f} {min(times):7.3f}…{max(times):<7.3f} {cpu:6.3f} {per} {ten} {med / text_full:13.1f}")
    print("(wall-clock medians; 'cpu s' is this process's CPU time per run, which other sessions on the machine do not"
          " inflate: compare it when the load average is high)")
    print()


def adversarial_cases(work: Path) -> list[tuple[str, list[str]]]:
    """(label, CLI arguments) of every hostile case; input files are written under ``work``."""
    import tests.hostile_cases as H
    import tests.hostile_pdf as P

    def f(name: str, data: bytes, suffix: str = ".txt") -> str:
        path = work / f"{name}{suffix}"
        path.write_bytes(data)
        return str(path)

    fifo_dir = work / "fifos"
    fifo_dir.mkdir()
    for k in range(3):
        os.mkfifo(fifo_dir / f"r{k}.txt")
    one_mb = len(H.join(H.raw_lines()))
    return [
        ("committed report (reference)", [str(H.RAW)]),
        ("20 KB digit run in a period cell", [f("digits20k", H.digits_in_period_cell(20_000))]),
        ("4,900-digit run (under the line cap)", [f("digits4900", H.digits_in_period_cell(4_900))]),
        ("a.1回 × 20,000 on one line", [f("era20000", H.many_era_dates(20_000))]),
        ("a.1回 × 1,200 (under the line cap)", [f("era1200", H.many_era_dates(1_200))]),
        ("50,000 U+3000 in a legend item", [f("legend50k", H.spaces_in_legend(50_000))]),
        ("4,900 U+3000 in a legend item", [f("legend4900", H.spaces_in_legend(4_900))]),
        ("150,000 short lines after a 。", [f("short150k", H.short_lines_after_summary(150_000))]),
        ("1,000 labelled amounts in each period cell", [f("amounts1000", H.labelled_amounts_each_period(1_000))]),
        ("+25 amounts in each period (cap)", [f("amounts25x3", H.labelled_amounts_each_period(25))]),
        ("a 5,000-digit amount", [f("huge_int", H.huge_number(5_000))]),
        ("a 4,900-digit amount", [f("huge_int4900", H.huge_number(4_900))]),
        ("a 400-digit decimal amount", [f("huge_dec", H.huge_decimal(400))]),
        ("report concatenated twice", [f("twice", H.concatenated_twice())]),
        ("50 MB dump (size cap)", [f("dump50", H.big_dump(50))]),
        (f"{5_000_000 // one_mb} copies, 5 MB (extract all, then refuse)", [f("dump5", H.big_dump(5))]),
        ("a file cut mid-row (line 1275)", [f("cut1275", H.truncated(1275))]),
        ("PDF: 100,000 tiny rectangles on a page", [f("rects", P.tiny_rectangles(), ".pdf")]),
        ("PDF: 30,000 rectangles in one path", [f("onepath", P.tiny_rectangles_one_path(30_000), ".pdf")]),
        ("PDF: arrays nested 100,000 deep", [f("nested", P.deep_nesting(), ".pdf")]),
        ("PDF: page tree 5,000 levels deep", [f("tree", P.deep_page_tree(), ".pdf")]),
        ("PDF: 60,000 pages", [f("pages", P.many_pages(), ".pdf")]),
        ("PDF: 60,000 pages declared as 1", [f("pages1", P.many_pages(declared=1), ".pdf")]),
        ("PDF: content inflating to 500 MB", [f("bomb", P.compression_bomb(), ".pdf")]),
        ("PDF: forms drawing forms, 8^9 times", [f("fanout", P.form_fan_out(), ".pdf")]),
        ("PDF: object stream unpacking to 400 MB", [f("objstm", P.object_stream_bomb(400), ".pdf")]),
        ("PDF: cross-reference stream unpacking to 400 MB", [f("xrefstm", P.object_stream_bomb(400, where="xref"), ".pdf")]),
        ("a FIFO without writer", [str(fifo_dir / "r0.txt")]),
        ("/dev/zero", ["/dev/zero"]),
        ("a folder of FIFOs", [str(fifo_dir)]),
    ]


def child(args: list[str]) -> None:
    """Run one CLI call in this (fresh) process; print exit, seconds, peak RSS and the message as JSON."""
    from helpers import cli

    err = io.StringIO()
    out_dir = tempfile.mkdtemp(prefix="bench-out-")
    c0 = time.process_time()
    t0 = time.perf_counter()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = cli.main(["clean", *args, "--out", str(Path(out_dir) / "out"), "-q"])
        except BaseException as e:  # a traceback is a finding, not a crash of the benchmark
            code, err = f"traceback {type(e).__name__}", io.StringIO(str(e))
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    shutil.rmtree(out_dir, ignore_errors=True)
    lines = [x for x in err.getvalue().splitlines() if x.strip()]
    message = f"{lines[0]} (+{len(lines) - 1} more lines)" if len(lines) > 1 else (lines[0] if lines else "")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"exit": code, "seconds": seconds, "cpu": cpu, "peak_mb": peak_mb, "message": message}))


def adversarial() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    try:
        print("adversarial inputs (issue 7 §4): each in a fresh process; time excludes interpreter start and imports\n")
        print(f"{'case':44s} {'exit':>4s} {'s':>7s} {'peak MB':>8s}  message")
        for label, args in adversarial_cases(work):
            r = subprocess.run([sys.executable, __file__, "--child", json.dumps(args)],
                               capture_output=True, text=True, timeout=600)
            try:
                res = json.loads(r.stdout.strip().splitlines()[-1])
            except (IndexError, ValueError):
                print(f"{label:44s} child failed: {r.stderr.strip()[-200:]}")
                continue
            msg = res["message"].replace(str(work) + "/", "")
            msg = msg if len(msg) <= 110 else msg[:110] + "…"
            print(f"{label:44s} {res['exit']!s:>4s} {res['seconds']:7.3f} {res['peak_mb']:8.0f}  {msg}")
        print()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--sizes", default="1,10,100")
    ap.add_argument("--collection-sizes", default="10,100", help="N for the collection section ('' to skip)")
    ap.add_argument("--only-collection", action="store_true", help="run only the collection section")
    ap.add_argument("--only", choices=["scaling", "adversarial", "collection", "large", "pdf"], default=None)
    ap.add_argument("--large-scale", type=float, default=1, help="multiply the sizes of the large-input cases")
    ap.add_argument("--against", default=None, metavar="REV",
                    help="also time git revision REV's helpers, stage by stage in the same run (scaling section)")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--large-child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--stage-child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--cpu", action="store_true",
                    help="time CPU seconds of the process instead of wall time (steadier on a busy machine)")
    args = ap.parse_args()
    if args.cpu:
        os.environ["BENCH_CLOCK"] = "cpu"  # for the child processes too
        global CLOCK
        CLOCK = time.process_time
    if args.child is not None:
        return child(json.loads(args.child))
    if args.large_child is not None:
        return large_child(json.loads(args.large_child))
    if args.stage_child is not None:
        return stage_child(json.loads(args.stage_child))
    if args.only == "collection":
        args.only_collection = True
    if args.only not in ("scaling", "collection", "large", "pdf") and not args.only_collection:
        adversarial()
    if args.only not in ("scaling", "collection", "adversarial", "pdf") and not args.only_collection:
        large_inputs(args.large_scale, args.against if args.only == "large" else None)
    if args.only in ("adversarial", "large"):
        return
    if args.only in (None, "pdf"):
        work = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
        try:
            bench_pdf(args.repeat, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        if args.only == "pdf":
            return
    raw = sorted(RAW_DATA_DIR.glob("*.txt"))[0]
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        # warm-up (imports, pandas' first-call costs)
        clean_reports([raw])
        stages = {} if args.only_collection else scaling_stages(work)
        before = baseline_src(args.against, work) if args.against and stages else None
        # the idle estimate needs REV to be the code the idle figures were measured on
        estimate = before is not None and _same_commit(args.against, BEFORE_REV)
        print(f"report: {raw.name} ({raw.stat().st_size:,} bytes); median of {args.repeat} runs\n")
        if stages:
            extra = f" {'÷ target':>9s}" + (f" {args.against + ' ms':>10s} {'÷ before':>9s} {'≈ idle ms':>9s}" if before else "")
            print(f"{'stage':32s} {'N':>4s} {'median s':>9s} {'min…max s':>15s} {'ms/report':>10s} {'× N=1 per report':>17s}{extra}")
        targets = []
        for label, fn in stages.items():
            base = None
            for n in sizes:
                folder = work / f"n{n}"
                if not folder.exists():
                    folder.mkdir()
                    for i in range(n):
                        shutil.copyfile(raw, folder / f"copy{i:03d}.txt")
                times = timed(lambda: fn([folder]), args.repeat)
                med = statistics.median(times)
                per = med / n * 1000
                base = base or per
                line = f"{label:32s} {n:4d} {med:9.3f} {min(times):7.3f}…{max(times):<7.3f} {per:10.2f} {per / base:17.2f}"
                target = TARGET_MS.get(label) if n == 100 else None
                line += f" {per / target:9.2f}" if target else f" {'':9s}"
                if before is not None:
                    old = statistics.median(baseline_times(before, label, folder, work, args.repeat)) / n * 1000
                    idle = per / old * BEFORE_IDLE_MS[label] if estimate and label in BEFORE_IDLE_MS and n == 100 else None
                    line += f" {old:10.2f} {per / old:9.2f}" + (f" {idle:9.1f}" if idle else "")
                    if target:
                        targets.append((label, per, target, per / old, idle))
                elif target:
                    targets.append((label, per, target, None, None))
                print(line.rstrip())
            print()
        for label, per, target, ratio, idle in targets:
            said = f"{label} at N=100: {per:.1f} ms/report, target {target:g} ms (÷ target {per / target:.2f})"
            if ratio is not None:
                said += f"; {ratio:.2f} × {args.against} in this run"
                if idle is not None:
                    said += f", ≈ {idle:.1f} ms on the idle machine ({BEFORE_IDLE_MS[label]:g} ms before)"
                else:  # the ratio times REV's own idle figure, which this bench does not know
                    said += f" (≈ idle ms: only with --against {BEFORE_REV}, the code the idle figures were measured on)"
            print(said)
        if targets:
            print()
        if args.collection_sizes:
            bench_collection(args.repeat, [int(x) for x in args.collection_sizes.split(",")], work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
