"""Looking for a person's name or e-mail anywhere in a service's schema."""

import json
from collections.abc import Sequence

import asyncpg


def _holds(value: object, needles: Sequence[str]) -> bool:
    if value is None:
        return False
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        return any(n.encode() in raw for n in needles)
    if isinstance(value, list | tuple):
        return any(_holds(item, needles) for item in value)
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return any(n in text for n in needles)


async def where_found(db: asyncpg.Connection, schema: str, needles: Sequence[str]) -> list[str]:
    """Every `table.column` of the schema that holds one of the needles, in any row (bytes
    are searched as bytes, so an event kept in a bytea column counts too)."""
    tables = await db.fetch(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name",
        schema,
    )
    found: list[str] = []
    for table in tables:
        name = table["table_name"]
        for row in await db.fetch(f'SELECT * FROM "{schema}"."{name}"'):
            found += [f"{name}.{column}" for column, value in row.items() if _holds(value, needles)]
    return sorted(set(found))
