# The README's two commands: `make demo` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Test processes of `make test` (pytest-xdist; 0 = in this process). Files sharing a built course
# share a worker (tests/conftest.py). On 2 cores two workers saved little and made browser tests
# time out under load, so the default runs serially; `make test TEST_WORKERS=2` on bigger machines.
TEST_WORKERS ?= 0

.PHONY: install demo demo-build test test-quick bench lint format clean

# Reinstall only when the package metadata changed (the package itself is installed editable).
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

## Build the demo course, grade a simulated cohort with nbgrader, then serve Voila and JupyterLab.
demo: install
	$(BIN)/kit demo

## Everything but the servers.
demo-build: install
	$(BIN)/kit demo --no-serve

## Lint, format check, unit tests, notebooks, end-to-end pipeline and browser tests.
test: install
	$(BIN)/pytest -n $(TEST_WORKERS)

## Everyday loop: lint, format check and the unit tests (no notebooks, kernels or browsers).
test-quick: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q -m "not slow and not browser"

## Time the competency and reward summary at 500, 2,000 and 10,000 learners against nbgrader export,
## then the manager dashboard (Voila, headless Chromium) and its kernel's memory at 2,000 learners.
bench: install
	$(BIN)/python -m benchmarks.bench_summary && $(BIN)/python -m benchmarks.bench_dashboard && $(BIN)/python -m benchmarks.bench_grade

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf .demo test-artifacts .pytest_cache .ruff_cache build *.egg-info
