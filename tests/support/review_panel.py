"""An edition with a review panel of its own, its applications, and what scoring publishes
about the panel: what the review-panel tests share."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from shared import topics
from shared.editions import DEFAULT_EDITIONS_DIR
from shared.events.codec import make_event
from shared.events.contracts import (
    ApplicationReceived,
    ApplicationScreened,
    BusinessProfile,
    EventPayload,
)
from shared.events.envelope import CloudEvent
from tests.support.kafka import produce, read_to_end

REVIEW_LINK_KEY = "tests-review-link-key"


def write_panel_edition(directory: Path, *, top: int | None = None, k: int = 2) -> str:
    """A copy of the demo edition with a fresh id and these review rules."""
    edition_id = f"panel-test-{uuid.uuid4().hex[:10]}"
    text = (DEFAULT_EDITIONS_DIR / "athlete365-4.toml").read_text()
    rule = f'assign = "top"\ntop = {top}' if top else 'assign = "all_eligible"'
    replacements = {
        'id = "athlete365-4"': f'id = "{edition_id}"',
        'assign = "top"\ntop = 150': rule,
        "reviewers_per_application = 2": f"reviewers_per_application = {k}",
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{edition_id}.toml").write_text(text)
    return edition_id


def _event(payload: EventPayload, application_id: uuid.UUID, edition_id: str) -> CloudEvent:
    return make_event(
        payload,
        service="intake",
        subject=str(application_id),
        correlation_id=str(uuid.uuid4()),
        edition_id=edition_id,
    )


def application_events(
    edition_id: str,
    application_id: uuid.UUID,
    *,
    country: str,
    sector: str = "sporting_goods",
    stage: str = "revenue",
    markets: Sequence[str] = ("USA", "JPN"),
) -> list[CloudEvent]:
    business = BusinessProfile.model_validate(
        {
            "sector": sector,
            "stage": stage,
            "sourcing_needs": ["textiles", "packaging"],
            "target_markets": list(markets),
            "pitch_word_count": 80,
        }
    )
    received = ApplicationReceived(
        application_id=application_id,
        edition_id=edition_id,
        applicant_id=f"A365-{application_id.hex[:8].upper()}",
        country=country,
        sport="Rowing",
        athlete_status="former_olympian",
        submitted_at=datetime(2026, 10, 1, tzinfo=UTC)
        + timedelta(seconds=application_id.int % 1000),
        career_end_year=2022,
        language="fr",
        business=business,
    )
    screened = ApplicationScreened(application_id=application_id, eligible=True, reasons=[])
    return [
        _event(received, application_id, edition_id),
        _event(screened, application_id, edition_id),
    ]


async def publish_applications(bootstrap: str, events: Sequence[CloudEvent]) -> None:
    await produce(bootstrap, topics.APPLICATIONS, [(e.subject, e.to_bytes()) for e in events])


async def panel_events(bootstrap: str, edition_id: str) -> list[CloudEvent]:
    """This edition's events on accelerator.reviews, each once, by partition then offset."""
    found: list[CloudEvent] = []
    seen: set[uuid.UUID] = set()
    for record in await read_to_end(bootstrap, topics.REVIEWS):
        event = CloudEvent.from_bytes(record.value)
        if event.editionid == edition_id and event.id not in seen:
            seen.add(event.id)
            found.append(event)
    return found


async def contact_records(bootstrap: str) -> list[tuple[str, bytes | None]]:
    return [
        (record.key.decode(), record.value)
        for record in await read_to_end(bootstrap, topics.CONTACTS)
    ]
