"""The Makefile as a newcomer meets it: which Python it picks, which environment it uses.

Most checks read what make *would* run (``make -n``) or make it refuse before it creates
anything, so they are fast and never touch ``.venv``. Fake interpreters are small shell scripts
in a temporary folder put first on PATH: a broken pyenv shim (exits 127, like the shims of
versions installed but not selected), a wrapper around the interpreter running the tests, and an
"old Python" wrapper that reports version 3.10.13.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")

SUPPORTED = ["3.11", "3.12", "3.13"]
VENV_NAMES = ["python3.13", "python3.12", "python3.11", "python3"]


# Set by a `make test PYTHON=... VENV=...` around pytest (make exports command-line variables):
# a make started by a test must not inherit them.
MAKE_INHERITED = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTHON", "VENV", "LAB_ARGS", "CONDA_PREFIX"}


def make_env(path_prefix: Path | None = None) -> dict[str, str]:
    """The environment for a make child: no flags or variables inherited from a make around pytest."""
    env = {k: v for k, v in os.environ.items() if k not in MAKE_INHERITED}
    if path_prefix is not None:
        env["PATH"] = f"{path_prefix}{os.pathsep}{env['PATH']}"
    return env


def run_make(*args: str, path_prefix: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [MAKE, "--no-print-directory", *args],
        cwd=ROOT, env=make_env(path_prefix), capture_output=True, text=True, timeout=120,
    )


def make_value(expr: str, *args: str) -> str:
    """Expand a make expression after the Makefile is read (e.g. ``$(PY_VERSIONS)``)."""
    r = run_make("-s", "--eval", f"_show: ; @$(info {expr}):", "_show", *args)
    assert r.returncode == 0, r.stderr
    return r.stdout.rstrip("\n")


def fake_bin(tmp_path: Path, kinds: dict[str, str]) -> Path:
    """A folder of fake interpreters: kind 'broken' (pyenv shim), 'real' or 'old' (3.10.13)."""
    d = tmp_path / "bin"
    d.mkdir()
    real = sys.executable
    scripts = {
        "broken": "#!/bin/sh\necho \"pyenv: $(basename $0): command not found\" >&2\nexit 127\n",
        "real": f'#!/bin/sh\nexec "{real}" "$@"\n',
        "old": (
            "#!/bin/sh\n"
            'if [ "$1" = -c ]; then shift; code="$1"; shift\n'
            f'  exec "{real}" -c "import sys; sys.version_info = (3, 10, 13, \'final\', 0); '
            'sys.version = \'3.10.13 (fake)\'; $code" "$@"; fi\n'
            f'exec "{real}" "$@"\n'
        ),
    }
    for name in VENV_NAMES:  # shadow every name make tries, so the machine's own Pythons stay out
        p = d / name
        p.write_text(scripts[kinds.get(name, "broken")])
        p.chmod(0o755)
    return d


def test_supported_versions_agree():
    """One list of versions: Makefile, pyproject, lock header (environment.yml: test_environment)."""
    versions = make_value("$(PY_VERSIONS)").split()
    assert sorted(versions) == SUPPORTED
    assert versions == sorted(versions, key=lambda v: tuple(map(int, v.split("."))), reverse=True), (
        "PY_VERSIONS must list the newest first (make tries them in that order)"
    )
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    spec = SpecifierSet(requires)
    for v in SUPPORTED:
        assert f"{v}.0" in spec and f"{v}.99" in spec, f"requires-python {requires!r} excludes {v}"
    for v in ["3.10.13", "3.14.0"]:
        assert v not in spec, f"requires-python {requires!r} admits {v}"
    header = (ROOT / "requirements.lock").read_text(encoding="utf-8").split("\n\n")[0]
    assert "One lock for Python 3.11, 3.12 and 3.13" in header
    assert "%d.%d" % sys.version_info[:2] in SUPPORTED, "the tests run on an unsupported Python"


def test_lock_header_is_the_one_make_lock_writes():
    lock_head = [ln for ln in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines() if ln.startswith("#")]
    assert make_value("$(LOCK_HEADER)").splitlines() == lock_head


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        ({"python3.13": "real", "python3.12": "real", "python3.11": "real"}, "python3.13"),
        ({"python3.12": "real", "python3.11": "real", "python3": "real"}, "python3.12"),  # 3.13: broken shim
        ({"python3.11": "real"}, "python3.11"),
        ({"python3": "real"}, "python3"),
        ({"python3.13": "old", "python3.11": "real"}, "python3.11"),  # a python3.13 that is not 3.x supported
    ],
)
def test_make_picks_the_newest_supported_python(tmp_path, kinds, expected):
    bindir = fake_bin(tmp_path, kinds)
    r = run_make("-n", "venv", f"VENV={tmp_path / 'new-venv'}", path_prefix=bindir)
    assert r.returncode == 0, r.stderr
    assert re.search(rf"^{re.escape(expected)} -m venv ", r.stdout, re.M), r.stdout


def test_unsupported_python_is_refused_before_anything_is_created(tmp_path):
    old = fake_bin(tmp_path, {"python3": "old"}) / "python3"
    venv = tmp_path / "new-venv"
    r = run_make("venv", f"VENV={venv}", f"PYTHON={old}")
    assert r.returncode != 0
    assert f"make: {old} is Python 3.10.13; supported: 3.13 3.12 3.11" in r.stderr
    assert not venv.exists()


def test_no_supported_python_on_path_is_refused(tmp_path):
    bindir = fake_bin(tmp_path, {"python3": "old"})  # the rest are broken shims
    venv = tmp_path / "new-venv"
    r = run_make("venv", f"VENV={venv}", path_prefix=bindir)
    assert r.returncode != 0
    assert "no supported Python on PATH" in r.stderr
    assert not venv.exists()


def test_a_new_venv_is_created_and_filled_from_the_lock(tmp_path):
    r = run_make("-n", "test", f"VENV={tmp_path / 'absent'}", "PYTHON=python3.11")
    assert r.returncode == 0, r.stderr
    assert f"python3.11 -m venv {tmp_path / 'absent'}" in r.stdout
    assert f"{tmp_path / 'absent'}/bin/python -m pip install -r requirements.lock" in r.stdout


@pytest.fixture
def own_env(tmp_path) -> Path:
    """An environment make did not create (like $CONDA_PREFIX): bin/python runs the test interpreter."""
    prefix = tmp_path / "conda-env"
    (prefix / "bin").mkdir(parents=True)
    py = prefix / "bin" / "python"
    py.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    py.chmod(0o755)
    return prefix


@pytest.mark.parametrize("target", ["test", "test-e2e", "report", "lab", "venv"])
def test_existing_env_is_used_as_it_is(own_env, target):
    r = run_make("-n", target, f"VENV={own_env}")
    assert r.returncode == 0, r.stderr
    assert not re.search(r"^\S+ -m venv |-m pip install", r.stdout, re.M), r.stdout
    assert "importlib.util" in r.stdout, "make should check the environment (check-env)"
    assert ".venv/" not in r.stdout, "a recipe ignores VENV="
    if target.startswith("test"):
        assert f"{own_env}/bin/python -m pytest" in r.stdout


def test_existing_env_is_checked_for_real(own_env):
    ok = run_make("check-env", f"VENV={own_env}")
    assert ok.returncode == 0, ok.stderr  # the test interpreter has everything
    (own_env / "bin" / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "$@"\n')  # no site-packages
    bad = run_make("check-env", f"VENV={own_env}")
    assert bad.returncode != 0
    assert "lacks helpers, pytest" in bad.stderr and "installs nothing into it" in bad.stderr


def test_clean_venv_refuses_an_env_make_did_not_create(own_env):
    r = run_make("clean-venv", f"VENV={own_env}")
    assert r.returncode != 0
    assert "make did not create it" in r.stderr
    assert (own_env / "bin" / "python").exists()


def test_the_two_test_tiers_and_ci_runs_both():
    """make test: one pytest run of everything but the e2e tests, the notebooks with nbval included; make
    test-e2e: the e2e tests; both on two workers, a module or notebook per worker. .ci/run runs both."""
    fast = run_make("-n", "test", f"VENV={sys.prefix}", "ENV_READY=")
    e2e = run_make("-n", "test-e2e", f"VENV={sys.prefix}", "ENV_READY=")
    assert fast.returncode == 0 and e2e.returncode == 0, fast.stderr + e2e.stderr
    [fast_cmd] = [ln for ln in fast.stdout.splitlines() if "-m pytest" in ln]
    [e2e_cmd] = [ln for ln in e2e.stdout.splitlines() if "-m pytest" in ln]
    for cmd in (fast_cmd, e2e_cmd):
        assert f"{sys.prefix}/bin/python -m pytest -p tests.speed -n 2 --dist loadscope" in cmd
    assert '-m "not e2e"' in fast_cmd and "--nbval --nbval-current-env" in fast_cmd
    assert " notebooks tests src/helpers " in f"{fast_cmd} "
    assert "-m e2e" in e2e_cmd and "nbval" not in e2e_cmd
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'make test PYTHON="$py" VENV=".venv-$v" && make test-e2e PYTHON="$py" VENV=".venv-$v"' in ci


def test_recipes_honour_venv():
    """No recipe hard-codes .venv: VENV= must reach every command."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe_lines = [ln for ln in text.splitlines() if ln.startswith("\t")]
    offending = [ln for ln in recipe_lines if re.search(r"(?<![\w-])\.venv/", ln)]
    assert not offending, offending


@pytest.mark.parametrize("lab_args", ["", "--no-browser --port=8889"])
def test_lab_command(lab_args):
    r = run_make("-n", "lab", f"VENV={sys.prefix}", f"LAB_ARGS={lab_args}")
    assert r.returncode == 0, r.stderr
    cmd = " ".join(ln.rstrip("\\").strip() for ln in r.stdout.splitlines()[-2:])
    assert f"{sys.prefix}/bin/jupyter lab" in cmd
    assert f"--ServerApp.root_dir='{ROOT}'" in cmd  # quoted for the shell: a folder name is never evaluated
    assert "--LabApp.default_url=/lab/tree/notebooks" in cmd
    assert ("--allow-root" in cmd) == (os.getuid() == 0)
    assert cmd.endswith(lab_args)
    assert (ROOT / "notebooks").is_dir()


@pytest.mark.parametrize(("uid", "allow_root"), [("0", True), ("1000", False)])
def test_lab_allows_root_only_as_root(tmp_path, uid, allow_root):
    """`id -u` is faked so that both cases are checked whoever runs the tests."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    fake_id = bindir / "id"
    fake_id.write_text(f'#!/bin/sh\n[ "$1" = -u ] && echo {uid}\n')
    fake_id.chmod(0o755)
    r = run_make("-n", "lab", f"VENV={sys.prefix}", path_prefix=bindir)
    assert r.returncode == 0, r.stderr
    assert ("--allow-root" in r.stdout) == allow_root


def test_help_lists_targets_and_variables():
    r = run_make("help")
    assert r.returncode == 0, r.stderr
    for target in ["venv", "data", "test", "test-e2e", "report", "notebooks", "lab", "bench", "lock", "readme", "clean-venv"]:
        assert re.search(rf"^  {re.escape(target)} +\S", r.stdout, re.M), f"make help lacks {target}"
    for var in ["PYTHON=", "VENV=", "LAB_ARGS="]:
        assert f"  {var}" in r.stdout


def test_file_names_are_data_for_make_data(tmp_path, snippet):
    """Issue 17 §1: a report named x`touch${IFS}PWNED`_2022.txt runs nothing; a name with a space works.
    Each file holds the small real report (tests/conftest.py SMALL_REPORT): the names are what is tested."""
    from .conftest import SMALL_REPORT

    project = tmp_path / "p"
    (project / "data" / "raw").mkdir(parents=True)
    shutil.copy2(ROOT / "Makefile", project / "Makefile")
    names = ["x`touch${IFS}PWNED`_2022.txt", "ward b_2021.txt", "c$(touch PWNED2);d_2021.txt"]
    for name in names:
        (project / "data" / "raw" / name).write_text(snippet(*SMALL_REPORT), encoding="utf-8")
    env = make_env()
    env["PYTHONPATH"] = str(ROOT / "src")
    r = subprocess.run([MAKE, "--no-print-directory", "data", f"VENV={sys.prefix}", "ENV_READY="],
                       cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert not list(project.rglob("PWNED*")) and not list(ROOT.glob("PWNED*"))  # nothing ran
    reports = (project / "data" / "clean" / "reports.csv").read_text(encoding="utf-8-sig")
    assert all(name in reports for name in names)  # source_file: every report read, named as printed
    assert "x`touch${IFS}PWNED`" not in r.stdout.split("helpers clean", 1)[0]  # never on a command line
