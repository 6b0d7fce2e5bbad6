"""The offer page on the running grant service: what a mail scanner's GET and HEAD fetch
changes nothing, the athlete's POST answers, and every outcome is a page in their language
with the headers that keep the token on this site."""

import asyncio
import base64
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.grant import (
    ADMIN,
    Applicant,
    close_and_wait,
    grant_env,
    grant_events,
    of_type,
    offers_in_db,
    publish_applicants,
    start_grant,
    token_of,
    wait_consumed,
    wait_events,
    write_edition,
)

pytestmark = pytest.mark.integration

PAGE_HEADERS = {
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "x-frame-options": "DENY",
}


async def _state(db: asyncpg.Connection, bootstrap: str, edition_id: str) -> Any:
    await asyncio.sleep(1.0)  # anything a page view wrongly published would be out by now
    offers = [(r["application_id"], r["state"]) for r in await offers_in_db(db, edition_id)]
    return offers, len(await grant_events(bootstrap, edition_id))


def _assert_page(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    for name, value in PAGE_HEADERS.items():
        assert response.headers[name] == value, name
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src" not in csp
    assert "'unsafe-inline'" not in csp


async def test_scanners_change_nothing_and_the_athletes_click_answers(
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
        before = await _state(admin_db, bootstrap, edition_id)

        async with httpx.AsyncClient(base_url=grant.url, timeout=30) as http:
            # What Safe Links, Proofpoint and link previews do before the athlete clicks.
            for _ in range(3):
                page = await http.get(f"/offers/{token_1}", params={"lang": "fr"})
                _assert_page(page, 200)
            head = await http.head(f"/offers/{token_1}", params={"lang": "fr"})
            assert head.status_code == 200
            assert head.content == b""
            _assert_page(await http.get(f"/offers/{token_1}/decline"), 200)
            assert await _state(admin_db, bootstrap, edition_id) == before

            assert "10\u202f000\u00a0$US" in page.text
            assert "Accepter le package" in page.text
            assert f'action="/offers/{token_1}/accept?lang=fr"' in page.text
            assert 'method="post"' in page.text
            assert "<script" not in page.text

            # No ?lang=: the browser's language; neither: English.
            german = await http.get(
                f"/offers/{token_1}", headers={"Accept-Language": "de-CH, en;q=0.5"}
            )
            assert "Paket annehmen" in german.text
            assert "10.000\u00a0$" in german.text
            english = await http.get(f"/offers/{token_1}", headers={"Accept-Language": "it"})
            assert "Accept the package" in english.text
            assert "US$10,000" in english.text

            accepted = await http.post(f"/offers/{token_1}/accept", params={"lang": "fr"})
            _assert_page(accepted, 200)
            assert "Vous avez accepté le package" in accepted.text
            again = await http.post(f"/offers/{token_1}/accept", params={"lang": "fr"})
            _assert_page(again, 409)
            assert "Vous avez déjà accepté ce package" in again.text
            opened_later = await http.get(f"/offers/{token_1}")
            _assert_page(opened_later, 200)
            assert "You already accepted this package" in opened_later.text

            confirm = await http.get(f"/offers/{token_2}/decline", params={"lang": "de"})
            assert "Paket ablehnen?" in confirm.text
            assert f'action="/offers/{token_2}/decline?lang=de"' in confirm.text
            declined = await http.post(f"/offers/{token_2}/decline", params={"lang": "de"})
            _assert_page(declined, 200)
            assert "Sie haben das Paket abgelehnt" in declined.text
            events = await wait_events(
                bootstrap, edition_id, lambda es: len(of_type(es, "grant.offered")) == 3
            )
            [promoted] = [e for e in of_type(events, "grant.offered") if e.data["rank"] == 3]
            assert promoted.data["application_id"] == str(third.application_id)

            raw = bytearray(base64.urlsafe_b64decode(token_1 + "="))
            raw[-1] ^= 1
            tampered = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
            for forged in (tampered, token_of(offer_1, key="not-grants-key"), "not-a-token"):
                for method, path in (("GET", ""), ("POST", "/accept"), ("POST", "/decline")):
                    refused = await http.request(method, f"/offers/{forged}{path}")
                    _assert_page(refused, 404)
                    assert "This link is not valid" in refused.text
                    assert "accepted" not in refused.text  # nothing about the real offer

            as_of = (datetime.now(UTC) + timedelta(days=15)).isoformat()
            expire = f"/v1/editions/{edition_id}/expire-overdue"
            assert (await http.post(expire, headers=ADMIN, json={"as_of": as_of})).is_success
            token_3 = token_of(promoted)
            expired = await http.post(f"/offers/{token_3}/accept", params={"lang": "fr"})
            _assert_page(expired, 410)
            assert "Cette offre a expiré" in expired.text

            stylesheet = await http.get("/static/pages.css")
            assert stylesheet.status_code == 200
            assert stylesheet.headers["content-type"].startswith("text/css")
        states = {r["application_id"]: r["state"] for r in await offers_in_db(admin_db, edition_id)}
        assert states == {
            first.application_id: "accepted",
            second.application_id: "declined",
            third.application_id: "expired",
        }
    finally:
        grant.terminate()
    assert token_1 not in grant.log_text(), "an offer token leaked into the log"
