# lossbook: every target sets up .venv itself, and skips the install when nothing changed.
#   make lab     set up, then open the notebooks in JupyterLab
#   make test    set up, then run everything: unit/parity tests, doctests, ruff, nbval over every notebook
#   make bench   set up, then time lossbook against PyTorch (benchmarks/bench_losses.py)
#   make execute re-execute every notebook in a fresh kernel and save it with its outputs
#   make handouts  write build/handouts/: instructor HTML + PDF, student notebooks + HTML, index.html

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The stamp is keyed on the content of the files that decide the install: change one, and the next
# target reinstalls; change nothing, and the set-up costs a hash.
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
PIP_VERSION := 26.3
JOBS   ?= 2
# Tests and notebooks run JOBS processes side by side; one thread each keeps 2 cores from thrashing (tiny
# tensors gain nothing from threads, and a loaded machine made PyTorch's thread pool 30x slower).
TEST_ENV := OMP_NUM_THREADS=1
PORT   ?= 8888
# Extra flags for `jupyter lab` (the smoke test passes --no-browser, a token and a loopback address).
LAB_FLAGS ?=
# The project's own JupyterLab settings (jupyter/labconfig/default_setting_overrides.json): no prompt about
# "official Jupyter news" and no update check on the first screen. Prepended, so a user's own path still counts.
LAB_CONFIG := JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH))
# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: setup lab test unit lint nbval bench execute handouts clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet pip==$(PIP_VERSION)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@# Build matplotlib's font cache now: on first import it says so on stderr, which nbval would compare.
	$(BIN)/python -c "import matplotlib.pyplot"
	@rm -f $(VENV)/.installed-*
	@touch $@

lab: setup
	$(LAB_CONFIG) $(BIN)/jupyter lab --notebook-dir=. --ServerApp.default_url=/lab/tree/notebooks --port=$(PORT) $(ROOT_FLAG) $(LAB_FLAGS)

test: setup lint
	$(TEST_ENV) $(BIN)/python -m pytest -n $(JOBS) --dist loadscope \
		--nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

unit: setup
	$(TEST_ENV) $(BIN)/python -m pytest -n $(JOBS) --dist loadscope tests lossbook

lint: setup
	$(BIN)/ruff check .

nbval: setup
	$(TEST_ENV) $(BIN)/python -m pytest -n $(JOBS) --dist loadscope notebooks \
		--nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

handouts: setup
	$(BIN)/python tools/handouts.py

bench: setup
	$(BIN)/python benchmarks/bench_losses.py

execute: setup
	$(TEST_ENV) $(BIN)/python tools/execute_notebooks.py

clean:
	rm -rf $(VENV) build .pytest_cache .hypothesis
