"""A minimal service built only from the shared kit, run as a real process by the tests.

It consumes LEDGER_TOPIC and records every event it applies in `applied`, so a double
application is visible. With LEDGER_ACCEPTS_TOMBSTONES set it records tombstones in
`erased`; with LEDGER_FORWARD_TOPIC set it re-publishes a `.forwarded` copy of each event
through its outbox.
"""

import os
from collections.abc import Sequence

from fastapi import FastAPI

from shared.consumer import Delivery, Tombstone
from shared.db import Connection
from shared.events.envelope import CloudEvent
from shared.outbox import add_to_outbox
from shared.runtime import ServiceRuntime
from shared.serve import serve
from shared.settings import ServiceSettings


def build_app(settings: ServiceSettings) -> FastAPI:
    runtime = ServiceRuntime(
        service=os.environ.get("LEDGER_SCHEMA", "ledger"),
        settings=settings,
        migrations_package="tests.support.ledger_migrations",
    )
    forward_topic = os.environ.get("LEDGER_FORWARD_TOPIC")

    async def apply(conn: Connection, deliveries: Sequence[Delivery]) -> None:
        await conn.executemany(
            "INSERT INTO applied (event_id, subject, topic) VALUES ($1, $2, $3)",
            [(d.event.id, d.event.subject, d.record.topic) for d in deliveries],
        )
        if forward_topic:
            await add_to_outbox(
                conn,
                [
                    (
                        forward_topic,
                        CloudEvent(
                            source="/accelerator/ledger",
                            type=f"{d.event.type}.forwarded",
                            subject=d.event.subject,
                            data={"original_id": str(d.event.id)},
                            correlationid=d.event.correlationid,
                        ),
                    )
                    for d in deliveries
                ],
            )

    async def erase(conn: Connection, tombstones: Sequence[Tombstone]) -> None:
        await conn.executemany(
            "INSERT INTO erased (subject, topic) VALUES ($1, $2)",
            [(t.key, t.record.topic) for t in tombstones],
        )

    runtime.consume(
        os.environ["LEDGER_TOPIC"],
        handler=apply,
        description="test ledger",
        tombstone_handler=erase if os.environ.get("LEDGER_ACCEPTS_TOMBSTONES") else None,
    )
    return runtime.create_app()


if __name__ == "__main__":
    serve(build_app, ServiceSettings)
