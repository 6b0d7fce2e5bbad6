"""The one event scoring publishes: an application's new score, with its breakdown."""

from services.scoring.domain.application import ApplicationState
from services.scoring.domain.rubric import as_points
from services.scoring.domain.scorecard import ScoreCard
from shared.events.codec import make_event
from shared.events.contracts import ApplicationScored
from shared.events.envelope import CloudEvent

SERVICE = "scoring"
Outgoing = tuple[str, CloudEvent]


def scored(state: ApplicationState, card: ScoreCard, correlation_id: str) -> Outgoing:
    payload = ApplicationScored(
        application_id=state.application_id,
        total=as_points(card.total),
        breakdown=card.published_breakdown(),
        rubric_version=card.rubric.version,
    )
    event = make_event(
        payload,
        service=SERVICE,
        subject=str(state.application_id),
        correlation_id=correlation_id,
        edition_id=state.edition_id,
    )
    return payload.topic, event
