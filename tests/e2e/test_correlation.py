"""Following one application through the running system with one grep: the correlation id
given at submission is on the JSON log lines of all four services as the application is
screened, enrolled, scored and e-mailed, and no line gives away the athlete's name or
address."""

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest

from demo.athletes import applicants
from shared.correlation import HEADER
from tests.e2e.conftest import ORDER, Stack

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

RECEIVED = "accelerator.application.received.v1"
SCREENED = "accelerator.application.screened.v1"
ENROLLED = "accelerator.training.enrolled.v1"
SCORED = "accelerator.application.scored.v1"


def _grep(stack: Stack, service: str, correlation_id: str) -> list[dict[str, Any]]:
    """What `grep '"correlation_id": "<id>"'` finds in the service's log, as JSON objects."""
    needle = f'"correlation_id": "{correlation_id}"'
    text = stack.processes[service].log_text()
    return [json.loads(line) for line in text.splitlines() if needle in line]


def _story(stack: Stack, correlation_id: str) -> dict[str, set[str]]:
    """Per service, what its lines with the id say: the message, with the type or template."""
    return {
        service: {
            " ".join(str(line[key]) for key in ("event", "event_type", "template") if key in line)
            for line in _grep(stack, service, correlation_id)
        }
        for service in ORDER
    }


EXPECTED = {
    "intake": {"application received"},
    "scoring": {f"event handled {t}" for t in (RECEIVED, SCREENED, ENROLLED)},
    "grant": {f"event handled {t}" for t in (RECEIVED, SCREENED, SCORED)},
    "notification": {
        f"notification sent {t}" for t in ("received", "screened_eligible", "enrolled")
    },
}


async def _until_told(stack: Stack, correlation_id: str, timeout_s: float = 180.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while asyncio.get_running_loop().time() < deadline:
        story = _story(stack, correlation_id)
        if all(EXPECTED[service] <= story[service] for service in ORDER):
            return
        await asyncio.sleep(0.5)
    missing = {s: EXPECTED[s] - told for s, told in _story(stack, correlation_id).items()}
    raise AssertionError(f"log lines never written under {correlation_id}: {missing}")


async def test_one_correlation_id_follows_an_application_through_every_service(
    stack: Stack,
) -> None:
    athlete = next(a for a in applicants(40, seed=3, tag=uuid.uuid4().hex[:6]) if a.kind == "valid")
    correlation_id = f"follow-{uuid.uuid4()}"
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(
            f"{stack.processes['intake'].url}/v1/editions/{stack.edition.id}/applications",
            json=athlete.body,
            headers={HEADER: correlation_id},
        )
    assert response.status_code == 202, response.text
    assert response.headers[HEADER] == correlation_id

    await _until_told(stack, correlation_id)

    application_id = response.json()["application_id"]
    for service in ORDER:
        lines = _grep(stack, service, correlation_id)
        assert {line["service"] for line in lines} == {service}
        assert any(application_id in json.dumps(line) for line in lines), service
        # Personal data is in no line of any service's log, with the id or without.
        text = stack.processes[service].log_text()
        assert athlete.body["email"] not in text, service
        assert athlete.body["full_name"] not in text, service
