"""`accelerator reviewers …`: an edition's review panel on scoring (admin token).

  reviewers import --edition E panel.csv   add or update every reviewer of a CSV file with
                                           the columns reviewer_id, full_name, email,
                                           language, noc, conflict_nocs, conflict_sectors
                                           (the last two separated by ";", may be empty)
  reviewers list --edition E               the panel and each reviewer's progress
  reviewers remove --edition E REVIEWER    take a reviewer off the panel (their contact data
                                           is erased, what they had not reviewed re-assigned)
  reviewers assign --edition E             assign the applications the edition's [review]
                                           rule chooses; a second run only adds

Exit code 0: done; 2: bad file, unknown edition or reviewer, scoring unreachable, or
missing configuration."""

import argparse
import csv
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from cli.admin_api import AdminApi
from cli.errors import EXIT_CODES_HELP, OK, CommandFailed
from cli.stack import admin_token, service_url

COLUMNS = (
    "reviewer_id",
    "full_name",
    "email",
    "language",
    "noc",
    "conflict_nocs",
    "conflict_sectors",
)


def register(subcommands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subcommands.add_parser(
        "reviewers",
        help="an edition's review panel: import, list, remove, assign",
        description=__doc__,
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, run in (
        ("import", run_import),
        ("list", run_list),
        ("remove", run_remove),
        ("assign", run_assign),
    ):
        action = actions.add_parser(name, help=f"{name} (see `accelerator reviewers --help`)")
        action.add_argument("--edition", required=True, help="edition id, e.g. athlete365-4")
        action.add_argument("--url", help="scoring's base URL (default: SCORING_URL)")
        action.add_argument("--token", help="admin token (default: ADMIN_TOKEN)")
        if name == "import":
            action.add_argument("file", type=Path, help="CSV file with a header row")
        if name == "remove":
            action.add_argument("reviewer", help="the reviewer's id")
        action.set_defaults(run=run)


def _api(args: argparse.Namespace) -> AdminApi:
    return AdminApi(
        service="scoring", url=service_url("scoring", args.url), token=admin_token(args.token)
    )


def _split(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def read_panel(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """(reviewer id, request body) per row; CommandFailed naming the line and the column."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
            header = rows[0].keys() if rows else ()
    except OSError as exc:
        raise CommandFailed(f"{path}: cannot be read: {exc.strerror}") from exc
    missing = [c for c in COLUMNS[:4] if c not in header]
    if not rows or missing:
        raise CommandFailed(f"{path}: needs a header row with at least {list(COLUMNS[:4])}")
    panel = []
    for line, row in enumerate(rows, start=2):
        for column in COLUMNS[:4]:
            if not (row.get(column) or "").strip():
                raise CommandFailed(f"{path}, line {line}: {column} is empty")
        panel.append(
            (
                row["reviewer_id"].strip(),
                {
                    "full_name": row["full_name"].strip(),
                    "email": row["email"].strip(),
                    "language": row["language"].strip(),
                    "noc": (row.get("noc") or "").strip() or None,
                    "conflict_nocs": _split(row.get("conflict_nocs")),
                    "conflict_sectors": _split(row.get("conflict_sectors")),
                },
            )
        )
    return panel


def _no_panel(response: Any, edition: str) -> None:
    if response.status_code == 404:
        raise CommandFailed(f"scoring has no review panel for edition {edition!r}")


def run_import(args: argparse.Namespace) -> int:
    panel = read_panel(args.file)
    with _api(args) as api:
        for reviewer_id, body in panel:
            path = f"/v1/editions/{args.edition}/reviewers/{reviewer_id}"
            response = api.call("PUT", path, json=body, accept=(200, 404, 422))
            _no_panel(response, args.edition)
            if response.status_code == 422:
                problems = "; ".join(
                    f"{'.'.join(str(p) for p in d['loc'][1:])}: {d['msg']}"
                    for d in response.json()["detail"]
                )
                raise CommandFailed(f"{args.file}: reviewer {reviewer_id!r}: {problems}")
    Console(soft_wrap=True).print(
        f"{args.edition}: {len(panel)} reviewers added or updated", markup=False, highlight=False
    )
    return OK


def run_list(args: argparse.Namespace) -> int:
    with _api(args) as api:
        response = api.call("GET", f"/v1/editions/{args.edition}/reviewers", accept=(200, 404))
        _no_panel(response, args.edition)
    table = Table("reviewer", "language", "conflicts", "reviewed / assigned")
    for r in response.json():
        conflicts = ", ".join(
            [*([r["noc"]] if r["noc"] else []), *r["conflict_nocs"], *r["conflict_sectors"]]
        )
        table.add_row(
            r["reviewer_id"], r["language"], conflicts, f"{r['reviewed']} / {r['assigned']}"
        )
    Console(soft_wrap=True).print(table)
    return OK


def run_remove(args: argparse.Namespace) -> int:
    with _api(args) as api:
        path = f"/v1/editions/{args.edition}/reviewers/{args.reviewer}"
        response = api.call("DELETE", path, accept=(200, 404))
        if response.status_code == 404:
            raise CommandFailed(
                f"no reviewer {args.reviewer!r} on the panel of edition {args.edition!r}"
            )
    reassigned = response.json()["reassigned"]
    Console(soft_wrap=True).print(
        f"{args.reviewer} removed from {args.edition}; {reassigned} applications re-assigned",
        markup=False,
        highlight=False,
    )
    return OK


def run_assign(args: argparse.Namespace) -> int:
    with _api(args) as api:
        path = f"/v1/editions/{args.edition}/review-assignments"
        response = api.call("POST", path, accept=(200, 404))
        _no_panel(response, args.edition)
    run = response.json()
    loads = ", ".join(f"{rid} {n}" for rid, n in sorted(run["loads"].items()))
    Console(soft_wrap=True).print(
        f"{args.edition}: {run['chosen']} applications for review, {run['assigned']} new"
        f" assignments, {len(run['short'])} short of reviewers, {run['invited']} reviewers"
        f" invited; loads: {loads}",
        markup=False,
        highlight=False,
    )
    return OK
