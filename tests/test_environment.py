"""The three dependency descriptions must agree.

* ``requirements.in``  - direct dependencies, ``==`` pins (source of truth)
* ``requirements.lock`` - full pinned set installed by ``make`` (``make lock``)
* ``environment.yml``  - the same environment for conda users

Stored notebook outputs depend on these versions, so a drift between the pip
and the conda route is a bug: this test fails on any version mismatch.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml  # PyYAML: in requirements.lock (transitive dependency of jupyter-events)

ROOT = Path(__file__).resolve().parents[1]

# conda-forge package name -> PyPI distribution name, where they differ.
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib"}
# conda entries that are tooling, not pinned project dependencies.
CONDA_UNPINNED_OK = {"pip"}


def canonical(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path: Path) -> dict[str, str]:
    """Parse ``name==version`` lines of a requirements file (comments ignored)."""
    pins: dict[str, str] = {}
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;]+)", line)
        assert m, f"{path.name}:{lineno}: not an exact '==' pin: {raw!r}"
        name = canonical(m.group(1))
        assert name not in pins, f"{path.name}:{lineno}: {name} listed twice"
        pins[name] = m.group(2)
    return pins


def read_environment(path: Path) -> tuple[str | None, dict[str, str], dict[str, str], list[str]]:
    """Return (python spec, conda pins, pip pins, other pip lines) of environment.yml."""
    env = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert env.get("channels") == ["conda-forge"], "environment.yml: use only conda-forge"
    python_spec: str | None = None
    conda: dict[str, str] = {}
    pip: dict[str, str] = {}
    pip_other: list[str] = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            assert set(dep) == {"pip"}, f"environment.yml: unexpected section {dep!r}"
            for item in dep["pip"]:
                m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", item.strip())
                if m:
                    pip[canonical(m.group(1))] = m.group(2)
                else:
                    pip_other.append(item.strip())
            continue
        if m := re.fullmatch(r"python\s*([<>=!].*)", str(dep).strip()):
            python_spec = m.group(1)  # a range, e.g. >=3.11,<3.14
            continue
        m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:=(\S+))?", str(dep).strip())
        assert m, f"environment.yml: cannot parse conda spec {dep!r}"
        name, version = m.group(1).lower(), m.group(2)
        if name == "python":
            python_spec = version
        elif version is None:
            assert name in CONDA_UNPINNED_OK, f"environment.yml: {name} is not pinned"
        else:
            assert "*" not in version and "=" not in version, (
                f"environment.yml: pin {name} to one exact version, got {version!r}"
            )
            conda[canonical(CONDA_TO_PYPI.get(name, name))] = version
    return python_spec, conda, pip, pip_other


@pytest.fixture(scope="module")
def direct() -> dict[str, str]:
    return read_pins(ROOT / "requirements.in")


@pytest.fixture(scope="module")
def lock() -> dict[str, str]:
    return read_pins(ROOT / "requirements.lock")


@pytest.fixture(scope="module")
def environment():
    return read_environment(ROOT / "environment.yml")


def test_python_range_matches_pyproject(environment):
    """environment.yml allows exactly the Python versions pyproject.toml supports (3.11-3.13)."""
    python_spec, *_ = environment
    assert python_spec is not None, "environment.yml: python is not listed"
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    assert python_spec.replace(" ", "") == requires.replace(" ", ""), (
        f"environment.yml python{python_spec} differs from pyproject.toml requires-python {requires!r}"
    )


def test_direct_dependencies_in_environment_yml(direct, environment):
    _, conda, pip, _ = environment
    both = set(conda) & set(pip)
    assert not both, f"environment.yml: listed in both conda and pip sections: {sorted(both)}"
    listed = {**conda, **pip}
    missing = sorted(set(direct) - set(listed))
    assert not missing, f"environment.yml lacks direct dependencies: {missing}"
    drift = {
        name: (version, listed[name])
        for name, version in direct.items()
        if listed[name] != version
    }
    assert not drift, f"version drift (requirements.in, environment.yml): {drift}"


def test_environment_yml_matches_lock(environment, lock):
    _, conda, pip, _ = environment
    listed = {**conda, **pip}
    not_locked = sorted(set(listed) - set(lock))
    assert not not_locked, f"environment.yml pins packages absent from requirements.lock: {not_locked}"
    drift = {
        name: (version, lock[name])
        for name, version in listed.items()
        if lock[name] != version
    }
    assert not drift, f"version drift (environment.yml, requirements.lock): {drift}"


def test_direct_dependencies_locked(direct, lock):
    drift = {name: (v, lock.get(name)) for name, v in direct.items() if lock.get(name) != v}
    assert not drift, f"requirements.in pins missing or different in requirements.lock: {drift}"


def test_environment_yml_installs_project(environment):
    *_, pip_other = environment
    assert "-e ." in pip_other, "environment.yml: pip section must install the project ('-e .')"


def test_lock_excludes_tooling_and_project(lock):
    unwanted = {"pip", "setuptools", "wheel", "minami-welfare-eval"} & set(lock)
    assert not unwanted, f"requirements.lock must not pin {sorted(unwanted)}"
