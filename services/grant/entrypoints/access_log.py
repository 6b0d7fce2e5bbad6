"""Keeps offer tokens out of the access log: a token in a URL is the offer's credential."""

import logging
import re

from shared.logs import REDACTED

_OFFER_TOKEN = re.compile(r"(/v1/offers/)[^/?#\s]+")


def _mask(value: object) -> object:
    return _OFFER_TOKEN.sub(rf"\g<1>{REDACTED}", value) if isinstance(value, str) else value


class OfferTokenFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _mask(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_mask(arg) for arg in record.args)
        return True


def hide_offer_tokens(logger_name: str = "uvicorn.access") -> None:
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, OfferTokenFilter) for f in logger.filters):
        logger.addFilter(OfferTokenFilter())
