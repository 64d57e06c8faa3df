# Makefile for minami-welfare-eval. Run `make` (or `make help`) to list the targets.
# Every target bootstraps .venv from requirements.lock on first use, so a fresh machine
# needs only Python (3.11, 3.12 or 3.13) and make.

# Supported Python versions, newest first. Keep in step with requires-python in pyproject.toml,
# python in environment.yml and the requirements.lock header (tests/test_make.py, test_environment.py check).
PY_VERSIONS = 3.13 3.12 3.11
PY_OLDEST = $(lastword $(PY_VERSIONS))
# Exit status 0 only for a supported interpreter (an argument list for python).
PY_SUPPORTED = -c 'import sys; sys.exit("%d.%d" % sys.version_info[:2] not in "$(PY_VERSIONS)".split())'
# The newest supported interpreter on PATH: python3.13, python3.12, python3.11, then python3 if its
# version is supported. Each candidate is run, not just looked up: a pyenv shim exists on PATH for
# versions that are installed but not selected, and fails when run.
PYTHON_FOUND = $(shell for p in $(addprefix python,$(PY_VERSIONS)) python3; do \
	$$p $(PY_SUPPORTED) >/dev/null 2>&1 && { echo $$p; break; }; done)
## PYTHON=...: interpreter used to create the venv (default: newest supported one on PATH)
# (evaluated once, and only by the rules that need it)
PYTHON ?= $(eval PYTHON := $(PYTHON_FOUND))$(PYTHON)
# Refuse clearly, before creating anything, when $(1) is missing or not a supported version.
check_python = @if [ -z "$(1)" ]; then \
	echo "make: no supported Python on PATH (tried $(addprefix python,$(PY_VERSIONS)) python3); set PYTHON=/path/to/python3.X" >&2; \
	exit 1; fi; \
	command -v "$(1)" >/dev/null || { echo "make: $(1) not found; set PYTHON=/path/to/python3.X" >&2; exit 1; }; \
	$(1) -c 'import sys; v = "%d.%d" % sys.version_info[:2]; sys.exit(None if v in "$(PY_VERSIONS)".split() else "make: $(1) is Python " + sys.version.split()[0] + "; supported: $(PY_VERSIONS) (set PYTHON=/path/to/python3.X)")'

## VENV=...: environment to use (default .venv). make creates and fills it only if it does not
##   exist yet or make made it; an existing environment of your own (e.g. VENV=$CONDA_PREFIX)
##   is used as it is: nothing is created or installed into it, nor removed by clean-venv.
VENV ?= .venv
VENV_PY = $(VENV)/bin/python
STAMP = $(VENV)/.installed
# Written right after `python -m venv`: this environment belongs to make.
VENV_MARK = $(VENV)/.created-by-make
EXTERNAL_ENV := $(if $(wildcard $(VENV)/bin/python),$(if $(wildcard $(STAMP) $(VENV_MARK)),,yes))
ifeq ($(EXTERNAL_ENV),)
ENV_READY = $(STAMP)
else
# Order-only: checked on every run, but never a reason to rebuild data or notebooks.
ENV_READY = | check-env
endif

# File names are data (docs/safety.md): no recipe passes a raw file's name to the shell. `make data`
# hands the folder to the CLI, which lists it itself, so any name works (or is refused by the CLI with
# one message). As prerequisites, names make cannot hold (a space splits one into two words; ':' '%'
# '$$' would be rule syntax) are left out, and the folder itself stands for added, removed and renamed
# files: edit such a file in place, then `touch data/raw` (or run `make data FORCE=1`).
RAW_DIR = data/raw
make_safe = $(foreach f,$(wildcard $(1)),$(if $(findstring :,$f)$(findstring %,$f)$(findstring $$,$f),,$f))
RAW_TXT = $(call make_safe,$(wildcard $(RAW_DIR)/*.txt $(RAW_DIR)/*.pdf))
# a value inside single quotes for the shell (a ' in it written as '\'')
shq = '$(subst ','\'',$(1))'
HELPERS_PY = $(wildcard src/helpers/*.py src/helpers/*/*.py)
CLEAN_CSV = data/clean/initiatives.csv
NOTEBOOKS = $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
NB_DONE = $(patsubst notebooks/%.ipynb,reports/.executed/%.done,$(NOTEBOOKS))
HTML = $(patsubst notebooks/%.ipynb,reports/html/%.html,$(NOTEBOOKS))
SUMMARY_CSV = $(wildcard reports/tables/*.csv)
WORKBOOK = reports/minami_welfare_eval.xlsx
# Stored outputs are produced the same way every time: no timing metadata (record_timing=False).
# Kernel traffic is encrypted (CurveZMQ keys provisioned by jupyter_client; ipykernel's kernelspec
# declares support) when this pyzmq has CurveZMQ, as the PyPI wheels do; otherwise plain TCP as before,
# and ipykernel warns "Kernel is running over TCP without encryption". (IPC sockets are no way out:
# nbclient names them relative to the working directory, which differs between client and kernel.)
KERNEL_ENCRYPTION = $(eval KERNEL_ENCRYPTION := $(shell $(VENV_PY) -c 'import zmq; print("--KernelManager.transport_encryption=auto" if zmq.has("curve") else "")' 2>/dev/null))$(KERNEL_ENCRYPTION)
NBCONVERT = $(VENV)/bin/jupyter nbconvert --ExecutePreprocessor.record_timing=False --ExecutePreprocessor.timeout=600 $(KERNEL_ENCRYPTION)
# After execution, drop editor noise (cell.metadata execution/ExecuteTime/collapsed/scrolled/hidden,
# metadata.widgets/signature) but keep outputs, execution counts (nbval compares the outputs) and
# the cell ids (stable; without --keep-id nbstripout renumbers them "0", "1", ...).
# Also drop the interpreter's exact version (metadata.language_info.version): it differs between
# 3.11.x, 3.12, 3.13 and conda builds and would make every run elsewhere modify every notebook.
NBSTRIP = $(VENV)/bin/nbstripout --keep-output --keep-count --keep-id --extra-keys "metadata.language_info.version"
# The one recipe that stores an executed notebook ($(1), quoted): execute in place, then strip.
# tests/test_notebooks_stored.py runs exactly this on a small notebook and compares bytes.
EXECUTE_NB = $(NBCONVERT) --to notebook --execute --inplace $(call shq,$(1)) && $(NBSTRIP) $(call shq,$(1))
## FORCE=1: overwrite outputs changed since the tool wrote them (each is listed; docs/safety.md)
FORCE ?=
# Two jobs for the notebook sub-make, unless the caller already runs make -jN (then its job slots are shared).
JOBS2 = $(if $(findstring jobserver,$(MAKEFLAGS)),,-j2)

.DEFAULT_GOAL := help
.PHONY: help venv check-env data test test-e2e report notebooks lab bench lock readme clean-venv

help: ## Show this help
	@echo "Usage: make <target> [VARIABLE=value ...]   (first use creates $(VENV) from requirements.lock)"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_.\/$$()-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo "Variables:"
	@sed -n 's/^## \([A-Z_]*=\)/  \1/p; s/^##   /                 /p' $(MAKEFILE_LIST)

venv: $(ENV_READY) ## Create/update .venv with the pinned dependencies (requirements.lock)

$(STAMP): requirements.lock pyproject.toml
	$(call check_python,$(PYTHON))
	@if [ -n "$$CONDA_PREFIX" ] && [ "$(VENV)" = .venv ]; then \
		echo "note: a conda env is active; to use it instead of creating .venv: make <target> VENV=\$$CONDA_PREFIX"; fi
	$(PYTHON) -m venv $(VENV)
	@touch $(VENV_MARK)
	$(VENV_PY) -m pip install --upgrade pip
	$(VENV_PY) -m pip install -r requirements.lock
	$(VENV_PY) -m pip install --no-deps -e .
	touch $@

# An environment make did not create (conda, or your own venv): check it, change nothing.
check-env:
	$(call check_python,$(VENV_PY))
	@$(VENV_PY) -c 'import importlib.util as u, sys; \
	missing = [m for m in ("helpers", "pytest", "xdist", "nbval", "nbconvert", "nbstripout", "jupyterlab") if u.find_spec(m) is None]; \
	sys.exit("make: $(VENV) lacks %s; it is not an environment make created, so make installs nothing into it: install requirements.lock (or environment.yml) and the project (pip install --no-deps -e .) there, or use another VENV=" % ", ".join(missing) if missing else None)'

data: $(CLEAN_CSV) ## Build the tidy tables in data/clean/ from the reports in data/raw/ (*.txt dumps and *.pdf)

$(CLEAN_CSV): $(RAW_DIR) $(RAW_TXT) $(HELPERS_PY) $(ENV_READY)
	$(VENV_PY) -m helpers clean $(call shq,$(RAW_DIR)) --out $(call shq,$(patsubst %/,%,$(dir $@)))$(if $(FORCE), --force)

# Sidecars (*.meta.json: series, municipality …) and the hand-kept link overrides change the tables too.
$(CLEAN_CSV): $(call make_safe,$(wildcard $(RAW_DIR)/*.meta.json $(RAW_DIR)/link_overrides.csv))

# pytest as both test targets run it: two workers (the machines have 2 cores), each test module and each
# notebook on one worker (loadscope: module fixtures are built once; nbval runs a notebook's cells in
# order in one kernel; --dist loadgroup would balance better, but with pytest 9.2 and xdist 3.8 its
# groups are silently ignored: a notebook's cells were split between the workers); tests/speed.py
# first (it defers an import every pytest process would pay, and keeps bytecode caches even under
# PYTHONDONTWRITEBYTECODE: docs/development.md, Tests).
PYTEST = $(VENV_PY) -m pytest -p tests.speed -n 2 --dist loadscope

# (tests/data holds recipe_check.ipynb, the fixture of the e2e recipe test: not a notebook of the report)
test: $(ENV_READY) ## Fast tier: unit tests, doctests and notebooks/ re-executed with nbval, in one pytest run (not the e2e tests)
	$(PYTEST) -m "not e2e" $(if $(NOTEBOOKS),--nbval --nbval-current-env -p no:randomly notebooks tests src/helpers --ignore=tests/data)

test-e2e: $(ENV_READY) ## Slow tier: the end-to-end tests (marker e2e: make report on a crafted copy, notebooks on collections)
	$(PYTEST) -m e2e tests

notebooks: data ## Re-execute changed notebooks/NN_*.ipynb in place (two at a time); refreshes reports/figures and reports/tables
ifneq ($(NB_DONE),)
	$(if $(FORCE),$(VENV_PY) -m helpers.outputs release reports)
	@$(VENV_PY) -c 'import matplotlib.font_manager'  # build matplotlib's font cache first: its notice would land in a notebook's stderr
	@$(MAKE) --no-print-directory $(JOBS2) $(NB_DONE)
	$(VENV_PY) -m helpers.present.figindex  # reports/figures/README.md: each figure with its notebook and tables
else
	@echo "no notebooks/NN_*.ipynb yet: nothing to execute"
endif

# One stamp per notebook (gitignored): it is executed again when it, the clean data or helpers change.
reports/.executed/%.done: notebooks/%.ipynb $(CLEAN_CSV) $(HELPERS_PY) $(ENV_READY)
	$(call EXECUTE_NB,$<)
	@mkdir -p $(call shq,$(@D)) && touch $(call shq,$@)

# Readers' HTML (helpers.present.export): no code, lang="ja", the notebook's title as page title, figures
# with alt text, cells tagged `widget` left out, the page title naming the reports of data/clean by their
# display names (helpers.present.pagetitle.PageTitle), no MathJax (report text never becomes maths or a link);
# written by the one writer (helpers.outputs: atomic, recorded in reports/html/helpers-manifest.json).
reports/html/%.html: notebooks/%.ipynb reports/.executed/%.done $(CLEAN_CSV)
	$(VENV_PY) -m helpers.present.export $(call shq,$<) --out reports/html

$(WORKBOOK): $(CLEAN_CSV) $(NB_DONE) $(SUMMARY_CSV) $(HELPERS_PY) $(ENV_READY)
	$(VENV_PY) -m helpers.present.excel $(call shq,$@)$(if $(FORCE), --force)

report: data notebooks ## Everything: clean tables, executed notebooks, figures, HTML of each notebook, Excel workbook
	@$(MAKE) --no-print-directory $(JOBS2) $(HTML) $(WORKBOOK)

## LAB_ARGS=...: extra arguments for jupyter lab, e.g. LAB_ARGS="--no-browser --port=8889"
LAB_ARGS ?=
lab: $(ENV_READY) ## Start JupyterLab at the project root with notebooks/ open (venv kernel; LAB_ARGS=...)
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=$(call shq,$(CURDIR)) --LabApp.default_url=/lab/tree/notebooks \
		$(KERNEL_ENCRYPTION) $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

bench: $(ENV_READY) ## Run the benchmarks (scripts/bench.py)
	$(VENV_PY) scripts/bench.py

define LOCK_HEADER
# requirements.lock - the full, pinned dependency set of minami-welfare-eval.
# One lock for Python 3.11, 3.12 and 3.13: resolved on 3.11, the oldest supported version (a
# resolver on a newer Python may pick releases that dropped 3.11); .ci/run installs it on every
# supported interpreter present. numpy stays at 2.4.6 because 2.5 needs Python >= 3.12.
#
# This is the lock that stored notebook outputs depend on: `make test` re-executes the
# notebooks with nbval and compares against the outputs saved in them, so changing any
# version here can change those outputs. `make` installs exactly this file into .venv.
#
# Do not edit by hand. Edit the direct pins in requirements.in (and environment.yml), then
# regenerate with:
#     make lock
# which installs requirements.in into a temporary venv and writes its `pip freeze`
# (sorted; pip/setuptools/wheel and the project itself excluded).
endef
export LOCK_HEADER

# The lock is resolved on the oldest supported Python (see LOCK_HEADER); PYTHON= can point to it.
LOCK_PYTHON = $(if $(filter command line environment,$(origin PYTHON)),$(PYTHON),python$(PY_OLDEST))
lock: ## Regenerate requirements.lock from requirements.in (temporary venv, Python 3.11)
	@$(LOCK_PYTHON) -c 'import sys; sys.exit(None if "%d.%d" % sys.version_info[:2] == "$(PY_OLDEST)" else "make lock: needs Python $(PY_OLDEST), the oldest supported version (set PYTHON=/path/to/python$(PY_OLDEST))")'
	set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(LOCK_PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --upgrade pip; \
	"$$tmp/venv/bin/python" -m pip install -r requirements.in; \
	{ printf '%s\n' "$$LOCK_HEADER"; \
	  "$$tmp/venv/bin/python" -m pip freeze --exclude-editable \
	    | grep -viE '^(pip|setuptools|wheel|minami-welfare-eval)==' | LC_ALL=C sort -f; \
	} > requirements.lock.tmp; \
	mv requirements.lock.tmp requirements.lock
	@echo "requirements.lock regenerated; run 'make test' (the venv is rebuilt from it), and .ci/run for every Python."

readme: ## Regenerate the generated blocks of docs/development.md: targets list, layout tree (scripts/readme_sync.py)
	$(if $(wildcard $(VENV_PY)),$(VENV_PY),$(or $(PYTHON),python3)) scripts/readme_sync.py

clean-venv: ## Remove the virtualenv (.venv, or VENV=...) if make created it
ifeq ($(EXTERNAL_ENV),)
	rm -rf $(VENV)
else
	@echo "make: not removing $(VENV): make did not create it" >&2; exit 1
endif
