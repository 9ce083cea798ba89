"""The optimiser: an optax transformation whose learning rate is a per-run array, not a constant.

Keeping the learning rate out of the transformation (updates = −η_run · s(t) · u_t, with u_t the
optax direction and s the schedule) lets one compiled program train a whole learning-rate grid as
extra runs on the vmapped run axis.
"""

from __future__ import annotations

import dataclasses

import optax

from seesaw.validate import check_choice, check_real

OPTIMIZERS = ("adam", "adamw", "sgd")
SCHEDULES = ("constant", "cosine", "linear")


@dataclasses.dataclass(frozen=True)
class OptimizerConfig:
    """Optimiser and learning-rate schedule.

    Attributes:
      name: "adam" (default; MMoE trains with Adam), "adamw" or "sgd".
      schedule: "constant", "cosine" or "linear" (decay to 0 at the last step).
      warmup: fraction of the steps over which the multiplier rises linearly from 0 to 1
        before it decays (0: none).
      b1, b2, eps: Adam moments and epsilon (optax defaults, equal to TF1's Adam defaults).
      momentum: SGD momentum (0 = plain SGD).
      weight_decay: decoupled weight decay of "adamw".
    """

    name: str = "adam"
    schedule: str = "constant"
    warmup: float = 0.0
    b1: float = 0.9
    b2: float = 0.999
    eps: float = 1e-8
    momentum: float = 0.0
    weight_decay: float = 1e-4

    def __post_init__(self):
        check_choice("optimizer.name", self.name, OPTIMIZERS)
        check_choice("optimizer.schedule", self.schedule, SCHEDULES)
        check_real("optimizer.warmup", self.warmup, 0.0, 1.0, high_open=True)
        for field in ("b1", "b2", "momentum"):
            check_real(f"optimizer.{field}", getattr(self, field), 0.0, 1.0, high_open=True)
        check_real("optimizer.eps", self.eps, 0.0, low_open=True)
        check_real("optimizer.weight_decay", self.weight_decay, 0.0)


def direction(config: OptimizerConfig) -> optax.GradientTransformation:
    """The update direction u_t before the learning rate (and its sign) is applied."""
    if config.name == "adam":
        return optax.scale_by_adam(b1=config.b1, b2=config.b2, eps=config.eps)
    if config.name == "adamw":
        return optax.chain(
            optax.scale_by_adam(b1=config.b1, b2=config.b2, eps=config.eps),
            optax.add_decayed_weights(config.weight_decay),
        )
    return optax.trace(decay=config.momentum) if config.momentum else optax.identity()


def schedule(config: OptimizerConfig, num_steps: int) -> optax.Schedule:
    """The multiplier s(t) of the learning rate at step t: a linear warm-up over the first
    W = round(warmup · num_steps) steps, then constant, or decaying to 0 at step num_steps as
    s = ½(1 + cos(π u)) ("cosine") or s = 1 − u ("linear"), u = (t − W) / (num_steps − W)."""
    warm = round(config.warmup * num_steps)
    rest = num_steps - warm
    if config.schedule == "cosine":
        decay = optax.cosine_decay_schedule(1.0, rest)
    elif config.schedule == "linear":
        decay = optax.linear_schedule(1.0, 0.0, rest)
    else:
        decay = optax.constant_schedule(1.0)
    if not warm:
        return decay
    return optax.join_schedules([optax.linear_schedule(0.0, 1.0, warm), decay], [warm])
