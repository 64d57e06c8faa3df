"""Keep the documentation's generated blocks in step with the Makefile and the repository.

Two blocks are generated, each between a pair of marker comments, in whichever page of the
documentation (README.md or docs/*.md) holds the markers; each pair appears in exactly one page
(today both are in docs/development.md):

* ``<!-- targets:start -->`` ... ``<!-- targets:end -->``: the make targets (every
  ``target: ... ## what it does`` line of the Makefile, the same lines ``make help`` prints)
  and the variables (the Makefile's ``## NAME=...: meaning`` comment lines);
* ``<!-- tree:start -->`` ... ``<!-- tree:end -->``: the project layout, built from the files
  git tracks: every top-level file and folder, every folder one level below, and the deeper
  files that have a note in ``NOTES``. The notes are the only hand-written part; a note for a
  path that is not tracked is an error.

Usage::

    python scripts/readme_sync.py           # rewrite the blocks in place (make readme)
    python scripts/readme_sync.py --check   # exit 1 and say which block is stale (tests do this)

Only the text between the markers is touched; the rest of each page is left byte for byte.
Standard library only, so it runs before the venv exists.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
MAKEFILE = ROOT / "Makefile"
BLOCKS = ("targets", "tree")

# One line of description per path shown in the tree (folders end without "/").
NOTES: dict[str, str] = {
    ".ci": "CI entry point",
    ".ci/run": "make test and make test-e2e on every supported Python present (one venv each)",
    ".gitignore": "venvs, caches, reports/.executed/ (make's bookkeeping)",
    "Makefile": "make help lists the targets (table above)",
    "README.md": "start here: what it is, the two commands, where each question is answered",
    "environment.yml": "the direct pins for conda (conda-forge); see conda users",
    "pyproject.toml": "package helpers (src layout), requires-python, pytest settings",
    "requirements.in": "direct dependencies, exact pins",
    "requirements.lock": "full pinned set installed into .venv (make lock)",
    "data": "",
    "data/raw": "original report text, immutable (+ .meta.json provenance)",
    "data/clean": "tidy tables made by code (make data); committed",
    "docs": "reference pages, each linked from the README",
    "docs/outputs.md": "outputs and columns",
    "docs/safety.md": "safety and limits: inputs refused, output folders, Excel and CSV",
    "docs/reading-rules.md": "reading rules, layout decisions, measured amounts",
    "docs/collections.md": "collections and linking; adding next year's report",
    "docs/development.md": "Python versions, conda, make targets, this tree, tests, timings",
    "docs/speed-rounds.md": "what each speed round changed and measured",
    "docs/report_infrastructure.md": "figures, workbook, reproducible notebooks",
    "notebooks": "JupyterLab notebooks; outputs stored and checked by nbval",
    "reports": "generated report artefacts (make report); committed",
    "reports/figures": "charts, PNG and SVG",
    "reports/html": "each notebook as HTML",
    "reports/tables": "every summary table a notebook shows, as CSV",
    "reports/minami_welfare_eval.xlsx": "workbook: clean and summary tables, data dictionary",
    "scripts": "",
    "scripts/bench.py": "make bench",
    "scripts/readme_sync.py": "make readme: regenerates this tree and the targets list",
    "src": "",
    "src/helpers": "the package: pipeline, CLI (python -m helpers), outputs, config",
    "src/helpers/read": "stage 1: a report file -> rows of cells -> typed, checked tables",
    "src/helpers/collect": "stage 2: the reports of a run as a collection (links, series)",
    "src/helpers/analyse": "stage 3: analysis verbs the notebooks share",
    "src/helpers/present": "stage 4: tables, charts, sentences, workbook",
    "src/helpers/config.py": "project paths (PROJ_ROOT, RAW_DATA_DIR, CLEAN_DATA_DIR, ...)",
    "tests": "pytest tests (doctests in src/helpers run too)",
    "tests/data": "hand readings of the report (expected values) and test fixtures",
}

TARGET_RE = re.compile(r"^([a-zA-Z0-9_.\/$()-]+):.*## (.*)$")  # the same lines `make help` prints
VARIABLE_RE = re.compile(r"^## ([A-Z_]+)=\.\.\.: (.*)$")
CONTINUATION_RE = re.compile(r"^##   (.*)$")


class SyncError(Exception):
    """The README or the notes cannot be brought in step (missing markers, stale notes)."""


def targets_block(makefile: str) -> str:
    """Markdown tables of the make targets and variables documented in ``makefile``.

    >>> print(targets_block("lab: x ## Start Lab\\n## VENV=...: which env\\n##   (or .venv)\\n"))
    | target | what it does |
    |---|---|
    | `make lab` | Start Lab |
    <BLANKLINE>
    | variable | meaning |
    |---|---|
    | `VENV=...` | which env (or .venv) |
    """
    targets: list[tuple[str, str]] = []
    variables: list[list[str]] = []
    for line in makefile.splitlines():
        if m := TARGET_RE.match(line):
            targets.append((m.group(1), m.group(2).strip()))
        elif m := VARIABLE_RE.match(line):
            variables.append([m.group(1), m.group(2).strip()])
        elif (m := CONTINUATION_RE.match(line)) and variables:
            variables[-1][1] += " " + m.group(1).strip()
    if not targets:
        raise SyncError("Makefile: no 'target: ... ## description' lines found")
    out = ["| target | what it does |", "|---|---|"]
    out += [f"| `make {name}` | {_cell(text)} |" for name, text in targets]
    if variables:
        out += ["", "| variable | meaning |", "|---|---|"]
        out += [f"| `{name}=...` | {_cell(text)} |" for name, text in variables]
    return "\n".join(out)


def _cell(text: str) -> str:
    """Make text safe inside a Markdown table cell."""
    return text.replace("|", "\\|")


def tracked_files(root: Path = ROOT) -> list[str]:
    """Paths (POSIX, relative) of the files git tracks in ``root``."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        raise SyncError(f"cannot list tracked files with git in {root}: {e}") from None
    return sorted(p for p in out.decode("utf-8").split("\0") if p)


def tree_block(files: list[str], notes: dict[str, str] = NOTES) -> str:
    """The layout tree: top-level entries, folders one level down, and noted deeper files.

    >>> print(tree_block(["Makefile", "src/helpers/a.py", "src/helpers/config.py"],
    ...                  {"src/helpers/config.py": "paths", "Makefile": "targets"}))
    ```
    ├── Makefile              <- targets
    └── src
        └── helpers
            └── config.py     <- paths
    ```
    """
    dirs: set[str] = set()
    for f in files:
        parts = f.split("/")
        for i in range(1, len(parts)):
            dirs.add("/".join(parts[:i]))
    known = set(files) | dirs
    stale = sorted(p for p in notes if p not in known)
    if stale:
        raise SyncError(
            f"scripts/readme_sync.py NOTES: not tracked by git: {stale} (remove or fix the note)"
        )
    shown = {f for f in files if "/" not in f} | {d for d in dirs if d.count("/") <= 1}
    shown |= {p for p in notes if p in known}

    def children(parent: str) -> list[str]:
        prefix = parent + "/" if parent else ""
        kids = [p for p in shown if p.startswith(prefix) and "/" not in p[len(prefix):]]
        # files before folders at the top (like the README always had), folders in name order
        return sorted(kids, key=lambda p: (p in dirs, p.lower()))

    rows: list[tuple[str, str]] = []

    def walk(parent: str, indent: str) -> None:
        kids = children(parent)
        for i, path in enumerate(kids):
            last = i == len(kids) - 1
            name = path.rsplit("/", 1)[-1]
            head = f"{indent}{'└── ' if last else '├── '}{name}"
            rows.append((head, notes.get(path, "")))
            if path in dirs:
                walk(path, indent + ("    " if last else "│   "))

    walk("", "")
    width = max(26, *(len(head) + 2 for head, _ in rows))  # notes in one column
    lines = [f"{head:<{width}}<- {note}" if note else head for head, note in rows]
    return "\n".join(["```", *lines, "```"])


def doc_pages(root: Path = ROOT) -> list[Path]:
    """The documentation: README.md and every docs/*.md page, in a stable order."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def page_with_block(pages: dict[str, str], name: str) -> str:
    """The one page (a key of ``pages``) that holds the markers of block ``name``.

    >>> page_with_block({"README.md": "x", "docs/d.md": "<!-- tree:start -->"}, "tree")
    'docs/d.md'
    """
    holders = [p for p, text in pages.items() if f"<!-- {name}:start -->" in text]
    if len(holders) != 1:
        raise SyncError(f"need the <!-- {name}:start --> block in exactly one page, found it in {holders or 'none'}")
    return holders[0]


def replace_block(text: str, name: str, body: str, page: str = "README.md") -> str:
    """Replace what lies between ``<!-- name:start -->`` and ``<!-- name:end -->``."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if text.count(start) != 1 or text.count(end) != 1 or text.index(start) > text.index(end):
        raise SyncError(f"{page}: need exactly one {start} followed by one {end}")
    a = text.index(start) + len(start)
    b = text.index(end)
    return text[:a] + "\n" + body + "\n" + text[b:]


def synced_pages(pages: dict[str, str], makefile: str, files: list[str]) -> dict[str, str]:
    """The pages (name -> text) with both generated blocks brought up to date where they live."""
    new = dict(pages)
    bodies = {"targets": targets_block(makefile), "tree": tree_block(files)}
    for name in BLOCKS:
        page = page_with_block(new, name)
        new[page] = replace_block(new[page], name, bodies[name], page)
    return new


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the documentation's targets list and layout tree.")
    parser.add_argument("--check", action="store_true", help="only report whether the blocks are up to date")
    args = parser.parse_args(argv)
    try:
        paths = {p.relative_to(ROOT).as_posix(): p for p in doc_pages()}
        current = {name: p.read_text(encoding="utf-8") for name, p in paths.items()}
        new = synced_pages(current, MAKEFILE.read_text(encoding="utf-8"), tracked_files())
    except SyncError as e:
        print(f"readme_sync: {e}", file=sys.stderr)
        return 2
    stale = [name for name in paths if new[name] != current[name]]
    if not stale:
        print("generated blocks are up to date")
        return 0
    if args.check:
        print(f"generated blocks are stale in {', '.join(stale)}; run `make readme`", file=sys.stderr)
        return 1
    for name in stale:
        paths[name].write_text(new[name], encoding="utf-8")
    print(f"targets list and layout tree regenerated in {', '.join(stale)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
