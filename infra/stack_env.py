"""The stack.env file: what the stack allocated once (ports, passwords, tokens) and publishes.

It is both the record that makes a restart reuse the same ports and secrets, and the
KEY=VALUE file that services, tests and people read.
"""

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from infra.processes import LOOPBACK, free_ports
from infra.provision import PgServer
from shared.topics import SERVICES

# The HTTP processes started later by the service runner; only their ports are reserved here.
HTTP_URL_KEYS = (
    "INTAKE_URL",
    "SCORING_URL",
    "GRANT_URL",
    "NOTIFICATION_URL",
    "DASHBOARD_URL",
)

# Where each allocated port is recorded in stack.env.
_PORT_KEYS = {
    "postgres": "DATABASE_URL",
    "kafka": "KAFKA_BOOTSTRAP_SERVERS",
    "kafka_controller": "KAFKA_CONTROLLER_PORT",
    "smtp": "SMTP_PORT",
    **{key: key for key in HTTP_URL_KEYS},
}


def role_url_key(service: str) -> str:
    return f"{service.upper()}_DATABASE_URL"


def read_env_file(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs if not key.startswith("#")}


def write_env_file(path: Path, values: Mapping[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Private from the first byte: it holds passwords.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.writelines(f"{key}={value}\n" for key, value in values.items())


def _recorded_port(value: str | None) -> int | None:
    """The port in a URL, a host:port pair or a bare number; None if none was recorded."""
    if not value:
        return None
    if value.isdigit():
        return int(value)
    return urlsplit(value if "//" in value else f"//{value}").port


def _password_of(url: str | None) -> str | None:
    password = urlsplit(url).password if url else None
    return unquote(password) if password else None


@dataclass(frozen=True)
class StackSecrets:
    admin_password: str
    role_passwords: dict[str, str]
    admin_token: str
    offer_signing_key: str
    status_link_key: str
    review_link_key: str

    @classmethod
    def reuse_or_create(cls, previous: Mapping[str, str]) -> "StackSecrets":
        """Keep what an earlier run recorded: the database already holds those passwords."""

        def kept(value: str | None) -> str:
            return value or secrets.token_urlsafe(24)

        return cls(
            admin_password=kept(_password_of(previous.get("DATABASE_URL"))),
            role_passwords={
                service: kept(_password_of(previous.get(role_url_key(service))))
                for service in SERVICES
            },
            admin_token=kept(previous.get("ADMIN_TOKEN")),
            offer_signing_key=kept(previous.get("OFFER_SIGNING_KEY")),
            status_link_key=kept(previous.get("STATUS_LINK_KEY")),
            review_link_key=kept(previous.get("REVIEW_LINK_KEY")),
        )


@dataclass(frozen=True)
class Ports:
    postgres: int
    kafka: int
    kafka_controller: int
    smtp: int
    http: dict[str, int]

    @classmethod
    def reuse_or_allocate(cls, previous: Mapping[str, str]) -> "Ports":
        recorded = {name: _recorded_port(previous.get(key)) for name, key in _PORT_KEYS.items()}
        missing = [name for name, port in recorded.items() if port is None]
        fresh = dict(zip(missing, free_ports(len(missing)), strict=True))
        chosen = {name: port or fresh[name] for name, port in recorded.items()}
        return cls(
            postgres=chosen["postgres"],
            kafka=chosen["kafka"],
            kafka_controller=chosen["kafka_controller"],
            smtp=chosen["smtp"],
            http={key: chosen[key] for key in HTTP_URL_KEYS},
        )


def stack_env(
    *,
    kafka_bootstrap: str,
    server: PgServer,
    credentials: StackSecrets,
    smtp_port: int,
    mail_dir: Path,
    http_ports: Mapping[str, int],
) -> dict[str, str]:
    """The variables every way of running the stack publishes, in one shape."""
    return {
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "DATABASE_URL": server.url(),
        **{
            role_url_key(service): server.url(user=service, password=password)
            for service, password in credentials.role_passwords.items()
        },
        "SMTP_HOST": LOOPBACK,
        "SMTP_PORT": str(smtp_port),
        "MAIL_DIR": str(mail_dir),
        "ADMIN_TOKEN": credentials.admin_token,
        "OFFER_SIGNING_KEY": credentials.offer_signing_key,
        "STATUS_LINK_KEY": credentials.status_link_key,
        "REVIEW_LINK_KEY": credentials.review_link_key,
        **{key: f"http://{LOOPBACK}:{port}" for key, port in http_ports.items()},
    }
