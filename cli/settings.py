"""Where the CLI finds the stack: a command-line option, else the environment, else the
`.run/stack.env` file that `make up` writes (in the current directory)."""

import os
from pathlib import Path

STACK_ENV = Path(".run") / "stack.env"


def _stack_env(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs if not key.startswith("#")}


def setting(name: str, given: str | None, *, stack_env: Path = STACK_ENV) -> str | None:
    """The value of `name` (INTAKE_URL, ADMIN_TOKEN, ...) from the first place that has it."""
    return given or os.environ.get(name) or _stack_env(stack_env).get(name) or None
