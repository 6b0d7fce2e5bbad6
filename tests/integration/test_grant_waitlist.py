"""A closed edition to its end on real Kafka and Postgres: declines and expiries pass down
the waitlist to the best candidate who fits, and the rest are told once."""

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from shared.events.envelope import CloudEvent
from tests.support.grant import (
    ADMIN,
    Applicant,
    answer,
    grant_env,
    grant_events,
    of_type,
    offers_in_db,
    post,
    publish_applicants,
    publish_withdrawals,
    standings,
    start_grant,
    token_of,
    wait_consumed,
    wait_events,
    write_edition,
)

pytestmark = pytest.mark.integration


def _offered_to(events: Sequence[CloudEvent], applicant: Applicant) -> CloudEvent:
    [offer] = [
        e
        for e in of_type(events, "grant.offered")
        if e.data["application_id"] == str(applicant.application_id)
    ]
    return offer


def _ids(events: Sequence[CloudEvent]) -> set[str]:
    return {e.data["application_id"] for e in events}


async def test_declined_and_expired_offers_pass_to_the_best_remaining_candidates(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    edition_id = write_edition(tmp_path / "editions", capacity=3, country_cap=2)
    r1, r2, r3 = Applicant("FRA", 95), Applicant("FRA", 90), Applicant("KEN", 85)
    r4, r5 = Applicant("FRA", 80), Applicant("FRA", 78)
    r6, r7, r8 = Applicant("JPN", 75), Applicant("USA", 70), Applicant("BRA", 65)
    unscored = Applicant("ITA", None)
    await publish_applicants(bootstrap, edition_id, [r1, r2, r3, r4, r5, r6, r7, r8, unscored])

    grant = await start_grant(grant_env(stack_env, tmp_path / "editions"), tmp_path)
    try:
        await wait_consumed(grant.url, edition_id, scored=8)
        closing = await post(grant.url, f"/v1/editions/{edition_id}/close", headers=ADMIN)
        assert closing.status_code == 200, closing.text
        events = await wait_events(
            bootstrap, edition_id, lambda es: len(of_type(es, "application.waitlisted")) == 5
        )
        assert _ids(of_type(events, "grant.offered")) == _ids_of(r1, r2, r3)

        assert (await answer(grant.url, token_of(_offered_to(events, r1)), "accept")).is_success
        declined = await answer(grant.url, token_of(_offered_to(events, r2)), "decline")
        assert declined.json()["state"] == "declined"
        # FRA holds one live offer again (r1), so the best remaining is r4, FRA or not.
        events = await wait_events(
            bootstrap, edition_id, lambda es: len(of_type(es, "grant.offered")) == 4
        )
        promoted = _offered_to(events, r4)
        assert promoted.data["rank"] == 4
        assert (await answer(grant.url, token_of(promoted), "accept")).is_success

        # Time moves past r3's deadline; FRA is full (r1, r4), so r5 is passed over for r6.
        as_of = datetime.now(UTC) + timedelta(days=15)
        expiry = await post(
            grant.url,
            f"/v1/editions/{edition_id}/expire-overdue",
            headers=ADMIN,
            json={"as_of": as_of.isoformat()},
        )
        assert expiry.status_code == 200, expiry.text
        assert [o["application_id"] for o in expiry.json()["expired"]] == [str(r3.application_id)]
        assert expiry.json()["offered"] == 1
        events = await wait_events(
            bootstrap, edition_id, lambda es: len(of_type(es, "grant.offered")) == 5
        )
        assert _ids(of_type(events, "grant.expired")) == _ids_of(r3)
        late = _offered_to(events, r6)
        assert late.data["rank"] == 6
        # The promotion made at the moved time gets its full window from there.
        assert datetime.fromisoformat(late.data["expires_at"]) > as_of + timedelta(days=13)

        assert (await answer(grant.url, token_of(late), "accept")).is_success
        events = await wait_events(
            bootstrap, edition_id, lambda es: len(of_type(es, "application.not_selected")) == 4
        )
        assert _ids(of_type(events, "application.not_selected")) == _ids_of(r5, r7, r8, unscored)
        assert _ids(of_type(events, "grant.accepted")) == _ids_of(r1, r4, r6)
        assert _ids(of_type(events, "grant.declined")) == _ids_of(r2)

        board = await standings(grant.url, edition_id)
        assert board["settled"] is True
        assert board["accepted_cents"] == board["committed_cents"] == board["budget_cents"]
        assert board["waitlist"] == []
        rows = await offers_in_db(admin_db, edition_id)
        assert [(r["rank"], r["state"]) for r in rows] == [
            (1, "accepted"),
            (2, "declined"),
            (3, "expired"),
            (4, "accepted"),
            (6, "accepted"),
        ]

        # Nothing is left to do; the not-selected are never told twice.
        again = await post(
            grant.url, f"/v1/editions/{edition_id}/expire-overdue", headers=ADMIN, json={}
        )
        assert again.json()["expired"] == []
        await asyncio.sleep(1.5)
        final = await grant_events(bootstrap, edition_id)
        assert len(of_type(final, "application.not_selected")) == 4
        assert len(final) == len(events)
    finally:
        grant.terminate()


def _ids_of(*applicants: Applicant) -> set[str]:
    return {str(a.application_id) for a in applicants}


async def test_the_expiry_loop_expires_overdue_offers_on_its_own_and_promotes(
    stack_env: dict[str, str], tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    editions = tmp_path / "editions"
    edition_id = write_edition(editions, capacity=1, country_cap=None, days=1)
    first, second = Applicant("FRA", 90), Applicant("KEN", 80)
    await publish_applicants(bootstrap, edition_id, [first, second])
    grant = await start_grant(grant_env(stack_env, editions), tmp_path)
    try:
        await wait_consumed(grant.url, edition_id, scored=2)
        assert (await post(grant.url, f"/v1/editions/{edition_id}/close", headers=ADMIN)).is_success
    finally:
        grant.terminate()

    # The same service two days on: its clock is past the one-day deadline.
    later = grant_env(stack_env, editions, CLOCK_OFFSET_S=str(2 * 86_400))
    grant = await start_grant(later, tmp_path, name="grant-later")
    try:
        events = await wait_events(
            bootstrap, edition_id, lambda es: len(of_type(es, "grant.offered")) == 2
        )
        assert _ids(of_type(events, "grant.expired")) == _ids_of(first)
        assert _offered_to(events, second).data["rank"] == 2
        board = await standings(grant.url, edition_id)
        assert board["offers_by_state"] == {"expired": 1, "open": 1}
    finally:
        grant.terminate()


async def test_a_withdrawal_after_closing_releases_the_offer_and_leaves_the_waitlist(
    stack_env: dict[str, str], tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    editions = tmp_path / "editions"
    edition_id = write_edition(editions, capacity=1, country_cap=None)
    offered, waiting, next_in_line = (
        Applicant("FRA", 90),
        Applicant("KEN", 80),
        Applicant("JPN", 70),
    )
    await publish_applicants(bootstrap, edition_id, [offered, waiting, next_in_line])
    grant = await start_grant(grant_env(stack_env, editions), tmp_path)
    try:
        await wait_consumed(grant.url, edition_id, scored=3)
        assert (await post(grant.url, f"/v1/editions/{edition_id}/close", headers=ADMIN)).is_success
        await wait_events(bootstrap, edition_id, lambda es: len(of_type(es, "grant.offered")) == 1)

        await publish_withdrawals(bootstrap, edition_id, [waiting, offered])
        events = await wait_events(
            bootstrap, edition_id, lambda es: len(of_type(es, "grant.offered")) == 2
        )
        assert _ids(of_type(events, "grant.declined")) == _ids_of(offered)
        assert _offered_to(events, next_in_line).data["rank"] == 3
        assert (
            await answer(grant.url, token_of(_offered_to(events, next_in_line)), "accept")
        ).is_success
        board = await standings(grant.url, edition_id)
        assert board["settled"] is True
        assert board["candidates"] == {"offered": 2, "withdrawn": 1}
        await asyncio.sleep(1.5)
        assert not of_type(await grant_events(bootstrap, edition_id), "application.not_selected")
    finally:
        grant.terminate()
