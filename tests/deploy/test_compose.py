"""deploy/compose.yaml is a valid Compose file whose services and variables exist in the code.

With no container engine here, the file is checked statically: against the Compose
Specification's JSON schema (pinned through deploy/compose-lint), by the dclint linter,
and against the code it runs.
"""

import importlib
import importlib.util
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from shared.settings import ProcessSettings

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "deploy" / "compose.yaml"
LINT = ROOT / "deploy" / "compose-lint"
SCHEMA = LINT / "node_modules" / "dclint" / "schemas" / "compose.schema.json"


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def _our_services() -> dict[str, tuple[str, dict[str, Any]]]:
    """Compose services that run our image: name -> (python module, environment)."""
    ours = {}
    for name, spec in _compose()["services"].items():
        command = spec.get("command", [])
        if command[:2] == ["python", "-m"]:
            ours[name] = (command[2], spec.get("environment", {}))
    return ours


def _variables_read_by(module: str) -> set[str]:
    """A service reads its settings class; any other module lists ENVIRONMENT_VARIABLES."""
    if not module.startswith("services."):
        return set(importlib.import_module(module).ENVIRONMENT_VARIABLES)
    bootstrap = importlib.import_module(f"{module}.bootstrap")
    return {
        field.upper()
        for value in vars(bootstrap).values()
        if isinstance(value, type) and issubclass(value, ProcessSettings)
        for field in value.model_fields
    }


def test_compose_file_matches_the_compose_specification_schema() -> None:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft7Validator(schema).validate(_compose())


def test_compose_file_passes_the_compose_linter() -> None:
    lint = subprocess.run(
        [str(LINT / "node_modules" / ".bin" / "dclint"), str(COMPOSE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_every_service_compose_runs_exists_in_the_code() -> None:
    services = _our_services()
    assert {"intake", "scoring", "grant", "notification", "dashboard", "provision"} <= set(services)
    for name, (module, _) in services.items():
        assert importlib.util.find_spec(module) is not None, f"{name} runs missing {module}"


def test_every_variable_compose_sets_is_one_the_code_reads() -> None:
    for name, (module, environment) in _our_services().items():
        unread = set(environment) - _variables_read_by(module)
        assert not unread, f"compose sets {sorted(unread)} for {name}, which never reads them"


def test_every_secret_compose_requires_is_in_the_example_env_file() -> None:
    required = set(re.findall(r"\$\{([A-Z0-9_]+):\?", COMPOSE.read_text()))
    example = {
        line.split("=", 1)[0]
        for line in (ROOT / "deploy" / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    }
    assert required <= example, f"missing from deploy/.env.example: {sorted(required - example)}"
