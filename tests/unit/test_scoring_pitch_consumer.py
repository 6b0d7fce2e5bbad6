"""Scoring's reading of the contacts topic: pitches and their tombstones only, and no pitch
text in an error or a log line."""

import json
import uuid
from types import SimpleNamespace

import pytest

from services.scoring.adapters.pitches_repository import PitchVersion
from services.scoring.entrypoints import consumer
from shared.consumer import Delivery, Tombstone
from shared.events.codec import make_event
from shared.events.contracts import (
    ApplicationPitch,
    ContactUpdated,
    pitch_key,
    reviewer_contact_key,
)
from shared.events.envelope import CloudEvent, MalformedEvent
from shared.logs import configure_logging, get_logger

pytestmark = pytest.mark.unit

PITCH = "Judo mats by Marie Dupont,\nsold to clubs."


def _record(key: str, offset: int, partition: int = 1) -> SimpleNamespace:
    return SimpleNamespace(key=key.encode(), partition=partition, offset=offset, value=None)


def test_only_pitches_and_pitch_tombstones_are_taken_from_the_contacts_topic() -> None:
    application_id = uuid.uuid4()
    pitch = make_event(
        ApplicationPitch(edition_id="e1", application_id=application_id, pitch=PITCH),
        service="intake",
        subject=pitch_key(application_id),
        correlation_id="c",
    )
    contact = make_event(
        ContactUpdated(applicant_id="A1", full_name="X", email="x@example.org", language="en"),
        service="intake",
        subject="A1",
        correlation_id="c",
    )
    deliveries = [
        Delivery(contact, _record("A1", 4)),
        Delivery(pitch, _record(pitch_key(application_id), 5)),
    ]
    assert consumer.pitches(deliveries) == [PitchVersion(application_id, PITCH, 1, 5)]

    tombstones = [
        Tombstone(_record("A1", 6)),
        Tombstone(_record(reviewer_contact_key("e1", "r-ana"), 7)),
        Tombstone(_record("pitch:not-an-id", 8)),
        Tombstone(_record(pitch_key(application_id), 9)),
    ]
    assert consumer.erasures(tombstones) == [PitchVersion(application_id, None, 1, 9)]


def test_a_malformed_pitch_is_refused_naming_the_field_without_quoting_the_pitch(
    capsys: pytest.CaptureFixture[str],
) -> None:
    event = CloudEvent(
        source="/accelerator/intake",
        type=ApplicationPitch.event_type,
        subject="pitch:x",
        data={"application_id": "not-a-uuid", "pitch": PITCH},
        correlationid="c",
    )
    with pytest.raises(MalformedEvent) as refused:
        consumer.pitches([Delivery(event, _record("pitch:x", 1))])
    assert "application_id" in str(refused.value)
    assert "edition_id" in str(refused.value)
    assert "Dupont" not in str(refused.value)

    configure_logging("scoring")
    get_logger("tests").warning("pitch refused", pitch=PITCH, reason=str(refused.value))
    (line,) = [json.loads(text) for text in capsys.readouterr().out.splitlines()]
    assert "Dupont" not in json.dumps(line)
