"""JSON logs through structlog, with a correlation id and personal data redacted."""

import logging
import re
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any, Final

import structlog

REDACTED: Final = "[redacted]"
# Keys whose values are personal data wherever they appear in a log event.
PERSONAL_KEYS: Final = frozenset(
    {
        "email",
        "full_name",
        "name",
        "first_name",
        "last_name",
        "phone",
        "address",
        "to",
        "recipient",
        "pitch",
    }
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# An offer link's token accepts the package, a status link's token shows the application, a
# review link's token opens a reviewer's queue (but /review/queue is no token): never in a log
# line, whichever service or library (uvicorn's access log, say) writes it.
_LINK_TOKEN = re.compile(r"(/(?:offers|status|review)/)(?!queue(?:[/?#\s\"]|$))[^/?#\s\"]+")


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        # The membership tests first: each regex tries every position of the string, and
        # most values (ids, types, times) hold neither an @ nor a /.
        if "@" in value:
            value = _EMAIL.sub(REDACTED, value)
        if "/" in value:
            value = _LINK_TOKEN.sub(rf"\g<1>{REDACTED}", value)
        return value
    if isinstance(value, dict):
        return {k: REDACTED if k in PERSONAL_KEYS else _scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


def redact_personal_data(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key, value in list(event_dict.items()):
        event_dict[key] = REDACTED if key in PERSONAL_KEYS else _scrub(value)
    return event_dict


def configure_logging(service: str, level: str = "INFO") -> None:
    """Every log line, ours and the libraries', becomes one redacted JSON object on stdout."""
    shared_processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        redact_personal_data,
    ]
    structlog.configure(
        processors=[*shared_processors, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared_processors,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    structlog.contextvars.bind_contextvars(service=service)


@contextmanager
def correlation(correlation_id: str, **extra: str) -> Iterator[None]:
    """Binds the correlation id to every log line written inside the block."""
    with structlog.contextvars.bound_contextvars(correlation_id=correlation_id, **extra):
        yield


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger
