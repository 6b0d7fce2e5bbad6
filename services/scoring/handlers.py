"""Scoring's use cases. Each runs in one transaction: state, then the score events it causes."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from services.scoring.adapters import applications_repository as repository
from services.scoring.domain.application import ApplicationState, Change, Status
from services.scoring.domain.rubric import Rubric, as_points
from services.scoring.domain.scorecard import Review, ScoreCard
from shared.clock import Clock
from shared.db import Connection
from shared.events.codec import make_event
from shared.events.contracts import ApplicationScored
from shared.events.envelope import CloudEvent
from shared.logs import get_logger
from shared.outbox import add_to_outbox

log = get_logger(__name__)


@dataclass(frozen=True)
class Scoring:
    """What the use cases need: each edition's rubric and the clock."""

    rubrics: Mapping[str, Rubric]
    clock: Clock

    def rubric_of(self, state: ApplicationState) -> Rubric | None:
        return self.rubrics.get(state.edition_id) if state.edition_id else None


@dataclass(frozen=True)
class Inbound:
    """One consumed event, as the change it makes to one application."""

    application_id: UUID
    change: Change
    correlation_id: str


class UnknownApplication(LookupError):
    pass


async def apply_changes(conn: Connection, inbound: Sequence[Inbound], *, scoring: Scoring) -> int:
    """Apply a batch in order, then score each touched application once; returns events."""
    states = await repository.create_and_lock_many(
        conn, application_ids=[i.application_id for i in inbound]
    )
    correlation_ids: dict[UUID, str] = {}
    for item in inbound:
        states[item.application_id] = states[item.application_id].apply(item.change)
        correlation_ids[item.application_id] = item.correlation_id
    touched = [states[application_id] for application_id in correlation_ids]
    return await _score_and_save(conn, touched, correlation_ids, scoring=scoring)


async def submit_review(
    conn: Connection, *, application_id: UUID, review: Review, scoring: Scoring, correlation_id: str
) -> ApplicationState:
    """Record a reviewer's score (replacing their earlier one) and rescore."""
    async with conn.transaction():
        state = (await repository.lock_many(conn, application_ids=[application_id])).get(
            application_id
        )
        if state is None:
            raise UnknownApplication(application_id)
        state = state.with_review(review)
        await repository.save_review(conn, application_id=application_id, review=review)
        await _score_and_save(conn, [state], {application_id: correlation_id}, scoring=scoring)
    return state


async def explain(
    conn: Connection, *, application_id: UUID, scoring: Scoring
) -> tuple[ApplicationState, ScoreCard | None]:
    state = await repository.get(conn, application_id=application_id)
    if state is None:
        raise UnknownApplication(application_id)
    return state, state.score(scoring.rubric_of(state))


async def rescore_stale(conn: Connection, *, scoring: Scoring, correlation_id: str) -> int:
    """Score every eligible application not yet scored with its edition's current rubric."""
    published = 0
    for edition_id, rubric in scoring.rubrics.items():
        async with conn.transaction():
            stale = await repository.lock_stale_scores(
                conn, edition_id=edition_id, rubric_version=rubric.version
            )
            ids = {s.application_id: correlation_id for s in stale}
            published += await _score_and_save(conn, stale, ids, scoring=scoring)
    return published


class UnknownEdition(LookupError):
    pass


@dataclass(frozen=True)
class RescorePage:
    """One page of an edition's rescore; `next_after` is where the next page starts."""

    edition_id: str
    eligible: int
    considered: int
    rescored: int
    next_after: UUID | None


async def rescore_edition(
    conn: Connection,
    *,
    edition_id: str,
    after: UUID | None,
    limit: int,
    scoring: Scoring,
    correlation_id: str,
) -> RescorePage:
    """Recompute one page of the edition's eligible applications, in application id order.

    Only an application whose score fingerprint changed publishes a new application.scored.
    """
    if edition_id not in scoring.rubrics:
        raise UnknownEdition(edition_id)
    async with conn.transaction():
        states = await repository.lock_eligible_page(
            conn, edition_id=edition_id, after=after, limit=limit
        )
        ids = {s.application_id: correlation_id for s in states}
        rescored = await _score_and_save(conn, states, ids, scoring=scoring)
        eligible = await repository.count_eligible(conn, edition_id=edition_id)
    return RescorePage(
        edition_id=edition_id,
        eligible=eligible,
        considered=len(states),
        rescored=rescored,
        next_after=states[-1].application_id if len(states) == limit else None,
    )


async def _score_and_save(
    conn: Connection,
    states: Sequence[ApplicationState],
    correlation_ids: Mapping[UUID, str],
    *,
    scoring: Scoring,
) -> int:
    now = scoring.clock.now()
    saved: list[ApplicationState] = []
    events: list[tuple[str, CloudEvent]] = []
    for state in states:
        rubric = scoring.rubric_of(state)
        if rubric is None and state.status is Status.ELIGIBLE:
            log.warning(
                "no rubric for this edition; not scored",
                edition_id=state.edition_id,
                application_id=str(state.application_id),
                correlation_id=correlation_ids[state.application_id],
            )
        state, card = state.rescored(rubric, now=now)
        saved.append(state)
        if card is not None:
            events.append(_scored(state, card, correlation_ids[state.application_id]))
    await repository.save_many(conn, states=saved)
    await add_to_outbox(conn, events)
    return len(events)


def _scored(
    state: ApplicationState, card: ScoreCard, correlation_id: str
) -> tuple[str, CloudEvent]:
    payload = ApplicationScored(
        application_id=state.application_id,
        total=as_points(card.total),
        breakdown=card.published_breakdown(),
        rubric_version=card.rubric.version,
    )
    event = make_event(
        payload,
        service="scoring",
        subject=str(state.application_id),
        correlation_id=correlation_id,
        edition_id=state.edition_id,
    )
    return payload.topic, event
