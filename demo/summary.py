"""The table `make demo` ends with."""

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from demo.mailbox import a_status_link
from demo.run import Outcome


def _usd(cents: int) -> str:
    return f"US${cents / 100:,.0f}"


def print_summary(console: Console, outcome: Outcome, env: dict[str, str]) -> None:
    picture, standings = outcome.picture, outcome.standings
    offered = picture.count("grant.offered")
    rows: list[tuple[str, Any]] = [
        ("submitted", sum(outcome.statuses.values())),
        ("accepted for screening (202)", outcome.statuses[202]),
        ("rejected as invalid (422)", outcome.statuses[422]),
        ("rejected as duplicate (409)", outcome.statuses[409]),
        ("eligible", len(picture.eligible)),
        ("not eligible", picture.count("application.screened") - len(picture.eligible)),
        ("enrolled in training", picture.count("training.enrolled")),
        ("training modules completed", picture.count("training.module_completed")),
        ("scored (applications)", len(picture.scored)),
        ("offered", offered),
        ("  of which promoted from the waitlist", offered - outcome.first_round_offers),
        ("accepted", picture.count("grant.accepted")),
        ("declined", picture.count("grant.declined")),
        ("expired", picture.count("grant.expired")),
        ("waitlisted", picture.count("application.waitlisted")),
        ("not selected", picture.count("application.not_selected")),
        ("budget committed", _usd(standings.get("committed_cents", 0))),
        ("budget cap", _usd(standings.get("budget_cents", 0))),
    ]
    rows += [
        (f"e-mails sent ({language})", n) for language, n in sorted(picture.mail_languages.items())
    ]
    rows.append(("e-mails sent (all)", sum(picture.mail_languages.values())))
    rows.append(("e-mails failed", sum(picture.mail_failures.values())))
    panel = outcome.panel
    if panel is not None:
        rows += [
            ("review panel: reviewers", len(panel.reviewers)),
            ("  applications chosen for review", panel.chosen),
            ("  reviews assigned (now)", sum(r["assigned"] for r in panel.reviewers)),
            ("  reviews done", sum(r["reviewed"] for r in panel.reviewers)),
            ("  conflicts declared", panel.conflicts),
            (
                f"  of the {outcome.first_round_offers} first offers, changed by reviews",
                panel.offers_changed,
            ),
            ("  invitation e-mails sent", picture.mail_templates["reviewer_invited"]),
        ]
        rows += [
            (f"  {r['reviewer_id']}: done / assigned", f"{r['reviewed']} / {r['assigned']}")
            for r in panel.reviewers
        ]
    table = Table(title=f"{picture.edition_id} — edition summary")
    table.add_column("")
    table.add_column("count", justify="right")
    for label, value in rows:
        table.add_row(label, str(value))
    console.print(table)
    console.print("Where to look:")
    for key in ("INTAKE_URL", "SCORING_URL", "GRANT_URL", "NOTIFICATION_URL", "MAIL_DIR"):
        console.print(f"  {key:<17} {env.get(key, '-')}")
    edition = picture.edition_id
    intake = env.get("INTAKE_URL")
    console.print(f"  application form  {intake}/apply/{edition}  (closed: the demo closed it)")
    console.print(f"  open editions     {intake}/")
    status_link = a_status_link(Path(env["MAIL_DIR"])) if env.get("MAIL_DIR") else None
    if status_link:  # on one line, whole, to be copied or clicked in a terminal
        line = f"  an athlete's page {status_link}  (from a received e-mail)"
        console.print(line, soft_wrap=True)
    console.print(f"  dashboard         {env.get('DASHBOARD_URL')}/?edition={edition}  (live)")
    console.print(f"  standings         {env.get('GRANT_URL')}/v1/editions/{edition}/standings")
    console.print(f"  e-mail summary    {env.get('NOTIFICATION_URL')}/v1/notifications/summary")
    console.print(
        "  (the admin endpoints take `Authorization: Bearer $ADMIN_TOKEN` from stack.env)"
    )
    console.print("The stack stays up; `make down` stops it.")
