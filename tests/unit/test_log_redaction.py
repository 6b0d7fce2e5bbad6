"""Log lines never carry an applicant's e-mail address or name."""

import json
import logging

import pytest

from shared.logs import configure_logging, correlation, get_logger

pytestmark = pytest.mark.unit

EMAIL = "Marie.Dupont+judo@example.org"
NAME = "Marie Dupont"


def test_a_log_line_about_an_applicant_has_no_email_or_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("intake")
    log = get_logger("tests")
    with correlation("corr-123"):
        log.info(
            "application received",
            email=EMAIL,
            full_name=NAME,
            applicant={"name": NAME, "email": EMAIL, "country": "FRA"},
            note=f"reply to {EMAIL}",
        )
        logging.getLogger("aiosmtplib").warning("delivery to %s failed", EMAIL)

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 2
    text = json.dumps(lines)
    assert EMAIL.lower() not in text.lower()
    assert NAME not in text
    assert lines[0]["correlation_id"] == "corr-123"
    assert lines[0]["applicant"]["country"] == "FRA", "non-personal fields stay readable"
    assert lines[0]["event"] == "application received"
    assert lines[1]["service"] == "intake"


def test_an_offer_token_in_any_log_line_is_masked(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("grant")
    token = "AY7sWMDk0kvkv0OU_1pP6rsAAAAAaxcfM4D5HEvnCItYTNH4oFIUCyuY6iacLz8rjIH7mSBnAUXA"
    access = logging.getLogger("uvicorn.access")
    access.info(
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:5000",
        "POST",
        f"/v1/offers/{token}/accept",
        "1.1",
        200,
    )
    access.info("%s", "/v1/editions/e/close")

    lines = [json.loads(line)["event"] for line in capsys.readouterr().out.splitlines()]
    assert token not in "".join(lines)
    assert "/v1/offers/[redacted]/accept" in lines[0]
    assert lines[1] == "/v1/editions/e/close", "other paths are logged as they are"
