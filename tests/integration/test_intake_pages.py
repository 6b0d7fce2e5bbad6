"""The application form and the status pages on a running intake: the form applies as the
API does and refuses what it refuses under the same field names, problems are told beside
their fields in the reader's language with what was typed kept, and a status link is traded
for a cookie scoped to its application and then leaves the URL."""

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from shared import offer_links, topics
from shared.events.codec import make_event
from shared.events.contracts import ApplicationWaitlisted, EventPayload, GrantAccepted, GrantOffered
from tests.integration.test_intake_api import EDITION, application, submit
from tests.support.intake import running_intake
from tests.support.kafka import produce
from tests.support.processes import ServiceProcess
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

LINK_KEY = "intake-pages-test-status-link-key"
ADMIN_TOKEN = "intake-pages-test-admin-token"
OFFER_KEY = "intake-pages-test-offer-key"
_INVALID = re.compile(r'<div class="field invalid" data-field="([^"]+)">')
_STATUS_LINK = re.compile(r'id="status-link" href="([^"]+)"')


@pytest.fixture(scope="module")
async def intake(
    stack_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ServiceProcess]:
    async with running_intake(
        stack_env,
        tmp_path_factory.mktemp("intake-pages"),
        ADMIN_TOKEN=ADMIN_TOKEN,
        STATUS_LINK_KEY=LINK_KEY,
        GRANT_URL="https://grant.example.org",
        OFFER_SIGNING_KEY=OFFER_KEY,
    ) as process:
        yield process


def as_page_form(body: dict[str, Any]) -> list[tuple[str, str]]:
    """The JSON body as the page's form posts it: one field per name, lists repeated, a
    ticked box as "true", an unticked one left out."""
    fields: list[tuple[str, str]] = []
    for key, value in body.items():
        if isinstance(value, dict):
            fields += [(f"{key}.{name}", v) for name, v in as_page_form(value)]
        elif isinstance(value, list):
            fields += [(key, str(item)) for item in value]
        elif isinstance(value, bool):
            fields += [(key, "true")] if value else []
        elif value is not None:
            fields.append((key, str(value)))
    return fields


async def post_form(
    url: str, body: dict[str, Any], *, lang: str = "en", edition: str = EDITION
) -> httpx.Response:
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        return await client.post(
            f"/apply/{edition}", params={"lang": lang}, data=dict_list(as_page_form(body))
        )


def dict_list(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in fields:
        grouped.setdefault(name, []).append(value)
    return grouped


def _page_headers_hold(response: httpx.Response) -> None:
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "<script" not in response.text


@pytest.mark.parametrize(
    "changes",
    [
        {"athlete_id": "x"},
        {"full_name": ""},
        {"email": "not-an-address"},
        {"country": "DEU"},
        {"athlete_status": "coach"},
        {"career_end_year": None},
        {"athlete_status": "current_olympian"},
        {"career_end_year": 1900},
        {"business__pitch": "x" * 4001},
        {"business__stage": "unicorn"},
        {"business__sector": "Sporting Goods"},
        {"business__target_markets": ["XXX"]},
        {"sport": "x", "business__name": ""},
    ],
    ids=lambda changes: "+".join(changes),
)
async def test_the_form_and_the_api_refuse_the_same_inputs_under_the_same_names(
    intake: ServiceProcess, changes: dict[str, Any]
) -> None:
    body = application(**changes)
    api = await submit(intake.url, body)
    assert api.status_code == 422, api.text
    api_fields = {e["field"].split("[", 1)[0] for e in api.json()["detail"]}

    page = await post_form(intake.url, body, lang="de")
    assert page.status_code == 422, page.text
    _page_headers_hold(page)
    assert set(_INVALID.findall(page.text)) == api_fields


async def test_problems_are_told_beside_their_field_in_german_with_the_rest_kept(
    intake: ServiceProcess,
) -> None:
    body = application(career_end_year=None, full_name="Jana Müller")
    page = await post_form(intake.url, body, lang="de")
    assert page.status_code == 422
    assert 'id="field-career-end-year-error">Ehemalige Athletinnen' in page.text
    assert 'value="Jana Müller"' in page.text
    assert '<option value="GER" selected>Deutschland</option>' in page.text
    assert body["business"]["pitch"] in page.text
    assert '<option value="NED" selected>Niederlande</option>' in page.text
    assert 'name="consent.data_processing" value="true" checked' in page.text


async def test_the_form_shows_the_api_limits_in_the_readers_language(
    intake: ServiceProcess,
) -> None:
    async with httpx.AsyncClient(base_url=intake.url, timeout=30) as http:
        form = await http.get(f"/apply/{EDITION}", headers={"Accept-Language": "fr-CH,fr;q=0.9"})
        index = await http.get("/", params={"lang": "de"})
        unknown = await http.get("/apply/no-such-edition", params={"lang": "de"})
    assert form.status_code == 200
    _page_headers_hold(form)
    assert '<html lang="fr">' in form.text
    assert 'name="business.pitch" rows="8" required minlength="1" maxlength="4000"' in form.text
    assert 'name="career_end_year" value="" min="1950"' in form.text
    assert 'type="email" id="field-email" name="email"' in form.text
    assert '<option value="GER">Allemagne</option>' in form.text
    assert '<option value="TPE">Chinese Taipei</option>' in form.text
    assert f'href="/apply/{EDITION}?lang=de"' in index.text
    assert unknown.status_code == 404
    assert "Keine solche Ausgabe" in unknown.text


async def test_a_status_link_becomes_a_cookie_of_its_application_and_leaves_the_url(
    intake: ServiceProcess,
) -> None:
    body = application()
    async with httpx.AsyncClient(base_url=intake.url, timeout=30) as http:
        applied = await http.post(
            f"/apply/{EDITION}", params={"lang": "de"}, data=dict_list(as_page_form(body))
        )
        assert applied.status_code == 303, applied.text
        received_url = applied.headers["location"]
        application_id = received_url.split("/")[2]
        assert received_url == f"/applications/{application_id}/received?lang=de"
        cookie = applied.headers["set-cookie"]
        for attribute in ("HttpOnly", "SameSite=lax", f"Path=/applications/{application_id}"):
            assert attribute.lower() in cookie.lower()

        received = await http.get(received_url)
        assert received.status_code == 200
        assert application_id in received.text
        [link] = _STATUS_LINK.findall(received.text)
        assert link.startswith(f"{intake.url}/status/")
        assert link.endswith("?lang=de")

        # A fresh browser (no cookie) that opens the link is sent to the clean URL.
        async with httpx.AsyncClient(base_url=intake.url, timeout=30) as fresh:
            assert (await fresh.get(f"/applications/{application_id}")).status_code == 404
            opened = await fresh.get(link)
            assert opened.status_code == 303
            assert opened.headers["location"] == f"/applications/{application_id}?lang=de"
            page = await fresh.get(opened.headers["location"])
            assert page.status_code == 200
            _page_headers_hold(page)
            assert "Teilnahmeberechtigt" in page.text
            assert "0 von 5 Trainingsmodulen abgeschlossen" in page.text
            # Its cookie opens nothing of another application.
            other = (await submit(intake.url, application())).json()["application_id"]
            assert (await fresh.get(f"/applications/{other}")).status_code == 404

        forged = link.replace("/status/", "/status/A")[: len(link)]
        assert (await http.get(forged)).status_code == 404
        assert (await http.get(f"/status/{uuid.uuid4().hex}")).status_code == 404
    assert "/status/[redacted]" in intake.log_text()
    assert link.split("/status/", 1)[1].split("?")[0] not in intake.log_text()


async def _apply_in_browser_terms(http: httpx.AsyncClient) -> uuid.UUID:
    """Applies through the form, keeping the status cookie in `http`; the application id."""
    applied = await http.post(
        f"/apply/{EDITION}", params={"lang": "de"}, data=dict_list(as_page_form(application()))
    )
    assert applied.status_code == 303, applied.text
    return uuid.UUID(applied.headers["location"].split("/")[2])


async def _publish(bootstrap: str, *payloads: EventPayload) -> None:
    records = []
    for payload in payloads:
        subject = str(getattr(payload, "application_id", ""))
        event = make_event(
            payload, service="grant", subject=subject, correlation_id="pages", edition_id=EDITION
        )
        records.append((subject, event.to_bytes()))
    await produce(bootstrap, topics.GRANTS, records)


async def _shows(http: httpx.AsyncClient, application_id: uuid.UUID, text: str) -> str:
    page: list[str] = []

    async def shown() -> bool:
        response = await http.get(f"/applications/{application_id}", params={"lang": "de"})
        page[:] = [response.text]
        return text in response.text

    await eventually(shown, 30, what=f"{text!r} on the status page")
    return page[0]


async def test_the_status_page_tells_what_grant_decided(
    intake: ServiceProcess, stack_env: dict[str, str]
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    deadline = datetime.now(UTC).replace(microsecond=0) + timedelta(days=14)
    offer_id = uuid.uuid4()
    async with (
        httpx.AsyncClient(base_url=intake.url, timeout=30) as offered,
        httpx.AsyncClient(base_url=intake.url, timeout=30) as waiting,
    ):
        lea, sam = await _apply_in_browser_terms(offered), await _apply_in_browser_terms(waiting)
        await _publish(
            bootstrap,
            GrantOffered(
                application_id=lea,
                edition_id=EDITION,
                offer_id=offer_id,
                amount_cents=1_000_000,
                currency="USD",
                components=["mentoring"],
                rank=2,
                expires_at=deadline,
            ),
            ApplicationWaitlisted(application_id=sam, edition_id=EDITION, rank=3),
        )
        page = await _shows(offered, lea, "Paket angeboten")
        assert "Sie belegen Rang 2" in page
        token = offer_links.sign(offer_id, deadline, key=OFFER_KEY)
        assert f'href="https://grant.example.org/offers/{token}?lang=de"' in page
        await _shows(waiting, sam, "Sie stehen auf Rang 3 der Warteliste.")

        await _publish(
            bootstrap, GrantAccepted(application_id=lea, edition_id=EDITION, offer_id=offer_id)
        )
        page = await _shows(offered, lea, "Sie haben das Paket angenommen")
        assert "Sie belegen Rang 2" in page
        assert "/offers/" not in page
