"""Command line: ``python -m helpers clean INPUT... --out DIR``.

Exit codes:
    0  every line placed, tables written.
    1  some lines could not be placed: they are listed, nothing is written.
    2  bad input (empty, binary, undecodable, no evaluation table, truncated
       report, failed sanity check, unknown --encoding; a PDF that is damaged,
       encrypted with a password or scanned without text) or a refused --out
       folder: one message naming the file and line (for a PDF, the page), no
       traceback, nothing is written.
  130  interrupted (Ctrl-C): one line saying which: nothing written (the old
       tables intact), or the new tables all written (Ctrl-C during the swap).

Output folder rule (see :mod:`helpers.outputs`): the tool owns only the files
listed in ``--out``'s ``helpers-manifest.json``; a file, a symlink, a folder that
contains an input, a non-empty folder without manifest, a table changed since the
tool wrote it (unless ``--force``, which lists what it overwrites), or a folder
another run is writing is refused before anything is read or written.
"""

from __future__ import annotations

import argparse
import codecs
import sys
from pathlib import Path

from .read.extract import ReportError
from .outputs import (MANIFEST, InterruptedAfterWrite, OutputError, discard_output_folder, open_output_folder,
                      shown)
from .pipeline import clean_reports, write_tables
from .read.schema import SCHEMA
from .read.tidy import ValidationError

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit 2): ``error: …; see python -m helpers clean --help``."""

    def error(self, message: str):  # noqa: D102
        self.exit(2, f"error: {shown(message, 300)}; see {self.prog} --help\n")


def _positive_bytes(text: str) -> int:
    value = text.strip().replace("_", "")
    if not value.isdigit() or int(value) <= 0:
        raise argparse.ArgumentTypeError(f"--max-bytes must be a positive number of bytes, not {shown(text, 40)!r}")
    return int(value)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m helpers", description=__doc__.splitlines()[0].replace("``", ""))
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    c = sub.add_parser("clean", help="turn report text dumps into the clean tables")
    c.add_argument("inputs", nargs="+", metavar="INPUT", help="report files (.txt text dumps or .pdf), or folders of them")
    c.add_argument(
        "--out", required=True,
        help=f"output folder: the tool replaces only the files listed in its {MANIFEST}, never any other file",
    )
    c.add_argument(
        "--force", action="store_true",
        help=f"write into a non-empty folder without {MANIFEST}, and overwrite tables changed since the tool wrote "
             "them (each is listed; files with other names are still never touched)",
    )
    c.add_argument("--encoding", default=None, help="input encoding (default: detect UTF-8 / UTF-8 BOM / CP932)")
    c.add_argument("--max-bytes", type=_positive_bytes, default=None, metavar="N",
                   help="refuse an input file larger than N bytes (default: $HELPERS_MAX_BYTES, else 10000000)")
    c.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    return p


def link_summary(links, *, only_to_review: bool = False) -> list[str]:
    """One line per pair of consecutive reports that were linked: how many rows, by how, and what to review.

    With ``only_to_review`` only the pairs with links to review (scored below the acceptance
    threshold, not linked until forced in ``data/raw/link_overrides.csv``).

    Examples:
        >>> import pandas as pd
        >>> links = pd.DataFrame({"series": ["s"] * 4, "report_a": ["s_2021"] * 4, "report_b": ["s_2022"] * 4,
        ...                       "method": ["exact", "fuzzy", "none", "none"],
        ...                       "status": ["accepted", "accepted", "to_review", "unlinked"]})
        >>> link_summary(links)
        ['links s_2021 -> s_2022: 2 accepted (1 exact, 1 fuzzy, 0 override), 1 to review, 1 unlinked; see links.csv']
        >>> link_summary(links.iloc[:0]), link_summary(links.iloc[:2], only_to_review=True)
        ([], [])
    """
    from .collect.link import BANDED_NOTE

    out = []
    if links is None or links.empty:
        return out
    for (a, b), g in links.groupby(["report_a", "report_b"], sort=True, dropna=False):
        to_review = int((g["status"] == "to_review").sum())
        if only_to_review and not to_review:
            continue
        acc = g[g["status"] == "accepted"]
        by = acc["method"].value_counts()
        reasons = g["reason"].fillna("").tolist() if "reason" in g else []
        banded = sum(BANDED_NOTE in r for r in reasons)
        out.append(
            f"links {shown(a)} -> {shown(b)}: {len(acc)} accepted ({by.get('exact', 0)} exact, {by.get('fuzzy', 0)} fuzzy,"
            f" {by.get('override', 0)} override), {to_review} to review,"
            f" {int((g['status'] == 'unlinked').sum())} unlinked"
            + (f" ({banded} in sections too large to compare all rows: compared with the rows near their"
               " own position only)" if banded else "")
            + "; see links.csv"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    args = _parser().parse_args(argv)
    args.written = False
    try:
        return _clean(args)
    except KeyboardInterrupt as e:
        if args.written or isinstance(e, InterruptedAfterWrite):  # the swap completed: the new tables are all there
            print(f"interrupted after writing the new tables to {shown(args.out)}", file=sys.stderr)
        else:
            print(f"interrupted: nothing written, {shown(args.out)} unchanged", file=sys.stderr)
        return 130


def _pdf_places(tables) -> dict[tuple[str, int], str]:
    """(report, line_no) -> where that run is in its PDF (page, cell), for the reports read from PDF."""
    from .read.pdf import describe_place

    cells = tables.source_cells
    if cells is None:
        return {}
    cols = ["report", "line_no", "page", "table_row", "table_col", "line_in_cell", "x0", "top"]
    return {(rep, no): describe_place(page, row, col, line, x0, top)
            for rep, no, page, row, col, line, x0, top in zip(*(cells[c].tolist() for c in cols))}


def _expected_names() -> list[str]:
    return [f"{t}.csv" for t in SCHEMA] + ["data_dictionary.csv", "README.md", MANIFEST]


def _clean(args: argparse.Namespace) -> int:
    err = sys.stderr
    if args.encoding is not None:
        try:
            codecs.lookup(args.encoding)
        except LookupError:
            print(f"error: unknown encoding {shown(args.encoding, 60)!r} (--encoding); use e.g. utf-8 or cp932", file=err)
            return 2
    try:  # refuse a risky --out before reading anything; hold its lock for the whole run
        out = open_output_folder(args.out, inputs=args.inputs, names=_expected_names(), force=args.force)
    except OutputError as e:
        print(f"error: {e}; nothing written", file=err)
        return 2
    except OSError as e:
        print(f"error: cannot use --out {shown(args.out)}: {shown(e.strerror or e, 200)}; nothing written", file=err)
        return 2
    try:
        return _clean_into(args, out)
    finally:
        if args.written:
            out.close()
        else:
            discard_output_folder(out)  # a folder this run created and wrote nothing into is removed again


def _clean_into(args: argparse.Namespace, out) -> int:
    err = sys.stderr
    try:
        tables = clean_reports(args.inputs, encoding=args.encoding, max_bytes=args.max_bytes)
    except ReportError as e:  # 1000: room for a sidecar declaration to paste (helpers.read.layout)
        print(f"error: {shown(e, 1000)}", file=err)
        return 2
    except ValidationError as e:
        lines = str(e).splitlines()
        print("error: sanity checks failed, nothing written:", file=err)
        for line in lines[:50]:
            print(shown(line, 300), file=err)
        if len(lines) > 50:
            print(f"… and {len(lines) - 50} more", file=err)
        return 2
    unplaced = [a for a in tables.accounting if a["unplaced"]]
    if not args.quiet or unplaced:
        for a in tables.accounting:
            print(
                f"{shown(a['report'])}: {a['lines_read']} lines read = {a['blank']} blank + {a['boilerplate']} boilerplate"
                f" + {a['placed']} placed + {a['unplaced']} unplaced; {a['rows']} table rows"
            )
    if not args.quiet:
        for a in tables.accounting:
            for no, text in a.get("preamble", []):
                print(f"{shown(a['report'])}:{no}: above the table, read as the document's title "
                      f"(source_lines role preamble): {shown(text, 200)}")
    leftovers = [(a["report"], x) for a in tables.accounting for x in a.get("digits_leftover", [])]
    if not args.quiet or leftovers:
        for a in tables.accounting:
            if "digits_in_amounts" in a:
                print(
                    f"{shown(a['report'])}: digits in period cells: {a['digits_in_amounts']} in amounts"
                    f" + {a['digits_excluded']} excluded (names, dates) + {len(a['digits_leftover'])} left over"
                )
    if leftovers:
        for report, x in leftovers:
            print(f"digit left over: {shown(report)}: {shown(x, 200)}", file=err)
        print(f"error: {len(leftovers)} digit(s) in period cells are neither an amount nor excluded; nothing written", file=err)
        return 1
    if unplaced:
        src = tables.source_lines
        places = _pdf_places(tables)
        for a in unplaced:
            rows = src[(src["report"] == a["report"]) & (src["role"] == "unplaced")]
            for _, r in rows.iterrows():
                place = places.get((a["report"], r.line_no))
                at = f"{shown(a['report'])}:{r.line_no}" if place is None else f"{shown(a['report'])}: {place}"
                print(f"unplaced: {at}: {shown(r.text)}", file=err)
        print(f"error: {sum(a['unplaced'] for a in unplaced)} line(s) could not be placed; nothing written", file=err)
        return 1
    for warning in getattr(tables, "warnings", []):
        print(f"warning: {shown(warning, 300)}", file=err)
    try:
        written = write_tables(tables, out, inputs=args.inputs, force=args.force)
    except InterruptedAfterWrite:
        args.written = True
        raise
    except OutputError as e:
        print(f"error: {e}; nothing written", file=err)
        return 2
    except OSError as e:
        print(f"error: cannot write {shown(args.out)}: {shown(e.strerror or e, 200)}; the old tables are intact", file=err)
        return 2
    args.written = True
    for name in written.overwritten:
        print(f"overwrote {shown(Path(args.out) / name)} (--force: it was changed since this tool wrote it, or not written by it)", file=err)
    for name in written.kept:
        print(f"kept {shown(name)}: written by an earlier run but changed since, so no longer the tool's", file=err)
    for line in link_summary(tables.links, only_to_review=args.quiet):  # -q: only pairs that need a person
        print(line)
    if not args.quiet:
        rows = {f"{name}.csv": len(df) for name, df in tables.as_dict().items()}
        for path in written:
            extra = f" ({rows[path.name]} rows)" if path.name in rows else ""
            print(f"wrote {shown(path)}{extra}")
        print(f"wrote {len(written)} files to {shown(args.out)}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
