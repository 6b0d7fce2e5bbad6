"""Test infrastructure, chosen as docs/architecture.md#test-infrastructure-choice orders it:
explicit URLs in the environment, else containers when they can start (an engine answers and
has or can pull their images), else the project's own local processes. Whatever cannot start
fails the run; nothing is skipped."""

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from infra.choice import InfraChoice, choose_infrastructure, containers_can_start
from infra.provision import provision_sql

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def stack_env() -> Iterator[dict[str, str]]:
    choice = choose_infrastructure(os.environ, containers_can_start)
    if choice is InfraChoice.EXPLICIT:
        yield dict(os.environ)
    elif choice is InfraChoice.CONTAINERS:
        from infra.containers import container_stack

        with container_stack(ROOT / ".run" / "test-containers") as env:
            yield env
    else:
        from infra.stack import LocalStack

        # One stack per test session, so two sessions at once cannot stop each other's.
        stack = LocalStack(ROOT / ".run" / f"test-stack-{os.getpid()}")
        try:
            yield stack.up()
        finally:
            stack.down(purge=True)


@pytest.fixture(scope="session")
async def ledger_env(stack_env: dict[str, str]) -> dict[str, str]:
    """A throwaway service role and schema for the shared kit's own tests."""
    password = secrets.token_urlsafe(16)
    admin = await asyncpg.connect(stack_env["DATABASE_URL"])
    try:
        await admin.execute(provision_sql("ledger", password))
        # Migrations recorded by an earlier run would not match a fresh schema.
        await admin.execute(
            "DROP TABLE IF EXISTS ledger.schema_migrations, ledger.outbox, ledger.inbox,"
            " ledger.applied, ledger.erased CASCADE;"
            # The outbox's trigger function outlives its table and the first migration makes it.
            " DROP FUNCTION IF EXISTS ledger.outbox_wake_relay() CASCADE"
        )
    finally:
        await admin.close()
    host = stack_env["DATABASE_URL"].rsplit("@", 1)[1]
    return {
        "KAFKA_BOOTSTRAP_SERVERS": stack_env["KAFKA_BOOTSTRAP_SERVERS"],
        "DATABASE_URL": f"postgresql://ledger:{password}@{host}",
        "RELAY_POLL_INTERVAL_S": "0.2",
        "RETRY_MAX_BACKOFF_S": "0.5",
    }


@pytest.fixture
async def admin_db(stack_env: dict[str, str]) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(stack_env["DATABASE_URL"])
    try:
        yield conn
    finally:
        await conn.close()
