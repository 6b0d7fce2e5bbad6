"""aiosmtplib sending messages of a given size into the SMTP sink, over as many sessions as
notification's sender holds at once (its SEND_SESSIONS). Each session builds the next
message just before sending it, as a sender does: built up front, 300,000 of them took
16 GB."""

import asyncio
import time
from collections.abc import Iterator
from email.message import EmailMessage

import aiosmtplib

from services.notification.bootstrap import NotificationSettings

SENDER_SESSIONS: int = NotificationSettings.model_fields["send_sessions"].default


def message(n: int, size: int) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "bench@example.org"
    mail["To"] = f"bench.{n}@example.org"
    mail["Subject"] = f"bench message {n}"
    mail.set_content("x" * max(0, size - 200))  # about 200 bytes of headers
    return mail


async def _session(
    host: str, port: int, messages: Iterator[EmailMessage], took: list[float]
) -> None:
    client = aiosmtplib.SMTP(hostname=host, port=port, timeout=15)
    await client.connect()
    try:
        for mail in messages:
            sent = time.perf_counter()
            await client.send_message(mail)
            took.append((time.perf_counter() - sent) * 1000)
    finally:
        await client.quit()


async def run(
    host: str, port: int, count: int, size: int, sessions: int = SENDER_SESSIONS
) -> tuple[float, list[float]]:
    """Seconds to send `count` messages, and each message's SMTP transaction time (ms)."""
    messages = (message(n, size) for n in range(count))  # shared: a free session takes the next
    took: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(*(_session(host, port, messages, took) for _ in range(sessions)))
    return time.perf_counter() - started, took
