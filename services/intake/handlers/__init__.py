"""Intake's use cases: each runs in one transaction with the events it causes (events.py)."""

from services.intake.handlers.access import (
    read_application,
    read_linked_application,
    read_selection,
    status_link_claim,
)
from services.intake.handlers.applications import (
    closed_edition_ids,
    complete_module,
    import_rows,
    submit,
)
from services.intake.handlers.consuming import grant_decisions, record_consumed
from services.intake.handlers.errors import UnknownApplication
from services.intake.handlers.withdrawal import (
    by_link,
    by_token,
    erase,
    withdraw,
)

__all__ = [
    "UnknownApplication",
    "by_link",
    "by_token",
    "closed_edition_ids",
    "complete_module",
    "erase",
    "grant_decisions",
    "import_rows",
    "read_application",
    "read_linked_application",
    "read_selection",
    "record_consumed",
    "status_link_claim",
    "submit",
    "withdraw",
]
