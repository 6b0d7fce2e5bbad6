"""Intake's use cases: each runs in one transaction with the events it causes (events.py)."""

from services.intake.handlers.access import (
    linked_application_id,
    read_application,
    read_linked_application,
    read_selection,
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
    erase,
    erase_authorised,
    withdraw,
    withdraw_authorised,
)

__all__ = [
    "UnknownApplication",
    "by_link",
    "closed_edition_ids",
    "complete_module",
    "erase",
    "erase_authorised",
    "grant_decisions",
    "import_rows",
    "linked_application_id",
    "read_application",
    "read_linked_application",
    "read_selection",
    "record_consumed",
    "submit",
    "withdraw",
    "withdraw_authorised",
]
