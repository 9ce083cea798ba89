"""The project's set-up files agree with each other."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name_and_spec(requirement: str) -> tuple[str, str]:
    match = re.match(r"^([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$", requirement.strip())
    return match.group(1).lower(), match.group(3).replace(" ", "")


def _conda_dependencies() -> dict[str, str]:
    deps, in_deps = {}, False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
        elif in_deps and re.match(r"^  - [^ ]", line) and not line.strip().endswith(":"):
            name, spec = _name_and_spec(line.strip()[2:])
            deps[name] = spec
        elif in_deps and line and not line.startswith(" "):
            in_deps = False
    return deps


def test_environment_yml_names_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(map(_name_and_spec, project["dependencies"]))
    wanted |= dict(map(_name_and_spec, project["optional-dependencies"]["test"]))
    conda = _conda_dependencies()
    assert conda.pop("python").startswith("=3.11")
    assert conda.pop("pip") == ""
    assert conda == wanted


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make reproduce" in readme
    assert "make test" in (ROOT / ".ci/run").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test:", makefile, re.M) and re.search(r"^reproduce:", makefile, re.M)
    assert "reproduce --tier quick" in makefile  # the main job never overwrites the paper tier


def test_every_builtin_config_is_package_data():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "*.toml" in project["tool"]["setuptools"]["package-data"]["seesaw.configs"]
