# The two set-up commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo-repo

.PHONY: demo test lint screenshots bench bench-quick bench-tui clean

$(BIN)/cd4ml-tui: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

demo: $(BIN)/cd4ml-tui
	$(BIN)/cd4ml-tui demo $(DEMO_DIR)

lint: $(BIN)/cd4ml-tui
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest -n 2 -q

$(DEMO_DIR)/.cd4ml-demo: | $(BIN)/cd4ml-tui
	$(BIN)/cd4ml-tui demo $(DEMO_DIR) --no-open

# browser.png: the browser test's page (system Chromium) on the same demo repo.
screenshots: $(DEMO_DIR)/.cd4ml-demo
	$(BIN)/python -m cd4ml_tui.screenshots $(DEMO_DIR) screenshots
	CD4ML_BROWSER_REPO=$(abspath $(DEMO_DIR)) CD4ML_BROWSER_PNG=$(abspath screenshots/browser.png) \
		$(BIN)/pytest -q -p no:cacheprovider tests/browser -k deltas

# benchmarks/results.md: 100 / 1,000 / 10,000 generated experiments against DVC (DVC at 10,000
# takes many minutes on a small machine). bench-quick: one CI-sized run (not part of `make test`).
bench: $(BIN)/cd4ml-tui
	$(BIN)/python benchmarks/bench_show.py --sizes 100 1000 10000 --runs 2 --dvc-runs 1

bench-quick: $(BIN)/cd4ml-tui
	$(BIN)/python benchmarks/bench_show.py --sizes 100 --runs 1 --out benchmarks/.work/results-quick.md

bench-tui: $(BIN)/cd4ml-tui
	$(BIN)/python benchmarks/bench_tui.py

clean:
	rm -rf $(VENV) $(DEMO_DIR)
