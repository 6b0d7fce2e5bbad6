"""Withdrawing and erasing from the athlete's status page, on a running intake: each action
is a confirmation page that changes nothing and a form that does it, for the holder of the
application's status-link cookie only, and only when the form came from that page; the
status page and the API then agree on the new state."""

import html
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

from shared import status_links, topics
from shared.events.codec import make_event
from shared.events.contracts import GrantOffered
from tests.integration.test_intake_api import EDITION
from tests.support.intake import running_intake
from tests.support.kafka import produce
from tests.support.personal_data import where_found
from tests.support.processes import ServiceProcess
from tests.support.waiting import eventually
from tests.support.withdrawal import Applied, accept_package, apply, status_of

pytestmark = pytest.mark.integration

LINK_KEY = "intake-status-actions-test-link-key"
ADMIN_TOKEN = "intake-status-actions-test-admin-token"
_FORM_TOKEN = re.compile(r'<input type="hidden" name="confirmation" value="([^"]+)">')
_ACTION = re.compile(r'<form method="post" action="([^"]+)">')


@pytest.fixture(scope="module")
async def intake(
    stack_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ServiceProcess]:
    async with running_intake(
        stack_env,
        tmp_path_factory.mktemp("intake-status-actions"),
        ADMIN_TOKEN=ADMIN_TOKEN,
        STATUS_LINK_KEY=LINK_KEY,
        GRANT_URL="https://grant.example.org",
        OFFER_SIGNING_KEY="intake-status-actions-test-offer-key",
    ) as process:
        yield process


async def _applied(intake: ServiceProcess) -> Applied:
    """An application whose business name and pitch are its own, so finding them means it."""
    tag = uuid.uuid4().hex[:12]
    return await apply(
        intake.url,
        EDITION,
        business__name=f"Oars {tag}",
        business__pitch=f"Carbon oars for clubs, by {tag}, shipped worldwide.",
    )


async def _link_token(intake: ServiceProcess, applied: Applied, *, days_ago: int = 0) -> str:
    """The token of the application's status link, as the received e-mail carries it."""
    received = (await status_of(intake.url, applied))["timeline"][0]
    assert received["step"] == "received"
    submitted_at = datetime.fromisoformat(received["at"]) - timedelta(days=days_ago)
    return status_links.sign(applied.application_id, submitted_at, key=LINK_KEY)


@asynccontextmanager
async def _opened(intake: ServiceProcess, applied: Applied) -> AsyncIterator[httpx.AsyncClient]:
    """A browser that opened the application's status link: it holds the cookie."""
    token = await _link_token(intake, applied)
    async with httpx.AsyncClient(base_url=intake.url, timeout=30) as http:
        opened = await http.get(f"/status/{token}")
        assert opened.status_code == 303, opened.text
        yield http


def _page(applied: Applied, action: str = "") -> str:
    return f"/applications/{applied.application_id}" + (f"/{action}" if action else "")


async def _confirmation(http: httpx.AsyncClient, applied: Applied, action: str, lang: str) -> str:
    """The confirmation form's token, read from the page as a browser does."""
    page = await http.get(_page(applied, action), params={"lang": lang})
    assert page.status_code == 200, page.text
    [token] = _FORM_TOKEN.findall(page.text)
    return str(token)


def _headers_hold(response: httpx.Response) -> None:
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "form-action 'self'" in response.headers["content-security-policy"]


async def _state(intake: ServiceProcess, applied: Applied) -> tuple[str, list[str]]:
    shown = await status_of(intake.url, applied)
    return shown["status"], [step["step"] for step in shown["timeline"]]


# What a browser sends when the athlete presses the button of our page: our pages say
# `Referrer-Policy: no-referrer`, so the Origin of their own form's POST is "null".
_FROM_OUR_PAGE = {"Origin": "null", "Sec-Fetch-Site": "same-origin"}


async def test_an_athlete_withdraws_from_the_status_page_in_french(
    intake: ServiceProcess,
) -> None:
    applied = await _applied(intake)
    async with _opened(intake, applied) as http:
        status = await http.get(_page(applied), params={"lang": "fr"})
        assert 'id="withdraw">Retirer ma candidature</button>' in status.text
        assert 'id="erase">Effacer mes données personnelles</button>' in status.text

        confirmation = await http.get(_page(applied, "withdraw"), params={"lang": "fr"})
        assert confirmation.status_code == 200
        _headers_hold(confirmation)
        assert "<script" not in confirmation.text
        said = html.unescape(confirmation.text)
        assert "Retirer votre candidature ?" in said
        assert "retirée du classement et de la liste d'attente" in said
        assert "passe à l'athlète suivant(e)" in said
        assert "Ce choix est définitif" in said
        assert _ACTION.findall(confirmation.text) == [f"{_page(applied, 'withdraw')}?lang=fr"]
        [token] = _FORM_TOKEN.findall(confirmation.text)

        done = await http.post(
            f"{_page(applied, 'withdraw')}?lang=fr",
            data={"confirmation": token},
            headers=_FROM_OUR_PAGE,
        )
        assert done.status_code == 303, done.text
        assert done.headers["location"] == f"{_page(applied)}?lang=fr"
        _headers_hold(done)

        status = await http.get(done.headers["location"])
        assert 'data-status="withdrawn"' in status.text
        assert "Vous avez retiré votre candidature." in status.text
        assert '<li class="step warn" data-step="withdrawn">' in status.text
        assert "Candidature retirée" in status.text
        assert 'id="withdraw"' not in status.text
        assert 'id="erase"' in status.text
        assert await _state(intake, applied) == (
            "withdrawn",
            ["received", "screened", "enrolled", "withdrawn"],
        )
        withdrawn_at = (await status_of(intake.url, applied))["timeline"][-1]["at"]

        # Pressed again (a second tab, a resent form): the same answer, the first time kept.
        again = await http.post(
            f"{_page(applied, 'withdraw')}?lang=fr",
            data={"confirmation": token},
            headers=_FROM_OUR_PAGE,
        )
        assert again.status_code == 303
        assert (await status_of(intake.url, applied))["timeline"][-1]["at"] == withdrawn_at
        # There is nothing left to confirm: the page leads back to the status page.
        late = await http.get(_page(applied, "withdraw"), params={"lang": "fr"})
        assert late.status_code == 303
        assert late.headers["location"] == f"{_page(applied)}?lang=fr"


async def test_an_athlete_erases_their_personal_data_from_the_status_page_in_spanish(
    intake: ServiceProcess, admin_db: asyncpg.Connection
) -> None:
    applied = await _applied(intake)
    body = applied.body
    personal = [body["full_name"], body["email"], body["business"]["name"]]
    personal.append(body["business"]["pitch"])
    assert await where_found(admin_db, "intake", personal) != []
    async with _opened(intake, applied) as http:
        confirmation = await http.get(_page(applied, "erasure"), params={"lang": "es"})
        assert confirmation.status_code == 200
        _headers_hold(confirmation)
        assert "¿Borrar tus datos personales?" in confirmation.text
        assert "se borran para siempre" in confirmation.text
        assert "Tu solicitud también se retira" in confirmation.text
        [token] = _FORM_TOKEN.findall(confirmation.text)

        # A browser that sends its own address as Origin is as welcome as one sending null.
        own = {"Origin": intake.url, "Sec-Fetch-Site": "same-origin"}
        done = await http.post(
            f"{_page(applied, 'erasure')}?lang=es", data={"confirmation": token}, headers=own
        )
        assert done.status_code == 303, done.text
        status = await http.get(done.headers["location"])
        assert 'data-status="erased"' in status.text
        assert "Tus datos personales están borrados." in status.text
        assert 'data-step="erased"' in status.text
        assert 'data-step="withdrawn"' in status.text
        assert 'id="withdraw"' not in status.text
        assert 'id="erase"' not in status.text

    assert await _state(intake, applied) == (
        "erased",
        ["received", "screened", "enrolled", "withdrawn", "erased"],
    )
    assert await where_found(admin_db, "intake", personal) == []


def _forged(applied: Applied) -> str:
    """A link token of the right form and application, signed with another key."""
    return status_links.sign(applied.application_id, datetime.now(UTC), key="not-the-link-key")


@pytest.mark.parametrize("cookie", ["none", "forged", "expired", "another application's"])
@pytest.mark.parametrize("action", ["withdraw", "erasure"])
async def test_without_the_applications_own_valid_cookie_nothing_changes(
    intake: ServiceProcess, cookie: str, action: str
) -> None:
    applied = await _applied(intake)
    async with _opened(intake, applied) as owner:
        # The genuine form token: only the cookie stands between the request and the action.
        token = await _confirmation(owner, applied, action, "de")
    other = await _applied(intake)
    cookies = {
        "none": None,
        "forged": _forged(applied),
        "expired": await _link_token(intake, applied, days_ago=401),
        "another application's": await _link_token(intake, other),
    }
    value = cookies[cookie]
    headers = {**_FROM_OUR_PAGE, **({"Cookie": f"status_link={value}"} if value else {})}
    async with httpx.AsyncClient(base_url=intake.url, timeout=30) as http:
        shown = await http.get(_page(applied, action), params={"lang": "de"}, headers=headers)
        posted = await http.post(
            f"{_page(applied, action)}?lang=de", data={"confirmation": token}, headers=headers
        )
    for response in (shown, posted):
        assert response.status_code == 404
        assert "Dieser Link ist ungültig" in response.text
        _headers_hold(response)
    assert await _state(intake, applied) == ("enrolled", ["received", "screened", "enrolled"])


@pytest.mark.parametrize(
    ("headers", "form_token"),
    [
        ({"Origin": "https://attacker.example"}, "its own"),
        ({"Origin": "null", "Sec-Fetch-Site": "cross-site"}, "its own"),
        ({"Sec-Fetch-Site": "same-site"}, "its own"),
        (_FROM_OUR_PAGE, None),
        (_FROM_OUR_PAGE, "the other action's"),
    ],
    ids=["foreign origin", "cross-site", "same-site", "no form token", "wrong form token"],
)
async def test_a_form_sent_from_another_site_changes_nothing(
    intake: ServiceProcess, headers: dict[str, str], form_token: str | None
) -> None:
    applied = await _applied(intake)
    async with _opened(intake, applied) as http:
        tokens = {
            "withdraw": await _confirmation(http, applied, "withdraw", "en"),
            "erasure": await _confirmation(http, applied, "erasure", "en"),
        }
        for action, other in (("withdraw", "erasure"), ("erasure", "withdraw")):
            sent = {"its own": tokens[action], "the other action's": tokens[other]}
            data = {"confirmation": sent[form_token]} if form_token else {}
            refused = await http.post(
                f"{_page(applied, action)}?lang=en", data=data, headers=headers
            )
            assert refused.status_code == 403, refused.text
            assert "Nothing was changed" in refused.text
            _headers_hold(refused)
    assert await _state(intake, applied) == ("enrolled", ["received", "screened", "enrolled"])


async def test_opening_the_confirmation_pages_changes_nothing(intake: ServiceProcess) -> None:
    applied = await _applied(intake)
    async with _opened(intake, applied) as http:
        for action in ("withdraw", "erasure"):
            for lang in ("en", "fr", "de", "es"):
                shown = await http.get(_page(applied, action), params={"lang": lang})
                assert shown.status_code == 200
                assert f'<html lang="{lang}">' in shown.text
                assert "%(" not in shown.text
                head = await http.head(_page(applied, action), params={"lang": lang})
                assert head.status_code == 200
    assert await _state(intake, applied) == ("enrolled", ["received", "screened", "enrolled"])


async def test_after_acceptance_the_page_says_to_contact_the_programme_team(
    intake: ServiceProcess, stack_env: dict[str, str]
) -> None:
    applied = await _applied(intake)
    async with _opened(intake, applied) as http:
        token = await _confirmation(http, applied, "withdraw", "de")
        await accept_package(stack_env, intake.url, applied)

        status = await http.get(_page(applied), params={"lang": "de"})
        assert 'id="withdraw"' not in status.text
        assert 'id="erase"' in status.text
        for response in (
            await http.get(_page(applied, "withdraw"), params={"lang": "de"}),
            await http.post(
                f"{_page(applied, 'withdraw')}?lang=de",
                data={"confirmation": token},
                headers=_FROM_OUR_PAGE,
            ),
        ):
            assert response.status_code == 409, response.text
            assert 'data-outcome="package_accepted"' in response.text
            assert "Ihr Paket ist angenommen" in response.text
            assert "wenden Sie sich bitte an das Programmteam" in response.text
            _headers_hold(response)
        erasure = await http.get(_page(applied, "erasure"), params={"lang": "de"})
        assert "Ihr angenommenes Paket bleibt davon unberührt" in erasure.text
    assert await _state(intake, applied) == (
        "enrolled",
        ["received", "screened", "enrolled", "accepted"],
    )


async def test_an_offer_withdrawn_from_is_no_longer_there_to_answer(
    intake: ServiceProcess, stack_env: dict[str, str]
) -> None:
    applied = await _applied(intake)
    offered = make_event(
        GrantOffered(
            application_id=applied.application_id,
            edition_id=EDITION,
            offer_id=uuid.uuid4(),
            amount_cents=1_000_000,
            currency="USD",
            components=["mentoring"],
            rank=4,
            expires_at=datetime.now(UTC).replace(microsecond=0) + timedelta(days=14),
        ),
        service="grant",
        subject=str(applied.application_id),
        correlation_id=str(uuid.uuid4()),
        edition_id=EDITION,
    )
    await produce(
        stack_env["KAFKA_BOOTSTRAP_SERVERS"],
        topics.GRANTS,
        [(offered.subject, offered.to_bytes())],
    )
    async with _opened(intake, applied) as http:

        async def offer_shown() -> bool:
            page = await http.get(_page(applied), params={"lang": "en"})
            return "https://grant.example.org/offers/" in page.text

        await eventually(offer_shown, 30, what="the offer on the status page")
        token = await _confirmation(http, applied, "withdraw", "en")
        done = await http.post(
            f"{_page(applied, 'withdraw')}?lang=en",
            data={"confirmation": token},
            headers=_FROM_OUR_PAGE,
        )
        assert done.status_code == 303
        status = await http.get(done.headers["location"])
    assert "Offered a package" in status.text
    assert "/offers/" not in status.text
    assert "Answer by" not in status.text
    assert 'data-step="withdrawn"' in status.text
