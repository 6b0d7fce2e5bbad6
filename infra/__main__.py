"""`python -m infra up|down|status|prereqs`: the local stack from a terminal or a Makefile."""

import argparse
import sys
import time
from pathlib import Path

from infra.errors import InfraError
from infra.prereqs import BROWSER_REQUIREMENTS, REQUIREMENTS, ensure_prerequisites
from infra.stack import LocalStack

_INFRA_KEYS = ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "SMTP_PORT", "MAIL_DIR")
_SERVICE_KEYS = ("INTAKE_URL", "SCORING_URL", "GRANT_URL", "DASHBOARD_URL")


def _hide_password(value: str) -> str:
    # Printed output ends up in CI logs; the full URL stays in stack.env.
    if "://" in value and "@" in value:
        scheme, rest = value.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"
    return value


def _up(stack: LocalStack, *, services: bool) -> int:
    started = time.monotonic()
    env = stack.up(services=services)
    what = "stack" if services else "infrastructure (no services)"
    print(f"{what} is up in {time.monotonic() - started:.1f}s; variables in {stack.env_file}")
    for key in _INFRA_KEYS + (_SERVICE_KEYS if services else ()):
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


def _prereqs(*, browser: bool) -> int:
    ensure_prerequisites(requirements=REQUIREMENTS + (BROWSER_REQUIREMENTS if browser else ()))
    print("prerequisites are installed")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra", description=__doc__)
    parser.add_argument("command", choices=("up", "down", "status", "prereqs"))
    parser.add_argument("--run-dir", type=Path, default=Path(".run"))
    parser.add_argument("--purge", action="store_true", help="down: also delete the run folder")
    parser.add_argument(
        "--browser", action="store_true", help="prereqs: also Chromium, for the page tests"
    )
    parser.add_argument(
        "--no-services",
        action="store_true",
        help="up: only Postgres, Kafka and the SMTP sink, for tests that start their own services",
    )
    args = parser.parse_args(argv)
    stack = LocalStack(args.run_dir)
    try:
        if args.command == "up":
            return _up(stack, services=not args.no_services)
        if args.command == "down":
            return _down(stack, purge=args.purge)
        if args.command == "prereqs":
            return _prereqs(browser=args.browser)
        return _status(stack)
    except InfraError as error:
        print(f"infra {args.command} failed: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
