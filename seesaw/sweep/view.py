"""The view kind: figures drawn from another experiment's runs.

MMoE Fig. 5 reuses the runs of Fig. 4.
"""

from __future__ import annotations

import dataclasses

from seesaw.errors import ConfigError
from seesaw.sweep.training import FIGURES
from seesaw.validate import check_choice, check_name, not_allowed


@dataclasses.dataclass(frozen=True)
class ViewConfig:
    """A figure over the results of experiment `source`; running it runs `source` if needed.

    Attributes:
      name, kind, title: experiment name, "view", one-line description.
      source: the built-in experiment (or config path) whose runs are drawn.
      figures: figure functions to draw (the training kind's FIGURES).
    """

    name: str
    kind: str
    source: str
    figures: tuple[str, ...]
    title: str = ""

    def __post_init__(self):
        check_name("name", self.name)
        check_choice("kind", self.kind, ("view",))
        unknown = sorted(set(self.figures) - set(FIGURES))
        if unknown or not self.figures:
            raise not_allowed("figures", list(self.figures), FIGURES)
        if self.source == self.name:
            raise ConfigError(f"source = {self.source!r}: a view cannot draw from itself")
