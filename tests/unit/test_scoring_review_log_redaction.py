"""A reviewer's link token never reaches a log line; the pages behind it are still logged."""

import json
import logging

import pytest

from shared.logs import configure_logging


def test_a_review_link_token_in_an_access_log_line_is_masked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("scoring")
    token = "AY7sWMDk0kvkv0OU_1pP6rsAAAAAaxcfM4D5HEvnCItYTNH4oFIUCyuY6iacLz8rjIH7mSBnAUXA"
    access = logging.getLogger("uvicorn.access")
    access.info('"GET %s HTTP/1.1" 303', f"/review/{token}?lang=fr")
    access.info('"GET %s HTTP/1.1" 200', "/review/queue?lang=fr")
    access.info('"POST %s HTTP/1.1" 303', "/review/queue/0b0c7a4e-0000-4000-8000-000000000001")

    lines = [json.loads(line)["event"] for line in capsys.readouterr().out.splitlines()]
    assert token not in "".join(lines)
    assert "/review/[redacted]?lang=fr" in lines[0]
    assert "/review/queue?lang=fr" in lines[1]
    assert "/review/queue/0b0c7a4e-0000-4000-8000-000000000001" in lines[2]
