"""Reviewer scores and score explanations over scoring's real HTTP API."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.integration.test_scoring_pipeline import (
    all_scored,
    publish,
    received,
    scores,
    scoring_env,
    screened,
)
from tests.support.processes import start_service
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration


@pytest.fixture
async def api(stack_env: dict[str, str], tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    process = start_service("services.scoring", env=scoring_env(stack_env), log_dir=tmp_path)
    try:
        await process.wait_ready()
        headers = {"Authorization": f"Bearer {stack_env['ADMIN_TOKEN']}"}
        async with httpx.AsyncClient(base_url=process.url, headers=headers, timeout=10) as client:
            yield client
    finally:
        process.terminate()


async def _scored_application(bootstrap: str, *, eligible: bool = True) -> uuid.UUID:
    application_id = uuid.uuid4()
    await publish(
        bootstrap, [received(application_id), screened(application_id, eligible=eligible)]
    )
    return application_id


def _review(score: int, *, conflict: bool = False) -> dict[str, object]:
    return {"score": score, "conflict_of_interest": conflict, "comment": "solid plan"}


async def test_reviews_weigh_thirty_percent_and_a_conflicted_reviewer_changes_nothing(
    stack_env: dict[str, str], api: httpx.AsyncClient
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    application_id = await _scored_application(bootstrap)
    await all_scored(bootstrap, [application_id])
    base = (await scores(bootstrap, [application_id]))[application_id][0].data
    path = f"/v1/applications/{application_id}/reviews"

    first = (await api.put(f"{path}/r-ana", json=_review(90))).json()
    second = (await api.put(f"{path}/r-ben", json=_review(70))).json()
    # Documented: 0.7 x rubric + 0.3 x mean of counted reviews, per entry rounded to 0.01.
    assert second["breakdown"]["reviewers"] == 24.0  # mean 80 x 0.3
    assert abs(second["total"] - (0.7 * base["total"] + 0.3 * 80)) <= 0.06
    assert second["total"] == pytest.approx(sum(second["breakdown"].values()), abs=1e-9)
    assert second["rubric_total"] == base["total"]

    conflicted = await api.put(f"{path}/r-cy", json=_review(0, conflict=True))
    assert conflicted.status_code == 200
    assert conflicted.json()["total"] == second["total"]
    assert conflicted.json()["breakdown"] == second["breakdown"]

    await all_scored(bootstrap, [application_id], times=3)
    await asyncio.sleep(2)  # the conflicted review must not add an event
    published = [e.data for e in (await scores(bootstrap, [application_id]))[application_id]]
    assert [p["total"] for p in published] == [base["total"], first["total"], second["total"]]
    assert published[-1]["breakdown"] == second["breakdown"]

    replaced = (await api.put(f"{path}/r-ana", json=_review(30))).json()
    assert replaced["breakdown"]["reviewers"] == 15.0  # mean of 30 and 70 x 0.3
    explained = (await api.get(f"/v1/applications/{application_id}/score")).json()
    assert explained["total"] == replaced["total"]
    assert [r["reviewer_id"] for r in explained["reviews"]["counted"]] == ["r-ana", "r-ben"]
    assert [r["reviewer_id"] for r in explained["reviews"]["excluded"]] == ["r-cy"]
    assert explained["published"]["events"] == 4
    criteria = {c["criterion"]: c for c in explained["criteria"]}
    assert "stage 'revenue' is step 3 of 4" in criteria["business_stage"]["explanation"]
    assert criteria["business_stage"]["rubric_points"] == 18.75
    assert criteria["business_stage"]["points"] == 13.13  # 18.75 x 0.7, half up


async def test_the_explanation_shows_each_criterion_before_any_review(
    stack_env: dict[str, str], api: httpx.AsyncClient
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    application_id = await _scored_application(bootstrap)
    await all_scored(bootstrap, [application_id])
    published = (await scores(bootstrap, [application_id]))[application_id][0].data

    body = (await api.get(f"/v1/applications/{application_id}/score")).json()
    assert body["status"] == "eligible"
    assert body["total"] == body["rubric_total"] == published["total"]
    assert body["breakdown"] == published["breakdown"]
    assert body["rubric_version"] == published["rubric_version"]
    assert all(c["explanation"] for c in body["criteria"])
    assert body["reviews"]["counted"] == body["reviews"]["excluded"] == []


async def test_review_requests_are_checked(
    stack_env: dict[str, str], api: httpx.AsyncClient
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    eligible = await _scored_application(bootstrap)
    ineligible = await _scored_application(bootstrap, eligible=False)
    await all_scored(bootstrap, [eligible])
    url = f"/v1/applications/{eligible}/reviews/r-1"

    anonymous = await api.put(url, json=_review(50), headers={"Authorization": "Bearer nope"})
    assert anonymous.status_code == 401
    admin = {"Authorization": f"Bearer {stack_env['ADMIN_TOKEN']}"}
    assert (await api.put(url, json=_review(50), headers=admin)).status_code == 200

    extra = await api.put(url, json={**_review(50), "bonus": 5})
    assert extra.status_code == 422
    assert extra.json()["detail"][0]["loc"] == ["body", "bonus"]
    too_high = await api.put(url, json=_review(101))
    assert too_high.status_code == 422
    assert too_high.json()["detail"][0]["loc"] == ["body", "score"]
    bad_reviewer = await api.put(
        f"/v1/applications/{eligible}/reviews/no%20spaces", json=_review(1)
    )
    assert bad_reviewer.status_code == 422

    unknown = await api.put(f"/v1/applications/{uuid.uuid4()}/reviews/r-1", json=_review(50))
    assert unknown.status_code == 404
    assert (await api.get(f"/v1/applications/{uuid.uuid4()}/score")).status_code == 404

    async def ineligible_recorded() -> bool:
        return (await api.get(f"/v1/applications/{ineligible}/score")).status_code == 200

    await eventually(ineligible_recorded, timeout_s=90.0)
    refused = await api.put(f"/v1/applications/{ineligible}/reviews/r-1", json=_review(50))
    assert refused.status_code == 409
    assert "ineligible" in refused.json()["detail"]
    assert (await api.get(f"/v1/applications/{ineligible}/score")).json()["total"] is None
