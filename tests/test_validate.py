import math

import numpy as np
import pytest

from seesaw.errors import ConfigError
from seesaw.validate import check_bool, check_choice, check_int, check_name, check_real


def test_integers_refuse_bools_and_name_the_range():
    assert check_int("n", np.int64(3), 1) == 3 and type(check_int("n", np.int64(3))) is int
    for value, message in [
        (True, "n = True: must be an integer >= 1"),
        (2.0, "n = 2.0: must be an integer >= 1"),
        (0, "n = 0: must be an integer >= 1"),
    ]:
        with pytest.raises(ConfigError, match=message):
            check_int("n", value, 1)
    with pytest.raises(ConfigError, match=r"n = 11: must be an integer in \[0, 10\]"):
        check_int("n", 11, 0, 10)


def test_reals_must_be_finite_and_in_range():
    assert check_real("x", 1) == 1.0 and type(check_real("x", 1)) is float
    for value in (math.inf, -math.inf, math.nan, False, "1"):
        with pytest.raises(ConfigError, match="x = .*: must be a finite number"):
            check_real("x", value)
    with pytest.raises(ConfigError, match=r"x = 0.0: must be a finite number > 0"):
        check_real("x", 0.0, 0.0, low_open=True)
    with pytest.raises(ConfigError, match=r"x = 1.0: must be in \[0, 1\)"):
        check_real("x", 1.0, 0.0, 1.0, high_open=True)


def test_choices_bools_and_names():
    with pytest.raises(ConfigError, match="k = 'c'; allowed: a, b"):
        check_choice("k", "c", ("a", "b"))
    with pytest.raises(ConfigError, match="f = 1: must be true or false"):
        check_bool("f", 1)
    assert check_name("name", "my_fig4-v2") == "my_fig4-v2"
    for bad in ("", "../x", "a/b", "/abs", "x.toml", "1st", "a b", None):
        with pytest.raises(ConfigError, match="must be a plain name"):
            check_name("name", bad)
