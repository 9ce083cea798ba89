"""Experiment configs: TOML files with tiers, parsed into validated frozen dataclasses.

An experiment file holds the paper protocol at top level and a `[tiers.<name>]` table per tier whose
keys override it (tables merge recursively). The `paper` tier is the top level itself unless it has
its own table; every other tier must be declared. Unknown keys and wrong types are rejected
before any compute, with the offending key, value and what is allowed.
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from seesaw.errors import ConfigError
from seesaw.validate import check_real, invalid, is_int, is_real

PACKAGE_CONFIGS = "seesaw.configs"


def builtin_experiments() -> list[str]:
    """Names of the experiments shipped as package data, sorted."""
    files = resources.files(PACKAGE_CONFIGS).iterdir()
    return sorted(f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml"))


def read_experiment_file(name_or_path: str) -> tuple[dict[str, Any], str]:
    """Reads an experiment TOML file, by built-in name or by path.

    Args:
      name_or_path: a built-in experiment name (see `seesaw list`) or a path to a `.toml` file.

    Returns:
      The parsed TOML table and a human-readable source description.

    Raises:
      ConfigError: the name is unknown, the file is missing, or it is not valid TOML.
    """
    path = Path(name_or_path)
    if _is_path(name_or_path):
        if not path.is_file():
            raise ConfigError(f"config file {name_or_path!r} does not exist")
        try:
            text, source = path.read_text(), str(path)
        except (OSError, UnicodeDecodeError) as err:
            raise ConfigError(f"config file {name_or_path!r} cannot be read: {err}") from err
    else:
        known = builtin_experiments()
        if name_or_path not in known:
            raise ConfigError(
                f"unknown experiment {name_or_path!r}; allowed: {', '.join(known)} "
                "(or a path to a .toml file)"
            )
        resource = resources.files(PACKAGE_CONFIGS) / f"{name_or_path}.toml"
        text, source = resource.read_text(), f"built-in {name_or_path}"
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{source}: invalid TOML: {err}") from err
    if not raw:
        raise ConfigError(
            f"{source}: the file is empty (no keys, only blanks or comments); start from a copy "
            "of a built-in config (seesaw/configs/*.toml, listed by `seesaw list`)"
        )
    return raw, source


def _is_path(name_or_path: str) -> bool:
    return name_or_path.endswith(".toml") or Path(name_or_path).is_file()


def is_builtin_file(name_or_path: str, name: str) -> bool:
    """Whether `name_or_path` is the built-in experiment `name`: by name, or its own file."""
    if name not in builtin_experiments():
        return False
    if not _is_path(name_or_path):
        return name_or_path == name
    builtin = resources.files(PACKAGE_CONFIGS) / f"{name}.toml"
    return Path(name_or_path).resolve() == Path(str(builtin)).resolve()


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Recursively merges `override` into `base`: tables merge, any other value replaces."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def resolve_tier(raw: Mapping[str, Any], tier: str, source: str) -> dict[str, Any]:
    """Applies the overrides of `tier` to the top-level protocol and drops the tier tables.

    Raises:
      ConfigError: `tier` is not declared in the file (`paper` always exists).
    """
    tiers = dict(raw.get("tiers", {}))
    allowed = sorted({"paper", *tiers})
    if tier not in allowed:
        raise ConfigError(f"{source}: unknown tier {tier!r}; allowed: {', '.join(allowed)}")
    base = {k: v for k, v in raw.items() if k != "tiers"}
    return merge(base, tiers.get(tier, {}))


def parse_override(text: str) -> tuple[tuple[str, ...], Any]:
    """One ``--set KEY=VALUE`` override: a dotted key path and a TOML value.

    ``correlations=[0.1, 0.3]`` gives (("correlations",), [0.1, 0.3]); ``data.num_test=4000``
    gives (("data", "num_test"), 4000); a bare word that is not TOML (``generator=ple``) is read
    as a string.

    Raises:
      ConfigError: no ``=``, an empty key or key part, or a value that is not TOML.
    """
    key, sep, value = text.partition("=")
    path = tuple(part.strip() for part in key.split("."))
    if not sep or not all(path):
        raise ConfigError(
            f"--set {text!r}: expected KEY=VALUE with a (dotted) config key and a TOML value, "
            "e.g. correlations=[0.1,0.3] or data.num_test=4000"
        )
    try:
        return path, tomllib.loads(f"v = {value.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        if value.strip().replace("_", "").isalnum():
            return path, value.strip()
        raise ConfigError(
            f"--set {text!r}: {value.strip()!r} is not a TOML value (a number, true/false, a "
            '"string" or an [array])'
        ) from None


def apply_overrides(
    config: Mapping[str, Any], overrides: typing.Sequence[str], source: str
) -> dict[str, Any]:
    """`config` (a tier-resolved table) with every ``--set`` override applied in order; the
    result is validated like the file itself, so an unknown key or a bad value is refused by
    `from_dict` before any compute.

    Raises:
      ConfigError: a malformed override (`parse_override`), or a dotted path through a key that
        is not a table.
    """
    out = dict(config)
    for text in overrides:
        path, value = parse_override(text)
        nested: Any = value
        for part in reversed(path[1:]):
            nested = {part: nested}
        head = path[0]
        if len(path) > 1 and head in out and not isinstance(out[head], Mapping):
            raise ConfigError(f"{source}: --set {text!r}: {head!r} is not a table of the config")
        out = merge(out, {head: nested})
    return out


def from_dict(cls: type, data: Mapping[str, Any], where: str) -> Any:
    """Builds dataclass `cls` from a TOML table, checking keys and types recursively.

    Supported field types: bool, int, float, str, tuple[X, ...], dict[str, X], nested dataclasses
    and `X | None`. Ints are accepted where floats are expected, booleans are not numbers, and
    floats must be finite. The dataclass's own `__post_init__` then checks values (ranges, allowed
    names).

    Raises:
      ConfigError: unknown or missing keys, or a value of the wrong type, naming `where.key`.
    """
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where}: expected a table, got {data!r}")
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(fields))}"
        )
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for name, field in fields.items():
        if name in data:
            kwargs[name] = _coerce(hints[name], data[name], f"{where}.{name}")
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise ConfigError(f"{where}: missing required key {name!r}")
    try:
        return cls(**kwargs)
    except ConfigError as err:
        raise ConfigError(f"{where}: {err}") from err


def _coerce(hint: Any, value: Any, where: str) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _coerce(inner, value, where)
    if dataclasses.is_dataclass(hint):
        return from_dict(hint, value, where)
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise invalid(where, value, "a list")
        return tuple(_coerce(args[0], v, f"{where}[{i}]") for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, Mapping):
            raise invalid(where, value, "a table")
        return {str(k): _coerce(args[1], v, f"{where}.{k}") for k, v in value.items()}
    if hint is Any:
        return value
    if hint is float:
        if not is_real(value):
            raise invalid(where, value, "a number")
        return check_real(where, value)  # inf and nan are valid TOML, but never a valid setting
    if hint is int and not is_int(value):
        raise invalid(where, value, "an integer")
    if not isinstance(value, hint):
        raise invalid(where, value, _TYPE_WORDS.get(hint, f"a {hint.__name__}"))
    return value


_TYPE_WORDS = {bool: "true or false", str: "a string"}


def to_dict(config: Any) -> dict[str, Any]:
    """The resolved config as plain JSON-able data (tuples become lists)."""
    return dataclasses.asdict(config)


def field_defaults(config: Any) -> dict[str, Any]:
    """The top-level fields of a config dataclass that have defaults, with those defaults."""
    out = {}
    for f in dataclasses.fields(config):
        if f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            out[f.name] = f.default_factory()
    return {k: dataclasses.asdict(v) if dataclasses.is_dataclass(v) else v for k, v in out.items()}


def check_correlations(where: str, values: tuple[float, ...]) -> None:
    """Raises ConfigError unless `values` is a non-empty grid of distinct numbers in [-1, 1]."""
    if not values:
        raise invalid(where, [], "a list of at least one correlation")
    bad = [v for v in values if not (is_real(v) and -1.0 <= v <= 1.0)]
    if bad:
        raise ConfigError(f"{where}: correlation(s) {bad} outside the allowed range [-1, 1]")
    if len(set(values)) != len(values):
        raise invalid(where, list(values), "distinct correlations")
