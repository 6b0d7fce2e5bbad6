"""Bounded exponential backoff, and which failures are worth retrying."""

import asyncio
import random
from dataclasses import dataclass

import asyncpg
from aiokafka.errors import KafkaError


@dataclass(frozen=True)
class Backoff:
    attempts: int = 5
    base_s: float = 0.1
    max_s: float = 5.0

    def delay(self, attempt: int) -> float:
        """Full jitter keeps replicas that failed together from retrying together."""
        return random.uniform(0, min(self.max_s, self.base_s * 2**attempt))

    async def sleep(self, attempt: int) -> None:
        await asyncio.sleep(self.delay(attempt))


def is_transient(exc: BaseException) -> bool:
    """Infrastructure hiccups a later try can get past; anything else is the message's fault."""
    return isinstance(
        exc,
        OSError
        | TimeoutError
        | ConnectionError
        | KafkaError
        | asyncpg.PostgresConnectionError
        | asyncpg.InterfaceError
        | asyncpg.SerializationError
        | asyncpg.DeadlockDetectedError
        | asyncpg.TooManyConnectionsError
        | asyncpg.CannotConnectNowError,
    )
