"""What a newcomer reads in the terminal: no noise that looks like an error, no hidden error.

* ``python -m helpers --help`` is plain text (the module docstring is reST, with ``literals``);
* the HTML export's filter removes exactly nbconvert's "Alternative text is missing on N
  image(s)." line and nothing else, and keeps nbconvert's exit status;
* kernels started by make run with transport encryption, so ipykernel does not warn
  "Kernel is running over TCP without encryption" (checked on a real execution in
  test_notebooks_stored.py).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.makeutil import makefile_value

ROOT = Path(__file__).resolve().parents[1]
MAKE = shutil.which("make")
BASH = shutil.which("bash")




@pytest.mark.parametrize("args", [["--help"], ["clean", "--help"]])
def test_cli_help_is_plain_text(args):
    r = subprocess.run([sys.executable, "-m", "helpers", *args], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "``" not in r.stdout, r.stdout
    if args == ["--help"]:
        assert "Command line: python -m helpers clean INPUT... --out DIR." in r.stdout


NBCONVERT_LOG = [
    "[NbConvertApp] Converting notebook notebooks/04_grade_distribution.ipynb to html",
    "[NbConvertApp] WARNING | Alternative text is missing on 2 image(s).",
    "[NbConvertApp] WARNING | Alternative text is missing on 12 image(s). (something else)",
    "[NbConvertApp] WARNING | Some other warning",
    "[NbConvertApp] ERROR | Notebook JSON is invalid: Alternative text is missing on 1 image(s).",
    "[NbConvertApp] Writing 396686 bytes to reports/html/04_grade_distribution.html",
]


@pytest.mark.skipif(MAKE is None or BASH is None, reason="needs make and bash")
@pytest.mark.parametrize("status", [0, 1, 3])
def test_html_export_filter_drops_only_the_alt_text_line(tmp_path, status):
    quiet = makefile_value("$(QUIET_ALT_TEXT)")
    log = tmp_path / "nbconvert.log"
    log.write_text("\n".join(NBCONVERT_LOG) + "\n", encoding="utf-8")
    fake = tmp_path / "fake-nbconvert"
    fake.write_text(f'#!/bin/sh\ncat "{log}" >&2\nexit {status}\n')
    fake.chmod(0o755)
    # the HTML rule's shell: bash -o pipefail -c
    r = subprocess.run([BASH, "-o", "pipefail", "-c", f'"{fake}" {quiet}'], capture_output=True, text=True)
    assert r.returncode == status, "the filter changed nbconvert's exit status"
    assert r.stdout == ""
    assert r.stderr.splitlines() == [line for i, line in enumerate(NBCONVERT_LOG) if i != 1]


def test_html_rule_uses_bash_with_pipefail():
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "reports/html/%.html: SHELL := /bin/bash" in text
    assert "reports/html/%.html: .SHELLFLAGS := -o pipefail -c" in text
    assert "$(QUIET_ALT_TEXT)" in text.split("reports/html/%.html: notebooks/%.ipynb", 1)[1].split("\n\n", 1)[0]
