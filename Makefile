# The two commands a newcomer runs (see README): `make run` and `make test`.
# Everything installs into .venv from pyproject.toml, the one dependency list.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SCENARIO ?= data/scenarios/university.toml
RUNS   ?= 5000

.PHONY: setup run test lab dashboard benchmark lint browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[notebook,test,dask]'
	$(BIN)/python -m estimator.engine.warm data/scenarios/*.toml
	touch $(STAMP)

setup: $(STAMP)

## Set up and run the main job on a shipped scenario: summary on screen, files in out/.
run: setup
	$(BIN)/estimator run $(SCENARIO) --runs $(RUNS) --seed 1 --out out/$(notdir $(basename $(SCENARIO)))

## Set up (Chromium included, for the browser test) and pass the tests.
test: setup browser
	$(BIN)/python -m pytest

## Headless Chromium from Debian's packages, for the real-browser dashboard test.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not installed and no root: the browser test will be skipped"; fi; }

lab: setup
	$(BIN)/jupyter lab notebooks/ $$([ "$$(id -u)" = 0 ] && echo --allow-root)

dashboard: setup
	$(BIN)/voila notebooks/02_dashboard.ipynb --no-browser

benchmark: setup browser
	$(BIN)/python benchmarks/bench_engine.py --json benchmarks/results_engine.json
	$(BIN)/python benchmarks/bench_dashboard.py
	$(BIN)/python benchmarks/bench_browser.py

lint: setup
	$(BIN)/ruff check estimator tests benchmarks

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
