"""The review panel's use cases: the admin's reviewers and assignment runs, and what a
reviewer does from their own pages (score an assigned application, declare a conflict).

Each runs in one transaction with the events it causes (docs/architecture.md#the-review-panel).
Changes to one edition's panel take the panel's lock first, so assignments are always made
against the loads as they are.
"""

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from services.scoring.adapters import (
    applications_repository,
    panel_repository,
    pitches_repository,
)
from services.scoring.adapters.panel_repository import AssignmentRow, PanelMember
from services.scoring.domain.application import ApplicationState, NotReviewable
from services.scoring.domain.assignment import Plan, assign, choose
from services.scoring.domain.panel import (
    Candidate,
    PanelRules,
    Reviewer,
    ReviewerContact,
    review_score,
)
from services.scoring.domain.scorecard import Review, ScoreCard
from services.scoring.handlers import events
from services.scoring.handlers.errors import NoReviewPanel, NotAssigned, UnknownReviewer
from services.scoring.handlers.reviews import submit_review
from services.scoring.handlers.scoring import Scoring
from shared import topics
from shared.db import Connection
from shared.events.codec import Outgoing
from shared.events.contracts import reviewer_contact_key
from shared.outbox import add_to_outbox, add_tombstone_to_outbox


def rules_of(scoring: Scoring, edition_id: str) -> PanelRules:
    rules = scoring.panels.get(edition_id)
    if rules is None:
        raise NoReviewPanel(edition_id)
    return rules


# --- the admin's side ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewerInput:
    reviewer_id: str
    contact: ReviewerContact
    noc: str | None
    conflict_nocs: tuple[str, ...]
    conflict_sectors: tuple[str, ...]


async def set_reviewer(
    conn: Connection,
    *,
    edition_id: str,
    given: ReviewerInput,
    scoring: Scoring,
    correlation_id: str,
) -> tuple[PanelMember, bool]:
    """Add a reviewer to the panel or change one; their contact goes to the contacts topic.
    Conflicts declared now count for the next assignments, not for those already made."""
    rules_of(scoring, edition_id)
    reviewer = Reviewer.of(
        given.reviewer_id,
        noc=given.noc,
        conflict_nocs=given.conflict_nocs,
        conflict_sectors=given.conflict_sectors,
    )
    async with conn.transaction():
        await panel_repository.lock_panel(conn, edition_id=edition_id)
        member, created = await panel_repository.upsert_reviewer(
            conn,
            edition_id=edition_id,
            reviewer=reviewer,
            contact=given.contact,
            raw_conflict_nocs=sorted(reviewer.conflict_nocs),
            raw_conflict_sectors=sorted(reviewer.conflict_sectors),
        )
        await add_to_outbox(
            conn, [events.reviewer_contact(edition_id, member.contact, correlation_id)]
        )
    return member, created


@dataclass(frozen=True)
class Progress:
    member: PanelMember
    assigned: int
    reviewed: int


async def panel_progress(conn: Connection, *, edition_id: str, scoring: Scoring) -> list[Progress]:
    rules_of(scoring, edition_id)
    members = await panel_repository.panel(conn, edition_id=edition_id)
    rows = await panel_repository.assignments(conn, edition_id=edition_id)
    live = [r for r in rows if r.live]
    return [
        Progress(
            member=m,
            assigned=sum(1 for r in live if r.reviewer_id == m.reviewer.reviewer_id),
            reviewed=sum(
                1
                for r in live
                if r.reviewer_id == m.reviewer.reviewer_id and r.reviewed_at is not None
            ),
        )
        for m in members
    ]


@dataclass(frozen=True)
class AssignmentRun:
    edition_id: str
    chosen: int
    assigned: int
    short: tuple[UUID, ...]
    loads: dict[str, int]
    invited: int


async def assign_reviewers(
    conn: Connection, *, edition_id: str, scoring: Scoring, correlation_id: str
) -> AssignmentRun:
    """Give the applications the edition's rule chooses their k reviewers. Assignments already
    made stay; a second run only adds what is missing (or what became chosen since)."""
    rules = rules_of(scoring, edition_id)
    async with conn.transaction():
        await panel_repository.lock_panel(conn, edition_id=edition_id)
        chosen, plan = await _place(
            conn,
            edition_id=edition_id,
            rules=rules,
            pick=lambda candidates: choose(candidates.values(), rule=rules.rule, top=rules.top),
            reassignment=False,
            scoring=scoring,
            correlation_id=correlation_id,
        )
    return AssignmentRun(
        edition_id=edition_id,
        chosen=chosen,
        assigned=len(plan.new),
        short=plan.short,
        loads=plan.loads,
        invited=len({p.reviewer_id for p in plan.new}),
    )


async def remove_reviewer(
    conn: Connection, *, edition_id: str, reviewer_id: str, scoring: Scoring, correlation_id: str
) -> int:
    """Take a reviewer off the panel: their contact data is deleted here and, by a tombstone,
    from the contacts topic; what they had not reviewed yet goes to others. Their reviews
    stay. Returns how many applications were re-assigned."""
    rules = rules_of(scoring, edition_id)
    async with conn.transaction():
        await panel_repository.lock_panel(conn, edition_id=edition_id)
        if not await panel_repository.delete_reviewer(
            conn, edition_id=edition_id, reviewer_id=reviewer_id
        ):
            raise UnknownReviewer(reviewer_id)
        key = reviewer_contact_key(edition_id, reviewer_id)
        await panel_repository.delete_unpublished_contact(conn, key=key)
        await add_tombstone_to_outbox(conn, topic=topics.CONTACTS, key=key)
        rows = await panel_repository.assignments(conn, edition_id=edition_id)
        pending = [r for r in rows if r.live and r.reviewer_id == reviewer_id and not r.reviewed_at]
        outgoing = await _release(
            conn,
            edition_id=edition_id,
            rows=pending,
            reason="removed",
            scoring=scoring,
            correlation_id=correlation_id,
        )
        await add_to_outbox(conn, outgoing)
        await _reassign(
            conn,
            edition_id=edition_id,
            rules=rules,
            application_ids=[r.application_id for r in pending],
            scoring=scoring,
            correlation_id=correlation_id,
        )
    return len(pending)


# --- the reviewer's side ------------------------------------------------------------------


async def member_of_seat(conn: Connection, *, seat_id: UUID) -> PanelMember | None:
    return await panel_repository.member_by_seat(conn, seat_id=seat_id)


async def reviewer_queue(conn: Connection, *, member: PanelMember) -> list[AssignmentRow]:
    return await panel_repository.queue(
        conn, edition_id=member.edition_id, reviewer_id=member.reviewer.reviewer_id
    )


@dataclass(frozen=True)
class AssignedApplication:
    assignment: AssignmentRow
    state: ApplicationState
    card: ScoreCard | None
    own_review: Review | None
    pitch: str | None = None
    """None until the pitch arrives from the contacts topic, and after it is erased."""


async def assigned_application(
    conn: Connection, *, member: PanelMember, application_id: UUID, scoring: Scoring
) -> AssignedApplication:
    """One application of the reviewer's own queue; NotAssigned for any other."""
    rows = await panel_repository.queue(
        conn, edition_id=member.edition_id, reviewer_id=member.reviewer.reviewer_id
    )
    row = next((r for r in rows if r.application_id == application_id), None)
    state = await applications_repository.get(conn, application_id=application_id)
    if row is None or state is None:
        raise NotAssigned(application_id)
    own = next((r for r in state.reviews if r.reviewer_id == member.reviewer.reviewer_id), None)
    pitch = await pitches_repository.pitch_of(conn, application_id=application_id)
    return AssignedApplication(row, state, state.score(scoring.rubric_of(state)), own, pitch)


async def submit_panel_review(
    conn: Connection,
    *,
    member: PanelMember,
    application_id: UUID,
    criteria: dict[str, int],
    comment: str | None,
    scoring: Scoring,
    correlation_id: str,
) -> int:
    """A reviewer's scores of an assigned application, through the review path (a new score
    event when the total changes) and as review.submitted; returns the review's score.
    BadCriterionScores for scores that are not the edition's criteria, each 0-10."""
    rules = rules_of(scoring, member.edition_id)
    score = review_score(rules.criteria, criteria)
    reviewer_id = member.reviewer.reviewer_id
    now = scoring.clock.now()
    async with conn.transaction():
        row = await panel_repository.lock_live_assignment(
            conn,
            edition_id=member.edition_id,
            application_id=application_id,
            reviewer_id=reviewer_id,
        )
        if row is None:
            raise NotAssigned(application_id)
        review = Review(reviewer_id, score, False, comment, now)
        await submit_review(
            conn,
            application_id=application_id,
            review=review,
            scoring=scoring,
            correlation_id=correlation_id,
        )
        await panel_repository.save_criteria(
            conn,
            application_id=application_id,
            reviewer_id=reviewer_id,
            criteria=criteria,
            at=now,
        )
        await add_to_outbox(
            conn,
            [
                events.submitted(
                    member.edition_id,
                    row.pair,
                    score=score,
                    criteria=criteria,
                    at=now,
                    correlation_id=correlation_id,
                )
            ],
        )
    return score


async def declare_conflict(
    conn: Connection,
    *,
    member: PanelMember,
    application_id: UUID,
    scoring: Scoring,
    correlation_id: str,
) -> None:
    """The reviewer has a conflict of interest: their review (if any) stops counting, the
    application leaves their queue and goes to another reviewer the rules allow."""
    rules = rules_of(scoring, member.edition_id)
    reviewer_id = member.reviewer.reviewer_id
    async with conn.transaction():
        await panel_repository.lock_panel(conn, edition_id=member.edition_id)
        row = await panel_repository.lock_live_assignment(
            conn,
            edition_id=member.edition_id,
            application_id=application_id,
            reviewer_id=reviewer_id,
        )
        if row is None:
            raise NotAssigned(application_id)
        state = await applications_repository.get(conn, application_id=application_id)
        earlier = (
            next((r for r in state.reviews if r.reviewer_id == reviewer_id), None)
            if state
            else None
        )
        conflict = Review(
            reviewer_id, earlier.score if earlier else 0, True, None, scoring.clock.now()
        )
        # Withdrawn meanwhile: there is nothing to exclude, and the release still frees it.
        with contextlib.suppress(NotReviewable):
            await submit_review(
                conn,
                application_id=application_id,
                review=conflict,
                scoring=scoring,
                correlation_id=correlation_id,
            )
        outgoing = await _release(
            conn,
            edition_id=member.edition_id,
            rows=[row],
            reason="conflict",
            scoring=scoring,
            correlation_id=correlation_id,
        )
        await add_to_outbox(conn, outgoing)
        await _reassign(
            conn,
            edition_id=member.edition_id,
            rules=rules,
            application_ids=[application_id],
            scoring=scoring,
            correlation_id=correlation_id,
        )


# --- shared steps ---------------------------------------------------------------------------


async def _candidates(
    conn: Connection, *, edition_id: str, scoring: Scoring, rows: Sequence[AssignmentRow]
) -> dict[UUID, Candidate]:
    """The edition's reviewable applications, with the reviewers who may no longer get them
    (any earlier assignment, released or not, stays theirs or is refused for good)."""
    before: dict[UUID, set[str]] = {}
    for row in rows:
        if row.released_at is not None:
            before.setdefault(row.application_id, set()).add(row.reviewer_id)
    candidates: dict[UUID, Candidate] = {}
    for state in await applications_repository.eligible_of_edition(conn, edition_id=edition_id):
        card = state.score(scoring.rubric_of(state))
        if state.facts is None or card is None:
            continue
        business = state.facts.business
        candidates[state.application_id] = Candidate(
            application_id=state.application_id,
            country=state.facts.country,
            sector=business.sector if business else None,
            rubric_total=card.rubric.total,
            submitted_at=state.facts.submitted_at,
            declined_by=frozenset(before.get(state.application_id, ())),
        )
    return candidates


async def _place(
    conn: Connection,
    *,
    edition_id: str,
    rules: PanelRules,
    pick: Callable[[dict[UUID, Candidate]], Sequence[Candidate]],
    reassignment: bool,
    scoring: Scoring,
    correlation_id: str,
) -> tuple[int, Plan]:
    """Give the reviewable applications `pick` chooses their missing reviewers: record the
    assignments and queue review.assigned and one reviewer.invited per reviewer given
    something new. Returns how many applications were chosen, and the plan."""
    members = await panel_repository.panel(conn, edition_id=edition_id)
    rows = await panel_repository.assignments(conn, edition_id=edition_id)
    candidates = pick(await _candidates(conn, edition_id=edition_id, scoring=scoring, rows=rows))
    now = scoring.clock.now()
    known = {m.reviewer.reviewer_id: m for m in members}
    live = [r.pair for r in rows if r.live and r.reviewer_id in known]
    plan = assign(candidates, [m.reviewer for m in members], k=rules.k, live=live)
    await panel_repository.insert_assignments(
        conn, edition_id=edition_id, pairs=plan.new, at=now, reassignment=reassignment
    )
    outgoing = [
        events.assigned(
            edition_id, pair, at=now, reassignment=reassignment, correlation_id=correlation_id
        )
        for pair in plan.new
    ]
    fresh: dict[str, int] = {}
    for pair in plan.new:
        fresh[pair.reviewer_id] = fresh.get(pair.reviewer_id, 0) + 1
    for reviewer_id, count in sorted(fresh.items()):
        member = known[reviewer_id]
        outgoing.append(
            events.invited(
                edition_id,
                reviewer_id=reviewer_id,
                seat_id=member.seat_id,
                assignments=plan.loads[reviewer_id],
                new_assignments=count,
                link_expires_at=now + rules.link_lifetime,
                correlation_id=correlation_id,
            )
        )
    await add_to_outbox(conn, outgoing)
    return len(candidates), plan


async def _release(
    conn: Connection,
    *,
    edition_id: str,
    rows: Sequence[AssignmentRow],
    reason: Literal["conflict", "removed"],
    scoring: Scoring,
    correlation_id: str,
) -> list[Outgoing]:
    now = scoring.clock.now()
    for row in rows:
        await panel_repository.release(
            conn,
            application_id=row.application_id,
            reviewer_ids=[row.reviewer_id],
            reason=reason,
            at=now,
        )
    return [
        events.released(edition_id, row.pair, at=now, reason=reason, correlation_id=correlation_id)
        for row in rows
    ]


async def _reassign(
    conn: Connection,
    *,
    edition_id: str,
    rules: PanelRules,
    application_ids: Sequence[UUID],
    scoring: Scoring,
    correlation_id: str,
) -> None:
    """Top the released applications up to k reviewers, if they are still reviewable."""
    if not application_ids:
        return
    await _place(
        conn,
        edition_id=edition_id,
        rules=rules,
        pick=lambda candidates: [candidates[a] for a in application_ids if a in candidates],
        reassignment=True,
        scoring=scoring,
        correlation_id=correlation_id,
    )


# --- the manager's view ---------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationReviews:
    application_id: UUID
    reviewers: int
    reviewed: int
    scores: tuple[int, ...]

    @property
    def spread(self) -> int:
        return max(self.scores) - min(self.scores) if self.scores else 0


@dataclass(frozen=True)
class ReviewProgress:
    rules: PanelRules
    reviewers: list[Progress]
    applications: list[ApplicationReviews]

    @property
    def lacking(self) -> list[ApplicationReviews]:
        """Assigned applications with fewer than k reviews saved."""
        return [a for a in self.applications if a.reviewed < self.rules.k]

    @property
    def disagreements(self) -> list[ApplicationReviews]:
        """Applications whose reviewers' scores lie further apart than the edition allows."""
        return [a for a in self.applications if a.spread > self.rules.disagreement_spread]


async def review_progress(conn: Connection, *, edition_id: str, scoring: Scoring) -> ReviewProgress:
    rules = rules_of(scoring, edition_id)
    reviewers = await panel_progress(conn, edition_id=edition_id, scoring=scoring)
    by_application: dict[UUID, list[AssignmentRow]] = {}
    for row in await panel_repository.assignments(conn, edition_id=edition_id):
        if row.live:
            by_application.setdefault(row.application_id, []).append(row)
    applications = []
    for application_id, rows in sorted(by_application.items()):
        scores = tuple(
            sorted(
                review_score(rules.criteria, r.criteria)
                for r in rows
                if r.criteria is not None and set(r.criteria) == set(rules.criteria)
            )
        )
        applications.append(
            ApplicationReviews(
                application_id=application_id,
                reviewers=len(rows),
                reviewed=sum(1 for r in rows if r.reviewed_at is not None),
                scores=scores,
            )
        )
    return ReviewProgress(rules=rules, reviewers=reviewers, applications=applications)
