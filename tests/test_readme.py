"""The documentation (README.md and docs/*.md) says nothing that is not true about the repository.

* The targets/variables table and the layout tree are generated (scripts/readme_sync.py,
  ``make readme``) in whichever page holds their markers; a test fails when either is stale.
* Every path a page names in backticks, every relative link, and every entry of the layout tree,
  exists; every docs/ page is linked from the README; the README stays short.
"""

from __future__ import annotations

import doctest
import glob
import importlib.util
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

_spec = importlib.util.spec_from_file_location("readme_sync", ROOT / "scripts" / "readme_sync.py")
readme_sync = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(readme_sync)

#: Every page of the documentation, by its path relative to the repository root.
PAGES = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in readme_sync.doc_pages(ROOT)}
ALL_DOCS = "\n".join(PAGES.values())
#: The README is the front page; the reference lives in docs/ (issue 16 §3).
README_MAX_LINES = 200

needs_git = pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout"
)

# Named in the README but made on the user's machine, not stored in the repository.
GENERATED_LOCALLY = (".venv", "reports/.executed")
# File extensions that mark a backticked word as a path even without a folder in it.
# Where a bare file name (no folder) is looked for (not the venvs: they are large).
SEARCHED_FOR_BARE_NAMES = ("data", "docs", "notebooks", "reports", "scripts", "src", "tests")
PATH_SUFFIXES = (".py", ".csv", ".md", ".yml", ".toml", ".lock", ".in", ".ipynb", ".json", ".txt", ".xlsx", ".html")


def test_readme_sync_doctests():
    result = doctest.testmod(readme_sync)
    assert result.attempted >= 2 and result.failed == 0


def test_targets_block_is_up_to_date():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    page = readme_sync.page_with_block(PAGES, "targets")
    text = PAGES[page]
    assert readme_sync.replace_block(text, "targets", readme_sync.targets_block(makefile), page) == text, (
        f"{page}: targets list is stale: run `make readme`"
    )


@needs_git
def test_tree_block_is_up_to_date():
    tree = readme_sync.tree_block(readme_sync.tracked_files())
    page = readme_sync.page_with_block(PAGES, "tree")
    text = PAGES[page]
    assert readme_sync.replace_block(text, "tree", tree, page) == text, f"{page}: layout tree is stale: run `make readme`"


def test_every_target_in_the_makefile_is_documented():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = re.findall(r"^([a-z][a-z0-9-]*):.*## ", makefile, re.M)
    assert {"venv", "notebooks", "lab", "readme"} <= set(targets)
    for t in targets:
        assert f"`make {t}`" in ALL_DOCS, f"no page of the documentation lists make {t}"


def test_readme_is_short_and_links_every_docs_page():
    lines = README.count("\n")
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines (at most {README_MAX_LINES}): move reference text to docs/"
    for page in PAGES:
        if page.startswith("docs/"):
            assert f"]({page})" in README, f"README does not link {page}"
    # the two commands stay on the front page
    assert re.search(r"^make report +# ", README, re.M) and re.search(r"^make test +# ", README, re.M)


def backticked_paths(text: str) -> list[str]:
    """Words in `backticks` that name a file or folder of the repository."""
    found = []
    for span in re.findall(r"`([^`\n]+)`", text):
        word = span.strip()
        if " " in word or "://" in word or "$" in word or word.startswith(("-", "make")) or "=" in word:
            continue  # a command, URL, variable or option, not a path
        if word.startswith(("/", "~", "../")):
            continue  # outside the repository (e.g. /usr/bin/time)
        if "/" in word or word.endswith(PATH_SUFFIXES):
            found.append(word)
    return found


#: Paths the README names on purpose although they are not in the repository, each with why.
NOT_IN_REPOSITORY = {
    "data/raw/link_overrides.csv": "optional hand-kept overrides file; absent until a link needs forcing or forbidding",
    "niigata-minami_chiiki-fukushi-keikaku_hyoka_2022.txt": "next year's report, the example of the collection how-to",
    "docProps/core.xml": "a member inside the workbook's zip file, not a file of the repository",
    "text/html": "a MIME type nbval compares",
    "text/plain": "a MIME type nbval compares",
    "[]:*?/\\": "the characters Excel forbids in sheet names",
    "source_cells.csv": "written only when a PDF report is read (docs/reading-rules.md); data/raw holds text only",
    # the worked example of docs/reading-rules.md (i13-layout): a made-up report its test builds in a temporary folder
    "data/raw/synthetic_shisaku.meta.json": "the worked example's sidecar, made by its test in a temporary folder",
    "synthetic_shisaku.txt": "the worked example's made-up report, made by its test in a temporary folder",
    "tests/test_layout.py::test_worked_example_refusal_sidecar_tables": "a pytest node id (tests/test_layout.py exists)",
}


def exists(word: str) -> bool:
    word = word.rstrip("/")
    if word in NOT_IN_REPOSITORY:
        return True
    if "<" in word or "NN_" in word:
        return True  # a placeholder (`<name>_<year>.txt`, `reports/tables/NN_name.csv`), not a path
    if word.startswith("#"):
        return True  # an Excel value such as `#N/A`
    if "/" not in word and word.startswith(("*", ".")):
        return True  # a pattern, a suffix or an example name (`*.txt`, `.xlsx`, `._r.txt`)
    if word.startswith(GENERATED_LOCALLY):
        return True
    if any(ch in word for ch in "*?["):
        return bool(glob.glob(str(ROOT / word)))
    if (ROOT / word).exists():
        return True
    if "/" not in word:  # a bare file name (e.g. `initiatives.csv` in the data/clean table)
        return any(any((ROOT / d).rglob(word)) for d in SEARCHED_FOR_BARE_NAMES)
    return False


@pytest.mark.parametrize("page", sorted(PAGES))
def test_backticked_paths_exist(page):
    words = backticked_paths(PAGES[page])
    missing = sorted({w for w in words if not exists(w)})
    assert not missing, f"{page} names paths that do not exist: {missing}"


def test_backticked_paths_are_found():
    words = backticked_paths(ALL_DOCS)
    assert "requirements.lock" in words and "scripts/readme_sync.py" in words  # the extractor works
    assert "src/helpers/collect/link.py" in words


def markdown_links(text: str) -> list[str]:
    """Targets of Markdown links and images that point into the repository (no URL, no anchor-only).

    >>> markdown_links("see [a](docs/a.md#x), ![f](r/f.png), [w](https://x.org) and [s](#here)")
    ['docs/a.md', 'r/f.png']
    """
    found = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if "://" in target or target.startswith(("#", "mailto:")):
            continue
        found.append(target.split("#", 1)[0])
    return found


@pytest.mark.parametrize("page", sorted(PAGES))
def test_relative_links_resolve(page):
    base = (ROOT / page).parent
    missing = sorted({t for t in markdown_links(PAGES[page]) if not (base / t).exists()})
    assert not missing, f"{page} links to files that do not exist (relative to {base.relative_to(ROOT) or '.'}): {missing}"


def heading_anchors(text: str) -> set[str]:
    r"""The anchors GitHub gives a page's headings (lower case, punctuation dropped, spaces as -).

    >>> sorted(heading_anchors("# Safety and limits\n## Measured amounts: `metrics.csv`\n```\n# not a heading\n```"))
    ['measured-amounts-metricscsv', 'safety-and-limits']
    """
    anchors, fenced = set(), False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (m := re.match(r"^#{1,6} +(.*?) *$", line)):
            anchors.add(re.sub(r"[^\w\- ]", "", m.group(1).lower()).replace(" ", "-"))
    return anchors


@pytest.mark.parametrize("page", sorted(PAGES))
def test_links_to_sections_resolve(page):
    base = (ROOT / page).parent
    bad = []
    for target in re.findall(r"\]\(([^)\s]+\.md)#([^)\s]+)\)", PAGES[page]):
        path = base / target[0]
        if not path.exists() or target[1] not in heading_anchors(path.read_text(encoding="utf-8")):
            bad.append("#".join(target))
    assert not bad, f"{page} links to sections that do not exist: {bad}"


def test_relative_link_check_can_fail():
    assert markdown_links("[x](docs/nope.md#a)") == ["docs/nope.md"]
    assert not (ROOT / "docs" / "docs/outputs.md").exists()  # a README-relative link inside docs/ would fail


def test_backticked_path_check_can_fail():
    assert not exists("reports/no_such_workbook.xlsx")
    assert not exists("data/raw/link_overrides_typo.csv")
    assert not exists("data/raw/*.pdf")
    assert backticked_paths("see `src/helpers/nope.py` and `make test` and `--out`") == ["src/helpers/nope.py"]


def tree_paths(text: str) -> list[str]:
    """Repository paths of the entries drawn in the layout tree block."""
    block = text.split("<!-- tree:start -->", 1)[1].split("<!-- tree:end -->", 1)[0]
    paths, stack = [], []
    for line in block.splitlines():
        m = re.match(r"^((?:│   |    )*)(?:├── |└── )(\S+)", line)
        if not m:
            continue
        depth = len(m.group(1)) // 4
        stack[depth:] = [m.group(2)]
        paths.append("/".join(stack))
    return paths


def test_tree_entries_exist():
    paths = tree_paths(PAGES[readme_sync.page_with_block(PAGES, "tree")])
    assert {"Makefile", ".ci/run", "reports/html", "reports/tables", "tests/data", "src/helpers/config.py"} <= set(paths)
    assert "reports/minami_welfare_eval.xlsx" in paths
    missing = [p for p in paths if not (ROOT / p).exists()]
    assert not missing, f"README tree names paths that do not exist: {missing}"


def test_readme_quotes_no_stale_test_counts():
    """Counts of tests go stale with every new test: the documentation says how to get them instead."""
    for page, text in PAGES.items():
        assert not re.search(r"\b\d+ (unit )?tests\b", text), f"{page} quotes a test count"
    assert "pytest --collect-only -q" in README
