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
