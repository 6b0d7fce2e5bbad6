"""Postgres wiring: the pool of a service's own role, and its ordered, once-only migrations."""

import hashlib
from importlib import resources
from importlib.resources.abc import Traversable

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from shared.logs import get_logger

log = get_logger(__name__)

SHARED_MIGRATIONS = "shared.migrations"

# What handlers and repositories receive: a plain connection or one borrowed from the pool.
Connection = asyncpg.Connection | PoolConnectionProxy


async def create_pool(database_url: str, *, schema: str, size: int) -> asyncpg.Pool:
    # The schema is pinned per connection so no query can land in another service's schema
    # by accident (the role could not touch it anyway).
    pool = await asyncpg.create_pool(
        database_url,
        min_size=1,
        max_size=size,
        server_settings={"search_path": schema, "application_name": schema},
    )
    assert pool is not None
    return pool


def _sql_files(package: str) -> list[Traversable]:
    return sorted(
        (f for f in resources.files(package).iterdir() if f.name.endswith(".sql")),
        key=lambda f: f.name,
    )


def advisory_lock_id(name: str) -> int:
    """A stable 64-bit key for pg_advisory_lock, the same in every process."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


async def migrate(conn: asyncpg.Connection, *, schema: str, package: str) -> list[str]:
    """Apply the shared kit's migrations, then the service's, each once; returns those applied.

    A session advisory lock serialises processes that start at the same moment: the second
    waits, then finds everything already recorded.
    """
    applied: list[str] = []
    await conn.execute(f'SET search_path TO "{schema}"')
    await conn.execute("SELECT pg_advisory_lock($1)", advisory_lock_id(f"migrate:{schema}"))
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["name"] for r in await conn.fetch("SELECT name FROM schema_migrations")}
        for origin, pkg in (("shared", SHARED_MIGRATIONS), ("service", package)):
            for file in _sql_files(pkg):
                name = f"{origin}/{file.name}"
                if name in done:
                    continue
                async with conn.transaction():
                    await conn.execute(file.read_text())
                    await conn.execute("INSERT INTO schema_migrations (name) VALUES ($1)", name)
                applied.append(name)
                log.info("migration applied", schema=schema, migration=name)
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", advisory_lock_id(f"migrate:{schema}"))
    return applied
