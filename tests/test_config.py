import dataclasses

import pytest

from seesaw.errors import ConfigError
from seesaw.experiments.kinds import load_experiment
from seesaw.sweep.config import (
    apply_overrides,
    builtin_experiments,
    from_dict,
    merge,
    parse_override,
    read_experiment_file,
    resolve_tier,
)


@dataclasses.dataclass(frozen=True)
class Inner:
    rate: float
    name: str = "x"


@dataclasses.dataclass(frozen=True)
class Outer:
    size: int
    grid: tuple[float, ...]
    inner: Inner
    tags: dict[str, int] = dataclasses.field(default_factory=dict)
    flag: bool = False


def test_merge_is_recursive_and_leaves_inputs_alone():
    base = {"a": 1, "t": {"x": 1, "y": 2}}
    out = merge(base, {"t": {"y": 3}, "b": 4})
    assert out == {"a": 1, "b": 4, "t": {"x": 1, "y": 3}}
    assert base == {"a": 1, "t": {"x": 1, "y": 2}}


def test_resolve_tier_applies_overrides_and_rejects_unknown_tiers():
    raw = {"n": 100, "tiers": {"quick": {"n": 5}}}
    assert resolve_tier(raw, "quick", "f") == {"n": 5}
    assert resolve_tier(raw, "paper", "f") == {"n": 100}
    with pytest.raises(ConfigError, match=r"unknown tier 'huge'; allowed: paper, quick"):
        resolve_tier(raw, "huge", "f")


def test_from_dict_builds_nested_dataclasses_and_coerces_ints_to_floats():
    out = from_dict(Outer, {"size": 3, "grid": [1, 0.5], "inner": {"rate": 2}}, "cfg")
    assert out == Outer(size=3, grid=(1.0, 0.5), inner=Inner(rate=2.0))
    assert isinstance(out.inner.rate, float)


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"size": 3, "grid": [], "inner": {"rate": 1}, "colour": 1},
            r"cfg: unknown key\(s\) colour; allowed: flag, grid, inner, size, tags",
        ),
        (
            {"size": 3, "grid": [], "inner": {"rate": 1, "bogus": 2}},
            r"cfg.inner: unknown key\(s\) bogus; allowed: name, rate",
        ),
        ({"size": "3", "grid": [], "inner": {"rate": 1}}, r"cfg.size = '3': must be an integer"),
        ({"size": True, "grid": [], "inner": {"rate": 1}}, r"cfg.size = True: must be an integer"),
        ({"size": 3, "grid": 0.5, "inner": {"rate": 1}}, r"cfg.grid = 0.5: must be a list"),
        (
            {"size": 3, "grid": ["a"], "inner": {"rate": 1}},
            r"cfg.grid\[0\] = 'a': must be a number",
        ),
        ({"size": 3, "inner": {"rate": 1}}, r"cfg: missing required key 'grid'"),
    ],
)
def test_from_dict_names_the_bad_key(data, message):
    with pytest.raises(ConfigError, match=message):
        from_dict(Outer, data, "cfg")


def test_builtin_experiments_and_unknown_names():
    assert "mmoe_fig2" in builtin_experiments()
    with pytest.raises(ConfigError, match=r"unknown experiment 'nope'; allowed: .*mmoe_fig2"):
        read_experiment_file("nope")
    with pytest.raises(ConfigError, match="does not exist"):
        read_experiment_file("missing/file.toml")


def test_tiers_of_mmoe_fig2():
    quick, paper = load_experiment("mmoe_fig2", "quick"), load_experiment("mmoe_fig2", "paper")
    assert (paper.num_points, paper.num_trials) == (10_000, 100)  # MMoE Fig. 2 caption
    assert quick.num_trials < paper.num_trials and quick.correlations == paper.correlations
    assert paper.correlations == (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 1.0)


def _write(tmp_path, text):
    path = tmp_path / "exp.toml"
    path.write_text(text)
    return str(path)


BASE = """
name = "t"
kind = "label_correlation"
correlations = {corr}
num_points = 100
num_trials = 3
[generators.g]
preset = "{preset}"
{extra}
"""


@pytest.mark.parametrize(
    "corr, preset, extra, message",
    [
        ("[0.5, 1.5]", "mmoe", "", r"correlation\(s\) \[1.5\] outside the allowed range \[-1, 1\]"),
        ("[0.5, 0.5]", "mmoe", "", "must be distinct"),
        ("[0.5]", "nope", "", r"nope.*mmoe"),
        ("[0.5]", "mmoe", "noise_std = -1.0", "noise_std"),
        ("[0.5]", "mmoe", "wiggles = 3", "wiggles"),
    ],
)
def test_bad_experiment_files_fail_before_compute(tmp_path, corr, preset, extra, message):
    path = _write(tmp_path, BASE.format(corr=corr, preset=preset, extra=extra))
    with pytest.raises(ConfigError, match=message):
        load_experiment(path, "paper")


def test_unknown_kind_lists_kinds(tmp_path):
    path = _write(tmp_path, 'name = "t"\nkind = "magic"\n')
    with pytest.raises(
        ConfigError, match=r"kind = 'magic'; allowed: census, label_correlation, train, view"
    ):
        load_experiment(path, "paper")


def test_set_overrides_parse_toml_values_and_dotted_keys():
    assert parse_override("correlations=[0.1, 0.3]") == (("correlations",), [0.1, 0.3])
    assert parse_override("data.num_test=4000") == (("data", "num_test"), 4000)
    assert parse_override("data.generator=ple") == (("data", "generator"), "ple")
    base = {"name": "x", "data": {"generator": "mmoe", "num_test": 2000}}
    out = apply_overrides(base, ["data.num_test=4000", "num_runs=3"], "test")
    assert out == {"name": "x", "data": {"generator": "mmoe", "num_test": 4000}, "num_runs": 3}
    assert base["data"]["num_test"] == 2000  # the input is left alone


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("correlations", "expected KEY=VALUE"),
        ("=3", "expected KEY=VALUE"),
        ("data..x=1", "expected KEY=VALUE"),
        ("correlations=[0.1,", "not a TOML value"),
        ("name.part=1", "'name' is not a table"),
    ],
)
def test_bad_set_overrides_are_refused_with_the_text(text, match):
    with pytest.raises(ConfigError, match=match):
        apply_overrides({"name": "x"}, [text], "test")


def test_overrides_are_validated_like_the_file_and_land_in_the_config():
    config = load_experiment("mmoe_fig4", "quick", overrides=["correlations=[0.2, 0.7]"])
    assert config.correlations == (0.2, 0.7)
    with pytest.raises(ConfigError, match="num_runz"):
        load_experiment("mmoe_fig4", "quick", overrides=["num_runz=3"])
    with pytest.raises(ConfigError, match="num_runs"):
        load_experiment("mmoe_fig4", "quick", overrides=["num_runs=-1"])
