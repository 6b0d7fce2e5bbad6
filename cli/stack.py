"""What a command needs to reach the stack, with an error naming whatever is missing."""

from cli.errors import CommandFailed
from cli.settings import setting


def required(name: str, given: str | None = None, *, option: str) -> str:
    value = setting(name, given)
    if not value:
        raise CommandFailed(
            f"{name} is not set: pass {option}, export {name}, or run `make up`"
            " (it writes .run/stack.env)"
        )
    return value


def service_url(service: str, given: str | None = None) -> str:
    """The base URL of a service (INTAKE_URL, SCORING_URL, ...), as the stack publishes it."""
    return required(f"{service.upper()}_URL", given, option="--url").rstrip("/")


def kafka_bootstrap(given: str | None) -> str:
    return required("KAFKA_BOOTSTRAP_SERVERS", given, option="--bootstrap")


def admin_token(given: str | None) -> str:
    return required("ADMIN_TOKEN", given, option="--token")
