"""A panel reviewer's own pages on a real scoring process: the personal link becomes a
session limited to that reviewer, who reads and scores only their own assignments, saves
through the review path (a new score event follows) and can declare a conflict, which gives
the application to another reviewer."""

import uuid
from collections.abc import AsyncIterator
from datetime import datetime

import asyncpg
import httpx
import pytest

from shared import review_links, topics
from shared.events.codec import make_event
from shared.events.contracts import ApplicationPitch, pitch_key
from shared.events.envelope import CloudEvent
from tests.integration.test_scoring_panel import (
    COUNTRIES,
    REVIEWERS,
    admin,
    configure_panel,
    panel_scoring,
)
from tests.integration.test_scoring_pipeline import scores
from tests.support.kafka import produce
from tests.support.personal_data import where_found
from tests.support.processes import ServiceProcess
from tests.support.review_panel import REVIEW_LINK_KEY, panel_events
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration
__all__ = ["panel_scoring"]

INVITED = "accelerator.reviewer.invited.v1"


async def assigned_panel(
    stack_env: dict[str, str], process: ServiceProcess, edition_id: str
) -> dict[str, CloudEvent]:
    """Configure the panel, assign, and return each reviewer's invitation."""
    async with admin(process, stack_env) as client:
        await configure_panel(client, edition_id)
        assert (await client.post(f"/v1/editions/{edition_id}/review-assignments")).is_success
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]

    async def invited() -> dict[str, CloudEvent]:
        found = [e for e in await panel_events(bootstrap, edition_id) if e.type == INVITED]
        return {e.data["reviewer_id"]: e for e in found}

    async def all_invited() -> bool:
        return len(await invited()) == len(REVIEWERS)

    await eventually(all_invited, timeout_s=60.0, what="every reviewer invited")
    return await invited()


def link_of(invitation: CloudEvent, language: str) -> str:
    """What notification puts in the invitation e-mail, from the event alone."""
    token = review_links.sign(
        uuid.UUID(invitation.data["seat_id"]),
        datetime.fromisoformat(invitation.data["link_expires_at"]),
        key=REVIEW_LINK_KEY,
    )
    return review_links.review_link("", token, language)


@pytest.fixture
async def browsers(
    panel_scoring: tuple[ServiceProcess, str, list[uuid.UUID]],
) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """One cookie jar per reviewer, as their own browsers would have."""
    process = panel_scoring[0]
    clients = {r: httpx.AsyncClient(base_url=process.url, timeout=30) for r in REVIEWERS}
    try:
        yield clients
    finally:
        for client in clients.values():
            await client.aclose()


async def open_link(client: httpx.AsyncClient, invitation: CloudEvent, language: str) -> None:
    response = await client.get(link_of(invitation, language))
    assert response.status_code == 303
    assert response.headers["location"] == f"/review/queue?lang={language}"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "path=/review" in cookie


def queue_ids(page: str) -> set[str]:
    return {part.split('"', 1)[0] for part in page.split('data-application="')[1:]}


async def test_a_reviewer_scores_their_own_applications_and_passes_one_on(
    stack_env: dict[str, str],
    panel_scoring: tuple[ServiceProcess, str, list[uuid.UUID]],
    browsers: dict[str, httpx.AsyncClient],
) -> None:
    process, edition_id, ids = panel_scoring
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    invitations = await assigned_panel(stack_env, process, edition_id)
    cle = browsers["r-cle"]
    await open_link(cle, invitations["r-cle"], "fr")

    queue = await cle.get("/review/queue?lang=fr")
    assert queue.status_code == 200
    assert "script-src" not in queue.headers["content-security-policy"]
    assert "default-src 'none'" in queue.headers["content-security-policy"]
    assert 'lang="fr"' in queue.text
    assert "0 sur 4" in queue.text
    mine = sorted(queue_ids(queue.text))
    assert len(mine) == invitations["r-cle"].data["assignments"] == 4
    # The one to pass on: one that a third reviewer may take (not of their NOC or sector).
    country = dict(zip(map(str, ids), COUNTRIES, strict=True))
    software = {str(a) for n, a in enumerate(ids) if n % 3 == 0}
    assigned = [
        e
        for e in await panel_events(bootstrap, edition_id)
        if e.type == "accelerator.review.assigned.v1"
    ]

    def may_take(reviewer: str, application: str) -> bool:
        return not (
            (reviewer == "r-ben" and country[application] == "FRA")
            or (reviewer == "r-dan" and application in software)
        )

    def third_reviewer_exists(application: str) -> bool:
        taken = {e.data["reviewer_id"] for e in assigned if e.data["application_id"] == application}
        return any(may_take(r, application) for r in set(REVIEWERS) - taken)

    passed_on = next(a for a in mine if third_reviewer_exists(a))
    mine = [a for a in mine if a != passed_on] + [passed_on]

    page = await cle.get(f"/review/queue/{mine[0]}?lang=fr")
    assert page.status_code == 200
    assert "Opportunité de marché" in page.text
    for body in REVIEWERS.values():
        assert body["full_name"] not in page.text
    before = len((await scores(bootstrap, [uuid.UUID(mine[0])]))[uuid.UUID(mine[0])])

    form = {
        "criterion.market_opportunity": "8",
        "criterion.business_model": "7",
        "criterion.founder_readiness": "9",
        "criterion.accelerator_fit": "6",
        "comment": "Clear plan for the Japanese market.",
    }
    saved = await cle.post(f"/review/queue/{mine[0]}?lang=fr", data=form)
    assert saved.status_code == 303
    again = await cle.post(
        f"/review/queue/{mine[1]}?lang=fr", data={**form, "criterion.business_model": "3"}
    )
    assert again.status_code == 303

    async def rescored() -> bool:
        found = await scores(bootstrap, [uuid.UUID(mine[0])])
        return len(found[uuid.UUID(mine[0])]) == before + 1

    await eventually(rescored, timeout_s=60.0, what="a new score after the review")
    submitted = [
        e
        for e in await panel_events(bootstrap, edition_id)
        if e.type == "accelerator.review.submitted.v1" and e.data["reviewer_id"] == "r-cle"
    ]
    assert {e.data["application_id"]: e.data["score"] for e in submitted} == {
        mine[0]: 75,
        mine[1]: 65,
    }
    assert "Clear plan" not in str([e.data for e in submitted])
    assert "2 sur 4" in (await cle.get("/review/queue?lang=fr")).text

    bad = await cle.post(
        f"/review/queue/{mine[2]}?lang=en", data={**form, "criterion.founder_readiness": "11"}
    )
    assert bad.status_code == 422
    assert 'id="criterion.founder_readiness-error"' in bad.text
    assert "Give a whole number from 0 to 10." in bad.text

    # A conflict: the application leaves r-cle's queue for another reviewer's.
    declared = await cle.post(f"/review/queue/{passed_on}/conflict?lang=fr")
    assert declared.status_code == 303
    assert passed_on not in queue_ids((await cle.get("/review/queue")).text)

    async def reassigned() -> list[CloudEvent]:
        return [
            e
            for e in await panel_events(bootstrap, edition_id)
            if e.data.get("application_id") == passed_on
            and e.type == "accelerator.review.assigned.v1"
            and e.data["reassignment"]
        ]

    async def has_reassignment() -> bool:
        return bool(await reassigned())

    await eventually(has_reassignment, timeout_s=60.0, what="the application re-assigned")
    (replacement,) = await reassigned()
    other = replacement.data["reviewer_id"]
    assert other != "r-cle"
    released = [
        e
        for e in await panel_events(bootstrap, edition_id)
        if e.type == "accelerator.review.released.v1"
    ]
    assert [(e.data["reviewer_id"], e.data["reason"]) for e in released] == [("r-cle", "conflict")]
    newest = [
        e
        for e in await panel_events(bootstrap, edition_id)
        if e.type == INVITED and e.data["reviewer_id"] == other
    ][-1]
    assert newest.data["new_assignments"] == 1
    await open_link(browsers[other], newest, "en")
    assert passed_on in queue_ids((await browsers[other].get("/review/queue")).text)


async def test_a_reviewer_can_neither_read_nor_score_another_reviewers_assignment(
    stack_env: dict[str, str],
    panel_scoring: tuple[ServiceProcess, str, list[uuid.UUID]],
    browsers: dict[str, httpx.AsyncClient],
) -> None:
    process, edition_id, _ = panel_scoring
    invitations = await assigned_panel(stack_env, process, edition_id)
    ana, ben = browsers["r-ana"], browsers["r-ben"]
    await open_link(ana, invitations["r-ana"], "en")
    await open_link(ben, invitations["r-ben"], "en")
    ana_queue = queue_ids((await ana.get("/review/queue")).text)
    ben_queue = queue_ids((await ben.get("/review/queue")).text)
    not_ana = sorted(ben_queue - ana_queue)
    assert not_ana
    target = not_ana[0]
    form = {
        "criterion.market_opportunity": "0",
        "criterion.business_model": "0",
        "criterion.founder_readiness": "0",
        "criterion.accelerator_fit": "0",
        # Naming another reviewer, or another seat, changes nothing: the session decides.
        "reviewer_id": "r-ben",
        "seat_id": invitations["r-ben"].data["seat_id"],
    }

    assert (await ana.get(f"/review/queue/{target}")).status_code == 404
    refused = await ana.post(f"/review/queue/{target}", data=form)
    assert refused.status_code == 404
    assert 'data-outcome="not_in_queue"' in refused.text
    assert (await ana.post(f"/review/queue/{target}/conflict")).status_code == 404
    unknown = uuid.uuid4()
    assert (await ana.get(f"/review/queue/{unknown}")).status_code == 404
    assert (await ana.post(f"/review/queue/{unknown}", data=form)).status_code == 404

    # Scoring one of her own with the other reviewer's name in the form records hers only.
    own = sorted(ana_queue)[0]
    assert (await ana.post(f"/review/queue/{own}", data=form)).status_code == 303
    async with admin(process, stack_env) as client:
        explained = {
            a: (await client.get(f"/v1/applications/{a}/score")).json() for a in (own, target)
        }
    assert [r["reviewer_id"] for r in explained[target]["reviews"]["counted"]] == []
    counted = [r["reviewer_id"] for r in explained[own]["reviews"]["counted"]]
    assert counted == ["r-ana"]

    # Without a session, or with a forged or foreign-key token, nothing opens.
    anonymous = httpx.AsyncClient(base_url=process.url, timeout=30)
    async with anonymous:
        assert (await anonymous.get("/review/queue")).status_code == 404
        assert (await anonymous.post(f"/review/queue/{own}", data=form)).status_code == 404
        forged = review_links.sign(
            uuid.UUID(invitations["r-ben"].data["seat_id"]),
            datetime.fromisoformat(invitations["r-ben"].data["link_expires_at"]),
            key="not-the-key",
        )
        assert (await anonymous.get(f"/review/{forged}")).status_code == 404
        anonymous.cookies.set("review_session", forged, path="/review")
        assert (await anonymous.get("/review/queue")).status_code == 404


async def test_opening_the_link_changes_nothing(
    stack_env: dict[str, str],
    panel_scoring: tuple[ServiceProcess, str, list[uuid.UUID]],
    browsers: dict[str, httpx.AsyncClient],
) -> None:
    process, edition_id, _ = panel_scoring
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    invitations = await assigned_panel(stack_env, process, edition_id)
    before = await panel_events(bootstrap, edition_id)
    dan = browsers["r-dan"]
    for _ in range(3):
        await open_link(dan, invitations["r-dan"], "de")
        assert (await dan.head(link_of(invitations["r-dan"], "de"))).status_code == 303
    queue = await dan.get("/review/queue")
    assert 'lang="de"' in queue.text  # the reviewer's own language without ?lang=
    async with admin(process, stack_env) as client:
        listed = (await client.get(f"/v1/editions/{edition_id}/reviewers")).json()
    assert {r["reviewer_id"]: r["reviewed"] for r in listed}["r-dan"] == 0
    assert len(await panel_events(bootstrap, edition_id)) == len(before)


def all_scored_at(value: int) -> dict[str, str]:
    criteria = ("market_opportunity", "business_model", "founder_readiness", "accelerator_fit")
    return {f"criterion.{c}": str(value) for c in criteria}


async def test_the_manager_sees_progress_what_lacks_reviews_and_disagreements(
    stack_env: dict[str, str],
    panel_scoring: tuple[ServiceProcess, str, list[uuid.UUID]],
    browsers: dict[str, httpx.AsyncClient],
) -> None:
    process, edition_id, _ = panel_scoring
    invitations = await assigned_panel(stack_env, process, edition_id)
    queues = {}
    for reviewer, client in browsers.items():
        await open_link(client, invitations[reviewer], "en")
        queues[reviewer] = queue_ids((await client.get("/review/queue")).text)
    first, second, shared = next(
        (a, b, sorted(queues[a] & queues[b])[0])
        for a in sorted(queues)
        for b in sorted(queues)
        if a < b and queues[a] & queues[b]
    )
    one_sided = sorted(queues[first] - {shared})[0]
    for reviewer, application, value in (
        (first, shared, 10),
        (second, shared, 2),
        (first, one_sided, 6),
    ):
        saved = await browsers[reviewer].post(
            f"/review/queue/{application}", data=all_scored_at(value)
        )
        assert saved.status_code == 303

    async with admin(process, stack_env) as client:
        progress = (await client.get(f"/v1/editions/{edition_id}/review-progress")).json()
    assert (progress["reviewed"], progress["assigned"]) == (3, 16)
    done = {r["reviewer_id"]: r["reviewed"] for r in progress["reviewers"]}
    assert done == {r: (2 if r == first else 1 if r == second else 0) for r in REVIEWERS}
    assert [(d["application_id"], d["scores"], d["spread"]) for d in progress["disagreements"]] == [
        (shared, [20, 100], 80)
    ]
    lacking = {a["application_id"] for a in progress["lacking"]}
    assert shared not in lacking
    assert one_sided in lacking
    assert len(lacking) == 7


async def test_the_pitch_consumed_from_the_contacts_topic_shows_until_its_tombstone(
    stack_env: dict[str, str],
    admin_db: asyncpg.Connection,
    panel_scoring: tuple[ServiceProcess, str, list[uuid.UUID]],
    browsers: dict[str, httpx.AsyncClient],
) -> None:
    process, edition_id, _ = panel_scoring
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    invitations = await assigned_panel(stack_env, process, edition_id)
    ana = browsers["r-ana"]
    await open_link(ana, invitations["r-ana"], "en")
    target = sorted(queue_ids((await ana.get("/review/queue")).text))[0]
    url = f"/review/queue/{target}?lang=en"
    page = await ana.get(url)
    assert 'id="pitch-text"' in page.text
    assert "The pitch is not available" in page.text

    tag = uuid.uuid4().hex[:12]
    pitch = f"Mats <b>{tag}</b> & belts\nsold to clubs"
    event = make_event(
        ApplicationPitch(edition_id=edition_id, application_id=uuid.UUID(target), pitch=pitch),
        service="intake",
        subject=pitch_key(uuid.UUID(target)),
        correlation_id=str(uuid.uuid4()),
        edition_id=edition_id,
    )
    key = pitch_key(uuid.UUID(target))
    # Delivered twice, as after a crash: the inbox makes the second one nothing.
    await produce(bootstrap, topics.CONTACTS, [(key, event.to_bytes()), (key, event.to_bytes())])

    async def shown() -> bool:
        return "sold to clubs" in (await ana.get(url)).text

    await eventually(shown, timeout_s=60.0, what="the pitch on the reviewer's page")
    page = await ana.get(url)
    # Escaped as text, its line break kept for the stylesheet's pre-line.
    assert f'class="pitch" id="pitch-text">Mats &lt;b&gt;{tag}&lt;/b&gt; &amp; belts\n' in page.text
    assert "The pitch is not available" not in page.text
    french = await ana.get(f"/review/queue/{target}?lang=fr")
    assert "sold to clubs" in french.text

    # An athlete's tombstone on the same topic is no business of scoring's.
    await produce(bootstrap, topics.CONTACTS, [("athlete-not-this-one", None), (key, None)])

    async def gone() -> bool:
        return "The pitch is not available" in (await ana.get(url)).text

    await eventually(gone, timeout_s=60.0, what="the pitch erased from the reviewer's page")
    assert tag not in (await ana.get(url)).text
    assert await where_found(admin_db, "scoring", [tag]) == []
    french = await ana.get(f"/review/queue/{target}?lang=fr")
    assert "La présentation n'est pas disponible" in french.text.replace("&#39;", "'")
