"""Grant killed with SIGKILL and restarted: the same outcome, and no offer made twice."""

import asyncio
import contextlib
import signal
from pathlib import Path
from uuid import UUID

import asyncpg
import httpx
import pytest

from services.grant.domain.selection import Candidate, Constraints, rank, select_offers
from tests.support.grant import (
    ADMIN,
    Applicant,
    answer,
    grant_env,
    of_type,
    offers_in_db,
    post,
    publish_applicants,
    start_grant,
    token_of,
    wait_consumed,
    wait_events,
    write_edition,
)
from tests.support.processes import ServiceProcess, start_service

pytestmark = pytest.mark.integration


def _expected_offers(applicants: list[Applicant], constraints: Constraints) -> set[str]:
    candidates = [
        Candidate(a.application_id, a.country, a.total, a.submitted_at)
        for a in applicants
        if a.total is not None and a.eligible and not a.withdrawn
    ]
    return {str(r.application_id) for r in select_offers(rank(candidates), constraints)}


async def test_killed_after_consuming_then_restarted_selects_the_same_and_only_once(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    editions = tmp_path / "editions"
    edition_id = write_edition(editions, capacity=4, country_cap=2)
    applicants = [Applicant(("FRA", "KEN", "JPN")[i % 3], 50 + i % 7, minutes=i) for i in range(30)]
    await publish_applicants(bootstrap, edition_id, applicants)

    # The first batch is committed to Postgres, then the process dies before the offsets.
    crashing = start_service(
        "services.grant",
        env=grant_env(stack_env, editions, ACCELERATOR_CRASH_AT="consumer_after_db_commit"),
        log_dir=tmp_path,
        name="grant-crashing",
    )
    assert await asyncio.to_thread(crashing.wait_exit) == -signal.SIGKILL

    grant = await start_grant(grant_env(stack_env, editions), tmp_path)
    try:
        await wait_consumed(grant.url, edition_id, scored=len(applicants))
        closing = await post(grant.url, f"/v1/editions/{edition_id}/close", headers=ADMIN)
        assert closing.status_code == 200, closing.text
        assert closing.json()["ranked"] == len(applicants)
        events = await wait_events(
            bootstrap, edition_id, lambda es: len(of_type(es, "application.waitlisted")) == 26
        )
    finally:
        grant.terminate()
    offered = {e.data["application_id"] for e in of_type(events, "grant.offered")}
    assert offered == _expected_offers(applicants, Constraints(4, 2))
    assert len(of_type(events, "grant.offered")) == 4


async def _decline_killing(url: str, token: str, grant: ServiceProcess) -> None:
    """Decline through a process armed to SIGKILL itself on the way; the call gets no answer."""
    with contextlib.suppress(httpx.HTTPError):
        await answer(url, token, "decline")
    assert await asyncio.to_thread(grant.wait_exit) == -signal.SIGKILL


async def test_killed_while_closing_and_promoting_then_restarted_offers_each_seat_once(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    editions = tmp_path / "editions"
    edition_id = write_edition(editions, capacity=5, country_cap=None)
    applicants = [Applicant("FRA", 90 - i, minutes=i) for i in range(20)]
    ranked = [str(a.application_id) for a in applicants]  # no cap: offers go down this list
    await publish_applicants(bootstrap, edition_id, applicants)
    env = grant_env(stack_env, editions)
    close = f"/v1/editions/{edition_id}/close"

    # Killed right after the close commits, before answering or publishing anything.
    grant = await start_grant({**env, "ACCELERATOR_CRASH_AT": "grant_close_after_commit"}, tmp_path)
    await wait_consumed(grant.url, edition_id, scored=len(applicants))
    with contextlib.suppress(httpx.HTTPError):
        await post(grant.url, close, headers=ADMIN)
    assert await asyncio.to_thread(grant.wait_exit) == -signal.SIGKILL
    grant = await start_grant(env, tmp_path)
    again = await post(grant.url, close, headers=ADMIN)
    assert again.status_code == 200
    assert again.json()["offered_at_close"] == 5
    events = await wait_events(
        bootstrap, edition_id, lambda es: len(of_type(es, "grant.offered")) == 5
    )
    first, second, *_ = of_type(events, "grant.offered")
    grant.terminate()

    # Killed after a decline commits: the decline and its promotion stand, and go out.
    grant = await start_grant(
        {**env, "ACCELERATOR_CRASH_AT": "grant_answer_after_commit"}, tmp_path
    )
    await _decline_killing(grant.url, token_of(first), grant)
    # Killed before a decline commits: nothing happened, and the link still works.
    grant = await start_grant(
        {**env, "ACCELERATOR_CRASH_AT": "grant_answer_before_commit"}, tmp_path
    )
    await _decline_killing(grant.url, token_of(second), grant)
    rows = await offers_in_db(admin_db, edition_id)
    assert [(r["rank"], r["state"]) for r in rows][:2] == [(1, "declined"), (2, "open")]
    assert len(rows) == 6

    grant = await start_grant(env, tmp_path)
    try:
        assert (await answer(grant.url, token_of(second), "decline")).status_code == 200
        # A plain SIGKILL while declines and their promotions are in flight.
        events = await wait_events(
            bootstrap, edition_id, lambda es: len(of_type(es, "grant.offered")) == 7
        )
        burst = [
            asyncio.create_task(answer(grant.url, token_of(e), "decline"))
            for e in of_type(events, "grant.offered")[2:5]
        ]
        await asyncio.wait(burst, return_when=asyncio.FIRST_COMPLETED)
        grant.kill()
        await asyncio.gather(*burst, return_exceptions=True)
    finally:
        grant.kill()

    grant = await start_grant(env, tmp_path)
    try:
        rows = await offers_in_db(admin_db, edition_id)
        declined = sum(r["state"] == "declined" for r in rows)
        assert declined >= 3
        assert len(rows) == 5 + declined
        assert [r["application_id"] for r in rows] == [UUID(a) for a in ranked[: len(rows)]]
        assert sum(r["state"] == "open" for r in rows) == 5
        events = await wait_events(
            bootstrap, edition_id, lambda es: len(of_type(es, "grant.offered")) == len(rows)
        )
        still_open = {str(r["offer_id"]) for r in rows if r["state"] == "open"}
        for offer in of_type(events, "grant.offered"):
            if offer.data["offer_id"] in still_open:
                assert (await answer(grant.url, token_of(offer), "accept")).status_code == 200
        events = await wait_events(
            bootstrap,
            edition_id,
            lambda es: len(of_type(es, "application.not_selected")) == 15 - declined,
        )
    finally:
        grant.terminate()
    offered = of_type(events, "grant.offered")
    assert sorted(e.data["offer_id"] for e in offered) == sorted(str(r["offer_id"]) for r in rows)
    assert len({e.data["application_id"] for e in offered}) == len(offered)
    assert len(of_type(events, "grant.declined")) == declined
    accepted = {e.data["application_id"] for e in of_type(events, "grant.accepted")}
    assert accepted == {str(r["application_id"]) for r in rows if r["state"] == "open"}
    assert len(of_type(events, "edition.closed")) == 1
