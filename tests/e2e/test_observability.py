"""Following one application through the running system: one correlation id, given at
submission, in the JSON logs of all four services (and no personal data beside it), and
every service's /metrics counting what it consumed and produced, by event type."""

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from demo.athletes import applicants
from shared.correlation import HEADER
from tests.e2e.conftest import ORDER, Stack

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


def _lines_with(stack: Stack, service: str, needle: str) -> list[dict[str, Any]]:
    text = stack.processes[service].log_text()
    return [json.loads(line) for line in text.splitlines() if needle in line]


async def _until_every_service_logged(stack: Stack, needle: str, timeout_s: float = 180.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while asyncio.get_running_loop().time() < deadline:
        if all(_lines_with(stack, service, needle) for service in ORDER):
            return
        await asyncio.sleep(0.5)
    silent = [service for service in ORDER if not _lines_with(stack, service, needle)]
    raise AssertionError(f"no log line with {needle} from {silent} within {timeout_s}s")


async def _metric_samples(url: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    async with httpx.AsyncClient(timeout=10) as http:
        text = (await http.get(f"{url}/metrics")).text
    return {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    }


async def _count(url: str, name: str, **labels: str) -> float:
    samples = await _metric_samples(url, name)
    return sum(v for k, v in samples.items() if set(labels.items()) <= set(k))


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

    await _until_every_service_logged(stack, correlation_id)

    for service in ORDER:
        lines = _lines_with(stack, service, correlation_id)
        assert all(line["correlation_id"] == correlation_id for line in lines), service
        assert {line["service"] for line in lines} == {service}
        text = json.dumps(lines)
        assert athlete.body["email"] not in text, service
        assert athlete.body["full_name"] not in text, service
    # The notification service says it sent this athlete's e-mail, under the same id.
    await _until_sent(stack, correlation_id)


async def _until_sent(stack: Stack, correlation_id: str, timeout_s: float = 120.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while asyncio.get_running_loop().time() < deadline:
        lines = _lines_with(stack, "notification", correlation_id)
        if any(line["event"] == "notification sent" for line in lines):
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"no 'notification sent' line with {correlation_id}")


async def test_every_service_counts_events_by_type_on_its_metrics(stack: Stack) -> None:
    athlete = next(a for a in applicants(40, seed=5, tag=uuid.uuid4().hex[:6]) if a.kind == "valid")
    intake, scoring = stack.processes["intake"].url, stack.processes["scoring"].url
    received = "accelerator.application.received.v1"
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(
            f"{intake}/v1/editions/{stack.edition.id}/applications", json=athlete.body
        )
    assert response.status_code == 202, response.text

    async def counted() -> bool:
        published = await _count(intake, "accelerator_events_published_total", event_type=received)
        consumed = await _count(scoring, "accelerator_events_consumed_total", event_type=received)
        return published >= 1 and consumed >= 1

    deadline = asyncio.get_running_loop().time() + 120
    while not await counted():
        assert asyncio.get_running_loop().time() < deadline, "events never counted by type"
        await asyncio.sleep(0.5)

    for service in ORDER:
        url = stack.processes[service].url
        assert await _metric_samples(url, "accelerator_outbox_backlog"), service
        assert await _metric_samples(url, "accelerator_batch_seconds_count"), service
    lag = await _metric_samples(scoring, "accelerator_consumer_lag")
    assert any(dict(labels)["topic"] == "accelerator.applications" for labels in lag)
