"""environment.yml (conda, Binder) lists the same packages as pyproject.toml."""

from pathlib import Path

import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = set(project["dependencies"]) | set(project["optional-dependencies"]["dev"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = {spec for spec in pip_section if spec != "-e ."}
    assert listed == wanted, f"only in pyproject: {wanted - listed}; only in env: {listed - wanted}"


def test_torch_pin_admits_the_local_cpu_build():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    from packaging.specifiers import SpecifierSet

    torch_spec = next(d for d in project["dependencies"] if d.startswith("torch"))
    assert "2.13.0" in SpecifierSet(torch_spec.removeprefix("torch"))
