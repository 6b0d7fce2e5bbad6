"""Entry point of `accelerator`: one argparse sub-command per module, listed in COMMANDS.

A command module offers `register(subcommands)`, which adds its sub-parser and sets `run`
(a function of the parsed arguments returning the exit code) as its default.
"""

import argparse
import sys

from cli import import_csv

COMMANDS = (import_csv,)

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="accelerator", description="Operate the Athlete Accelerator stack."
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
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
