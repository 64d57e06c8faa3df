"""Run make from a test: the Makefile's own values, without what a surrounding `make test` passed down."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAKE = shutil.which("make")


def makefile_value(expr: str) -> str:
    """Expand a make expression for this test's environment (VENV = the running interpreter's)."""
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTHON", "VENV"}}
    r = subprocess.run(
        [MAKE, "-s", "--no-print-directory", f"VENV={sys.prefix}", "--eval", f"_show: ; @$(info {expr}):", "_show"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()
