"""The accelerator database, one role and one schema per service, and nothing shared.

Used by the local cluster and the container starter; the compose init job can run the
same statements, so they live here as plain SQL with no psql meta-commands.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

import asyncpg

DATABASE = "accelerator"
ADMIN_USER = "accelerator_admin"

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass(frozen=True)
class PgServer:
    host: str
    port: int
    admin_user: str
    admin_password: str

    def url(self, database: str = DATABASE, *, user: str = "", password: str = "") -> str:
        """A postgresql:// URL; the admin's unless a user is given."""
        name, secret = (user, password) if user else (self.admin_user, self.admin_password)
        credentials = f"{quote(name, safe='')}:{quote(secret, safe='')}"
        return f"postgresql://{credentials}@{self.host}:{self.port}/{database}"


def _identifier(name: str) -> str:
    """Quoted, because DDL takes no bind parameters and `grant` is a reserved word."""
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"not a plain lower-case SQL name: {name!r}")
    return f'"{name}"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def lockdown_sql(database: str = DATABASE) -> str:
    """Nobody but the roles granted below may connect, and `public` is nobody's playground."""
    db = _identifier(database)
    return f"REVOKE ALL ON DATABASE {db} FROM PUBLIC;\nREVOKE ALL ON SCHEMA public FROM PUBLIC;\n"


def provision_sql(service: str, password: str, database: str = DATABASE) -> str:
    """Role and schema of one service, safe to run again (it then resets the password).

    The role owns its schema and gets no USAGE on any other, so one service cannot read
    another's tables: they talk through Kafka only.
    """
    role, db = _identifier(service), _identifier(database)
    return f"""\
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = {_literal(service)}) THEN
        CREATE ROLE {role} LOGIN;
    END IF;
END
$$;
ALTER ROLE {role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {_literal(password)};
CREATE SCHEMA IF NOT EXISTS {role} AUTHORIZATION {role};
ALTER ROLE {role} SET search_path = {role};
GRANT CONNECT ON DATABASE {db} TO {role};
"""


async def provision(server: PgServer, role_passwords: Mapping[str, str]) -> None:
    """Create the database if needed, lock it down and (re)provision every service role."""
    maintenance = await asyncpg.connect(server.url("postgres"))
    try:
        exists = await maintenance.fetchval(
            "SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1", DATABASE
        )
        if not exists:
            await maintenance.execute(f"CREATE DATABASE {_identifier(DATABASE)} ENCODING 'UTF8'")
    finally:
        await maintenance.close()
    script = lockdown_sql() + "".join(
        provision_sql(service, password) for service, password in role_passwords.items()
    )
    connection = await asyncpg.connect(server.url(DATABASE))
    try:
        async with connection.transaction():
            await connection.execute(script)
    finally:
        await connection.close()
