"""The life of one notification: pending until sent, retried with backoff, or failed for good.

pending --SMTP accepted--> sent
pending --4xx / unreachable--> pending (attempts + 1, next try later) --too many--> failed
pending --5xx / cannot be written--> failed
"""

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Sent:
    pass


@dataclass(frozen=True)
class Transient:
    """Worth another try later: the server said 4xx, or could not be reached."""

    reason: str


@dataclass(frozen=True)
class Permanent:
    """No retry can help: the server said 5xx, or the e-mail cannot be written."""

    reason: str
    error_class: str = "PermanentFailure"


Outcome = Sent | Transient | Permanent


@dataclass(frozen=True)
class RetryAt:
    at: datetime
    reason: str


@dataclass(frozen=True)
class GiveUp:
    reason: str
    error_class: str


Decision = Sent | RetryAt | GiveUp


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 12
    base_s: float = 5.0
    max_s: float = 1800.0

    def delay(self, attempts: int) -> timedelta:
        """Exponential in the attempts made so far, capped."""
        return timedelta(seconds=min(self.max_s, self.base_s * 2 ** max(0, attempts - 1)))

    def decide(self, outcome: Outcome, *, attempts: int, now: datetime) -> Decision:
        """What follows attempt number `attempts` (counted from 1) ending with `outcome`."""
        match outcome:
            case Sent():
                return outcome
            case Permanent(reason, error_class):
                return GiveUp(reason, error_class)
            case Transient(reason) if attempts >= self.max_attempts:
                return GiveUp(f"gave up after {attempts} attempts: {reason}", "AttemptsExhausted")
            case Transient(reason):
                return RetryAt(now + self.delay(attempts), reason)
        raise AssertionError(outcome)
