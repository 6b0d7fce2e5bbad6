"""Each service's Postgres role owns its schema and can touch nothing else."""

import asyncpg
import pytest

pytestmark = pytest.mark.integration


async def test_a_service_role_cannot_read_or_write_another_services_schema(
    stack_env: dict[str, str],
) -> None:
    intake = await asyncpg.connect(stack_env["INTAKE_DATABASE_URL"])
    scoring = await asyncpg.connect(stack_env["SCORING_DATABASE_URL"])
    try:
        await intake.execute("CREATE TABLE IF NOT EXISTS intake.isolation_probe (secret text)")
        await intake.execute("INSERT INTO intake.isolation_probe VALUES ('athlete data')")

        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await scoring.fetch("SELECT * FROM intake.isolation_probe")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await scoring.execute("INSERT INTO intake.isolation_probe VALUES ('forged')")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await scoring.execute("CREATE TABLE intake.planted (x int)")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await scoring.execute("CREATE TABLE public.anywhere (x int)")

        # Its own schema stays fully usable.
        await scoring.execute("CREATE TABLE IF NOT EXISTS scoring.isolation_probe (x int)")
        await scoring.execute("DROP TABLE scoring.isolation_probe")
    finally:
        await intake.execute("DROP TABLE IF EXISTS intake.isolation_probe")
        await intake.close()
        await scoring.close()


async def test_service_roles_are_not_superusers(stack_env: dict[str, str]) -> None:
    for service in ("intake", "scoring", "grant", "notification"):
        conn = await asyncpg.connect(stack_env[f"{service.upper()}_DATABASE_URL"])
        try:
            assert (
                await conn.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                is False
            )
            assert await conn.fetchval("SELECT current_user") == service
        finally:
            await conn.close()
