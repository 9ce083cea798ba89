"""One validation layer for every config: checks that raise `ConfigError` in one message format.

Every message names the key, the value and what is allowed, in one of two shapes::

    KEY = VALUE: must be WHAT
    KEY = VALUE; allowed: A, B, C

Booleans are never integers or numbers here (TOML `true` is not `1`), and every real number must be
finite unless a range says otherwise: `learning_rates = [inf]` is a config error, not a sweep whose
runs all diverge. Pure Python, so the command line can validate a config without importing JAX.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable
from typing import Any

from seesaw.errors import ConfigError

# Experiment names become folder and file names: a plain identifier, no path separators.
NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def invalid(key: str, value: Any, must: str) -> ConfigError:
    """The error `KEY = VALUE: must be MUST`."""
    return ConfigError(f"{key} = {value!r}: must be {must}")


def not_allowed(key: str, value: Any, allowed: Iterable[Any]) -> ConfigError:
    """The error `KEY = VALUE; allowed: A, B, C`."""
    return ConfigError(f"{key} = {value!r}; allowed: {', '.join(str(a) for a in allowed)}")


def check_choice(key: str, value: Any, allowed: Iterable[Any]) -> None:
    """Raises ConfigError unless `value` is one of `allowed`."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise not_allowed(key, value, allowed)


def is_int(value: Any) -> bool:
    """Whether `value` is an integer (Python or NumPy), not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value: Any) -> bool:
    """Whether `value` is a real number (Python or NumPy), not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_int(key: str, value: Any, minimum: int | None = None, maximum: int | None = None) -> int:
    """Checks an integer in [minimum, maximum] (either bound optional); returns it as a Python int.

    Raises:
      ConfigError: `value` is a bool, not an integer, or out of range.
    """
    if (
        not is_int(value)
        or (minimum is not None and value < minimum)
        or (maximum is not None and value > maximum)
    ):
        raise invalid(key, value, _int_range(minimum, maximum))
    return int(value)


def _int_range(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"an integer in [{minimum}, {maximum}]"
    if minimum is not None:
        return f"an integer >= {minimum}"
    if maximum is not None:
        return f"an integer <= {maximum}"
    return "an integer"


def check_real(
    key: str,
    value: Any,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Checks a finite real number in the interval from `low` to `high`; returns it as a float.

    The interval is closed unless `low_open` / `high_open`; an infinite bound only says "no bound"
    (the value must be finite all the same).

    Raises:
      ConfigError: `value` is a bool, not a real number, NaN or infinite, or out of range.
    """
    ok = is_real(value) and math.isfinite(value)
    if ok and math.isfinite(low):
        ok = value > low if low_open else value >= low
    if ok and math.isfinite(high):
        ok = value < high if high_open else value <= high
    if not ok:
        raise invalid(key, value, _real_range(low, high, low_open, high_open))
    return float(value)


def _real_range(low: float, high: float, low_open: bool, high_open: bool) -> str:
    if math.isfinite(low) and math.isfinite(high):
        return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if math.isfinite(low):
        return f"a finite number {'>' if low_open else '>='} {low:g}"
    if math.isfinite(high):
        return f"a finite number {'<' if high_open else '<='} {high:g}"
    return "a finite number"


def check_bool(key: str, value: Any) -> bool:
    """Raises ConfigError unless `value` is a bool."""
    if not isinstance(value, bool):
        raise invalid(key, value, "true or false")
    return value


def check_name(key: str, value: Any) -> str:
    """Checks an experiment name: a plain identifier usable as a folder and file name.

    Raises:
      ConfigError: empty, or with characters other than letters, digits, `_` and `-` (so no path
        separators, no `..`), or not starting with a letter.
    """
    if not isinstance(value, str) or not NAME_PATTERN.match(value):
        raise invalid(
            key,
            value,
            "a plain name: a letter, then letters, digits, '_' or '-' (no path separators)",
        )
    return value


def int_field(obj: object, name: str, minimum: int | None = None, maximum: int | None = None):
    """`check_int` on a field of a frozen dataclass, storing it back as a Python int."""
    key = f"{type(obj).__name__}.{name}"
    object.__setattr__(obj, name, check_int(key, getattr(obj, name), minimum, maximum))


def real_field(obj: object, name: str, low: float = -math.inf, high: float = math.inf, **open_):
    """`check_real` on a field of a frozen dataclass, storing it back as a Python float."""
    key = f"{type(obj).__name__}.{name}"
    object.__setattr__(obj, name, check_real(key, getattr(obj, name), low, high, **open_))
