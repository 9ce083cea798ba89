"""Task kinds: what a task's label is, how it is trained and how it is reported.

One registry, read by the losses (`seesaw.train.losses`), the results tables (which metrics a
task's rows hold) and the analyses (which metric a claim compares, and its sign):

- "regression": squared error (MMoE §3.3); reported as MSE, lower is better.
- "binary": binary cross-entropy on logits; reported as AUC (PLE §5.1.3), higher is better.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import jax
import jax.numpy as jnp
import optax

from seesaw.validate import check_choice


@dataclasses.dataclass(frozen=True)
class TaskKind:
    """One kind of task.

    Attributes:
      name: the kind's name in configs and tables.
      loss: per-example training loss, loss(pred, target) -> (N,) from (N,) predictions (logits
        for a binary task) and targets.
      metrics: the final metrics of a task of this kind, in table order; the first is the
        training loss.
      score: the metric that figures and claims report.
    """

    name: str
    loss: Callable[[jax.Array, jax.Array], jax.Array]
    metrics: tuple[str, ...]
    score: str

    @property
    def loss_metric(self) -> str:
        """The metric that is the task's training loss ("mse" or "bce")."""
        return self.metrics[0]


def _squared_error(pred: jax.Array, target: jax.Array) -> jax.Array:
    return jnp.square(pred - target)


TASK_KINDS: dict[str, TaskKind] = {
    "regression": TaskKind("regression", _squared_error, ("mse",), "mse"),
    "binary": TaskKind("binary", optax.sigmoid_binary_cross_entropy, ("bce", "auc"), "auc"),
}

HIGHER_IS_BETTER: dict[str, bool] = {"auc": True, "mse": False, "bce": False}
"""Whether a larger value of each metric is better (the sign of a gain, PLE Eq. 11)."""


def task_kind(name: str) -> TaskKind:
    """The registered kind `name`.

    Raises:
      ConfigError: `name` is not a registered kind, naming the allowed ones.
    """
    check_choice("task kind", name, tuple(TASK_KINDS))
    return TASK_KINDS[name]
