"""Project paths, all built from the project root.

Import these instead of hard-coding relative paths, so code behaves the same
from the command line (``python -m helpers``), from pytest and from a notebook
whose working directory is ``notebooks/``.

Importing this module has no side effects: no directory is created here.
Code that writes output creates its own directory when it writes.

>>> (PROJ_ROOT / "pyproject.toml").is_file()
True
>>> RAW_DATA_DIR.relative_to(PROJ_ROOT).as_posix()
'data/raw'
"""

from __future__ import annotations

from pathlib import Path

#: Repository root (this file is ``<root>/src/helpers/config.py``).
PROJ_ROOT: Path = Path(__file__).resolve().parents[2]

#: All data; committed to git.
DATA_DIR: Path = PROJ_ROOT / "data"
#: Raw inputs exactly as delivered. Immutable: never edit, fix things in code.
RAW_DATA_DIR: Path = DATA_DIR / "raw"
#: Tidy tables produced by ``python -m helpers clean`` (``make data``).
CLEAN_DATA_DIR: Path = DATA_DIR / "clean"

#: JupyterLab notebooks (executed and checked with nbval by ``make test``).
NOTEBOOKS_DIR: Path = PROJ_ROOT / "notebooks"

#: Generated report artefacts (``make report``).
REPORTS_DIR: Path = PROJ_ROOT / "reports"
#: Figures for the report.
FIGURES_DIR: Path = REPORTS_DIR / "figures"

__all__ = [
    "PROJ_ROOT",
    "DATA_DIR",
    "RAW_DATA_DIR",
    "CLEAN_DATA_DIR",
    "NOTEBOOKS_DIR",
    "REPORTS_DIR",
    "FIGURES_DIR",
]
