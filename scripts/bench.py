"""Benchmark the cleaner: one report, and folders of N copies (N = 1, 10, 100).

Prints wall time per run and per report, and how it scales relative to N = 1.
Timings are the median of several repeats in one process, so machine noise
shows up as spread (min…max), not as a wrong answer.  Nothing is asserted:
read the ratios.

    make bench            # or: .venv/bin/python scripts/bench.py [--repeat 5]

The collection section (:func:`bench_collection`) times clean + link + series
on collections of synthetic yearly reports (tests/make_synthetic_report.py:
one series, one report per fiscal year, every other year with the reworded
and the dropped row, so every pair of consecutive reports has a fuzzy link
and an unlinked row).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from helpers.config import RAW_DATA_DIR  # noqa: E402
from helpers.extract import extract_report  # noqa: E402
from helpers.pipeline import clean_reports, expand_inputs, read_report, write_tables  # noqa: E402


def extract_only(paths):
    for p in expand_inputs(paths):
        extract_report(read_report(p).text, path=p)


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def bench_collection(repeat: int, sizes: list[int], work: Path) -> None:
    """Collections of N synthetic yearly reports: full clean, and link + series alone; per report and growth."""
    sys.path.insert(0, str(ROOT))
    from helpers.collection import reports_table
    from helpers.link import link_collection
    from helpers.series import build_series
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--sizes", default="1,10,100")
    ap.add_argument("--collection-sizes", default="10,100", help="N for the collection section ('' to skip)")
    ap.add_argument("--only-collection", action="store_true", help="run only the collection section")
    args = ap.parse_args()
    raw = sorted(RAW_DATA_DIR.glob("*.txt"))[0]
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        # warm-up (imports, pandas' first-call costs)
        clean_reports([raw])
        stages = {
            "extract only (text -> rows)": extract_only,
            "without metrics/trends": lambda paths: clean_reports(paths, with_metrics=False),
            "full clean (+metrics/trends)": lambda paths: clean_reports(paths),
            "…and write CSVs": lambda paths: write_tables(clean_reports(paths), work / "out"),
        }
        if args.only_collection:
            stages = {}
        print(f"report: {raw.name} ({raw.stat().st_size:,} bytes); median of {args.repeat} runs\n")
        if stages:
            print(f"{'stage':32s} {'N':>4s} {'median s':>9s} {'min…max s':>15s} {'ms/report':>10s} {'× N=1 per report':>17s}")
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
                print(f"{label:32s} {n:4d} {med:9.3f} {min(times):7.3f}…{max(times):<7.3f} {per:10.2f} {per / base:17.2f}")
            print()
        if args.collection_sizes:
            bench_collection(args.repeat, [int(x) for x in args.collection_sizes.split(",")], work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
