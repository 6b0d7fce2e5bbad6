"""Dead letters count on the dashboard without it ever opening personal data."""

from dataclasses import dataclass, field
from uuid import uuid4

from services.dashboard.adapters.decoding import observe
from services.dashboard.domain.observations import DeadLetter
from services.dashboard.domain.picture import DashboardView
from services.dashboard.domain.projection import Projection
from shared import topics
from shared.dlq import DlqHeader
from tests.support.dashboard import EditionEvents


@dataclass
class Record:
    """The fields of an aiokafka ConsumerRecord the dashboard reads."""

    topic: str
    value: bytes | None
    headers: list[tuple[str, bytes]] = field(default_factory=list)
    offset: int = 0
    partition: int = 0
    timestamp: int = 1_767_225_600_000


def _dead_letter(origin: str, value: bytes, offset: int, dlq_offset: int = 0) -> Record:
    headers = [
        (DlqHeader.ORIGIN_TOPIC, origin.encode()),
        (DlqHeader.ORIGIN_PARTITION, b"2"),
        (DlqHeader.ORIGIN_OFFSET, str(offset).encode()),
        (DlqHeader.CONSUMER_GROUP, b"grant"),
        (DlqHeader.ERROR_REASON, b"invalid data"),
        (DlqHeader.FAILED_AT, b"2026-10-01T12:00:00+00:00"),
    ]
    return Record(topics.DLQ, value, headers, offset=dlq_offset)


def _redrive_marker(ref: str) -> Record:
    return Record(topics.DLQ, None, [(DlqHeader.REDRIVE_OF, ref.encode())], offset=99)


def _view(projection: Projection, edition: EditionEvents) -> DashboardView:
    return projection.view(
        edition_id=edition.edition_id,
        now=edition.now,
        caught_up=True,
        consumer_lag=[],
        lag_checked_at=None,
    )


def _waiting(projection: Projection, edition: EditionEvents) -> tuple[int, int]:
    view = _view(projection, edition)
    assert view.edition is not None
    return view.dead_letters_total, view.edition.dead_letters


def test_a_dead_lettered_event_counts_against_its_edition() -> None:
    edition = EditionEvents()
    (_, event), *_ = edition.applied(uuid4())
    letter = observe(_dead_letter(topics.APPLICATIONS, event.to_bytes(), offset=41))
    projection = Projection()

    projection.apply([letter] if letter else [])

    view = _view(projection, edition)
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


def test_a_redriven_dead_letter_no_longer_waits_whichever_is_read_first() -> None:
    edition = EditionEvents()
    (_, event), *_ = edition.applied(uuid4())
    entry = _dead_letter(topics.APPLICATIONS, event.to_bytes(), offset=41, dlq_offset=5)
    marker = _redrive_marker("0:5")
    in_order, marker_first = Projection(), Projection()

    in_order.apply([o for o in (observe(entry), observe(marker)) if o])
    marker_first.apply([o for o in (observe(marker), observe(entry)) if o])

    assert _waiting(in_order, edition) == (0, 0)
    assert _waiting(marker_first, edition) == (0, 0)


def test_a_marker_for_another_entry_leaves_this_one_waiting() -> None:
    edition = EditionEvents()
    (_, event), *_ = edition.applied(uuid4())
    projection = Projection()

    projection.apply(
        [
            o
            for o in (
                observe(_dead_letter(topics.APPLICATIONS, event.to_bytes(), 41, dlq_offset=5)),
                observe(_redrive_marker("1:5")),
            )
            if o
        ]
    )

    assert _waiting(projection, edition) == (1, 1)
