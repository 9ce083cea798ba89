"""Loading an experiment config: its kind, tier and validity are checked before any compute."""

import pytest

from seesaw.errors import ConfigError
from seesaw.experiments.kinds import KINDS, load_experiment


def test_every_builtin_experiment_loads_at_every_tier():
    for name in ("mmoe_fig2", "mmoe_fig3", "mmoe_fig4", "mmoe_fig5"):
        for tier in ("quick", "paper"):
            config = load_experiment(name, tier)
            assert config.name == name and (config.kind in KINDS or config.kind == "view")


def test_a_view_of_a_broken_source_fails_at_load(tmp_path):
    view = tmp_path / "view.toml"
    view.write_text('name = "v"\nkind = "view"\nsource = "nope"\nfigures = ["loss_curves"]\n')
    with pytest.raises(ConfigError, match="unknown experiment 'nope'"):
        load_experiment(str(view), "paper")
