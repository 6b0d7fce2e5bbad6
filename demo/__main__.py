"""Runs one whole edition against the running local stack and prints what happened.

`python -m demo [--athletes 1200] [--seed 4]` after `make up`; `make demo` does both.
"""

import argparse
import asyncio
import sys
from pathlib import Path

from rich.console import Console

from demo.run import run_edition
from demo.summary import print_summary
from infra.stack_env import read_env_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__)
    parser.add_argument("--athletes", type=int, default=1_200)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--run-dir", type=Path, default=Path(".run"))
    args = parser.parse_args(argv)
    env = read_env_file(args.run_dir / "stack.env")
    if not env:
        print(f"no stack in {args.run_dir}: run `make up` first", file=sys.stderr)
        return 2
    console = Console()
    outcome = asyncio.run(
        run_edition(env, athletes=args.athletes, seed=args.seed, console=console, panel=True)
    )
    print_summary(console, outcome, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
