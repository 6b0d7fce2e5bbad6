"""Notification's use cases: queueing e-mails from consumed events, sending and settling them,
and what operators do; with the events it publishes (events.py)."""

from services.notification.handlers.consuming import (
    CONTACT_ERASED,
    Cause,
    Inbound,
    erase,
    record,
)
from services.notification.handlers.operations import RetryResult, Summary, retry_failed, summary
from services.notification.handlers.sending import Sender, SenderConfig
from services.notification.handlers.settlement import Settlement
from services.notification.handlers.writing import LetterWriter

__all__ = [
    "CONTACT_ERASED",
    "Cause",
    "Inbound",
    "LetterWriter",
    "RetryResult",
    "Sender",
    "SenderConfig",
    "Settlement",
    "Summary",
    "erase",
    "record",
    "retry_failed",
    "summary",
]
