"""Reads the Maildir the SMTP sink writes, as an athlete's inbox would be read."""

import mailbox
import re
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

# The offer page and the page that confirms a decline, as the offer e-mail links them.
_OFFER_PAGE = re.compile(r"(https?://\S+/offers/([A-Za-z0-9_-]+)(?:\?\S*)?)")
_DECLINE_PAGE = re.compile(r"(https?://\S+/offers/[A-Za-z0-9_-]+/decline(?:\?\S*)?)")


@dataclass(frozen=True)
class OfferMail:
    recipient: str
    token: str
    accept_url: str
    decline_url: str


def text_of(message: Message) -> str:
    """The plain-text parts of a message, decoded."""
    parts = message.walk() if message.is_multipart() else [message]
    texts = []
    for part in parts:
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                texts.append(payload.decode(part.get_content_charset() or "utf-8"))
    return "\n".join(texts)


def offer_mails(mail_dir: Path) -> dict[str, OfferMail]:
    """Every offer e-mail so far, by the link to its offer page (one per offer)."""
    found: dict[str, OfferMail] = {}
    for message in mailbox.Maildir(mail_dir, create=False):
        text = text_of(message)
        page, decline = _OFFER_PAGE.search(text), _DECLINE_PAGE.search(text)
        if page and decline:
            found[page.group(1)] = OfferMail(
                recipient=str(message["To"]),
                token=page.group(2),
                accept_url=page.group(1),
                decline_url=decline.group(1),
            )
    return found


_STATUS_LINK = re.compile(r"https?://\S+/status/[A-Za-z0-9_-]+\?lang=\w+")


def a_status_link(mail_dir: Path) -> str | None:
    """The private status link of one "received" e-mail, to look at an athlete's page."""
    for message in mailbox.Maildir(mail_dir, create=False):
        found = _STATUS_LINK.search(text_of(message))
        if found:
            return found.group(0)
    return None
