"""Cell ids are typed: every name parses back to the cell that made it."""

import pytest

from seesaw.errors import ConfigError
from seesaw.sweep.cells import Cell


@pytest.mark.parametrize(
    "cell, name",
    [
        (Cell("calibrate"), "calibrate"),
        (Cell("main", "mmoe"), "model=mmoe"),
        (Cell("select", "ple_2"), "select+model=ple_2"),
        (Cell("front", "cgc"), "front+model=cgc"),
        (Cell("main", "single_task", 2), "group=2+model=single_task"),
        (Cell("select", "mmoe", 1), "select+group=1+model=mmoe"),
    ],
)
def test_names_round_trip(cell, name):
    assert cell.name == name and Cell.parse(name) == cell


def test_bad_cells():
    with pytest.raises(ValueError, match="'mmoe' is not a cell name"):
        Cell.parse("mmoe")
    with pytest.raises(ConfigError, match="cell phase = 'train'"):
        Cell("train", "mmoe")
