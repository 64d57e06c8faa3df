"""Benchmark the cleaner: one report, and folders of N copies (N = 1, 10, 100).

Prints wall time per run and per report, and how it scales relative to N = 1.
Timings are the median of several repeats in one process, so machine noise
shows up as spread (min…max), not as a wrong answer.  Nothing is asserted:
read the ratios.

    make bench            # or: .venv/bin/python scripts/bench.py [--repeat 5]
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--sizes", default="1,10,100")
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
        print(f"report: {raw.name} ({raw.stat().st_size:,} bytes); median of {args.repeat} runs\n")
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
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
