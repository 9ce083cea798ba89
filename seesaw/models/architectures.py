"""Every architecture of both papers: its routing function and its registry entry.

Adding an architecture is one `Architecture` entry here plus its routing function, a
``(cfg, num_tasks) -> Routing`` built from the data types of `seesaw.models.routing` (see
docs/architectures.md, "Adding an architecture").
"""

from __future__ import annotations

from seesaw.errors import ConfigError
from seesaw.models.model_config import ARCHITECTURES, Architecture, ModelConfig
from seesaw.models.routing import RAW, Level, Mixer, Routing


def register(arch: Architecture) -> Architecture:
    """Add an architecture to `ARCHITECTURES`.

    Args:
        arch: The entry to add.

    Returns:
        The same entry.

    Raises:
        ConfigError: if the name is already taken.
    """
    if arch.name in ARCHITECTURES:
        raise ConfigError(
            f"architecture {arch.name!r} is already registered; taken: {', '.join(ARCHITECTURES)}"
        )
    ARCHITECTURES[arch.name] = arch
    return arch


def get_architecture(name: str) -> Architecture:
    """Look an architecture up by name.

    Args:
        name: Registry name.

    Returns:
        The registry entry.

    Raises:
        ConfigError: naming the unknown value and listing the allowed names.
    """
    if name not in ARCHITECTURES:
        raise ConfigError(
            f"unknown architecture {name!r}; allowed: {', '.join(sorted(ARCHITECTURES))}"
        )
    return ARCHITECTURES[name]


def task_name(k: int) -> str:
    """The name of task k's experts (their owner) and of its gate (`level{j}/task{k}`)."""
    return f"task{k}"


def _columns(kind: str, num_levels: int, num_tasks: int) -> tuple[Level, ...]:
    """One column (expert) per task per level; column k at level j > 0 reads mixed column k."""
    return tuple(
        Level(
            kind=kind,
            owners=tuple(task_name(k) for k in range(num_tasks)),
            expert_inputs=tuple(RAW if j == 0 else k for k in range(num_tasks)),
        )
        for j in range(num_levels)
    )


def single_task(cfg: ModelConfig, num_tasks: int) -> Routing:
    """One private bottom per task; tower k reads only bottom k (no path between tasks)."""
    level = Level(
        kind="concat",
        owners=tuple(task_name(k) for k in range(num_tasks)),
        expert_inputs=(RAW,) * num_tasks,
        mixers=tuple(Mixer(task_name(k), (k,)) for k in range(num_tasks)),
    )
    return Routing(levels=(level,), towers=tuple(range(num_tasks)))


def shared_bottom(cfg: ModelConfig, num_tasks: int) -> Routing:
    """Hard parameter sharing, MMoE Eq. 1 / PLE Fig. 1a: y_k = h^k(f(x)), one shared bottom f."""
    level = Level(
        kind="concat",
        owners=("shared",),
        expert_inputs=(RAW,),
        mixers=tuple(Mixer(task_name(k), (0,)) for k in range(num_tasks)),
    )
    return Routing(levels=(level,), towers=tuple(range(num_tasks)))


def asymmetric_sharing(cfg: ModelConfig, num_tasks: int) -> Routing:
    """PLE Fig. 1b: tower A reads bottom A; tower B reads concat(bottom A, bottom B).

    For T > 2 tasks this generalises to tower k reading concat(bottom 0, ..., bottom k), so between
    any two tasks information flows in exactly one direction (from the lower index to the higher).
    """
    level = Level(
        kind="concat",
        owners=tuple(task_name(k) for k in range(num_tasks)),
        expert_inputs=(RAW,) * num_tasks,
        mixers=tuple(Mixer(task_name(k), tuple(range(k + 1))) for k in range(num_tasks)),
    )
    return Routing(levels=(level,), towers=tuple(range(num_tasks)))


def customized_sharing(cfg: ModelConfig, num_tasks: int) -> Routing:
    """PLE Fig. 1c: private bottoms per task plus one shared; tower k reads concat(shared, own)."""
    shared = num_tasks
    level = Level(
        kind="concat",
        owners=tuple(task_name(k) for k in range(num_tasks)) + ("shared",),
        expert_inputs=(RAW,) * (num_tasks + 1),
        mixers=tuple(Mixer(task_name(k), (shared, k)) for k in range(num_tasks)),
    )
    return Routing(levels=(level,), towers=tuple(range(num_tasks)))


def cross_stitch(cfg: ModelConfig, num_tasks: int) -> Routing:
    """Misra et al. 2016, PLE Fig. 1f: one column per task, a learned T x T mix after each level."""
    return Routing(
        levels=_columns("stitch", cfg.num_levels, num_tasks), towers=tuple(range(num_tasks))
    )


def sluice(cfg: ModelConfig, num_tasks: int) -> Routing:
    """Ruder et al. 2019, PLE Fig. 1g: columns split into subspaces mixed by alpha; towers read a
    beta-weighted sum of every level's output of their column."""
    return Routing(
        levels=_columns("sluice", cfg.num_levels, num_tasks),
        towers=tuple(range(num_tasks)),
        layer_mix=True,
    )


def omoe(cfg: ModelConfig, num_tasks: int) -> Routing:
    """One-gate MoE, MMoE §4.2 / Fig. 1b: y_k = h^k(sum_i g(x)_i f_i(x)), one gate for all tasks."""
    n = cfg.num_experts
    level = Level(
        kind="gate",
        owners=("shared",) * n,
        expert_inputs=(RAW,) * n,
        mixers=(Mixer("shared", tuple(range(n))),),
    )
    return Routing(levels=(level,), towers=(0,) * num_tasks)


def mmoe(cfg: ModelConfig, num_tasks: int) -> Routing:
    """MMoE Eqs. 6-8: y_k = h^k(sum_i g^k(x)_i f_i(x)), g^k(x) = softmax(W_gk x) per task."""
    n = cfg.num_experts
    level = Level(
        kind="gate",
        owners=("shared",) * n,
        expert_inputs=(RAW,) * n,
        mixers=tuple(Mixer(task_name(k), tuple(range(n))) for k in range(num_tasks)),
    )
    return Routing(levels=(level,), towers=tuple(range(num_tasks)))


def ml_mmoe(cfg: ModelConfig, num_tasks: int) -> Routing:
    """Multi-level MMoE, PLE Fig. 1h / Fig. 8: gate ``expert{i}`` at level j < last mixes all
    level-j experts into the input of level-(j+1) expert i; the last level has one gate per task.
    Every gate reads the raw input x ("all gating networks share the same selector")."""
    n, levels = cfg.num_experts, []
    for j in range(cfg.num_levels):
        last = j == cfg.num_levels - 1
        names = (
            [task_name(k) for k in range(num_tasks)] if last else [f"expert{i}" for i in range(n)]
        )
        levels.append(
            Level(
                kind="gate",
                owners=("shared",) * n,
                expert_inputs=tuple(RAW if j == 0 else i for i in range(n)),
                mixers=tuple(Mixer(name, tuple(range(n)), RAW) for name in names),
            )
        )
    return Routing(levels=tuple(levels), towers=tuple(range(num_tasks)))


def _extraction(cfg: ModelConfig, num_tasks: int, num_levels: int) -> Routing:
    """PLE extraction networks (PLE Eqs. 2-7, Fig. 5). Experts of level j are ordered
    [task 0's m_k, ..., task T-1's m_k, the m_s shared]; outputs are
    [task 0, ..., task T-1, shared]."""
    m_k, m_s = cfg.num_task_experts, cfg.num_experts
    shared = tuple(range(num_tasks * m_k, num_tasks * m_k + m_s))
    owners = tuple(task_name(k) for k in range(num_tasks) for _ in range(m_k)) + ("shared",) * m_s
    levels = []
    for j in range(num_levels):
        first, last = j == 0, j == num_levels - 1
        # Level j > 1 (PLE Eq. 6, Fig. 5): task-k experts and gate read g^{k,j-1} (stream k), the
        # shared experts and shared gate read g^{s,j-1} (stream T); level 1 reads x everywhere.
        streams = [RAW if first else k for k in range(num_tasks + 1)]
        inputs = tuple(streams[k] for k in range(num_tasks) for _ in range(m_k))
        inputs += (streams[num_tasks],) * m_s
        mixers = [
            Mixer(task_name(k), tuple(range(k * m_k, (k + 1) * m_k)) + shared, streams[k])
            for k in range(num_tasks)
        ]
        if not last:  # the shared gate sees every expert of the level; the top level has none
            mixers.append(Mixer("shared", tuple(range(len(owners))), streams[num_tasks]))
        levels.append(Level("gate", owners, inputs, tuple(mixers)))
    return Routing(levels=tuple(levels), towers=tuple(range(num_tasks)))


def cgc(cfg: ModelConfig, num_tasks: int) -> Routing:
    """CGC, PLE Eqs. 2-5: task k's gate sees its m_k private experts and the m_s shared ones."""
    return _extraction(cfg, num_tasks, num_levels=1)


def ple(cfg: ModelConfig, num_tasks: int) -> Routing:
    """PLE Eqs. 6-7: ``num_levels`` CGC levels, plus a shared gate at every level but the last."""
    return _extraction(cfg, num_tasks, num_levels=cfg.num_levels)


_TWO_LEVELS = {"num_levels": 2}  # PLE §5.1.2: "all multi-level MTL models as two-level models"
_ONE_PER_MODULE = {"num_experts": 1, "num_task_experts": 1}  # PLE Fig. 8: one expert per module

for _arch in (
    Architecture(
        "single_task", single_task, "PLE §5.1.2 single-task baseline", independent_tasks=True
    ),
    Architecture("shared_bottom", shared_bottom, "MMoE Eq. 1; PLE Fig. 1a"),
    Architecture("asymmetric_sharing", asymmetric_sharing, "PLE Fig. 1b"),
    Architecture("customized_sharing", customized_sharing, "PLE Fig. 1c"),
    Architecture(
        "cross_stitch",
        cross_stitch,
        "Misra et al. 2016 Eq. 1; MMoE §6.1; PLE Fig. 1f",
        multi_level=True,
        defaults=_TWO_LEVELS,
    ),
    Architecture(
        "sluice",
        sluice,
        "Ruder et al. 2019 (alpha, beta, subspace penalty); PLE Fig. 1g",
        multi_level=True,
        defaults=_TWO_LEVELS,
    ),
    Architecture("omoe", omoe, "MMoE Eq. 5, §4.2, Fig. 1b"),
    Architecture("mmoe", mmoe, "MMoE Eqs. 6-8, Fig. 1c; PLE Fig. 1d"),
    Architecture(
        "ml_mmoe",
        ml_mmoe,
        "PLE Fig. 1h, Fig. 8, §5.1.2",
        multi_level=True,
        defaults=_TWO_LEVELS,
    ),
    Architecture("cgc", cgc, "PLE Eqs. 2-5, Fig. 4; PLE Fig. 1e", defaults=_ONE_PER_MODULE),
    Architecture(
        "ple",
        ple,
        "PLE Eqs. 6-7, Fig. 5; PLE Fig. 1i",
        multi_level=True,
        defaults={**_TWO_LEVELS, **_ONE_PER_MODULE},
    ),
):
    register(_arch)
