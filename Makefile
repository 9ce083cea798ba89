# Two entry points for a fresh machine with Python >= 3.11 and no GPU:
#   make reproduce   venv + install + quick tier of every experiment -> results/*/quick, figures/quick
#   make test        venv + install with test extras + the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: reproduce test paper clean-quick

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,census]"
	touch $@

reproduce: $(VENV)/.installed
	$(BIN)/seesaw reproduce --tier quick

# The models and the engine run a second time in Flax NNX's coming tree mode (NNX_GRAPH_MODE=false),
# so that nothing relies on graph-mode behaviour that tree mode drops (CONTRIBUTING.md, Style).
TREE_MODE_TESTS := tests/test_model.py tests/test_bank.py tests/test_levels.py \
	tests/test_architectures.py tests/test_engine.py tests/test_precision.py

test: $(VENV)/.installed
	$(BIN)/python -m pytest -q
	NNX_GRAPH_MODE=false NNX_GRAPH_UPDATES=false $(BIN)/python -m pytest -q $(TREE_MODE_TESTS)

# The committed reference results (slow): recomputes and replaces results/*/paper and figures/paper.
paper: $(VENV)/.installed
	$(BIN)/seesaw reproduce --tier paper --fresh --replace-paper

clean-quick:
	rm -rf results/*/quick figures/quick
