"""Scoring what changed: each touched application once, publishing only a new score."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from services.scoring.adapters import applications_repository as repository
from services.scoring.domain.application import ApplicationState, Status
from services.scoring.domain.panel import PanelRules
from services.scoring.domain.rubric import Rubric
from services.scoring.handlers import events
from shared.clock import Clock
from shared.db import Connection
from shared.events.codec import Outgoing
from shared.logs import get_logger
from shared.outbox import add_to_outbox

log = get_logger(__name__)


@dataclass(frozen=True)
class Scoring:
    """What the use cases need: each edition's rubric, its review panel's rules, the clock."""

    rubrics: Mapping[str, Rubric]
    clock: Clock
    panels: Mapping[str, PanelRules] = field(default_factory=dict)

    def rubric_of(self, state: ApplicationState) -> Rubric | None:
        return self.rubrics.get(state.edition_id) if state.edition_id else None


async def score_and_save(
    conn: Connection,
    states: Sequence[ApplicationState],
    correlation_ids: Mapping[UUID, str],
    *,
    scoring: Scoring,
) -> int:
    """Save the states, rescored; a changed score goes to the outbox. Returns how many did."""
    now = scoring.clock.now()
    saved: list[ApplicationState] = []
    outgoing: list[Outgoing] = []
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
            outgoing.append(events.scored(state, card, correlation_ids[state.application_id]))
    await repository.save_many(conn, states=saved)
    await add_to_outbox(conn, outgoing)
    return len(outgoing)
