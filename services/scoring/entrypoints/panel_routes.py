"""The admin's side of the review panel: reviewers and assignment runs (admin token only)."""

from collections.abc import Callable
from typing import Annotated

import asyncpg
from fastapi import APIRouter, Depends, HTTPException, Path, status

from services.scoring import handlers
from services.scoring.adapters.panel_repository import PanelMember
from services.scoring.domain.panel import ReviewerContact
from services.scoring.entrypoints.schemas import (
    ApplicationReviewsOut,
    AssignmentRunOut,
    ReviewerBody,
    ReviewerOut,
    ReviewerProgressOut,
    ReviewerRemovedOut,
    ReviewProgressOut,
)
from shared.auth import require_token
from shared.correlation import current_correlation_id
from shared.events.contracts import REVIEWER_ID_PATTERN

ReviewerId = Annotated[str, Path(pattern=REVIEWER_ID_PATTERN, description="The reviewer's id.")]
_NO_PANEL = "unknown edition, or its file has no [review] section"


def _no_panel(edition_id: str) -> HTTPException:
    return HTTPException(
        status.HTTP_404_NOT_FOUND, f"edition {edition_id!r}: no review panel ({_NO_PANEL})"
    )


def _out(member: PanelMember, assigned: int, reviewed: int) -> ReviewerOut:
    return ReviewerOut(
        edition_id=member.edition_id,
        reviewer_id=member.reviewer.reviewer_id,
        full_name=member.contact.full_name,
        email=member.contact.email,
        language=member.contact.language,
        noc=member.reviewer.noc,
        conflict_nocs=sorted(member.reviewer.conflict_nocs),
        conflict_sectors=sorted(member.reviewer.conflict_sectors),
        assigned=assigned,
        reviewed=reviewed,
    )


def router(
    *, pool: Callable[[], asyncpg.Pool], scoring: handlers.Scoring, admin_token: str
) -> APIRouter:
    admin = APIRouter(
        prefix="/v1/editions",
        tags=["review panel"],
        dependencies=[Depends(require_token(admin_token))],
        responses={404: {"description": _NO_PANEL}},
    )

    @admin.put("/{edition_id}/reviewers/{reviewer_id}")
    async def put_reviewer(
        edition_id: str, reviewer_id: ReviewerId, body: ReviewerBody
    ) -> ReviewerOut:
        """Add a reviewer to the edition's panel, or change one (same id). Conflicts count for
        the assignments made from now on. The contact goes to notification on the private
        contacts topic."""
        given = handlers.panel.ReviewerInput(
            reviewer_id=reviewer_id,
            contact=ReviewerContact(reviewer_id, body.full_name, body.email, body.language),
            noc=body.noc,
            conflict_nocs=tuple(body.conflict_nocs),
            conflict_sectors=tuple(body.conflict_sectors),
        )
        async with pool().acquire() as conn:
            try:
                member, _ = await handlers.panel.set_reviewer(
                    conn,
                    edition_id=edition_id,
                    given=given,
                    scoring=scoring,
                    correlation_id=current_correlation_id(),
                )
                progress = await handlers.panel.panel_progress(
                    conn, edition_id=edition_id, scoring=scoring
                )
            except handlers.NoReviewPanel:
                raise _no_panel(edition_id) from None
        mine = next(p for p in progress if p.member.reviewer.reviewer_id == reviewer_id)
        return _out(member, mine.assigned, mine.reviewed)

    @admin.get("/{edition_id}/reviewers")
    async def list_reviewers(edition_id: str) -> list[ReviewerOut]:
        """The edition's panel with each reviewer's progress (reviewed of assigned)."""
        async with pool().acquire() as conn:
            try:
                progress = await handlers.panel.panel_progress(
                    conn, edition_id=edition_id, scoring=scoring
                )
            except handlers.NoReviewPanel:
                raise _no_panel(edition_id) from None
        return [_out(p.member, p.assigned, p.reviewed) for p in progress]

    @admin.delete(
        "/{edition_id}/reviewers/{reviewer_id}",
        responses={404: {"description": f"{_NO_PANEL}, or no such reviewer"}},
    )
    async def delete_reviewer(edition_id: str, reviewer_id: ReviewerId) -> ReviewerRemovedOut:
        """Take a reviewer off the panel: their contact data is deleted (a tombstone on the
        contacts topic), their link stops working, and what they had not reviewed yet is
        re-assigned. Their reviews stay."""
        async with pool().acquire() as conn:
            try:
                reassigned = await handlers.panel.remove_reviewer(
                    conn,
                    edition_id=edition_id,
                    reviewer_id=reviewer_id,
                    scoring=scoring,
                    correlation_id=current_correlation_id(),
                )
            except handlers.NoReviewPanel:
                raise _no_panel(edition_id) from None
            except handlers.UnknownReviewer:
                raise HTTPException(
                    status.HTTP_404_NOT_FOUND, f"no reviewer {reviewer_id!r} on {edition_id!r}"
                ) from None
        return ReviewerRemovedOut(
            edition_id=edition_id, reviewer_id=reviewer_id, reassigned=reassigned
        )

    @admin.post("/{edition_id}/review-assignments")
    async def post_assignments(edition_id: str) -> AssignmentRunOut:
        """Assign reviewers to the applications the edition's `[review]` rule chooses (all
        eligible, or the top N by rubric total now), k each, never a conflicted reviewer,
        loads as even as conflicts allow. Assignments already made stay, so running it again
        only adds; each reviewer given something new is invited (reviewer.invited)."""
        async with pool().acquire() as conn:
            try:
                run = await handlers.panel.assign_reviewers(
                    conn,
                    edition_id=edition_id,
                    scoring=scoring,
                    correlation_id=current_correlation_id(),
                )
            except handlers.NoReviewPanel:
                raise _no_panel(edition_id) from None
        return AssignmentRunOut(
            edition_id=run.edition_id,
            chosen=run.chosen,
            assigned=run.assigned,
            short=list(run.short),
            loads=run.loads,
            invited=run.invited,
        )

    @admin.get("/{edition_id}/review-progress")
    async def get_progress(edition_id: str) -> ReviewProgressOut:
        """The manager's view: each reviewer's progress, the applications still lacking
        reviews, and those whose reviewers disagree by more than the edition's spread."""
        async with pool().acquire() as conn:
            try:
                progress = await handlers.panel.review_progress(
                    conn, edition_id=edition_id, scoring=scoring
                )
            except handlers.NoReviewPanel:
                raise _no_panel(edition_id) from None

        def view(a: handlers.panel.ApplicationReviews) -> ApplicationReviewsOut:
            return ApplicationReviewsOut(
                application_id=a.application_id,
                reviewers=a.reviewers,
                reviewed=a.reviewed,
                scores=list(a.scores),
                spread=a.spread,
            )

        return ReviewProgressOut(
            edition_id=edition_id,
            reviewers_per_application=progress.rules.k,
            disagreement_spread=progress.rules.disagreement_spread,
            reviewed=sum(p.reviewed for p in progress.reviewers),
            assigned=sum(p.assigned for p in progress.reviewers),
            reviewers=[
                ReviewerProgressOut(
                    reviewer_id=p.member.reviewer.reviewer_id,
                    assigned=p.assigned,
                    reviewed=p.reviewed,
                )
                for p in progress.reviewers
            ],
            lacking=[view(a) for a in progress.lacking],
            disagreements=[view(a) for a in progress.disagreements],
        )

    return admin
