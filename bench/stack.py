"""The running stack the suite measures (`make up`): its stack.env, its run dir, its pids."""

import argparse
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench.processes import stack_pids
from infra.stack_env import read_env_file

ROOT = Path(__file__).resolve().parent.parent
DEMO_EDITION_FILE = ROOT / "deploy" / "editions" / "athlete365-4.toml"
DEMO_EDITION = "athlete365-4"


@dataclass(frozen=True)
class Stack:
    run_dir: Path
    env: dict[str, str]

    @property
    def bootstrap(self) -> str:
        return self.env["KAFKA_BOOTSTRAP_SERVERS"]

    def pids(self) -> dict[str, int]:
        return stack_pids(self.run_dir)


def running_stack(run_dir: Path = ROOT / ".run") -> Stack:
    env = {**read_env_file(run_dir / "stack.env"), **os.environ}
    if "KAFKA_BOOTSTRAP_SERVERS" not in env:
        raise RuntimeError(f"no stack in {run_dir}: start one with `make up`")
    return Stack(run_dir=run_dir, env=env)


def bench_edition(directory: Path) -> str:
    """Writes the demo edition under a fresh id into `directory`; returns that id."""
    edition_id = f"bench-{uuid.uuid4().hex[:8]}"
    settings, count = re.subn(
        r'^id = ".*"$', f'id = "{edition_id}"', DEMO_EDITION_FILE.read_text(), flags=re.M
    )
    if count != 1:
        raise RuntimeError(f"{DEMO_EDITION_FILE}: no single `id = ...` line to replace")
    (directory / f"{edition_id}.toml").write_text(settings)
    return edition_id


def alone_arguments(description: str, *, timeout_s: float, timeout_help: str) -> argparse.Namespace:
    """The options of a bench that runs one service alone on `make infra`."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--run-dir", type=Path, default=ROOT / ".run")
    parser.add_argument("--timeout", type=float, default=timeout_s, help=timeout_help)
    return parser.parse_args()
