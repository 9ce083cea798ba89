"""Data: the synthetic generator (MMoE §3.2, PLE §5.2.1), its label statistics, task kinds and
the data sources the engine trains on."""

from seesaw.data.calibrate import realised_correlation, solve_weight_cosines
from seesaw.data.kinds import TASK_KINDS, TaskKind
from seesaw.data.source import ArraySource, DataSource, SyntheticSource, array_source
from seesaw.data.stats import label_stats
from seesaw.data.synthetic import (
    GENERATOR_PRESETS,
    Dataset,
    Family,
    GeneratorConfig,
    binary_threshold,
    generator_preset,
    make_family,
    sample,
    signal_fn,
    task_weights,
)
from seesaw.data.tasks import TaskConfig, population_positive_rate

__all__ = [
    "GENERATOR_PRESETS",
    "TASK_KINDS",
    "ArraySource",
    "DataSource",
    "SyntheticSource",
    "TaskKind",
    "array_source",
    "Dataset",
    "Family",
    "GeneratorConfig",
    "TaskConfig",
    "binary_threshold",
    "generator_preset",
    "label_stats",
    "make_family",
    "population_positive_rate",
    "realised_correlation",
    "sample",
    "signal_fn",
    "solve_weight_cosines",
    "task_weights",
]
