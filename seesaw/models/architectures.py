"""The architecture registry: name -> routing function, paper reference and default settings.

Adding an architecture is one `Architecture` entry here plus its routing function (see
`seesaw.models.routing` and docs/architectures.md, "Adding an architecture").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from seesaw.errors import ConfigError
from seesaw.models import routing

if TYPE_CHECKING:
    from seesaw.models.model_config import ModelConfig


@dataclasses.dataclass(frozen=True)
class Architecture:
    """One registered architecture.

    Attributes:
        name: Registry name, e.g. ``"ple"``.
        routing: ``(config, num_tasks) -> Routing``: the architecture as data.
        reference: Paper equation or figure it implements.
        multi_level: Whether ``num_levels`` may exceed 1 (single-level ones require 1).
        defaults: `ModelConfig` field values that ``model_config(name)`` uses instead of the
            class defaults.
    """

    name: str
    routing: Callable[[ModelConfig, int], routing.Routing]
    reference: str
    multi_level: bool = False
    defaults: Mapping[str, Any] = dataclasses.field(default_factory=dict)


ARCHITECTURES: dict[str, Architecture] = {}
"""Every registered architecture by name."""


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


_TWO_LEVELS = {"num_levels": 2}  # PLE §5.1.2: "all multi-level MTL models as two-level models"
_ONE_PER_MODULE = {"num_experts": 1, "num_task_experts": 1}  # PLE Fig. 8: one expert per module

for _arch in (
    Architecture("single_task", routing.single_task, "PLE §5.1.2 single-task baseline"),
    Architecture("shared_bottom", routing.shared_bottom, "MMoE Eq. 1; PLE Fig. 1a"),
    Architecture("asymmetric_sharing", routing.asymmetric_sharing, "PLE Fig. 1b"),
    Architecture("customized_sharing", routing.customized_sharing, "PLE Fig. 1c"),
    Architecture(
        "cross_stitch",
        routing.cross_stitch,
        "Misra et al. 2016 Eq. 1; MMoE §6.1; PLE Fig. 1f",
        multi_level=True,
        defaults=_TWO_LEVELS,
    ),
    Architecture(
        "sluice",
        routing.sluice,
        "Ruder et al. 2019 (alpha, beta, subspace penalty); PLE Fig. 1g",
        multi_level=True,
        defaults=_TWO_LEVELS,
    ),
    Architecture("omoe", routing.omoe, "MMoE Eq. 5, §4.2, Fig. 1b"),
    Architecture("mmoe", routing.mmoe, "MMoE Eqs. 6-8, Fig. 1c; PLE Fig. 1d"),
    Architecture(
        "ml_mmoe",
        routing.ml_mmoe,
        "PLE Fig. 1h, Fig. 8, §5.1.2",
        multi_level=True,
        defaults=_TWO_LEVELS,
    ),
    Architecture("cgc", routing.cgc, "PLE Eqs. 2-5, Fig. 4; PLE Fig. 1e", defaults=_ONE_PER_MODULE),
    Architecture(
        "ple",
        routing.ple,
        "PLE Eqs. 6-7, Fig. 5; PLE Fig. 1i",
        multi_level=True,
        defaults={**_TWO_LEVELS, **_ONE_PER_MODULE},
    ),
):
    register(_arch)
