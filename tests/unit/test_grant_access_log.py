"""Offer links are credentials: the access log never shows their token."""

import logging

import pytest

from services.grant.entrypoints.access_log import OfferTokenFilter

pytestmark = pytest.mark.unit


def test_the_offer_token_is_masked_in_access_log_lines() -> None:
    token = "AY7sWMDk0kvkv0OU_1pP6rsAAAAAaxcfM4D5HEvnCItYTNH4oFIUCyuY6iacLz8rjIH7mSBnAUXA"
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "POST", f"/v1/offers/{token}/accept", "1.1", 200),
        None,
    )
    assert OfferTokenFilter().filter(record)
    line = record.getMessage()
    assert token not in line
    assert "/v1/offers/[redacted]/accept" in line


def test_other_paths_are_logged_as_they_are() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, "%s", ("/v1/editions/e/close",), None
    )
    OfferTokenFilter().filter(record)
    assert record.getMessage() == "/v1/editions/e/close"
