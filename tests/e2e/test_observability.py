"""Every running service shows on /metrics what it consumed and produced, by event type, with
its handling time, event delay, outbox backlog and consumer lag, for one application."""

import uuid

import httpx
import pytest

from demo.athletes import applicants
from tests.e2e.conftest import ORDER, Stack
from tests.support.metrics import metric_samples, metric_sum
from tests.support.waiting import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

RECEIVED = "accelerator.application.received.v1"
SCORED = "accelerator.application.scored.v1"


async def test_every_service_counts_events_by_type_on_its_metrics(stack: Stack) -> None:
    athlete = next(a for a in applicants(40, seed=5, tag=uuid.uuid4().hex[:6]) if a.kind == "valid")
    url = {service: stack.processes[service].url for service in ORDER}
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(
            f"{url['intake']}/v1/editions/{stack.edition.id}/applications", json=athlete.body
        )
    assert response.status_code == 202, response.text

    async def counted() -> bool:
        published = "accelerator_events_published_total"
        consumed = "accelerator_events_consumed_total"
        return (
            await metric_sum(url["intake"], published, event_type=RECEIVED) >= 1
            and await metric_sum(url["scoring"], consumed, event_type=RECEIVED) >= 1
            and await metric_sum(url["scoring"], published, event_type=SCORED) >= 1
            and await metric_sum(url["grant"], consumed, event_type=SCORED) >= 1
            and await metric_sum(url["notification"], consumed, event_type=RECEIVED) >= 1
        )

    await eventually(counted, timeout_s=120, what="events counted by type where produced and read")

    for service in ORDER:
        assert await metric_samples(url[service], "accelerator_outbox_backlog"), service
        assert await metric_samples(url[service], "accelerator_batch_seconds_count"), service
    delays = await metric_sum(
        url["grant"], "accelerator_event_delay_seconds_count", event_type=SCORED
    )
    assert delays >= 1
    lag = await metric_samples(url["scoring"], "accelerator_consumer_lag")
    # Every partition scoring reads is reported, not only those a batch came from.
    assert {(dict(k)["topic"], dict(k)["partition"]) for k in lag} >= {
        ("accelerator.applications", str(p)) for p in range(6)
    }
