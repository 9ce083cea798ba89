"""Decision rules: one claim, its interval at the level it is tested at, its verdict.

A claim is a statement about a statistic θ expressed so that "no effect" is θ = 0 (a paired
difference, an MTL gain, a log std ratio). It is one of two kinds, fixed before it is decided
(docs/provenance.md says whether before its runs):

* **difference** ("MMoE beats Shared-Bottom"): tested by the two-sided interval at level 1 − a.
  It excludes 0 → ``difference`` with the interval's sign (``contradicted`` if the claim stated
  the other sign). It contains 0 → not resolved, and why:

  - ``absent``: the interval lies strictly inside (−margin, margin): any effect is shown to be
    smaller than the margin;
  - ``underpowered``: the interval contains 0 and reaches ±margin (it contains both "no effect"
    and a margin-sized effect): the runs cannot tell;
  - ``not resolved``: no margin was fixed, so these two cannot be told apart;
  - ``unresolvable``: the test's smallest attainable p-value exceeds the level it is tested at
    (an exact sign-flip test over a few data families), so no data could have resolved it.

* **sameness** ("as robust as", "comparable"): an equivalence test, TOST (Schuirmann, 1987,
  J. Pharmacokinet. Biopharm. 15), with a margin fixed in advance. At level a it passes when the
  1 − 2a interval lies strictly inside (−margin, margin) → ``equivalent``. Otherwise:

  - ``contradicted``: the interval lies entirely beyond +margin or −margin (the difference is
    shown to be at least margin-sized);
  - ``underpowered``: the interval straddles a margin bound;
  - ``unresolvable``: as for a difference (the one-sided floor is half the two-sided one).

* **non-inferiority** ("no worse than": a transfer > −margin, the one-sided half of a sameness
  claim): at level a it passes when the 1 − 2a interval's lower bound lies above −margin →
  ``non-inferior``. Otherwise ``contradicted`` (the whole interval at or below −margin: worse by
  at least the margin) or ``underpowered``; ``unresolvable`` as for sameness.

A failure to reject "no difference" is never scored as sameness: a wide interval around 0 is
``underpowered`` (or ``not resolved``), not agreement. The level a of each claim is set by the
multiplicity correction over its family (`seesaw.stats.family.decide`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, Protocol

import numpy as np


class Evidence(Protocol):
    """What a claim rests on: an estimate with intervals and p-values at any level.

    Implemented by `seesaw.stats.intervals.TEvidence`, `seesaw.stats.signflip.SignFlipEvidence`
    and `seesaw.stats.bootstrap.BootstrapEvidence`.
    """

    statistic: str
    estimate: float
    n: int
    n_families: int | None

    def interval(self, level: float) -> tuple[float, float]: ...

    def p_difference(self) -> float: ...

    def p_equivalence(self, margin: float) -> float: ...

    def p_noninferiority(self, margin: float) -> float: ...

    def min_p(self) -> float: ...

    def detectable(self, a: float, power: float = 0.8) -> float: ...


class Verdict(StrEnum):
    """The verdicts of the decision rules (the module docstring defines each)."""

    DIFFERENCE = "difference"
    EQUIVALENT = "equivalent"
    NONINFERIOR = "non-inferior"
    CONTRADICTED = "contradicted"
    ABSENT = "absent"
    UNDERPOWERED = "underpowered"
    NOT_RESOLVED = "not resolved"
    UNRESOLVABLE = "unresolvable"


Kind = Literal["difference", "sameness", "noninferiority"]
KINDS = ("difference", "sameness", "noninferiority")
ONE_SIDED = ("sameness", "noninferiority")  # tested on the 1 − 2a interval


@dataclass(frozen=True)
class Claim:
    """One claim, with its kind and margin.

    Attributes:
        name: The claim in words, e.g. "mmoe beats shared_bottom at correlation 0.5".
        evidence: Its statistic's evidence (`TEvidence` or `BootstrapEvidence`), 0 = no effect.
        kind: "difference", "sameness" or "noninferiority".
        margin: The smallest effect that matters, > 0, fixed before the runs, on the statistic's
            scale. Required for sameness and non-inferiority; optional for difference (it lets a
            non-resolved difference be called absent or underpowered).
        direction: For a difference: +1 if the claim says θ > 0, −1 if θ < 0, 0 if either sign.
        n_diverged: Runs left out because they diverged, reported beside n.
        keys: Extra columns for the claims table (e.g. architecture, correlation, task).

    Raises:
        ValueError: for an unknown kind, a non-positive margin, a sameness claim without a margin,
            or a direction other than −1, 0, +1 (or a direction on a sameness claim).
    """

    name: str
    evidence: Evidence
    kind: Kind = "difference"
    margin: float | None = None
    direction: int = 0
    n_diverged: int | None = None
    keys: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"claim {self.name!r}: kind must be one of {', '.join(KINDS)}")
        if self.margin is not None and not self.margin > 0:
            raise ValueError(f"claim {self.name!r}: margin must be > 0, got {self.margin}")
        if self.kind in ONE_SIDED and self.margin is None:
            raise ValueError(f"claim {self.name!r}: {self.kind} needs a margin fixed in advance")
        if self.direction not in (-1, 0, 1) or (self.kind in ONE_SIDED and self.direction):
            raise ValueError(
                f"claim {self.name!r}: direction must be -1, 0 or +1 (0 for {self.kind} claims)"
            )

    def p_value(self) -> float:
        """Two-sided p of θ = 0 for a difference; TOST p of |θ| >= margin for sameness; one-sided
        p of θ <= −margin for non-inferiority; never below the test's floor (`floor`)."""
        if self.kind == "sameness":
            return max(self.evidence.p_equivalence(self.margin), self.floor())
        if self.kind == "noninferiority":
            return max(self.evidence.p_noninferiority(self.margin), self.floor())
        return max(self.evidence.p_difference(), self.floor())

    def confidence(self, a: float) -> float:
        """Confidence level of the interval that tests the claim at level a: 1 − a, or 1 − 2a."""
        return 1.0 - 2.0 * a if self.kind in ONE_SIDED else 1.0 - a

    def floor(self) -> float:
        """The smallest p-value the claim's test can reach: the evidence's two-sided floor, or
        half of it for the one-sided tests of TOST and non-inferiority."""
        floor = self.evidence.min_p()
        return floor / 2.0 if self.kind in ONE_SIDED else floor

    def detectable(self, a: float, power: float = 0.8) -> float:
        """The smallest effect the claim's test at level a resolves with probability `power`
        (a difference); for a sameness claim, the smallest margin that a true zero passes with
        about that probability (the same formula at the one-sided level 2a; likewise for a
        non-inferiority claim)."""
        return self.evidence.detectable(2.0 * a if self.kind in ONE_SIDED else a, power)

    def passes(self, a: float) -> bool:
        """Whether the claim's test at level a succeeds (0 excluded, inside ±margin, or above
        −margin)."""
        low, high = self.evidence.interval(self.confidence(a))
        if self.kind == "sameness":
            return -self.margin < low and high < self.margin
        if self.kind == "noninferiority":
            return -self.margin < low
        return low > 0 or high < 0


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def judge(claim: Claim, a: float, passed: bool, note: str = "") -> dict[str, Any]:
    """The verdict of a claim tested at level a, with its interval, sign and reason.

    Args:
        claim: The claim.
        a: The level it was tested at (after the multiplicity correction).
        passed: Whether the correction accepted it (its test at a passed and the step-down
            reached it).
        note: Extra text for the reason (e.g. where the step-down stopped).

    Returns:
        A row: estimate, low, high, level, verdict, sign (+1/−1 when a difference is resolved,
        else 0) and reason.
    """
    level = claim.confidence(a)
    low, high = claim.evidence.interval(level)
    span = f"the {level:.4g} interval [{_fmt(low)}, {_fmt(high)}]"
    margin = claim.margin
    sign = 0
    if not passed and claim.floor() > a:
        verdict = Verdict.UNRESOLVABLE
        reason = (
            f"its exact test over {claim.evidence.n_families or claim.evidence.n} units cannot "
            f"reach p below {_fmt(claim.floor())}, above its level {_fmt(a)}: no data could "
            "resolve it"
        )
    elif claim.kind == "difference":
        if passed:
            sign = 1 if low > 0 else -1 if high < 0 else int(np.sign(claim.evidence.estimate))
            if claim.direction and sign != claim.direction:
                verdict = Verdict.CONTRADICTED
                reason = f"{span} excludes 0 on the other side from the claim"
            else:
                verdict = Verdict.DIFFERENCE
                reason = f"{span} excludes 0 ({'positive' if sign > 0 else 'negative'})"
            if margin is not None and -margin < low and high < margin:
                reason += f", but lies inside ±{_fmt(margin)}: smaller than the margin"
        elif low > 0 or high < 0:
            # Only at tied p-values: the step-down stopped at an earlier claim before this one.
            verdict = Verdict.NOT_RESOLVED
            reason = f"{span} excludes 0, but the step-down stopped before this claim"
        elif margin is None:
            verdict = Verdict.NOT_RESOLVED
            reason = (
                f"{span} contains 0 and no margin was fixed, so an absent effect cannot be told "
                "from too few runs"
            )
        elif -margin < low and high < margin:
            verdict = Verdict.ABSENT
            reason = f"{span} contains 0 and lies inside ±{_fmt(margin)}: any effect is smaller"
        else:
            verdict = Verdict.UNDERPOWERED
            reason = (
                f"{span} contains 0 and reaches ±{_fmt(margin)}: it holds both no effect and a "
                "margin-sized one"
            )
    elif claim.kind == "noninferiority":
        if passed:
            verdict = Verdict.NONINFERIOR
            reason = f"{span} lies above −{_fmt(margin)}: any loss is smaller than the margin"
        elif high <= -margin:
            sign = -1
            verdict = Verdict.CONTRADICTED
            reason = f"{span} lies at or below −{_fmt(margin)}: worse by at least the margin"
        else:
            verdict = Verdict.UNDERPOWERED
            reason = f"{span} reaches below −{_fmt(margin)}"
    elif passed:
        verdict = Verdict.EQUIVALENT
        reason = f"{span} lies inside ±{_fmt(margin)} (TOST)"
    elif low >= margin or high <= -margin:
        sign = 1 if low >= margin else -1
        verdict = Verdict.CONTRADICTED
        reason = f"{span} lies beyond ±{_fmt(margin)}: the difference is at least margin-sized"
    else:
        verdict = Verdict.UNDERPOWERED
        reason = f"{span} reaches beyond ±{_fmt(margin)}"
        if low > 0 or high < 0:
            reason += " (it excludes 0: some difference, but not whether it matters)"
    if note:
        reason += f"; {note}"
    return {
        "estimate": claim.evidence.estimate,
        "low": low,
        "high": high,
        "level": level,
        "verdict": verdict.value,
        "sign": sign,
        "reason": reason,
    }
