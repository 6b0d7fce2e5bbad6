"""Sends e-mail over SMTP with aiosmtplib, and says whether a failure is worth retrying."""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from email.charset import QP, Charset
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import formataddr, formatdate, parseaddr

import aiosmtplib

from services.notification.domain.delivery import Permanent, Transient
from services.notification.domain.mailer import DeliveryFailed
from services.notification.domain.outgoing import OutgoingEmail, without_addresses

# Bodies in quoted-printable: 7-bit safe for any relay, and still readable in a mail store.
_BODY = Charset("utf-8")
_BODY.body_encoding = QP
_LINE_BREAK = re.compile(r"[\r\n]")


def as_message(email: OutgoingEmail) -> Message:
    """The message to send. Built with the email package's compat32 classes, which take
    about a quarter of the CPU of EmailMessage's header parsing and refolding (the largest
    cost of sending, measured in bench/); an internationalised address needs EmailMessage."""
    if any(_LINE_BREAK.search(v) for v in (email.subject, email.recipient_name, email.sender)):
        # compat32 would write it as a header of its own; a name or subject never has one.
        raise ValueError("a line break in the subject, the sender or the recipient's name")
    if not email.recipient_address.isascii():
        return _internationalised(email)
    message: Message = _text_part("plain", email.text)
    if email.html is not None:
        # multipart/alternative: clients that show HTML get buttons, the others the text.
        message = MIMEMultipart("alternative", _subparts=[message, _text_part("html", email.html)])
    message["Message-ID"] = email.message_id
    message["Date"] = formatdate(usegmt=True)
    # compat32 encodes a non-ASCII header whole (RFC 2047), so an address header is written
    # with formataddr, which encodes only the name and keeps the address readable.
    message["From"] = formataddr(parseaddr(email.sender))
    message["To"] = formataddr((email.recipient_name, email.recipient_address))
    message["Subject"] = email.subject
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    message["Content-Language"] = email.language
    return message


def _text_part(subtype: str, text: str) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype, charset="utf-8")
    part.set_payload(text, _BODY)
    return part


def _internationalised(email: OutgoingEmail) -> EmailMessage:
    message = EmailMessage()
    message["Message-ID"] = email.message_id
    message["Date"] = formatdate(usegmt=True)
    message["From"] = email.sender
    # Address, not formataddr: an internationalised address (léa@…) is legal with SMTPUTF8,
    # which aiosmtplib negotiates, but formataddr refuses anything but ASCII.
    username, _, domain = email.recipient_address.rpartition("@")
    message["To"] = Address(display_name=email.recipient_name, username=username, domain=domain)
    message["Subject"] = email.subject
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(email.text)
    if email.html is not None:
        message.add_alternative(email.html, subtype="html")
    message["Content-Language"] = email.language  # after set_content, which resets Content-*
    return message


def _rejected(code: int, text: str) -> DeliveryFailed:
    reason = without_addresses(f"SMTP {code}: {text}".strip())[:500]
    outcome = Transient(reason) if 400 <= code < 500 else Permanent(reason, "SMTPRejected")
    return DeliveryFailed(outcome)


class SmtpSession:
    def __init__(self, client: aiosmtplib.SMTP) -> None:
        self._client = client

    async def send(self, email: OutgoingEmail) -> None:
        try:
            await self._client.send_message(as_message(email))
        except aiosmtplib.SMTPRecipientsRefused as exc:
            refused = exc.recipients[0]
            raise _rejected(refused.code, refused.message) from None
        except aiosmtplib.SMTPResponseException as exc:
            raise _rejected(exc.code, exc.message) from None
        except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError, OSError) as exc:
            reason = without_addresses(f"SMTP connection lost: {type(exc).__name__}")
            raise DeliveryFailed(Transient(reason), connection_lost=True) from None
        except (aiosmtplib.SMTPException, ValueError) as exc:
            # The message itself cannot be sent (say, an address the server cannot take).
            reason = without_addresses(f"{type(exc).__name__}: {exc}")[:500]
            raise DeliveryFailed(Permanent(reason, type(exc).__name__)) from None


class SmtpMailer:
    def __init__(
        self, *, host: str, port: int, timeout_s: float, start_tls: bool | None = None
    ) -> None:
        self._host = host
        self._port = port
        self._timeout_s = timeout_s
        self._start_tls = start_tls

    @asynccontextmanager
    async def session(self) -> AsyncIterator[SmtpSession]:
        """One connection for a batch of messages."""
        client = aiosmtplib.SMTP(
            hostname=self._host,
            port=self._port,
            timeout=self._timeout_s,
            start_tls=self._start_tls,
        )
        try:
            await client.connect()
        except (aiosmtplib.SMTPException, OSError) as exc:
            # Whatever the server says at the door, it is about the server, not the message.
            reason = without_addresses(f"SMTP server unavailable: {type(exc).__name__}: {exc}")
            raise DeliveryFailed(Transient(reason), connection_lost=True) from None
        try:
            yield SmtpSession(client)
        finally:
            with suppress(aiosmtplib.SMTPException, OSError):
                await client.quit()
