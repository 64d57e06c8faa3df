"""Shared fixtures: the report as committed in data/raw, and real snippets of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw" / "niigata-minami_chiiki-fukushi-keikaku_hyoka_2021.txt"
# section 1: a copy of ../shared/examples/section1_reading.json (the careful human reading shipped
# with the task), kept here so that the tests do not depend on a folder outside the repository
READINGS = [
    ROOT / "tests" / "data" / "reading_section1.json",
    ROOT / "tests" / "data" / "reading_section2.json",
    ROOT / "tests" / "data" / "reading_section3.json",
    ROOT / "tests" / "data" / "reading_section4.json",
]


@pytest.fixture(scope="session")
def raw_path() -> Path:
    return RAW


@pytest.fixture(scope="session")
def raw_lines() -> list[str]:
    return RAW.read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="session")
def snippet(raw_lines):
    """Build a report text from 1-based inclusive line ranges of the real report.

    ``snippet((1, 5), (383, 413), (519, 523))`` is the column header, two rows
    of section 2, the legend and a footer pair: a small but real report.
    """

    def build(*ranges: tuple[int, int]) -> str:
        out: list[str] = []
        for a, b in ranges:
            out += raw_lines[a - 1 : b]
        return "\n".join(out) + "\n"

    return build


@pytest.fixture(scope="session")
def _raw_tables_once(raw_path):
    from helpers.pipeline import clean_reports

    return clean_reports([raw_path])


@pytest.fixture(scope="module")
def raw_tables(_raw_tables_once):
    """``clean_reports([raw_path])``: the clean tables of the committed report, computed once per test process
    and handed to each test module as its own deep copy (3 ms instead of a clean, ~0.1 s), so a module may
    change them as if it had cleaned the report itself (issue 16 §1: ~15 modules each cleaned it)."""
    import copy

    return copy.deepcopy(_raw_tables_once)


def load_readings() -> list[dict]:
    """The hand readings of the four sections, in section order (all four or an error)."""
    missing = [str(p) for p in READINGS if not p.exists()]
    if missing:
        raise FileNotFoundError(f"hand readings missing: {missing}")
    return [json.loads(p.read_text(encoding="utf-8")) for p in READINGS]


def two_tiers(prop, *strategies, fast: int, full: int, **settings):
    """A hypothesis property as two tests: ``fast`` examples in ``make test``, ``full`` in ``make test-e2e``
    (marker ``e2e``; .ci/run runs both tiers, so every example still runs in CI). Issue 16 §1: the fast tier
    within 30 s. ``prop`` is the property (its fixtures first, then one argument per strategy)::

        test_x, test_x_many_examples = two_tiers(_x, st.integers(), fast=25, full=100, deadline=None)
    """
    from hypothesis import given
    from hypothesis import settings as hypothesis_settings

    fast_test = hypothesis_settings(max_examples=fast, **settings)(given(*strategies)(prop))
    full_test = hypothesis_settings(max_examples=full, **settings)(given(*strategies)(prop))
    return fast_test, pytest.mark.e2e(full_test)


def pytest_configure(config):
    # slow: hostile-input cases of several seconds (issue 7 §4); `make test` runs them too
    config.addinivalue_line("markers", "slow: a hostile-input case taking seconds; still run by make test")


@pytest.hookimpl(wrapper=True)
def pytest_collection(session):
    """The collection itself runs with the cyclic garbage collector paused: importing the test modules and the
    package (pandas, matplotlib …) and building about 1,200 test items makes some 250,000 objects that all live
    to the end, so each full collection while they are made scans them in vain (about 0.3 s of CPU in each
    process, ``gc.callbacks`` timed). Resumed however collection ends; :func:`pytest_collection_finish`
    freezes what was made."""
    import gc

    if not gc.isenabled():  # switched off by the caller: left as it is
        return (yield)
    gc.disable()
    try:
        return (yield)
    finally:
        gc.enable()


def pytest_collection_finish(session):
    """Once the tests are collected, Python's cyclic garbage collector stops rescanning what exists by then
    (imported modules, the collected tests: about 250,000 objects in each process) and runs less often.
    Each full collection scanned them all again: 2-4 s of a ``make test`` worker's time went to the
    collector, about half that with this (issue 16 §1; ``gc.callbacks`` timed). Reference counting frees
    memory as before; nothing a test checks depends on when the collector runs (tests/test_pipeline.py
    checks that clean_reports pauses and resumes it: ``gc.isenabled`` is unchanged here)."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


@pytest.fixture(scope="session")
def crafted_build(tmp_path_factory):
    """The whole ``make report`` run ONCE per test session on a temporary copy of the project whose
    data/raw/ also holds the SYNTHETIC crafted next-year report (tests/make_synthetic_report.py,
    ``crafted=True``). Shared by every e2e test that reads its outputs (marker ``e2e``; ~40 s idle).

    Returns ``(project_copy, completed_make_process)``.
    """
    import os
    import shutil
    import subprocess
    import sys

    from tests.make_synthetic_report import write_synthetic

    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    root = tmp_path_factory.mktemp("crafted") / "project"
    root.mkdir()
    skip = shutil.ignore_patterns("__pycache__", ".executed", ".helpers-lock", ".helpers-staging-*", "*.egg-info",
                                  ".ipynb_checkpoints")
    for name in ("Makefile", "pyproject.toml", "src", "notebooks", "data", "reports"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=skip)  # copy2: modification times kept
        else:
            shutil.copy2(src, root / name)
    write_synthetic(root / "data" / "raw", crafted=True)
    env = {k: v for k, v in os.environ.items()
           if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTHON", "VENV", "LAB_ARGS", "CONDA_PREFIX", "FORCE"}}
    env["PYTHONPATH"] = str(root / "src")  # the copy's package (and its config.PROJ_ROOT), not the checkout's
    # VENV: the interpreter running the tests; ENV_READY empty: make checks or installs nothing
    r = subprocess.run([make, "--no-print-directory", "report", f"VENV={sys.prefix}", "ENV_READY="],
                       cwd=root, env=env, capture_output=True, text=True, timeout=1800)
    return root, r


@pytest.fixture(scope="session")
def two_report_folder(tmp_path_factory) -> Path:
    """A folder with the committed report and the SYNTHETIC next year (tests/make_synthetic_report.py)."""
    from tests.make_synthetic_report import two_report_collection

    return two_report_collection(tmp_path_factory.mktemp("two"))


@pytest.fixture(scope="session")
def two(two_report_folder):
    """The clean tables of :func:`two_report_folder` (built once per test process; do not modify)."""
    from helpers.pipeline import clean_reports

    return clean_reports([two_report_folder])


@pytest.fixture(scope="session")
def fixture_pdf_rendered(tmp_path_factory):
    """The SYNTHETIC PDF of the whole report (tests/make_pdf_report.py), rendered once per test process.

    Returns ``(path, layout)``.  The file has the committed report's stem, with its sidecar beside
    it, so that it reads as the same report (same ``report`` column and ids) as data/raw's text.
    """
    import shutil

    from tests.make_pdf_report import render_pdf

    folder = tmp_path_factory.mktemp("pdf")
    path = folder / f"{RAW.stem}.pdf"
    layout = render_pdf(path)
    sidecar = RAW.with_name(f"{RAW.stem}.meta.json")
    if sidecar.exists():
        shutil.copyfile(sidecar, folder / sidecar.name)
    return path, layout


@pytest.fixture(scope="session")
def fixture_pdf(fixture_pdf_rendered) -> Path:
    return fixture_pdf_rendered[0]


@pytest.fixture(scope="session")
def pdf_tables(fixture_pdf):
    """The clean tables read from the fixture PDF (built once per test process; do not modify)."""
    from helpers.pipeline import clean_reports

    return clean_reports([fixture_pdf])


#: a small real report: the column header (lines 1-5), rows 1-1-01 and 1-1-02 (lines 6-84), the legend and
#: the footers of section 1 (lines 204-208). It cleans with every line placed, in a fraction of the time of the
#: whole report: for tests about files, ownership and formats rather than about the report's content.
SMALL_REPORT = ((1, 84), (204, 208))


def _clean_folder(folder: Path, name: str, text: str) -> Path:
    from helpers.pipeline import clean_reports, write_tables

    src = folder / "in" / name
    src.parent.mkdir(parents=True)
    src.write_text(text, encoding="utf-8")
    write_tables(clean_reports([src]), folder / "clean")
    return folder / "clean"


@pytest.fixture(scope="session")
def small_clean(tmp_path_factory, snippet) -> Path:
    """The clean folder of :data:`SMALL_REPORT` (saved as ``small_2021.txt``), as the CLI writes it.
    Built once per test process: do not modify (copy it)."""
    return _clean_folder(tmp_path_factory.mktemp("small"), "small_2021.txt", snippet(*SMALL_REPORT))


@pytest.fixture(scope="session")
def formula_named_clean(tmp_path_factory, snippet) -> Path:
    """The clean folder of :data:`SMALL_REPORT` saved under the SYNTHETIC name ``=1+1.txt`` (a file name
    Excel would read as a formula): its ``report`` column and every id start with ``=1+1``.
    Built once per test process: do not modify."""
    return _clean_folder(tmp_path_factory.mktemp("formula"), "=1+1.txt", snippet(*SMALL_REPORT))
