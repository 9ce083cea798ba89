"""Routings: an architecture as static data (which experts each mixer reads, what levels read).

A model is a stack of levels. Level ``j`` holds a bank of experts and a set of mixers; each mixer
produces one output stream, and level ``j + 1`` reads those streams. Level 0 reads the raw input x.
The routing of an architecture is plain, hashable Python data (tuples of ints and strings), so it
can live in an NNX module as static structure, never as a Variable.

Stream indices: an expert or a gate selector reads either ``RAW`` (the model input x) or the output
stream ``s`` of the previous level (``s`` indexes that level's mixers in order; for cross-stitch and
sluice levels, stream ``k`` is column ``k``).

The routing function of every registered architecture is in ``seesaw.models.architectures``.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from seesaw.errors import ConfigError

RAW = -1
"""Stream index of the raw model input x."""

LEVEL_KINDS = ("gate", "concat", "stitch", "sluice")
"""gate: softmax gates over masked experts; concat: fixed concatenation of experts; stitch:
learned T x T linear mix of the columns (cross-stitch); sluice: learned mix of all subspaces of all
columns."""


@dataclasses.dataclass(frozen=True)
class Mixer:
    """One output stream of a level.

    Attributes:
        name: Name of the stream, used in gate keys ``level{j}/{name}``: ``task{k}``, ``shared``,
            ``expert{i}``.
        experts: For a gate, the experts it may see (all others get weight exactly 0). For a concat
            mixer, the experts concatenated, in this order.
        selector: Gate only: the stream its softmax reads (``RAW`` for x), MMoE Eq. 7 / PLE Eq. 6.
    """

    name: str
    experts: tuple[int, ...]
    selector: int = RAW


@dataclasses.dataclass(frozen=True)
class Level:
    """One level: a bank of experts and the mixers reading it.

    Attributes:
        kind: One of ``LEVEL_KINDS``.
        owners: One label per expert (``task{k}`` or ``shared``), for gate plots (PLE Fig. 8).
        expert_inputs: One stream index per expert: what that expert reads.
        mixers: The output streams (gate and concat levels). Stitch and sluice levels have none:
            their output stream ``k`` is the mixed column ``k``.
    """

    kind: str
    owners: tuple[str, ...]
    expert_inputs: tuple[int, ...]
    mixers: tuple[Mixer, ...] = ()

    @property
    def num_experts(self) -> int:
        """Number of experts E of this level."""
        return len(self.owners)

    @property
    def num_outputs(self) -> int:
        """Number of output streams of this level."""
        return len(self.mixers) if self.kind in ("gate", "concat") else self.num_experts

    def output_widths(self, expert_width: int) -> tuple[int, ...]:
        """Width of each output stream, given the experts' output width H.

        Args:
            expert_width: H, the last entry of ``expert_units``.

        Returns:
            One width per output stream: H, except a concat mixer over n experts gives n * H.
        """
        if self.kind == "concat":
            return tuple(len(m.experts) * expert_width for m in self.mixers)
        return (expert_width,) * self.num_outputs

    def gate_mask(self) -> np.ndarray:
        """Which experts each gate may see (gate levels only).

        Returns:
            (G, E) boolean numpy array, static: True where gate g may look at expert e.
        """
        mask = np.zeros((len(self.mixers), self.num_experts), dtype=bool)
        for g, mixer in enumerate(self.mixers):
            mask[g, list(mixer.experts)] = True
        return mask


@dataclasses.dataclass(frozen=True)
class Routing:
    """The whole routing of an architecture.

    Attributes:
        levels: The levels, bottom first.
        towers: For each task, the output stream of the last level its tower reads.
        layer_mix: Sluice only: each tower reads a learned beta-weighted sum of its column's
            outputs at every level (Ruder et al. 2019) instead of the last level's stream.
    """

    levels: tuple[Level, ...]
    towers: tuple[int, ...]
    layer_mix: bool = False


def check_routing(routing: Routing, num_tasks: int) -> None:
    """Check that a routing is well formed, so a new architecture fails early and clearly.

    Args:
        routing: The routing to check.
        num_tasks: T.

    Raises:
        ConfigError: if a level kind is unknown, an index is out of range, a gate sees no expert,
            a level reads streams of different widths through one einsum, or a concat level is not
            the last one.
    """
    if not routing.levels:
        raise ConfigError("routing has no levels; allowed: at least one level")
    if len(routing.towers) != num_tasks:
        raise ConfigError(
            f"routing has {len(routing.towers)} towers; allowed: one per task ({num_tasks})"
        )
    prev_outputs = None
    for j, level in enumerate(routing.levels):
        where = f"routing level {j}"
        if level.kind not in LEVEL_KINDS:
            raise ConfigError(
                f"{where}: kind {level.kind!r} unknown; allowed: {', '.join(LEVEL_KINDS)}"
            )
        if level.num_experts < 1 or len(level.expert_inputs) != level.num_experts:
            raise ConfigError(f"{where}: needs >= 1 expert and one input stream per expert")
        allowed_streams = {RAW} | (set(range(prev_outputs)) if prev_outputs is not None else set())
        reads = list(level.expert_inputs) + [
            m.selector for m in level.mixers if level.kind == "gate"
        ]
        for s in reads:
            if s not in allowed_streams:
                raise ConfigError(f"{where}: reads stream {s}; allowed: {sorted(allowed_streams)}")
        # One einsum per bank needs one input width: either all read x or all read streams.
        selectors = [m.selector for m in level.mixers] if level.kind == "gate" else []
        for group in (level.expert_inputs, selectors):
            if len({s == RAW for s in group}) > 1:
                raise ConfigError(f"{where}: one bank mixes readers of x and of streams")
        if level.kind in ("gate", "concat"):
            if not level.mixers:
                raise ConfigError(f"{where}: a {level.kind} level needs at least one mixer")
            for m in level.mixers:
                if not m.experts or any(not 0 <= e < level.num_experts for e in m.experts):
                    raise ConfigError(
                        f"{where}: mixer {m.name!r} sees experts {m.experts}; "
                        f"allowed: a non-empty subset of 0..{level.num_experts - 1}"
                    )
        if level.kind == "concat" and j != len(routing.levels) - 1:
            raise ConfigError(f"{where}: a concat level must be the last level")
        if level.kind in ("stitch", "sluice") and level.num_experts != num_tasks:
            raise ConfigError(f"{where}: a {level.kind} level needs one column per task")
        prev_outputs = level.num_outputs
    for k, s in enumerate(routing.towers):
        if not 0 <= s < prev_outputs:
            raise ConfigError(f"tower {k} reads stream {s}; allowed: 0..{prev_outputs - 1}")
    if routing.layer_mix and any(level.kind != "sluice" for level in routing.levels):
        raise ConfigError("layer_mix (sluice beta) needs every level to be a sluice level")
