"""Dead letters count on the dashboard without it ever opening personal data."""

from dataclasses import dataclass, field
from uuid import uuid4

from services.dashboard.adapters.decoding import observe
from services.dashboard.domain.observations import DeadLetter
from services.dashboard.domain.projection import Projection
from shared import topics
from tests.support.dashboard import EditionEvents


@dataclass
class Record:
    """The fields of an aiokafka ConsumerRecord the dashboard reads."""

    topic: str
    value: bytes | None
    headers: list[tuple[str, bytes]] = field(default_factory=list)
    offset: int = 0
    timestamp: int = 1_767_225_600_000


def _dead_letter(origin: str, value: bytes, offset: int) -> Record:
    headers = [
        ("dlq.origin.topic", origin.encode()),
        ("dlq.origin.partition", b"2"),
        ("dlq.origin.offset", str(offset).encode()),
        ("dlq.consumer.group", b"grant"),
        ("dlq.error.reason", b"invalid data"),
        ("dlq.failed.at", b"2026-10-01T12:00:00+00:00"),
    ]
    return Record(topics.DLQ, value, headers)


def test_a_dead_lettered_event_counts_against_its_edition() -> None:
    edition = EditionEvents()
    (_, event), *_ = edition.applied(uuid4())
    letter = observe(_dead_letter(topics.APPLICATIONS, event.to_bytes(), offset=41))
    projection = Projection()

    projection.apply([letter] if letter else [])

    view = projection.view(
        edition_id=edition.edition_id,
        now=edition.now,
        caught_up=True,
        consumer_lag=[],
        lag_checked_at=None,
    )
    assert view.dead_letters_total == 1
    assert view.edition is not None
    assert view.edition.dead_letters == 1
    assert view.edition.recent_events[0].subject == "accelerator.applications[2]@41"


def test_a_dead_lettered_contact_is_counted_but_never_opened() -> None:
    contact = b'{"full_name": "Example Athlete", "email": "athlete@example.org"}'

    letter = observe(_dead_letter(topics.CONTACTS, contact, offset=7))

    assert isinstance(letter, DeadLetter)
    assert letter.edition_id is None
    assert "athlete@example.org" not in repr(letter)


def test_an_unreadable_record_is_skipped() -> None:
    assert observe(Record(topics.SCORES, b"not json")) is None
