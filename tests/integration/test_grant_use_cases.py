"""Grant's use cases called directly, on real Postgres with a fixed clock: the rows they leave
and the events they queue in the outbox, without a process or Kafka in between. (The
process-level tests keep what only a process can show: crashes, replicas, the expiry loop.)"""

from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from services.grant import handlers
from services.grant.domain.applications import ApplicationFacts
from shared.db import migrate
from shared.editions import Edition, load_editions
from shared.events.envelope import CloudEvent
from shared.offer_links import OfferClaim
from tests.support.grant import Applicant, write_edition

pytestmark = pytest.mark.integration

CORRELATION = "grant-use-case-test"


@dataclass
class FixedClock:
    at: datetime

    def now(self) -> datetime:
        return self.at


@pytest.fixture
async def grant_db(stack_env: dict[str, str]) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(stack_env["GRANT_DATABASE_URL"])
    await migrate(conn, schema="grant", package="services.grant.migrations")
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2027, 3, 1, 12, tzinfo=UTC))


async def _opened(
    conn: asyncpg.Connection, tmp_path: Path, clock: FixedClock, **terms: Any
) -> Edition:
    edition_id = write_edition(tmp_path / "editions", **terms)
    edition = load_editions(tmp_path / "editions")[edition_id]
    await handlers.open_edition(conn, edition=edition, clock=clock, correlation_id=CORRELATION)
    return edition


async def _consumed(
    conn: asyncpg.Connection, edition: Edition, clock: FixedClock, people: Sequence[Applicant]
) -> None:
    """What the consumer stores of each applicant's received, screened and scored events."""
    facts = [
        ApplicationFacts(
            application_id=a.application_id,
            edition_id=edition.id,
            country=a.country,
            submitted_at=a.submitted_at,
            eligible=a.eligible,
            withdrawn=a.withdrawn,
            score_total=a.total,
            rubric_version=1 if a.total is not None else None,
        )
        for a in people
    ]
    async with conn.transaction():
        await handlers.record_applications(
            conn,
            facts=facts,
            correlation_ids={a.application_id: CORRELATION for a in people},
            clock=clock,
        )


async def _queued(conn: asyncpg.Connection, edition_id: str) -> list[CloudEvent]:
    """The edition's events in the outbox, in the order they were queued."""
    rows = await conn.fetch('SELECT payload FROM "grant".outbox ORDER BY id')
    events = [CloudEvent.from_bytes(r["payload"]) for r in rows]
    return [e for e in events if e.editionid == edition_id]


def _of(events: Sequence[CloudEvent], kind: str) -> list[UUID]:
    return [UUID(e.data["application_id"]) for e in events if e.type == f"accelerator.{kind}.v1"]


async def _offer_of(conn: asyncpg.Connection, applicant: Applicant) -> OfferClaim:
    row = await conn.fetchrow(
        'SELECT offer_id, expires_at FROM "grant".offers WHERE application_id = $1',
        applicant.application_id,
    )
    assert row is not None, "no offer"
    return OfferClaim(row["offer_id"], row["expires_at"])


async def _answer(
    conn: asyncpg.Connection, applicant: Applicant, *, accept: bool, clock: FixedClock
) -> None:
    claim = await _offer_of(conn, applicant)
    await handlers.answer_offer(
        conn, claim=claim, accept=accept, clock=clock, correlation_id=CORRELATION
    )


async def test_closing_offers_the_best_within_the_country_cap_and_waitlists_the_rest(
    grant_db: asyncpg.Connection, tmp_path: Path, clock: FixedClock
) -> None:
    edition = await _opened(grant_db, tmp_path, clock, capacity=3, country_cap=2)
    fra_1, fra_2, fra_3 = Applicant("FRA", 90), Applicant("FRA", 85), Applicant("FRA", 80)
    ken, jpn = Applicant("KEN", 70), Applicant("JPN", 70, minutes=5)  # a tie: earlier first
    unscored, ineligible = Applicant("BRA", None), Applicant("USA", 99, eligible=False)
    withdrawn = Applicant("GBR", 98, withdrawn=True)
    people = [fra_1, fra_2, fra_3, ken, jpn, unscored, ineligible, withdrawn]
    await _consumed(grant_db, edition, clock, people)

    report = await handlers.close_edition(
        grant_db, edition=edition, clock=clock, correlation_id=CORRELATION
    )
    again = await handlers.close_edition(
        grant_db,
        edition=edition,
        clock=FixedClock(clock.at + timedelta(hours=1)),
        correlation_id=CORRELATION,
    )

    assert (report.ranked, report.unranked, report.offered_at_close) == (5, 1, 3)
    assert again == report, "closing twice changes nothing"
    events = await _queued(grant_db, edition.id)
    kinds = [e.type.removeprefix("accelerator.").removesuffix(".v1") for e in events]
    assert kinds[:2] == ["edition.opened", "edition.closed"]
    assert Counter(kinds) == {
        "edition.opened": 1,
        "edition.closed": 1,
        "grant.offered": 3,
        "application.waitlisted": 2,
    }
    # The third French athlete is passed over for the cap; KEN beats JPN on submission time.
    assert _of(events, "grant.offered") == [
        fra_1.application_id,
        fra_2.application_id,
        ken.application_id,
    ]
    waitlisted = {
        UUID(e.data["application_id"]): e.data["rank"]
        for e in events
        if e.type.endswith("waitlisted.v1")
    }
    assert waitlisted == {fra_3.application_id: 3, jpn.application_id: 5}
    offered = [e for e in events if e.type.endswith("offered.v1")]
    assert {e.data["amount_cents"] for e in offered} == {edition.package_value_cents}
    deadline = clock.at + timedelta(days=edition.offer_acceptance_days)
    assert {datetime.fromisoformat(e.data["expires_at"]) for e in offered} == {deadline}


async def test_answers_expiry_and_withdrawal_pass_seats_down_until_nobody_is_left(
    grant_db: asyncpg.Connection, tmp_path: Path, clock: FixedClock
) -> None:
    edition = await _opened(grant_db, tmp_path, clock, capacity=2, country_cap=1)
    fra_1, fra_2 = Applicant("FRA", 90), Applicant("FRA", 85)
    ken, jpn, bra = Applicant("KEN", 80), Applicant("JPN", 70), Applicant("BRA", 60)
    unscored = Applicant("USA", None)
    await _consumed(grant_db, edition, clock, [fra_1, fra_2, ken, jpn, bra, unscored])
    await handlers.close_edition(grant_db, edition=edition, clock=clock, correlation_id=CORRELATION)
    assert _of(await _queued(grant_db, edition.id), "grant.offered") == [
        fra_1.application_id,
        ken.application_id,
    ]

    # A decline frees FRA's only slot: the second French athlete, placed above JPN, fits now.
    await _answer(grant_db, fra_1, accept=False, clock=clock)
    assert _of(await _queued(grant_db, edition.id), "grant.offered")[-1] == fra_2.application_id

    # KEN accepts; FRA-2 withdraws after closing: their open offer is declined and passes on.
    await _answer(grant_db, ken, accept=True, clock=clock)
    await _consumed(
        grant_db,
        edition,
        clock,
        [Applicant("FRA", 85, withdrawn=True, application_id=fra_2.application_id)],
    )
    events = await _queued(grant_db, edition.id)
    assert _of(events, "grant.declined") == [fra_1.application_id, fra_2.application_id]
    assert _of(events, "grant.offered")[-1] == jpn.application_id

    # JPN never answers: past the deadline their offer expires and BRA, the last, is offered.
    late = FixedClock(clock.at + timedelta(days=edition.offer_acceptance_days, seconds=1))
    report = await handlers.expire_overdue(
        grant_db, edition_id=edition.id, as_of=None, clock=late, correlation_id=CORRELATION
    )
    assert [o.application_id for o in report.expired] == [jpn.application_id]
    assert report.offered == 1
    assert _of(await _queued(grant_db, edition.id), "grant.offered")[-1] == bra.application_id
    assert _of(await _queued(grant_db, edition.id), "application.not_selected") == []

    # BRA declines: nobody is left who fits, so everyone never offered is told, once.
    await _answer(grant_db, bra, accept=False, clock=late)
    events = await _queued(grant_db, edition.id)
    assert _of(events, "application.not_selected") == [unscored.application_id]
    standings = await handlers.standings(grant_db, edition_id=edition.id, clock=late)
    assert standings.settled
    assert standings.offers_by_state == {"accepted": 1, "declined": 3, "expired": 1}
    assert standings.committed_cents == standings.accepted_cents == edition.package_value_cents
    # Nothing changes after settling: a late expiry pass finds nothing to do.
    report = await handlers.expire_overdue(
        grant_db, edition_id=edition.id, as_of=None, clock=late, correlation_id=CORRELATION
    )
    assert (report.expired, report.offered) == ([], 0)
    assert len(await _queued(grant_db, edition.id)) == len(events)
