"""Command line: ``python -m helpers clean INPUT... --out DIR``.

Exit codes:
    0  every line placed, tables written.
    1  some lines could not be placed: they are listed, nothing is written.
    2  bad input (empty, binary, undecodable, no evaluation table, truncated
       report, failed sanity check): one message naming the file and line,
       no traceback, nothing is written.
"""

from __future__ import annotations

import argparse
import sys

from .extract import ReportError
from .pipeline import clean_reports, write_tables
from .tidy import ValidationError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m helpers", description=__doc__.splitlines()[0].replace("``", ""))
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("clean", help="turn report text dumps into the clean tables")
    c.add_argument("inputs", nargs="+", metavar="INPUT", help="report .txt files, or folders of them")
    c.add_argument("--out", required=True, help="output folder (replaced as a whole on success)")
    c.add_argument("--encoding", default=None, help="input encoding (default: detect UTF-8 / UTF-8 BOM / CP932)")
    c.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    args = _parser().parse_args(argv)
    err = sys.stderr
    try:
        tables = clean_reports(args.inputs, encoding=args.encoding)
    except ReportError as e:
        print(f"error: {e}", file=err)
        return 2
    except ValidationError as e:
        print(f"error: sanity checks failed, nothing written:\n{e}", file=err)
        return 2
    unplaced = [a for a in tables.accounting if a["unplaced"]]
    if not args.quiet or unplaced:
        for a in tables.accounting:
            print(
                f"{a['report']}: {a['lines_read']} lines read = {a['blank']} blank + {a['boilerplate']} boilerplate"
                f" + {a['placed']} placed + {a['unplaced']} unplaced; {a['rows']} table rows"
            )
    leftovers = [(a["report"], x) for a in tables.accounting for x in a.get("digits_leftover", [])]
    if not args.quiet or leftovers:
        for a in tables.accounting:
            if "digits_in_amounts" in a:
                print(
                    f"{a['report']}: digits in period cells: {a['digits_in_amounts']} in amounts"
                    f" + {a['digits_excluded']} excluded (names, dates) + {len(a['digits_leftover'])} left over"
                )
    if leftovers:
        for report, x in leftovers:
            print(f"digit left over: {report}: {x}", file=err)
        print(f"error: {len(leftovers)} digit(s) in period cells are neither an amount nor excluded; nothing written", file=err)
        return 1
    if unplaced:
        src = tables.source_lines
        for a in unplaced:
            rows = src[(src["report"] == a["report"]) & (src["role"] == "unplaced")]
            for _, r in rows.iterrows():
                print(f"unplaced: {a['report']}:{r.line_no}: {r.text}", file=err)
        print(f"error: {sum(a['unplaced'] for a in unplaced)} line(s) could not be placed; nothing written", file=err)
        return 1
    try:
        written = write_tables(tables, args.out)
    except OSError as e:
        print(f"error: cannot write {args.out}: {e}", file=err)
        return 2
    if not args.quiet:
        for name, df in tables.as_dict().items():
            print(f"wrote {args.out.rstrip('/')}/{name}.csv ({len(df)} rows)")
        print(f"wrote {len(written)} files to {args.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
