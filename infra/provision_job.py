"""The one-shot init job of the compose deployment: roles, schemas and topics.

Reads the same statements the local stack uses, with passwords from the environment:
POSTGRES_HOST, POSTGRES_PORT, POSTGRES_PASSWORD (of accelerator_admin), <SERVICE>_DB_PASSWORD
for each service, and KAFKA_BOOTSTRAP_SERVERS. Safe to run again.
"""

import asyncio
import os
import sys

from infra.provision import ADMIN_USER, PgServer, provision
from shared.kafka_admin import ensure_topics
from shared.topics import SERVICES

PASSWORD_VARIABLES = {service: f"{service.upper()}_DB_PASSWORD" for service in SERVICES}
ENVIRONMENT_VARIABLES = (
    "POSTGRES_HOST",
    "POSTGRES_PORT",
    "POSTGRES_PASSWORD",
    "KAFKA_BOOTSTRAP_SERVERS",
    *PASSWORD_VARIABLES.values(),
)


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise SystemExit(f"provision: environment variable {name} is required")
    return value


async def main() -> None:
    server = PgServer(
        host=_required("POSTGRES_HOST"),
        port=int(os.environ.get("POSTGRES_PORT", "5432")),
        admin_user=ADMIN_USER,
        admin_password=_required("POSTGRES_PASSWORD"),
    )
    passwords = {service: _required(name) for service, name in PASSWORD_VARIABLES.items()}
    await provision(server, passwords)
    created = await ensure_topics(_required("KAFKA_BOOTSTRAP_SERVERS"))
    print(f"provisioned {', '.join(SERVICES)}; topics created: {', '.join(created) or 'none'}")


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
