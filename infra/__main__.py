"""`python -m infra up|down|status`: the local stack from a terminal or a Makefile."""

import argparse
import sys
import time
from pathlib import Path

from infra.errors import InfraError
from infra.stack import LocalStack

_MAIN_KEYS = (
    "KAFKA_BOOTSTRAP_SERVERS",
    "DATABASE_URL",
    "SMTP_PORT",
    "MAIL_DIR",
    "INTAKE_URL",
    "SCORING_URL",
    "GRANT_URL",
    "DASHBOARD_URL",
)


def _hide_password(value: str) -> str:
    # Printed output ends up in CI logs; the full URL stays in stack.env.
    if "://" in value and "@" in value:
        scheme, rest = value.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"
    return value


def _up(stack: LocalStack) -> int:
    started = time.monotonic()
    env = stack.up(services=True)
    print(f"stack is up in {time.monotonic() - started:.1f}s; variables in {stack.env_file}")
    for key in _MAIN_KEYS:
        print(f"  {key:<24} {_hide_password(env[key])}")
    return 0


def _down(stack: LocalStack, *, purge: bool) -> int:
    stopped = stack.down(purge=purge)
    print(f"stopped: {', '.join(stopped) or 'nothing was running'}")
    if purge:
        print(f"removed {stack.run_dir}")
    return 0


def _status(stack: LocalStack) -> int:
    if not stack.env_file.exists():
        print(f"no stack in {stack.run_dir} (run `python -m infra up`)")
        return 1
    components = stack.status()
    for component in components:
        print(f"  {component.name:<13} {'up' if component.up else 'DOWN':<5} {component.address}")
    return 0 if all(component.up for component in components) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra", description=__doc__)
    parser.add_argument("command", choices=("up", "down", "status"))
    parser.add_argument("--run-dir", type=Path, default=Path(".run"))
    parser.add_argument("--purge", action="store_true", help="down: also delete the run folder")
    args = parser.parse_args(argv)
    stack = LocalStack(args.run_dir)
    try:
        if args.command == "up":
            return _up(stack)
        if args.command == "down":
            return _down(stack, purge=args.purge)
        return _status(stack)
    except InfraError as error:
        print(f"infra {args.command} failed: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
