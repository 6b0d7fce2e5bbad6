"""The image installs exactly the versions the project pins: pyproject.toml's direct
dependencies, deploy/constraints.txt for every package, the Dockerfile's build backend."""

import re
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parents[2]
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(\S+)$")


def _name(raw: str) -> str:
    return re.sub(r"[-_.]+", "-", raw).lower()


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        match = _PIN.match(line.strip())
        assert match, f"not an exact pin: {line!r}"
        pins[_name(match[1])] = match[2]
    return pins


def _constraints() -> dict[str, str]:
    text = (ROOT / "deploy" / "constraints.txt").read_text().splitlines()
    return _pins([line for line in text if line.strip() and not line.startswith("#")])


def test_every_direct_dependency_is_pinned_alike_in_the_constraints() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    direct = _pins(project["dependencies"])
    constraints = _constraints()
    differ = {n: (v, constraints.get(n)) for n, v in direct.items() if constraints.get(n) != v}
    assert not differ, f"pyproject.toml and deploy/constraints.txt disagree: {differ}"


def test_the_dockerfile_build_backend_is_the_constrained_one() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    pinned = re.findall(r'"setuptools==([^"]+)"', dockerfile)
    assert pinned == [_constraints()["setuptools"]], pinned
