"""Reads the Maildir the SMTP sink writes, as an athlete's inbox would be read."""

import mailbox
import re
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

_OFFER_LINK = re.compile(r"(https?://\S+/v1/offers/([A-Za-z0-9_-]+)/accept)")


@dataclass(frozen=True)
class OfferMail:
    recipient: str
    token: str
    accept_url: str
    decline_url: str


def _text(message: Message) -> str:
    parts = message.walk() if message.is_multipart() else [message]
    texts = []
    for part in parts:
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                texts.append(payload.decode(part.get_content_charset() or "utf-8"))
    return "\n".join(texts)


def offer_mails(mail_dir: Path) -> dict[str, OfferMail]:
    """Every offer e-mail so far, by its accept link (one per offer)."""
    found: dict[str, OfferMail] = {}
    for message in mailbox.Maildir(mail_dir, create=False):
        match = _OFFER_LINK.search(_text(message))
        if match:
            accept = match.group(1)
            found[accept] = OfferMail(
                recipient=str(message["To"]),
                token=match.group(2),
                accept_url=accept,
                decline_url=accept.removesuffix("/accept") + "/decline",
            )
    return found
