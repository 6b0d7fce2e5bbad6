"""Submissions per client: a token bucket per client address, in this process's memory.

Each replica counts on its own, so N replicas let a client through N times the rate; that is
the price of needing no shared store, and fine for turning away a flood from one address.
Behind a proxy, the client address comes from X-Forwarded-For only when uvicorn trusts the
proxy (FORWARDED_ALLOW_IPS).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

_MAX_TRACKED_CLIENTS = 100_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    def __init__(
        self,
        *,
        per_minute: float,
        burst: int,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate_per_s = per_minute / 60.0
        self.burst = burst
        self._monotonic = monotonic
        self._buckets: dict[str, _Bucket] = {}

    def take(self, client: str) -> float | None:
        """None if the client may go ahead, else the seconds until it may try again."""
        now = self._monotonic()
        bucket = self._buckets.get(client)
        if bucket is None:
            if len(self._buckets) >= _MAX_TRACKED_CLIENTS:
                self._forget_idle(now)
            bucket = self._buckets[client] = _Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate_per_s)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return None
        return (1.0 - bucket.tokens) / self.rate_per_s

    def _forget_idle(self, now: float) -> None:
        """Drop the clients whose bucket has filled up again: they would start full anyway."""
        refill_s = self.burst / self.rate_per_s
        self._buckets = {
            client: bucket
            for client, bucket in self._buckets.items()
            if now - bucket.updated < refill_s
        }
