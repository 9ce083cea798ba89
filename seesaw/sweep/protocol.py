"""What every training experiment shares, whatever its data: the models, the learning-rate grid,
the runs and the training budget, validated once for the synthetic sweeps
(`seesaw.sweep.training`) and the fixed-data ones (`seesaw.sweep.array_training`: Census-Income)
alike."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from seesaw.errors import ConfigError
from seesaw.models import ModelConfig, model_config
from seesaw.train.engine import TrainSpec
from seesaw.train.optim import OptimizerConfig
from seesaw.validate import check_choice, check_int, check_name, check_real, invalid, not_allowed


@dataclasses.dataclass(frozen=True, kw_only=True)
class TrainingProtocol:
    """The protocol fields of a training experiment; a kind's config adds its data and grid.

    Attributes:
      name, kind, title: experiment name, the kind (`KIND` of the subclass), one-line description.
      models: label -> {"preset": a model preset or architecture name, ModelConfig overrides...,
        and optionally "num_runs": this model's runs, overriding the top-level `num_runs` (spend
        runs where the claims are; intervals report each model's own n)}.
      roles: paper role (an architecture name, e.g. "shared_bottom") -> the model label that
        plays it in the papers' claims, needed only when several models share that architecture
        (`seesaw.experiments.summary.architecture_roles`).
      only_models: when non-empty, the labels of `models` that this config runs (a quick tier's
        smoke test may drop models that its paper tier trains); the others are removed.
      learning_rates: the grid searched on validation data (one value: no search).
      num_runs: independent runs (data draw + initialisation) per model and grid point.
      selection_runs: runs per grid point used to choose the learning rate.
      max_diverged: largest fraction of diverged selection runs for a rate to stay eligible.
      num_steps, batch_size, log_every: training budget and logging interval, the same for all.
      optimizer: optimiser and schedule.
      loss_weights: ω_k of PLE Eq. 8 of the main runs (and of the learning-rate selection).
      seed: seed of the runs.
      precision: matmul precision of every model, "float32" or "bfloat16" (bfloat16 operands,
        float32 accumulation, parameters and optimiser state; see docs/performance.md).
    """

    KIND: ClassVar[str] = ""

    name: str
    kind: str
    models: dict[str, dict[str, Any]]
    learning_rates: tuple[float, ...]
    num_runs: int
    num_steps: int
    batch_size: int
    log_every: int
    optimizer: OptimizerConfig = OptimizerConfig()
    selection_runs: int = 0
    max_diverged: float = 0.1
    loss_weights: tuple[float, ...] = (1.0, 1.0)
    roles: dict[str, str] = dataclasses.field(default_factory=dict)
    only_models: tuple[str, ...] = ()
    seed: int = 0
    title: str = ""
    precision: str = "float32"

    def __post_init__(self):
        check_name("name", self.name)
        check_choice("kind", self.kind, (self.KIND,))
        if not self.models:
            raise invalid("models", {}, "a table naming at least one model")
        unknown = sorted(set(self.only_models) - set(self.models))
        if unknown:
            raise not_allowed("only_models", unknown, sorted(self.models))
        for role, label in self.roles.items():
            if label not in self.models:
                raise not_allowed(f"roles.{role}", label, sorted(self.models))
            if self.model(label).arch != role:
                raise ConfigError(
                    f"roles.{role} = {label!r}: model {label} is a {self.model(label).arch!r} "
                    f"model, not {role!r}"
                )
        if self.only_models:
            object.__setattr__(self, "models", {k: self.models[k] for k in self.only_models})
            kept = {role: label for role, label in self.roles.items() if label in self.models}
            object.__setattr__(self, "roles", kept)
        for label in self.models:
            check_name(f"models.{label}", label)  # the label names a results folder
        if not self.learning_rates:
            raise invalid("learning_rates", [], "a list of at least one learning rate")
        for i, lr in enumerate(self.learning_rates):
            check_real(f"learning_rates[{i}]", lr, 0.0, low_open=True)
        check_int("num_runs", self.num_runs, 1)
        check_int("selection_runs", self.selection_runs, 0)
        if len(self.learning_rates) > 1 and not 1 <= self.selection_runs <= self.num_runs:
            raise ConfigError(
                f"selection_runs = {self.selection_runs}: with {len(self.learning_rates)} learning "
                f"rates it must be in [1, num_runs = {self.num_runs}]"
            )
        check_real("max_diverged", self.max_diverged, 0.0, 1.0, high_open=True)
        check_int("seed", self.seed, 0, 2**32 - 1)
        for label in self.models:
            self.spec(label)  # validates every model and the budget now, before compute
            self.check_at_most_runs(label, ("selection_runs",))

    def runs(self, label: str) -> int:
        """Main runs per grid point of model `label`."""
        runs = self.models[label].get("num_runs", self.num_runs)
        check_int(f"models.{label}.num_runs", runs, 1)
        return runs

    def check_at_most_runs(self, label: str, keys: tuple[str, ...]) -> None:
        """Raises ConfigError if a run count named in `keys` exceeds model `label`'s runs."""
        runs = self.runs(label)
        for key in keys:
            if getattr(self, key) > runs:
                raise ConfigError(
                    f"{key} = {getattr(self, key)}: must be <= the {runs} runs of model {label}"
                )

    def spec(self, label: str) -> TrainSpec:
        """The static TrainSpec of one model's runs: each kind's data decides it."""
        raise NotImplementedError

    def model(self, label: str) -> ModelConfig:
        spec = dict(self.models[label])
        spec.pop("num_runs", None)
        if "preset" not in spec:
            raise ConfigError(f"models.{label}: missing key 'preset'")
        if "precision" in spec:
            # One precision for every model, so that no comparison mixes them.
            raise ConfigError(f"models.{label}.precision: set precision at the top level instead")
        spec["precision"] = self.precision
        try:
            return model_config(spec.pop("preset"), **spec)
        except ConfigError as err:
            raise ConfigError(f"models.{label}: {err}") from err
