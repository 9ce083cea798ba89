"""Margins: the smallest effect that matters, relative to what a model has left to learn.

A margin on the whole loss hides the scale of what is left to learn: for a model near its floor
any absolute margin is either larger than every possible gain (so "absent" is guaranteed) or
smaller than the noise (so it can never be). A claim's margin is therefore a fixed fraction of
the reference model's *excess* over the Bayes floor of its metric.
"""

from __future__ import annotations

from collections.abc import Mapping

EXCESS_FRACTION = 0.02
"""Smallest effect that matters, as a fraction of the reference model's excess over the Bayes
floor of its metric: MSE − σ² for a regression task (σ² the generator's label noise), Bayes AUC
− AUC for a binary one (`seesaw.experiments.floors`; where it is unknown, as on Census-Income,
the floor is taken at 1, which overstates the excess). 2% of 1 − AUC is 0.001 on
Census-Income's income task (AUC ≈ 0.95), the difference below which MMoE's four-decimal tables
cannot rank models."""

DEFAULT_FLOORS = {"mse": 0.0, "auc": 1.0}
"""The floors where none is known: the metrics' own bounds."""


def margin(
    metric: str, reference_mean: float, floors: Mapping[str, float] | None = None
) -> float | None:
    """The margin of a difference on `metric`: `EXCESS_FRACTION` of the reference model's mean
    excess over the metric's floor; None (no margin) when the reference is not above its floor,
    as a finite test set can put it by chance.

    Args:
      metric: "auc" or "mse".
      reference_mean: the reference model's mean metric.
      floors: metric -> floor (σ² for MSE, the Bayes AUC for AUC); `DEFAULT_FLOORS` for any
        metric it lacks.

    Raises:
      ValueError: for a metric other than "auc" and "mse".
    """
    if metric not in DEFAULT_FLOORS:
        raise ValueError(f"margins are defined for {sorted(DEFAULT_FLOORS)}, got {metric!r}")
    floor = {**DEFAULT_FLOORS, **(floors or {})}[metric]
    excess = floor - reference_mean if metric == "auc" else reference_mean - floor
    return EXCESS_FRACTION * excess if excess > 0 else None
