"""Migrations run in order, once each, even when two processes start at the same moment."""

import asyncio
import secrets

import asyncpg
import pytest

from infra.provision import provision_sql
from shared.db import migrate

pytestmark = pytest.mark.integration


async def test_two_processes_migrating_at_once_apply_each_file_once(
    stack_env: dict[str, str],
) -> None:
    schema = f"race_{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(16)
    admin = await asyncpg.connect(stack_env["DATABASE_URL"])
    await admin.execute(provision_sql(schema, password))
    host = stack_env["DATABASE_URL"].rsplit("@", 1)[1]
    url = f"postgresql://{schema}:{password}@{host}"
    first, second = await asyncpg.connect(url), await asyncpg.connect(url)
    try:
        applied = await asyncio.gather(
            migrate(first, schema=schema, package="tests.support.ledger_migrations"),
            migrate(second, schema=schema, package="tests.support.ledger_migrations"),
        )
        expected = [
            "shared/0001_outbox_inbox.sql",
            "shared/0002_outbox_tombstones.sql",
            "service/0001_applied.sql",
            "service/0002_erased.sql",
        ]
        assert sorted(applied[0] + applied[1]) == sorted(expected)
        assert [] in applied, "the second process found everything already applied"
        recorded = [
            r["name"]
            for r in await admin.fetch(
                f'SELECT name FROM "{schema}".schema_migrations ORDER BY name'
            )
        ]
        assert recorded == sorted(expected)
        assert await migrate(first, schema=schema, package="tests.support.ledger_migrations") == []
    finally:
        await first.close()
        await second.close()
        await admin.execute(f'DROP OWNED BY "{schema}" CASCADE; DROP ROLE "{schema}"')
        await admin.close()
