# The two commands of the README: `make book` and `make test`. Each creates .venv if
# it is missing and installs the project (editable) with what it needs, pinned by
# requirements/constraints.txt; the install is redone only when those files change.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := PIP_DISABLE_PIP_VERSION_CHECK=1 $(BIN)/python -m pip
BUILD_FLAGS := -W -n --keep-going
NBVAL  := $(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: book test test-lib test-cores test-notebooks test-book test-browser test-install test-colab test-floors \
        browser-deps execute constraints clean bench

book: $(STAMP)
	$(BIN)/jupyter-book build . $(BUILD_FLAGS)
	@echo "The site is in _build/html; open _build/html/index.html"

test: test-lib test-cores test-notebooks test-book test-browser test-install test-colab test-floors

LIB_TESTS := tests -m "not browser and not install"
# Both cores: the library tests are independent of each other (pytest-xdist).
LIB_WORKERS := -n 2

test-lib: $(STAMP)
	$(BIN)/python -m pytest $(LIB_TESTS) $(LIB_WORKERS)

# The library tests again under several OpenBLAS kernels: each rounds differently, so a
# tolerance that holds on one CPU only fails here (tests/test_blas_kernel.py checks the
# kernel asked for is the one in use). Left out, because no number they check passes through
# BLAS, so test-lib's one run is all they need: the notebooks' static checks, the learner
# notebooks' "not done yet", the quiet Keras import and the benchmark script's smoke test.
CORETYPES := Prescott Haswell Zen
NOT_BLAS := --ignore=tests/test_notebooks.py --ignore=tests/test_exercises.py \
            --ignore=tests/test_keras_setup.py --ignore=tests/test_benchmark.py
test-cores: $(STAMP)
	@for core in $(CORETYPES); do \
	  echo "== library tests with OPENBLAS_CORETYPE=$$core"; \
	  OPENBLAS_CORETYPE=$$core $(BIN)/python -m pytest $(LIB_TESTS) $(NOT_BLAS) $(LIB_WORKERS) -q || exit 1; \
	done

# Two notebooks at a time (pytest-xdist), each whole on one worker (--dist loadfile: its cells
# run in order in one kernel), so that both cores work.
NB_WORKERS := -n 2 --dist loadfile
test-notebooks: $(STAMP)
	$(NBVAL) $(NB_WORKERS) chapters

# --all: rebuild every page, so that no page left from an earlier build escapes the checks.
test-book: $(STAMP)
	$(BIN)/jupyter-book build . --all $(BUILD_FLAGS)

# Every page of the built site in headless Chromium; screenshots go to test-artifacts/screenshots.
# Two browsers at once, each test file whole on one (the site's pages, the gate explorer).
test-browser: $(STAMP) browser-deps
	$(BIN)/python -m pytest tests/browser -m browser $(NB_WORKERS)

# The Colab path without Colab: lstm_lib from a wheel, in a fresh environment, a chapter run offline.
test-install: $(STAMP)
	$(BIN)/python -m pytest tests/test_install_from_wheel.py -m install

# Second environments, each from one pinned file in requirements/, on the Python it names:
# colab.txt holds Google Colab's versions (the library tests and every chapter run there,
# cells executed and checked for errors, outputs not compared: Colab's numbers may differ in
# the last digits), floors.txt the lowest versions pyproject.toml allows (the library tests).
first_python = $(firstword $(foreach p,python$(1) $(wildcard $(HOME)/.pyenv/versions/$(1).*/bin/python$(1)),\
                 $(shell "$(p)" -c "" 2>/dev/null && command -v "$(p)")) $(PYTHON))
COLAB_PYTHON  ?= $(call first_python,3.13)
FLOORS_PYTHON ?= $(call first_python,3.10)

.venv-colab/.installed: requirements/colab.txt pyproject.toml
	rm -rf .venv-colab && $(COLAB_PYTHON) -m venv .venv-colab
	PIP_DISABLE_PIP_VERSION_CHECK=1 .venv-colab/bin/python -m pip install --quiet -r requirements/colab.txt -e ".[keras,data]"
	@touch $@

.venv-floors/.installed: requirements/floors.txt pyproject.toml
	rm -rf .venv-floors && $(FLOORS_PYTHON) -m venv .venv-floors
	PIP_DISABLE_PIP_VERSION_CHECK=1 .venv-floors/bin/python -m pip install --quiet -r requirements/floors.txt -e .
	@touch $@

test-colab: .venv-colab/.installed
	.venv-colab/bin/python --version
	.venv-colab/bin/python -m pytest $(LIB_TESTS) --ignore=tests/browser -q $(LIB_WORKERS)
	.venv-colab/bin/python -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider -q $(NB_WORKERS) chapters

test-floors: .venv-floors/.installed
	.venv-floors/bin/python --version
	.venv-floors/bin/python -m pytest $(LIB_TESTS) --ignore=tests/browser -q $(LIB_WORKERS)

browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# Speed of lstm_lib's LSTM next to Keras and PyTorch (benchmarks/lstm_speed.py; not a test):
# writes benchmarks/results.json, which the appendix page shows. PyTorch's CPU wheel is installed
# on first use (pinned here, outside constraints.txt: the course itself does not need it).
TORCH := torch==2.13.0
bench: $(STAMP)
	@$(BIN)/python -c "import torch" 2>/dev/null || $(PIP) install --quiet -c requirements/constraints.txt $(TORCH)
	$(BIN)/python benchmarks/lstm_speed.py

# Re-execute notebooks in place (all of chapters/, or NB=path/to.ipynb), storing their outputs.
execute: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py $(NB)

$(STAMP): pyproject.toml requirements/dev.txt requirements/constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet -c requirements/constraints.txt -r requirements/dev.txt -e .
	@touch $@

# Re-pin every version after a change to requirements/dev.txt.
constraints: $(STAMP)
	@{ echo "# Exact versions for reproducible outputs, used by make as pip's -c constraints file."; \
	   echo "# Regenerate with: make constraints (after changing requirements/dev.txt)."; \
	   $(PIP) freeze --exclude-editable | grep -vi '^lstm.lib'; } > requirements/constraints.txt

clean:
	rm -rf _build .pytest_cache test-artifacts
