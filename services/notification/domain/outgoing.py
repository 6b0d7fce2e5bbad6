"""The e-mail as it leaves: identified so that a re-send is recognisably the same message."""

import re
from dataclasses import dataclass, field
from typing import Final
from uuid import NAMESPACE_URL, UUID, uuid5

from shared.languages import Language

_NOTIFICATION_IDS: Final = uuid5(NAMESPACE_URL, "urn:accelerator:notification")
_ADDRESS: Final = re.compile(r"<?[^\s<>@]+@[^\s<>@]+>?")


def notification_id(cause_event_id: UUID, application_id: UUID) -> UUID:
    """The same (event, recipient) always gets the same id, hence the same Message-ID."""
    return uuid5(_NOTIFICATION_IDS, f"{cause_event_id}/{application_id}")


def message_id(notification: UUID, domain: str) -> str:
    return f"<{notification}@{domain}>"


def without_addresses(text: str) -> str:
    """Server replies often quote the address; reasons that leave this service must not."""
    return _ADDRESS.sub("[address]", text)


@dataclass(frozen=True)
class OutgoingEmail:
    message_id: str
    sender: str
    subject: str
    language: Language
    # Personal data: kept out of repr, so it cannot reach a log line by accident.
    recipient_name: str = field(repr=False)
    recipient_address: str = field(repr=False)
    text: str = field(repr=False)
    # The same words as HTML, with buttons for the links; None: a plain-text e-mail.
    html: str | None = field(default=None, repr=False)
