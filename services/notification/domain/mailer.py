"""The port e-mail leaves through: a mail server's session, and how it says a message failed.

The SMTP adapter implements it; the use-case tests put a fake behind it.
"""

from contextlib import AbstractAsyncContextManager
from typing import Protocol

from services.notification.domain.delivery import Permanent, Transient
from services.notification.domain.outgoing import OutgoingEmail


class DeliveryFailed(Exception):
    """The message was not accepted. `connection_lost`: the session cannot send any more."""

    def __init__(self, outcome: Transient | Permanent, *, connection_lost: bool = False) -> None:
        super().__init__(outcome.reason)
        self.outcome = outcome
        self.connection_lost = connection_lost


class MailSession(Protocol):
    async def send(self, email: OutgoingEmail) -> None:
        """Hand one message to the server; DeliveryFailed if it is not accepted."""


class Mailer(Protocol):
    def session(self) -> AbstractAsyncContextManager[MailSession]:
        """One connection for a batch of messages; DeliveryFailed if none can be opened."""
