"""Entry point of `accelerator`: one argparse sub-command per module, listed in COMMANDS.

A command module offers `register(subcommands)`, which adds its sub-parser and sets `run`
(a function of the parsed arguments returning the exit code) as its default. A command
stops with CommandFailed, whose message names what is wrong, and its exit code.
"""

import argparse
import sys

from rich.console import Console

from cli import dlq, edition, import_csv, replay, rescore, reviewers, status
from cli.errors import EXIT_CODES_HELP, FAILED, CommandFailed

COMMANDS = (status, dlq, edition, rescore, reviewers, replay, import_csv)

EXIT_USAGE = FAILED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="accelerator",
        description="Operate the Athlete Accelerator stack. Service URLs, the admin token and"
        " the Kafka bootstrap servers come from the options, else the environment, else"
        " .run/stack.env (written by `make up`).",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(subcommands)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help (0) and on usage errors (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        code: int = args.run(args)
    except CommandFailed as exc:
        Console(stderr=True, soft_wrap=True).print(
            str(exc), style="red", markup=False, highlight=False
        )
        return exc.code
    return code


if __name__ == "__main__":
    sys.exit(main())
