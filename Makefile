# Makefile for minami-welfare-eval. Run `make` (or `make help`) to list the targets.
# Every target bootstraps .venv from requirements.lock on first use, so a fresh machine
# needs only Python 3.11 and make.

# Python used to create the venv: python3.11 when available, else python3 (must be 3.11).
PYTHON ?= $(shell command -v python3.11 >/dev/null 2>&1 && echo python3.11 || echo python3)
VENV = .venv
VENV_PY = $(VENV)/bin/python
STAMP = $(VENV)/.installed

RAW_TXT = $(wildcard data/raw/*.txt)
HELPERS_PY = $(wildcard src/helpers/*.py)
CLEAN_CSV = data/clean/initiatives.csv
NOTEBOOKS = $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
NB_DONE = $(patsubst notebooks/%.ipynb,reports/.executed/%.done,$(NOTEBOOKS))
HTML = $(patsubst notebooks/%.ipynb,reports/html/%.html,$(NOTEBOOKS))
SUMMARY_CSV = $(wildcard reports/tables/*.csv)
WORKBOOK = reports/minami_welfare_eval.xlsx
# Stored outputs are produced the same way every time: no timing metadata (record_timing=False).
NBCONVERT = $(VENV)/bin/jupyter nbconvert --ExecutePreprocessor.record_timing=False --ExecutePreprocessor.timeout=600
# After execution, drop editor noise (cell.metadata execution/ExecuteTime/collapsed/scrolled/hidden,
# metadata.widgets/signature) but keep outputs, execution counts (nbval compares the outputs) and
# the cell ids (stable; without --keep-id nbstripout renumbers them "0", "1", ...).
NBSTRIP = $(VENV)/bin/nbstripout --keep-output --keep-count --keep-id
# Two jobs for the notebook sub-make, unless the caller already runs make -jN (then its job slots are shared).
JOBS2 = $(if $(findstring jobserver,$(MAKEFLAGS)),,-j2)

.DEFAULT_GOAL := help
.PHONY: help venv data test report notebooks lab bench lock clean-venv

help: ## Show this help
	@echo "Usage: make <target>   (first use creates $(VENV) from requirements.lock)"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_.\/$$()-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

venv: $(STAMP) ## Create/update .venv with the pinned dependencies (requirements.lock)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(None if sys.version_info[:2] == (3, 11) else "need Python 3.11 (set PYTHON=...), got " + sys.version)'
	$(PYTHON) -m venv $(VENV)
	$(VENV_PY) -m pip install --upgrade pip
	$(VENV_PY) -m pip install -r requirements.lock
	$(VENV_PY) -m pip install --no-deps -e .
	touch $@

data: $(CLEAN_CSV) ## Build the tidy tables in data/clean/ from data/raw/*.txt

$(CLEAN_CSV): $(RAW_TXT) $(HELPERS_PY) $(STAMP)
	mkdir -p $(dir $@)
	$(VENV_PY) -m helpers clean $(RAW_TXT) --out $(dir $@)

test: $(STAMP) ## Run unit tests + doctests, then execute and check notebooks/ with nbval
	$(VENV_PY) -m pytest
	@if [ -n "$(NOTEBOOKS)" ]; then \
		echo "$(VENV_PY) -m pytest --nbval --nbval-current-env -p no:randomly -n 2 --dist loadscope notebooks/"; \
		$(VENV_PY) -m pytest --nbval --nbval-current-env -p no:randomly -n 2 --dist loadscope notebooks/; \
	else \
		echo "no notebooks/*.ipynb yet: nbval step skipped"; \
	fi

notebooks: data ## Re-execute changed notebooks/NN_*.ipynb in place (two at a time); refreshes reports/figures and reports/tables
ifneq ($(NB_DONE),)
	@$(VENV_PY) -c 'import matplotlib.font_manager'  # build matplotlib's font cache first: its notice would land in a notebook's stderr
	@$(MAKE) --no-print-directory $(JOBS2) $(NB_DONE)
	$(VENV_PY) -m helpers.figindex  # reports/figures/README.md: each figure with its notebook and tables
else
	@echo "no notebooks/NN_*.ipynb yet: nothing to execute"
endif

# One stamp per notebook (gitignored): it is executed again when it, the clean data or helpers change.
reports/.executed/%.done: notebooks/%.ipynb $(CLEAN_CSV) $(HELPERS_PY) $(STAMP)
	$(NBCONVERT) --to notebook --execute --inplace $<
	$(NBSTRIP) $<
	@mkdir -p $(@D) && touch $@

# Readers' HTML: no code (--no-input), lang="ja", the notebook's title as page title, figures with alt text
# (the classic template writes the alt text that helpers.style.show_figure stores with each figure).
reports/html/%.html: notebooks/%.ipynb reports/.executed/%.done
	$(NBCONVERT) --to html --template classic --no-input --HTMLExporter.language_code=ja --output-dir reports/html $<

$(WORKBOOK): $(CLEAN_CSV) $(NB_DONE) $(SUMMARY_CSV) $(HELPERS_PY) $(STAMP)
	$(VENV_PY) -m helpers.excel $@

report: data notebooks ## Everything: clean tables, executed notebooks, figures, HTML of each notebook, Excel workbook
	@$(MAKE) --no-print-directory $(JOBS2) $(HTML) $(WORKBOOK)

lab: $(STAMP) ## Start JupyterLab (venv kernel) in notebooks/
	mkdir -p notebooks
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=notebooks

bench: $(STAMP) ## Run the benchmarks (scripts/bench.py)
	$(VENV_PY) scripts/bench.py

define LOCK_HEADER
# requirements.lock - the full, pinned dependency set of minami-welfare-eval (Python 3.11).
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

lock: ## Regenerate requirements.lock from requirements.in (in a temporary venv)
	@$(PYTHON) -c 'import sys; sys.exit(None if sys.version_info[:2] == (3, 11) else "need Python 3.11 (set PYTHON=...), got " + sys.version)'
	set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --upgrade pip; \
	"$$tmp/venv/bin/python" -m pip install -r requirements.in; \
	{ printf '%s\n' "$$LOCK_HEADER"; \
	  "$$tmp/venv/bin/python" -m pip freeze --exclude-editable \
	    | grep -viE '^(pip|setuptools|wheel|minami-welfare-eval)==' | LC_ALL=C sort -f; \
	} > requirements.lock.tmp; \
	mv requirements.lock.tmp requirements.lock
	@echo "requirements.lock regenerated; run 'make test' (the venv is rebuilt from it)."

clean-venv: ## Remove the virtualenv (.venv)
	rm -rf $(VENV)
