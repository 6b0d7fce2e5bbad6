"""One service process: pool, producer, outbox relay, FastStream broker and HTTP probes,
started together at startup (never at import) and drained together on SIGTERM."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

import asyncpg
from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, FastAPI
from faststream.kafka import KafkaBroker

from shared import probes
from shared.broker import ConsumerProgress, LagWatch, subscribe_batches
from shared.consumer import BatchConsumer, Handler, TombstoneHandler
from shared.correlation import CorrelationMiddleware
from shared.db import create_pool, migrate
from shared.events.documentation import declare_publications
from shared.logs import configure_logging, get_logger
from shared.relay import OutboxRelay
from shared.retry import Backoff
from shared.settings import ServiceSettings

log = get_logger(__name__)


class ServiceRuntime:
    def __init__(self, *, service: str, settings: ServiceSettings, migrations_package: str) -> None:
        self.service = service
        self.settings = settings
        self.migrations_package = migrations_package
        self.broker = KafkaBroker(
            settings.kafka_bootstrap_servers,
            client_id=service,
            graceful_timeout=20.0,
            # Not under "faststream": that logger stops propagation and prints coloured text.
            logger=logging.getLogger(f"accelerator.broker.{service}"),
        )
        declare_publications(self.broker, service)
        self.consumer_progress: list[ConsumerProgress] = []
        self._lag_watch = LagWatch(self.consumer_progress)
        self._pool: asyncpg.Pool | None = None
        self._producer: AIOKafkaProducer | None = None
        self._relay: OutboxRelay | None = None
        self._relay_task: asyncio.Task[None] | None = None
        self._startup_steps: list[Callable[[], Awaitable[None]]] = []
        self._shutdown_steps: list[Callable[[], Awaitable[None]]] = []

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError(f"{self.service} is not started: no database pool yet")
        return self._pool

    @property
    def producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            raise RuntimeError(f"{self.service} is not started: no Kafka producer yet")
        return self._producer

    def consume(
        self,
        *topics: str,
        handler: Handler,
        description: str,
        tombstone_handler: TombstoneHandler | None = None,
    ) -> None:
        """Register a batch handler for these topics, in this service's consumer group.

        Tombstones (a key with no value, on compacted topics) go to tombstone_handler;
        without one they are dead-lettered like any other unreadable message.
        """
        progress = ConsumerProgress(service=self.service)
        self.consumer_progress.append(progress)
        consumer = BatchConsumer(
            service=self.service,
            group_id=self.service,
            connections=self,
            handler=handler,
            tombstone_handler=tombstone_handler,
            backoff=Backoff(
                attempts=self.settings.retry_attempts, max_s=self.settings.retry_max_backoff_s
            ),
        )
        subscribe_batches(
            self.broker,
            *topics,
            service=self.service,
            consumer=consumer,
            progress=progress,
            batch_size=self.settings.consumer_batch_size,
            description=description,
        )

    def on_startup(self, step: Callable[[], Awaitable[None]]) -> None:
        """Run once the database is migrated and before consuming starts (e.g. seed config)."""
        self._startup_steps.append(step)

    def on_shutdown(self, step: Callable[[], Awaitable[None]]) -> None:
        """Run first on shutdown, while the pool and the producer are still open."""
        self._shutdown_steps.append(step)

    async def start(self) -> None:
        s = self.settings
        dsn = s.database_url.get_secret_value()
        conn = await asyncpg.connect(dsn)
        try:
            await migrate(conn, schema=self.service, package=self.migrations_package)
        finally:
            await conn.close()
        # One pool connection is held by the relay's LISTEN; the rest serve handlers.
        self._pool = await create_pool(dsn, schema=self.service, size=s.db_pool_size + 1)
        self._producer = AIOKafkaProducer(
            bootstrap_servers=s.kafka_bootstrap_servers,
            client_id=f"{self.service}-relay",
            enable_idempotence=True,
            acks="all",
            linger_ms=5,
        )
        await self._producer.start()
        self._relay = OutboxRelay(
            pool=self._pool,
            producer=self._producer,
            schema=self.service,
            batch_size=s.relay_batch_size,
            poll_interval_s=s.relay_poll_interval_s,
            linger_s=s.relay_linger_s,
        )
        self._relay_task = asyncio.create_task(self._relay.run(), name=f"{self.service}-relay")
        for step in self._startup_steps:
            await step()
        await self.broker.start()
        self._lag_watch.start()
        log.info("service started", kafka=s.kafka_bootstrap_servers)

    async def stop(self) -> None:
        """Drain: stop taking messages, let in-flight batches finish, flush the relay, close."""
        for step in reversed(self._shutdown_steps):
            await step()
        await self._lag_watch.stop()
        await self.broker.stop()
        if self._relay is not None and self._relay_task is not None:
            self._relay.stop()
            with contextlib.suppress(asyncio.CancelledError):
                await self._relay_task
        if self._producer is not None:
            await self._producer.stop()
        if self._pool is not None:
            await self._pool.close()
        log.info("service stopped")

    @property
    def relay_failed(self) -> bool:
        return self._relay_task is not None and self._relay_task.done()

    def create_app(self, routers: Sequence[APIRouter] = ()) -> FastAPI:
        configure_logging(self.service, self.settings.log_level)

        @contextlib.asynccontextmanager
        async def lifespan(_: FastAPI) -> AsyncIterator[None]:
            await self.start()
            try:
                yield
            finally:
                await self.stop()

        app = FastAPI(title=f"Athlete Accelerator {self.service}", lifespan=lifespan)
        app.state.runtime = self  # lets the contract documents reach the broker
        app.add_middleware(CorrelationMiddleware)
        app.include_router(probes.router(self.service, probes.service_checks(self)))
        for router in routers:
            app.include_router(router)
        return app
