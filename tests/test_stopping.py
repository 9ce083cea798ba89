import jax
import numpy as np
import pytest

from seesaw.data import SyntheticSource, TaskConfig, generator_preset, make_family
from seesaw.models import model_config
from seesaw.sweep.cells import CellContext
from seesaw.sweep.config import from_dict
from seesaw.sweep.stopping import stop_at_best
from seesaw.sweep.training import TrainExperimentConfig, run_cell
from seesaw.train.engine import Trainer, TrainSpec
from seesaw.train.optim import OptimizerConfig
from seesaw.train.runs import run_keys, train_runs


def _out(val_loss, test_loss, **extra):
    val_loss, test_loss = np.asarray(val_loss, float), np.asarray(test_loss, float)
    last = {"val_mse": val_loss[:, -1].copy(), "test_mse": test_loss[:, -1].copy()}
    return {"val_loss": val_loss, "test_loss": test_loss} | last | extra


def test_each_task_stops_at_its_own_first_validation_minimum():
    # (K=2 runs, I=4 logs, T=2 tasks); run 0's task 0 has a tie at logs 1 and 3: the first wins.
    val = np.array(
        [
            [[3.0, 9.0], [1.0, 8.0], [2.0, 7.0], [1.0, 6.0]],
            [[5.0, 1.0], [4.0, 2.0], [3.0, 3.0], [6.0, 4.0]],
        ]
    )
    test = val * 10 + np.arange(4)[None, :, None]
    got = stop_at_best(_out(val, test), ("regression", "regression"))
    # Brute force: scan every run and task for the smallest validation loss, first on ties.
    for k in range(2):
        for t in range(2):
            best = min(range(4), key=lambda i: (val[k, i, t], i))
            assert got["stop_index"][k, t] == best
            assert got["val_mse"][k, t] == val[k, best, t]
            assert got["test_mse"][k, t] == test[k, best, t]
    assert got["stop_index"].tolist() == [[1, 3], [2, 0]]


def test_a_diverged_run_stops_at_its_last_point_and_inputs_stay_untouched():
    val = np.array([[[np.nan], [np.nan]], [[2.0], [np.nan]]])
    test = np.array([[[5.0], [6.0]], [[7.0], [8.0]]])
    out = _out(val, test)
    before = {k: v.copy() for k, v in out.items()}
    got = stop_at_best(out, ("regression",))
    assert got["stop_index"].tolist() == [[1], [0]]
    assert got["test_mse"].tolist() == [[6.0], [7.0]]
    for k, v in before.items():
        np.testing.assert_array_equal(out[k], v)


def test_a_binary_task_reports_its_auc_at_the_loss_chosen_step():
    val = np.array([[[0.7, 0.5], [0.6, 0.4], [0.65, 0.45]]])  # (1, 3, 2)
    test = val + 0.01
    auc = np.array([[[0.6, np.nan], [0.8, np.nan], [0.7, np.nan]]])
    out = {
        "val_loss": val,
        "test_loss": test,
        "val_auc_curve": auc,
        "test_auc_curve": auc - 0.05,
        "val_bce": np.array([[0.65, np.nan]]),
        "test_bce": np.array([[0.66, np.nan]]),
        "val_auc": np.array([[0.7, np.nan]]),
        "test_auc": np.array([[0.65, np.nan]]),
        "val_mse": np.array([[np.nan, 0.45]]),
        "test_mse": np.array([[np.nan, 0.46]]),
    }
    got = stop_at_best(out, ("binary", "regression"))
    assert got["stop_index"].tolist() == [[1, 1]]
    np.testing.assert_allclose(got["test_auc"][0, 0], 0.75)
    np.testing.assert_allclose(got["test_bce"][0, 0], 0.61)
    np.testing.assert_allclose(got["test_mse"][0, 1], 0.41)
    assert np.isnan(got["val_bce"][0, 1]) and np.isnan(got["val_mse"][0, 0])


def test_logged_test_curve_ends_at_the_final_test_metric():
    """The test loss logged at the last step is the final evaluation's test MSE: what a stop
    at the last point reports is what `stop = "last"` reports."""
    gen = generator_preset("mmoe", input_dim=8, num_sinusoids=2)
    source = SyntheticSource(
        make_family(jax.random.key(0), gen), gen, TaskConfig(), 32, 48, (64, 16)
    )
    spec = TrainSpec(
        model=model_config("mmoe", num_experts=2, expert_units=(4,), tower_units=(4,)),
        optimizer=OptimizerConfig(schedule="linear", warmup=0.1),
        batch_size=8,
        num_steps=40,
        log_every=10,
        log_test=True,
    )
    keys = run_keys(0, [0], range(3))[0]
    out = train_runs(Trainer(spec, source), keys, np.full(3, 0.5), np.full(3, 1e-2))
    assert out["test_loss"].shape == (3, 4, 2)
    np.testing.assert_allclose(out["test_loss"][:, -1], out["test_mse"], rtol=1e-5)
    np.testing.assert_allclose(out["val_loss"][:, -1], out["val_mse"], rtol=1e-5)


BASE = {
    "name": "t",
    "kind": "train",
    "correlations": [0.5],
    "learning_rates": [1e-2, 3e-2],
    "selection_runs": 2,
    "num_runs": 2,
    "num_steps": 60,
    "batch_size": 8,
    "log_every": 10,
    "twins": True,
    "select_on": "normalised",
    "stop": "best_val",
    "data": {
        "generator": "mmoe",
        "constants": {"input_dim": 8, "num_sinusoids": 2},
        "num_val": 32,
        "num_test": 32,
        "train_sizes": [64, 8],
    },
    "models": {
        "mmoe": {"preset": "mmoe", "num_experts": 2, "expert_units": [4], "tower_units": [4]}
    },
}


def test_a_best_val_sweep_reports_every_run_where_its_validation_curve_chose():
    config = from_dict(TrainExperimentConfig, BASE, "cfg")
    tables = {}
    context = CellContext(previous=lambda cell, table: tables[cell][table], progress=lambda n: None)
    for cell in config.cells():
        tables[cell] = run_cell(config, cell, context)
    for cell, prefix in (("model=mmoe", ""), ("twin+model=mmoe", "twin_")):
        final = tables[cell][f"{prefix}final"]
        curves = (
            tables[cell][f"{prefix}curves"].set_index(["run", "task", "split", "step"]).sort_index()
        )
        stops = tables[cell][f"{prefix}stops"]
        assert set(curves.index.get_level_values("split")) == {"train", "val", "test"}
        assert len(stops) == len(final) // 2  # one stop per run and task; final has val, test
        for row in stops.itertuples():
            val = curves.loc[(row.run, row.task, "val"), "loss"]
            assert val.loc[row.step] == val.min() and (val.loc[: row.step - 1] > val.min()).all()
            for split in ("val", "test"):
                value = final.query(f"run == {row.run} and task == {row.task} and split == @split")
                np.testing.assert_allclose(
                    value["value"].item(), curves.loc[(row.run, row.task, split, row.step), "loss"]
                )


def test_an_unknown_stop_is_refused_before_compute():
    with pytest.raises(Exception, match=r"stop = 'early'; allowed: last, best_val"):
        from_dict(TrainExperimentConfig, BASE | {"stop": "early"}, "cfg")
