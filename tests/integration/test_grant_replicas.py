"""Two grant processes at once, both consuming and both taking every call at the same
time: the edition's invariants hold in Postgres at every moment and on the topic."""

import asyncio
import contextlib
from collections import Counter
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
    of_type,
    post,
    publish_applicants,
    standings,
    start_grant,
    token_of,
    wait_consumed,
    wait_events,
    write_edition,
)

pytestmark = pytest.mark.integration

CAPACITY, COUNTRY_CAP, VALUE = 5, 2, 1_000_000
COUNTRIES = ("FRA", "KEN", "JPN", "USA")


async def _check_invariants(db: asyncpg.Connection, edition_id: str) -> None:
    rows = await db.fetch(
        'SELECT application_id, country, amount_cents, state FROM "grant".offers'
        " WHERE edition_id = $1",
        edition_id,
    )
    live = [r for r in rows if r["state"] in ("open", "accepted")]
    assert len(live) <= CAPACITY
    assert sum(r["amount_cents"] for r in live) <= CAPACITY * VALUE
    assert max(Counter(r["country"] for r in live).values(), default=0) <= COUNTRY_CAP
    assert len({r["application_id"] for r in rows}) == len(rows)


async def _watch(db: asyncpg.Connection, edition_id: str, stop: asyncio.Event) -> int:
    checks = 0
    while not stop.is_set():
        await _check_invariants(db, edition_id)
        checks += 1
        await asyncio.sleep(0.02)
    return checks


def _open_offers(events: list[CloudEvent]) -> list[CloudEvent]:
    answered = {
        e.data["offer_id"]
        for kind in ("grant.accepted", "grant.declined", "grant.expired")
        for e in of_type(events, kind)
    }
    return [e for e in of_type(events, "grant.offered") if e.data["offer_id"] not in answered]


async def test_two_replicas_taking_every_call_at_once_keep_the_invariants(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    editions = tmp_path / "editions"
    edition_id = write_edition(editions, capacity=CAPACITY, country_cap=COUNTRY_CAP)
    env = grant_env(stack_env, editions)
    a = await start_grant(env, tmp_path, name="grant-a")
    b = await start_grant(env, tmp_path, name="grant-b")
    watcher_db = await asyncpg.connect(stack_env["DATABASE_URL"])
    stop = asyncio.Event()
    watcher = asyncio.create_task(_watch(watcher_db, edition_id, stop))
    try:
        applicants = [Applicant(COUNTRIES[i % 4], 99 - i * 3, minutes=i) for i in range(20)]
        await publish_applicants(bootstrap, edition_id, applicants)
        await wait_consumed(a.url, edition_id, scored=len(applicants))

        close = f"/v1/editions/{edition_id}/close"
        closings = await asyncio.gather(
            *(post(url, close, headers=ADMIN) for url in (a.url, b.url) * 3)
        )
        assert {r.status_code for r in closings} == {200}
        assert len({r.text for r in closings}) == 1
        events = await wait_events(bootstrap, edition_id, lambda es: len(_open_offers(es)) == 5)

        # Rounds of racing calls until the edition settles: each open offer is accepted
        # through one replica and declined through the other at the same moment, while both
        # expire overdue offers, every third round with time moved past the deadlines.
        # Every round ends each offer it saw (checked below), and an applicant is offered at
        # most once, so the edition settles in at most one round per applicant. Which call
        # wins is up to the replicas' timing: when declines keep winning, one open place
        # can walk the whole waitlist, one applicant a round.
        expire = f"/v1/editions/{edition_id}/expire-overdue"
        for round_no in range(len(applicants) + 1):
            open_offers = _open_offers(events)
            if not open_offers:
                break
            later = {"as_of": (datetime.now(UTC) + timedelta(days=15)).isoformat()}
            body = later if round_no % 3 == 2 else {}
            calls = [post(url, expire, headers=ADMIN, json=body) for url in (a.url, b.url)]
            for i, offer in enumerate(open_offers):
                first, second = (a.url, b.url) if i % 2 else (b.url, a.url)
                calls.append(answer(first, token_of(offer), "accept"))
                calls.append(answer(second, token_of(offer), "decline"))
            responses = await asyncio.gather(*calls)
            assert all(r.status_code in (200, 409, 410) for r in responses), [
                r.text for r in responses if r.status_code not in (200, 409, 410)
            ]
            answers = responses[2:]
            for offer_answers in zip(answers[::2], answers[1::2], strict=True):
                codes = sorted(r.status_code for r in offer_answers)
                assert codes[0] != 200 or codes[1] != 200, "one offer answered twice"
                assert codes != [409, 409], "an open offer refused both answers"
            events = await _settled_events(bootstrap, edition_id, a.url)
        else:
            raise AssertionError("the edition did not settle")
    finally:
        stop.set()
        checks = await watcher
        await watcher_db.close()
        with contextlib.suppress(Exception):
            b.terminate()
        a.terminate()
    assert checks > 10

    await _check_invariants(admin_db, edition_id)
    rows = await admin_db.fetch(
        'SELECT offer_id, application_id, state FROM "grant".offers WHERE edition_id = $1',
        edition_id,
    )
    offered = of_type(events, "grant.offered")
    assert sorted(e.data["offer_id"] for e in offered) == sorted(str(r["offer_id"]) for r in rows)
    assert len({e.data["application_id"] for e in offered}) == len(offered)
    accepted = [r for r in rows if r["state"] == "accepted"]
    assert len(accepted) == len(of_type(events, "grant.accepted")) <= CAPACITY
    never_offered = {str(x.application_id) for x in applicants} - {
        str(r["application_id"]) for r in rows
    }
    not_selected = [e.data["application_id"] for e in of_type(events, "application.not_selected")]
    assert sorted(not_selected) == sorted(never_offered)


async def _settled_events(bootstrap: str, edition_id: str, url: str) -> list[CloudEvent]:
    """Once the replicas are done with a round, everything they wrote is on the topic."""
    board = await standings(url, edition_id)
    offers = len(board["offers"])
    settled_outcomes = len(board["offers"]) - board["offers_by_state"].get("open", 0)
    not_selected = board["candidates"].get("not_selected", 0)

    def complete(es: list[CloudEvent]) -> bool:
        outcomes = sum(
            len(of_type(es, k)) for k in ("grant.accepted", "grant.declined", "grant.expired")
        )
        return (
            len(of_type(es, "grant.offered")) == offers
            and outcomes == settled_outcomes
            and len(of_type(es, "application.not_selected")) == not_selected
        )

    return await wait_events(bootstrap, edition_id, complete)
