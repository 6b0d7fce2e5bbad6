"""Closing an edition on real Kafka and Postgres: who is offered, who waits, what it costs."""

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from shared import topics
from shared.events.codec import make_event
from shared.events.contracts import ApplicationScored
from tests.support.grant import (
    ADMIN,
    Applicant,
    grant_env,
    grant_events,
    of_type,
    offers_in_db,
    post,
    publish_applicants,
    standings,
    start_grant,
    wait_consumed,
    wait_events,
    write_edition,
)
from tests.support.kafka import produce

pytestmark = pytest.mark.integration


async def test_closing_offers_the_top_candidates_within_the_country_cap_and_waitlists_the_rest(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    edition_id = write_edition(tmp_path / "editions", capacity=5, country_cap=2)
    best = Applicant("FRA", 90)
    tie_later = Applicant("FRA", 90, minutes=1)
    capped = Applicant("FRA", 88)  # a third FRA candidate: over the cap of 2
    equal_a, equal_b = Applicant("KEN", 85), Applicant("JPN", 85)  # tied: id decides
    fifth = Applicant("USA", 80)
    rescored = Applicant("BRA", 70)  # first scored 99, then 70: the latest counts
    last = Applicant("USA", 60)
    ignored = [
        Applicant("GER", 99, eligible=False),
        Applicant("GER", 98, withdrawn=True),
    ]
    unscored = Applicant("ITA", None)
    first_equal, second_equal = sorted([equal_a, equal_b], key=lambda a: a.application_id)
    ranking = [best, tie_later, capped, first_equal, second_equal, fifth, rescored, last]

    early = ApplicationScored(
        application_id=rescored.application_id, total=99, breakdown={}, rubric_version=1
    )
    await produce(
        bootstrap,
        topics.SCORES,
        [
            (
                str(rescored.application_id),
                make_event(
                    early,
                    service="scoring",
                    subject=str(rescored.application_id),
                    correlation_id="c",
                    edition_id=edition_id,
                ).to_bytes(),
            )
        ],
    )
    # Scores go first: grant must cope with a score consumed before its application.
    await publish_applicants(
        bootstrap, edition_id, [*ranking, *ignored, unscored], scores_first=True
    )

    grant = await start_grant(grant_env(stack_env, tmp_path / "editions"), tmp_path)
    try:
        await wait_consumed(grant.url, edition_id, scored=len(ranking), withdrawn=1)
        closing = await post(grant.url, f"/v1/editions/{edition_id}/close", headers=ADMIN)
        assert closing.status_code == 200, closing.text
        assert closing.json() | {"closed_at": None} == {
            "edition_id": edition_id,
            "closed_at": None,
            "ranked": 8,
            "unranked": 1,
            "offered_at_close": 5,
            "waitlisted_at_close": 3,
        }

        # The edition's topic is read apart from the grants topic: wait for both.
        events = await wait_events(
            bootstrap,
            edition_id,
            lambda es: (
                len(of_type(es, "application.waitlisted")) == 3
                and bool(of_type(es, "edition.closed"))
            ),
        )
        [closed] = of_type(events, "edition.closed")
        closed_at = datetime.fromisoformat(closed.data["closed_at"])
        offered = of_type(events, "grant.offered")
        expected_offers = [
            (best, 1),
            (tie_later, 2),
            (first_equal, 4),
            (second_equal, 5),
            (fifth, 6),
        ]
        assert [(e.data["application_id"], e.data["rank"]) for e in offered] == [
            (str(a.application_id), rank) for a, rank in expected_offers
        ]
        for e in offered:
            assert e.data["amount_cents"] == 1_000_000
            assert e.data["currency"] == "USD"
            assert e.data["components"] == [
                "logistics_training",
                "operations_training",
                "sourcing_training",
                "mentoring",
            ]
            expires_at = datetime.fromisoformat(e.data["expires_at"])
            assert expires_at == closed_at.replace(microsecond=0) + timedelta(days=14)
            assert e.subject == e.data["application_id"]
        waitlisted = of_type(events, "application.waitlisted")
        assert [(e.data["application_id"], e.data["rank"]) for e in waitlisted] == [
            (str(capped.application_id), 3),
            (str(rescored.application_id), 7),
            (str(last.application_id), 8),
        ]
        assert not of_type(events, "application.not_selected")

        board = await standings(grant.url, edition_id)
        assert board["committed_cents"] == board["budget_cents"] == 5 * 1_000_000
        assert board["offers_by_state"] == {"open": 5}
        assert [w["rank"] for w in board["waitlist"]] == [3, 7, 8]
        assert all(0 < o["seconds_left"] <= 14 * 86_400 for o in board["offers"])
        assert len(await offers_in_db(admin_db, edition_id)) == 5

        again = await post(grant.url, f"/v1/editions/{edition_id}/close", headers=ADMIN)
        assert again.status_code == 200
        assert again.json() == closing.json()
        await asyncio.sleep(1.5)  # a second selection would be on the topic by now
        assert len(await grant_events(bootstrap, edition_id)) == len(events)
    finally:
        grant.terminate()


async def test_admin_endpoints_need_the_token_and_a_known_edition(
    stack_env: dict[str, str], tmp_path: Path
) -> None:
    edition_id = write_edition(tmp_path / "editions")
    grant = await start_grant(grant_env(stack_env, tmp_path / "editions"), tmp_path)
    try:
        close = f"/v1/editions/{edition_id}/close"
        assert (await post(grant.url, close)).status_code == 401
        wrong = {"Authorization": "Bearer not-the-admin-token"}
        assert (await post(grant.url, close, headers=wrong)).status_code == 401
        unknown = await post(grant.url, "/v1/editions/no-such-edition/close", headers=ADMIN)
        assert unknown.status_code == 404
        expire = f"/v1/editions/{edition_id}/expire-overdue"
        not_closed = await post(grant.url, expire, headers=ADMIN, json={})
        assert not_closed.status_code == 409
        board = await standings(grant.url, edition_id)
        assert board["state"] == "open"
        assert board["offers"] == []
    finally:
        grant.terminate()
