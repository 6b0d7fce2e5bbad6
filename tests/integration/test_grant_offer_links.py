"""Offer links on the running service: forged, reused and expired tokens are refused with a
clear status and change nothing, in Postgres or on Kafka."""

import asyncio
import base64
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from tests.support.grant import (
    ADMIN,
    Applicant,
    answer,
    close_and_wait,
    grant_env,
    grant_events,
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

pytestmark = pytest.mark.integration


async def _snapshot(db: asyncpg.Connection, bootstrap: str, edition_id: str) -> Any:
    await asyncio.sleep(1.0)  # anything a refusal wrongly published would be out by now
    rows = [dict(r) for r in await offers_in_db(db, edition_id)]
    return rows, len(await grant_events(bootstrap, edition_id))


async def test_forged_reused_and_expired_links_are_refused_and_change_nothing(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    editions = tmp_path / "editions"
    edition_id = write_edition(editions, capacity=2, country_cap=None)
    first, second, third = Applicant("FRA", 90), Applicant("KEN", 80), Applicant("JPN", 70)
    await publish_applicants(bootstrap, edition_id, [first, second, third])
    grant = await start_grant(grant_env(stack_env, editions), tmp_path)
    try:
        await wait_consumed(grant.url, edition_id, scored=3)
        events = await close_and_wait(grant.url, bootstrap, edition_id, waitlisted=1)
        offer_1, offer_2 = of_type(events, "grant.offered")
        token_1, token_2 = token_of(offer_1), token_of(offer_2)
        before = await _snapshot(admin_db, bootstrap, edition_id)

        raw = bytearray(base64.urlsafe_b64decode(token_1 + "="))
        raw[-1] ^= 1
        forged = [
            base64.urlsafe_b64encode(secrets.token_bytes(57)).decode(),
            token_of(offer_1, key="a-key-that-is-not-grants"),
            base64.urlsafe_b64encode(bytes(raw)).decode(),
            "not-a-token",
        ]
        for token in forged:
            for action in ("accept", "decline"):
                refused = await answer(grant.url, token, action)
                assert refused.status_code == 404, refused.text
                assert refused.json()["detail"] == "this offer link is not valid"
        assert await _snapshot(admin_db, bootstrap, edition_id) == before

        accepted = await answer(grant.url, token_1, "accept")
        assert accepted.status_code == 200
        assert accepted.json()["state"] == "accepted"
        after_accept = await _snapshot(admin_db, bootstrap, edition_id)
        for action in ("accept", "decline"):
            reused = await answer(grant.url, token_1, action)
            assert reused.status_code == 409
            assert reused.json()["detail"] == "this offer was already accepted"
        assert await _snapshot(admin_db, bootstrap, edition_id) == after_accept

        as_of = (datetime.now(UTC) + timedelta(days=15)).isoformat()
        expire = f"/v1/editions/{edition_id}/expire-overdue"
        assert (await post(grant.url, expire, headers=ADMIN, json={"as_of": as_of})).is_success
        events = await wait_events(
            bootstrap, edition_id, lambda es: len(of_type(es, "grant.offered")) == 3
        )
        after_expiry = await _snapshot(admin_db, bootstrap, edition_id)
        for action in ("accept", "decline"):
            expired = await answer(grant.url, token_2, action)
            assert expired.status_code == 410
            assert expired.json()["detail"].startswith("this offer expired at ")
        assert await _snapshot(admin_db, bootstrap, edition_id) == after_expiry
    finally:
        grant.terminate()
    assert "/v1/offers/[redacted]/accept" in grant.log_text()
    assert token_1 not in grant.log_text(), "an offer token leaked into the log"

    # An open offer whose deadline has passed is refused even before expiry has run: a
    # grant whose clock is past the deadline, with its expiry loop far off.
    [promoted] = [e for e in of_type(events, "grant.offered") if e.data["rank"] == 3]
    late_clock = str(16 * 86_400 + 15 * 86_400)
    env = grant_env(stack_env, editions, CLOCK_OFFSET_S=late_clock, OFFER_EXPIRY_INTERVAL_S="3600")
    late = await start_grant(env, tmp_path, name="grant-late")
    try:
        before = await _snapshot(admin_db, bootstrap, edition_id)
        refused = await answer(late.url, token_of(promoted), "accept")
        assert refused.status_code == 410, refused.text
        assert await _snapshot(admin_db, bootstrap, edition_id) == before
        assert [r["state"] for r in before[0]] == ["accepted", "expired", "open"]
    finally:
        late.terminate()
