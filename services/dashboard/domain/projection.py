"""The dashboard's whole picture, folded from the public topics in batches. Pure: no I/O.

It is rebuilt from the beginning of the topics on every start, so it needs no storage and a
restart shows the same numbers.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from uuid import UUID

from services.dashboard.domain.edition_tally import EditionTally, OfferTally
from services.dashboard.domain.observations import (
    DeadLetter,
    Observation,
    ObservedEvent,
    Redriven,
)
from services.dashboard.domain.picture import (
    DashboardView,
    EditionSummary,
    RecentEvent,
    ServiceLag,
)
from services.dashboard.domain.review_tally import UNKNOWN_RULES, ReviewRules
from shared import topics
from shared.events import contracts as c

_OFFER_OUTCOMES: dict[type[c.EventPayload], str] = {
    c.GrantAccepted: "accepted",
    c.GrantDeclined: "declined",
    c.GrantExpired: "expired",
}


class Projection:
    def __init__(self, review_rules: Mapping[str, ReviewRules] | None = None) -> None:
        """review_rules: each edition's `[review]` rules, from its edition file; an edition
        without them is judged by UNKNOWN_RULES."""
        self._review_rules = dict(review_rules or {})
        self.version = 0
        """Grows with every batch that changed something; lets the page skip idle pushes."""
        self.events_seen = 0
        self._tallies: dict[str, EditionTally] = {}
        self._edition_of_application: dict[UUID, str] = {}
        # Dead letters still waiting for an operator, by their place on the DLQ, with the
        # edition each counts against. A redrive marker may be read before its entry (they
        # can sit on different partitions), so redriven refs are remembered too.
        self._dead_letters: dict[str, str | None] = {}
        self._redriven: set[str] = set()

    def apply(self, batch: Iterable[Observation]) -> None:
        changed = False
        for observation in batch:
            changed = True
            if isinstance(observation, DeadLetter):
                self._dead_letter(observation)
            elif isinstance(observation, Redriven):
                self._redrive(observation)
            else:
                self._event(observation)
        if changed:
            self.version += 1

    def editions(self) -> list[EditionSummary]:
        """Opened editions, the most recently opened first."""
        opened = [
            EditionSummary(t.edition_id, t.name or t.edition_id, t.state, t.opens_at)
            for t in self._tallies.values()
            if t.opens_at is not None
        ]
        # Stable sort: of editions opening at the same time, the one announced last wins.
        return sorted(opened, key=lambda e: e.opens_at, reverse=True)

    def default_edition(self) -> str | None:
        opened = self.editions()
        return opened[0].edition_id if opened else None

    def view(
        self,
        *,
        edition_id: str | None,
        now: datetime,
        caught_up: bool,
        consumer_lag: Sequence[ServiceLag],
        lag_checked_at: datetime | None,
    ) -> DashboardView:
        """An edition nobody has heard of yet shows zeros, so its page fills in live."""
        chosen = edition_id or self.default_edition()
        tally = self._tallies.get(chosen) if chosen else None
        if chosen and tally is None:
            tally = self._new_tally(chosen)
        return DashboardView(
            as_of=now,
            caught_up=caught_up,
            events_seen=self.events_seen,
            dead_letters_total=len(self._dead_letters),
            editions=self.editions(),
            edition=tally.picture(now) if tally else None,
            consumer_lag=list(consumer_lag),
            lag_checked_at=lag_checked_at,
        )

    def _tally(self, edition_id: str) -> EditionTally:
        tally = self._tallies.get(edition_id)
        if tally is None:
            tally = self._tallies[edition_id] = self._new_tally(edition_id)
        return tally

    def _new_tally(self, edition_id: str) -> EditionTally:
        rules = self._review_rules.get(edition_id, UNKNOWN_RULES)
        return EditionTally(edition_id, review_rules=rules)

    def _dead_letter(self, letter: DeadLetter) -> None:
        where = (letter.origin_topic, letter.origin_partition, letter.origin_offset)
        if letter.ref not in self._redriven:
            self._dead_letters[letter.ref] = letter.edition_id
        if letter.edition_id is not None:
            tally = self._tally(letter.edition_id)
            if letter.ref not in self._redriven:
                tally.dead_letters.add(letter.ref)
            subject = f"{letter.origin_topic}[{letter.origin_partition}]@{letter.origin_offset}"
            news = RecentEvent("dead-lettered", subject, letter.failed_at, topics.DLQ)
            tally.remember(where, news)

    def _redrive(self, marker: Redriven) -> None:
        self._redriven.add(marker.ref)
        if marker.ref in self._dead_letters:
            edition_id = self._dead_letters.pop(marker.ref)
            if edition_id is not None:
                self._tally(edition_id).dead_letters.discard(marker.ref)

    def _event(self, event: ObservedEvent) -> None:
        self.events_seen += 1
        payload = event.payload
        application_id: UUID | None = getattr(payload, "application_id", None)
        edition_id = getattr(payload, "edition_id", None) or event.edition_id
        if edition_id is None and application_id is not None:
            edition_id = self._edition_of_application.get(application_id)
        if edition_id is None:
            return
        if application_id is not None:
            self._edition_of_application.setdefault(application_id, edition_id)
        tally = self._tally(edition_id)
        subject = event.subject
        if isinstance(payload, c.NotificationSent | c.NotificationFailed):
            subject = str(payload.notification_id)  # the key is the applicant: not for a wall
        tally.remember(event.event_id, RecentEvent(event.type, subject, event.time, event.topic))
        if payload is not None:
            _fold(tally, payload)


def _fold(tally: EditionTally, payload: c.EventPayload) -> None:
    match payload:
        case c.EditionOpened():
            tally.name, tally.opens_at = payload.name, payload.opens_at
            tally.grant_capacity = payload.grant_capacity
            tally.package_value_cents = payload.package_value_cents
            tally.currency = payload.currency
            if tally.state == "unknown":
                tally.state = "open"
        case c.EditionClosed():
            tally.state = "closed"
        case c.ApplicationReceived():
            tally.received.add(payload.application_id)
        case c.ApplicationScreened():
            tally.eligibility[payload.application_id] = payload.eligible
        case c.ApplicationWithdrawn():
            tally.withdrawn.add(payload.application_id)
        case c.TrainingEnrolled():
            tally.enrolled.add(payload.application_id)
        case c.ApplicationScored():
            tally.latest_scores[payload.application_id] = payload.total
        case c.GrantOffered():
            offer = tally.offers.get(payload.offer_id)
            terms = OfferTally(
                payload.application_id, payload.rank, payload.amount_cents, payload.expires_at
            )
            if offer is not None:
                terms.state = offer.state  # an answer read before a republished offer stands
            tally.offers[payload.offer_id] = terms
        case c.GrantAccepted() | c.GrantDeclined() | c.GrantExpired():
            known = tally.offers.setdefault(
                payload.offer_id, OfferTally(payload.application_id, 0, 0, None)
            )
            known.state = _OFFER_OUTCOMES[type(payload)]
        case c.ApplicationWaitlisted():
            tally.waitlisted.add(payload.application_id)
        case c.ApplicationNotSelected():
            tally.not_selected.add(payload.application_id)
        case c.NotificationSent():
            tally.notifications_sent.add(payload.notification_id)
        case c.NotificationFailed():
            tally.notifications_failed.add(payload.notification_id)
        case c.ReviewAssigned():
            tally.reviews.seat(payload.application_id, payload.reviewer_id).assign(
                payload.assigned_at
            )
        case c.ReviewReleased():
            # Any release ends the seat; only a declared conflict counts as one.
            tally.reviews.seat(payload.application_id, payload.reviewer_id).release(
                payload.released_at, conflict=payload.reason == "conflict"
            )
        case c.ReviewSubmitted():
            tally.reviews.seat(payload.application_id, payload.reviewer_id).submit(
                payload.score, payload.submitted_at
            )
