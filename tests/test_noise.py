"""What a newcomer reads in the terminal: no noise that looks like an error, no hidden error.

* ``python -m helpers --help`` is plain text (the module docstring is reST, with ``literals``);
* the HTML export (helpers.present.export) drops exactly nbconvert's "Alternative text is missing
  on N image(s)." notice and nothing else (tested in test_html_export.py);
* kernels started by make run with transport encryption, so ipykernel does not warn
  "Kernel is running over TCP without encryption" (checked on a real execution in
  test_notebooks_stored.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.makeutil import makefile_value

ROOT = Path(__file__).resolve().parents[1]
MAKE = shutil.which("make")
BASH = shutil.which("bash")




@pytest.mark.parametrize("args", [["--help"], ["clean", "--help"]])
def test_cli_help_is_plain_text(args, capsys):
    # helpers.cli.main, what `python -m helpers` runs, in this process (a new process costs ~1 s of imports;
    # tests/test_cli.py::test_clean_places_every_line runs the real entry point)
    from helpers.cli import main

    with pytest.raises(SystemExit) as e:
        main(args)
    out, err = capsys.readouterr()
    assert e.value.code == 0, err
    assert "``" not in out, out
    if args == ["--help"]:
        assert "Command line: python -m helpers clean INPUT... --out DIR." in out


