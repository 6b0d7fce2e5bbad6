"""Every event we write is a CloudEvents 1.0 structured event that the official SDK reads."""

import uuid
from datetime import UTC, datetime

import pytest
from cloudevents.v1.kafka import KafkaMessage, from_structured

from shared.events.codec import make_event, read_payload
from shared.events.contracts import ApplicationScreened, GrantOffered
from shared.events.envelope import CONTENT_TYPE, CloudEvent, MalformedEvent

pytestmark = pytest.mark.unit


def test_the_cloudevents_sdk_parses_our_structured_kafka_message() -> None:
    application_id = uuid.uuid4()
    event = make_event(
        GrantOffered(
            application_id=application_id,
            edition_id="athlete365-4",
            offer_id=uuid.uuid4(),
            amount_cents=1_000_000,
            currency="USD",
            components=["logistics", "operations", "sourcing"],
            rank=1,
            expires_at=datetime(2026, 12, 1, tzinfo=UTC),
        ),
        service="grant",
        subject=str(application_id),
        correlation_id="corr-1",
        edition_id="athlete365-4",
    )
    parsed = from_structured(
        KafkaMessage(
            headers={"content-type": CONTENT_TYPE.encode()},
            key=event.subject.encode(),
            value=event.to_bytes(),
        )
    )
    assert parsed["specversion"] == "1.0"
    assert parsed["id"] == str(event.id)
    assert parsed["type"] == "accelerator.grant.offered.v1"
    assert parsed["source"] == "/accelerator/grant"
    assert parsed["subject"] == str(application_id)
    assert parsed["correlationid"] == "corr-1"
    assert parsed["editionid"] == "athlete365-4"
    assert parsed.data["amount_cents"] == 1_000_000


def test_a_payload_survives_the_round_trip() -> None:
    payload = ApplicationScreened(
        application_id=uuid.uuid4(), eligible=False, reasons=["no_consent"]
    )
    event = make_event(payload, service="intake", subject="x", correlation_id="c")
    assert read_payload(CloudEvent.from_bytes(event.to_bytes())) == payload


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"not json", "not a CloudEvent"),
        (b'{"specversion": "0.3"}', "specversion"),
        (None, "tombstone"),
    ],
)
def test_unreadable_bytes_are_malformed_with_a_reason(raw: bytes | None, problem: str) -> None:
    with pytest.raises(MalformedEvent, match=problem):
        CloudEvent.from_bytes(raw)


def test_an_unknown_event_type_is_malformed() -> None:
    event = CloudEvent(
        source="/x", type="accelerator.nope.v1", subject="s", data={}, correlationid="c"
    )
    with pytest.raises(MalformedEvent, match="unknown event type"):
        read_payload(event)
