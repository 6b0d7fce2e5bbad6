"""`accelerator edition open|close <edition>`: open or close an edition on the grant service.

Editions are configured by their files in deploy/editions/. Grant announces each configured
edition (edition.opened) once; by default at start-up, or, with
ANNOUNCE_EDITIONS_AT_STARTUP=false, when an admin runs `edition open`. Intake takes
applications inside the window of the edition file until grant closes the edition.

open   announces the edition unless it is open already, and tells its window. A closed
       edition is never reopened.
close  closes the edition and selects: offers to the top candidates, the rest waitlisted.
       Closing again changes nothing and shows the first closing.

Exit code 0: done (also when it was already so); 2: unknown edition, grant unreachable, or
missing configuration; 3: refused (opening a closed edition, closing one never opened)."""

import argparse
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from cli.admin_api import AdminApi, detail_of
from cli.errors import EXIT_CODES_HELP, OK, REFUSED, CommandFailed
from cli.stack import admin_token, service_url


def register(subcommands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subcommands.add_parser(
        "edition",
        help="open or close an edition",
        description=__doc__,
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("action", choices=("open", "close"))
    parser.add_argument("edition", help="edition id, e.g. athlete365-4")
    parser.add_argument("--url", help="grant's base URL (default: GRANT_URL)")
    parser.add_argument("--token", help="admin token (default: ADMIN_TOKEN)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    api = AdminApi(
        service="grant", url=service_url("grant", args.url), token=admin_token(args.token)
    )
    with api:
        if args.action == "open":
            message = open_edition(api, args.edition, now=datetime.now(UTC))
            Console(soft_wrap=True).print(message, markup=False, highlight=False)
        else:
            message, table = close_edition(api, args.edition)
            Console(soft_wrap=True).print(message, markup=False, highlight=False)
            Console().print(table)
    return OK


def _refused_or_unknown(api: AdminApi, edition_id: str, response: Any) -> CommandFailed:
    if response.status_code == 404:
        return CommandFailed(
            f"grant has no edition {edition_id!r} configured (deploy/editions/*.toml)"
        )
    return CommandFailed(f"{api.service} refused: {detail_of(response)}", code=REFUSED)


def open_edition(api: AdminApi, edition_id: str, *, now: datetime) -> str:
    response = api.call("POST", f"/v1/editions/{edition_id}/open", accept=(200, 404, 409))
    if response.status_code != 200:
        raise _refused_or_unknown(api, edition_id, response)
    return opening_message(response.json(), now=now)


def opening_message(body: dict[str, Any], *, now: datetime) -> str:
    opens_at = datetime.fromisoformat(body["opens_at"])
    closes_at = datetime.fromisoformat(body["closes_at"])
    what = (
        f"opened {body['edition_id']}: edition.opened is announced"
        if body["opened_now"]
        else f"{body['edition_id']} was already open (since {body['opened_at'][:19]})"
    )
    if now < opens_at:
        window = f"intake takes applications from {opens_at:%Y-%m-%d %H:%M} UTC"
    elif now < closes_at:
        window = f"intake takes applications until {closes_at:%Y-%m-%d %H:%M} UTC"
    else:
        window = f"its application window ended on {closes_at:%Y-%m-%d %H:%M} UTC"
    return f"{what}; {window}"


def close_edition(api: AdminApi, edition_id: str) -> tuple[str, Table]:
    before = api.call("GET", f"/v1/editions/{edition_id}/standings", accept=(200, 404))
    was_closed = before.status_code == 200 and before.json()["state"] == "closed"
    response = api.call("POST", f"/v1/editions/{edition_id}/close", accept=(200, 404, 409))
    if response.status_code != 200:
        raise _refused_or_unknown(api, edition_id, response)
    body = response.json()
    return closing_message(body, was_closed=was_closed), closing_table(body)


def closing_message(body: dict[str, Any], *, was_closed: bool) -> str:
    if was_closed:
        return (
            f"{body['edition_id']} was already closed on {body['closed_at'][:19]}:"
            " nothing changed; its closing was:"
        )
    return f"{body['edition_id']} closed at {body['closed_at'][:19]}; selection made:"


def closing_table(body: dict[str, Any]) -> Table:
    table = Table()
    labels = {
        "ranked": "ranked (eligible and scored)",
        "unranked": "not ranked (eligible, not scored at closing)",
        "offered_at_close": "offered at closing",
        "waitlisted_at_close": "waitlisted at closing",
    }
    table.add_column("")
    table.add_column("applications", justify="right")
    for key, label in labels.items():
        table.add_row(label, str(body[key]))
    return table
