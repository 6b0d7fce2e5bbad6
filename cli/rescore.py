"""`accelerator rescore --edition <id>`: scoring recomputes every eligible application of
the edition, e.g. after reviewer scores changed or the edition's rubric file did (scoring
reads the rubric at start-up: restart it first). Only applications whose score changed
(rubric version, total or breakdown) publish a new application.scored, so a rescore with
nothing changed publishes nothing. Works page by page, each page one transaction.

Exit code 0: done; 2: unknown edition, scoring unreachable, or missing configuration."""

import argparse
from dataclasses import dataclass

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cli.admin_api import AdminApi
from cli.errors import EXIT_CODES_HELP, OK, CommandFailed
from cli.stack import admin_token, service_url


def register(subcommands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subcommands.add_parser(
        "rescore",
        help="recompute the scores of an edition",
        description=__doc__,
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--edition", required=True, help="edition id, e.g. athlete365-4")
    parser.add_argument("--page-size", type=int, default=500, help="applications per request")
    parser.add_argument("--url", help="scoring's base URL (default: SCORING_URL)")
    parser.add_argument("--token", help="admin token (default: ADMIN_TOKEN)")
    parser.set_defaults(run=run)


@dataclass
class RescoreTotals:
    eligible: int = 0
    considered: int = 0
    rescored: int = 0

    def summary(self, edition_id: str) -> str:
        return (
            f"{edition_id}: {self.considered} eligible applications recomputed;"
            f" {self.rescored} scores changed and were published (application.scored),"
            f" {self.considered - self.rescored} unchanged"
        )


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.page_size <= 2000:
        raise CommandFailed("--page-size must be between 1 and 2000")
    url, token = service_url("scoring", args.url), admin_token(args.token)
    totals = RescoreTotals()
    columns = (TextColumn("rescoring"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with (
        AdminApi(service="scoring", url=url, token=token, timeout_s=300) as api,
        Progress(*columns, console=Console(stderr=True)) as progress,
    ):
        task = progress.add_task("applications", total=None)
        after: str | None = None
        while True:
            params = {"limit": args.page_size, **({"after": after} if after else {})}
            path = f"/v1/editions/{args.edition}/rescore"
            response = api.call("POST", path, params=params, accept=(200, 404))
            if response.status_code == 404:
                raise CommandFailed(f"scoring has no rubric for edition {args.edition!r}")
            page = response.json()
            totals.eligible = page["eligible"]
            totals.considered += page["considered"]
            totals.rescored += page["rescored"]
            progress.update(task, completed=totals.considered, total=totals.eligible)
            after = page["next_after"]
            if after is None:
                break
    Console(soft_wrap=True).print(totals.summary(args.edition), markup=False, highlight=False)
    return OK
