"""Keep the README's generated blocks in step with the Makefile and the repository.

Two blocks of README.md are generated, each between a pair of marker comments:

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

Only the text between the markers is touched; the rest of README.md is left byte for byte.
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
MAKEFILE = ROOT / "Makefile"

# One line of description per path shown in the tree (folders end without "/").
NOTES: dict[str, str] = {
    ".ci": "CI entry point",
    ".ci/run": "make test on every supported Python present (one venv each)",
    ".gitignore": "venvs, caches, reports/.executed/ (make's bookkeeping)",
    "Makefile": "make help lists the targets (table above)",
    "README.md": "this file",
    "environment.yml": "the direct pins for conda (conda-forge); see conda users",
    "pyproject.toml": "package helpers (src layout), requires-python, pytest settings",
    "requirements.in": "direct dependencies, exact pins",
    "requirements.lock": "full pinned set installed into .venv (make lock)",
    "data": "",
    "data/raw": "original report text, immutable (+ .meta.json provenance)",
    "data/clean": "tidy tables made by code (make data); committed",
    "docs": "design notes",
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
    "src/helpers": "the package: parsing, tidying, CLI (python -m helpers)",
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


def replace_block(text: str, name: str, body: str) -> str:
    """Replace what lies between ``<!-- name:start -->`` and ``<!-- name:end -->``."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if text.count(start) != 1 or text.count(end) != 1 or text.index(start) > text.index(end):
        raise SyncError(f"README.md: need exactly one {start} followed by one {end}")
    a = text.index(start) + len(start)
    b = text.index(end)
    return text[:a] + "\n" + body + "\n" + text[b:]


def synced_readme(readme: str, makefile: str, files: list[str]) -> str:
    """README text with both generated blocks brought up to date."""
    readme = replace_block(readme, "targets", targets_block(makefile))
    return replace_block(readme, "tree", tree_block(files))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the README's targets list and layout tree.")
    parser.add_argument("--check", action="store_true", help="only report whether the blocks are up to date")
    args = parser.parse_args(argv)
    try:
        current = README.read_text(encoding="utf-8")
        new = synced_readme(current, MAKEFILE.read_text(encoding="utf-8"), tracked_files())
    except SyncError as e:
        print(f"readme_sync: {e}", file=sys.stderr)
        return 2
    if new == current:
        print("README.md: generated blocks are up to date")
        return 0
    if args.check:
        print("README.md: generated blocks are stale; run `make readme`", file=sys.stderr)
        return 1
    README.write_text(new, encoding="utf-8")
    print("README.md: targets list and layout tree regenerated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
