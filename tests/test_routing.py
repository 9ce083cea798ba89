"""Routings as data: stream widths, and malformed routings are refused (the routings of the
papers' architectures are tested in test_architectures.py)."""

import pytest

from seesaw.errors import ConfigError
from seesaw.models.routing import RAW, Level, Mixer, Routing, check_routing

T = 2


def test_output_widths_of_concat_mixers():
    level = Level(
        "concat", ("task0", "task1"), (RAW, RAW), (Mixer("task0", (0,)), Mixer("task1", (0, 1)))
    )
    assert level.output_widths(4) == (4, 8)
    assert Level("stitch", ("task0", "task1"), (RAW, RAW)).output_widths(4) == (4, 4)


@pytest.mark.parametrize(
    ("routing", "message"),
    [
        (Routing(levels=(), towers=(0, 0)), "at least one level"),
        (Routing((Level("moe", ("shared",), (RAW,)),), (0, 0)), "allowed: gate, concat"),
        (
            Routing((Level("gate", ("shared",), (RAW,), (Mixer("task0", (1,)),)),), (0, 0)),
            "allowed: a non-empty subset",
        ),
        (
            Routing((Level("gate", ("shared",), (3,), (Mixer("task0", (0,)),)),), (0, 0)),
            r"allowed: \[-1\]",
        ),
        (
            Routing((Level("gate", ("shared",), (RAW,), (Mixer("t", (0,)),)),), (0, 1)),
            "allowed: 0..0",
        ),
        (Routing((Level("gate", ("shared",), (RAW,), (Mixer("t", (0,)),)),), (0,)), "one per task"),
        (
            Routing(
                (
                    Level("concat", ("shared",), (RAW,), (Mixer("t", (0,)),)),
                    Level("concat", ("shared",), (0,), (Mixer("t", (0,)),)),
                ),
                (0, 0),
            ),
            "must be the last level",
        ),
    ],
)
def test_malformed_routings_are_refused_with_what_is_allowed(routing, message):
    with pytest.raises(ConfigError, match=message):
        check_routing(routing, T)
