# Two entry points for a fresh machine with Python >= 3.11 and no GPU:
#   make reproduce   venv + install + quick tier of every experiment -> results/*/quick, figures/quick
#   make test        venv + install with test extras + the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: reproduce test paper check-committed clean-quick

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

# Every committed tier's figures and tables, redrawn from its committed results (no training); fails
# if any file differs from the committed one. Proves that code changes leave the results alone.
COMMITTED := mmoe_fig2:paper mmoe_fig3:paper mmoe_fig4:paper mmoe_fig4:horizon mmoe_fig4:sgd \
	mmoe_fig4:sensitivity mmoe_fig4_paired:paper mmoe_fig4_paired:horizon mmoe_fig5:paper \
	mmoe_fig5:horizon mmoe_fig5:sgd seesaw_scatter:paper seesaw_scatter:long gates:paper \
	ple_fig7:paper ple_fig7:long census:paper seesaw_map:paper seesaw_scatter:balanced \
	seesaw_map:negative_control seesaw_map:horizon seesaw_map:horizon_long seesaw_map:linear \
	seesaw_map:control seesaw_map:control_horizon seesaw_map:negative_control_es \
	seesaw_map:control_b seesaw_map:control_b_horizon seesaw_map:control_c seesaw_map:control_c_horizon \
	seesaw_map:control_c_long seesaw_map:mechanism_equal seesaw_map:mechanism_capacity seesaw_map:paper_es \
	seesaw_map:knob_links seesaw_map:knob_scale seesaw_map:knob_complexity \
	seesaw_scatter:balanced_es seesaw_map:knob_scale_map seesaw_scatter:balanced_horizon \
	seesaw_map:knob_links_map seesaw_map:knob_complexity_map

check-committed: $(VENV)/.installed
	for spec in $(COMMITTED); do \
		$(BIN)/seesaw figures $${spec%%:*} --tier $${spec##*:} > /dev/null || exit 1; \
	done
	git diff --exit-code --stat -- figures results
	test -z "$$(git status --porcelain -- figures results)"

clean-quick:
	rm -rf results/*/quick figures/quick
