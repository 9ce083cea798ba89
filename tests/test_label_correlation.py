import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd
import pytest

from seesaw.data import generator_preset
from seesaw.sweep.cells import CellContext
from seesaw.sweep.config import from_dict
from seesaw.sweep.label_correlation import (
    LabelCorrelationConfig,
    label_correlation_trials,
    run_cell,
    summarize,
)

NO_CONTEXT = CellContext(previous=None, progress=lambda n: None)


def _config(**overrides):
    data = {
        "name": "t",
        "kind": "label_correlation",
        "correlations": [0.0, 0.5, 1.0],
        "num_points": 4000,
        "num_trials": 8,
        "generators": {
            "lin": {"preset": "mmoe", "num_sinusoids": 0, "scale": 1.0, "noise_std": 0.5}
        },
    } | overrides
    return from_dict(LabelCorrelationConfig, data, "cfg")


def test_linear_case_matches_closed_form():
    # Linear labels (m = 0): corr(y1, y2) = c²p / (c² + σ²) (MMoE §3.2, with the noise variance σ²).
    config = _config()
    table = run_cell(config, "lin", NO_CONTEXT)["trials"]
    means = table.groupby("correlation")["pearson"].mean()
    c2, s2 = 1.0, 0.25
    for p, mean in means.items():
        # 8 trials × 4000 points: the standard error of the mean is below 0.01.
        assert mean == pytest.approx(c2 * p / (c2 + s2), abs=0.03)


def test_trials_shapes_and_determinism():
    cfg = generator_preset("mmoe")
    args = (jax.random.key(0), jax.random.key(1), jnp.array([0.5, 0.9]))
    kw = dict(num_points=500, num_trials=3, cfg=cfg)
    a, b = label_correlation_trials(*args, **kw), label_correlation_trials(*args, **kw)
    assert a["pearson"].shape == (3, 2) and a["snr"].shape == (3, 2, 2)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
    # Trials are independent draws: not all equal.
    assert np.unique(np.asarray(a["pearson"][:, 0])).size == 3


def test_run_cell_long_table():
    config = _config(num_points=200, num_trials=4)
    table = run_cell(config, "lin", NO_CONTEXT)["trials"]
    assert list(table.columns) == [
        "generator",
        "correlation",
        "trial",
        "pearson",
        "spearman",
        "snr_task0",
        "snr_task1",
    ]
    assert len(table) == 4 * 3 and set(table["generator"]) == {"lin"}
    assert sorted(table.groupby("correlation")["trial"].apply(list).iloc[0]) == [0, 1, 2, 3]
    # SNR = var(signal) / σ² with var(wᵀx) = c² = 1 and σ = 0.5.
    assert table["snr_task0"].mean() == pytest.approx(4.0, rel=0.15)


def test_summarize_mean_and_two_sigma():
    trials = pd.DataFrame(
        {
            "generator": ["g"] * 4,
            "grid": [0.5] * 4,
            "trial": range(4),
            "pearson": [0.1, 0.2, 0.3, 0.4],
            "spearman": [0.0] * 4,
        }
    )
    row = summarize(trials).iloc[0]
    assert row["pearson_mean"] == pytest.approx(0.25)
    assert row["pearson_2sd"] == pytest.approx(2 * np.std([0.1, 0.2, 0.3, 0.4], ddof=1))
    assert row["pearson_count"] == 4
