"""Admin work on a real intake process: CSV bulk import (over HTTP and with the CLI) and
training progress, with Postgres and Kafka behind it."""

import asyncio
import csv
import io
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from cli.main import main as accelerator
from shared.events.envelope import CloudEvent
from tests.support.kafka import read_to_end
from tests.support.processes import ServiceProcess, running_service

pytestmark = pytest.mark.integration

ADMIN = {"Authorization": "Bearer intake-admin-test"}
IMPORT = "/v1/editions/athlete365-4/applications:import"
COLUMNS = (
    "athlete_id,full_name,email,language,country,sport,athlete_status,career_end_year,"
    "business_name,business_sector,business_stage,pitch,sourcing_needs,target_markets,"
    "consent_data_processing,consent_marketing"
)


@pytest.fixture(scope="module")
async def intake(
    stack_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ServiceProcess]:
    async with running_service(
        "intake", stack_env, tmp_path_factory.mktemp("intake"), ADMIN_TOKEN="intake-admin-test"
    ) as process:
        yield process


def row(**changes: str) -> dict[str, str]:
    tag = uuid.uuid4().hex[:10].upper()
    cells = {
        "athlete_id": f"A365-{tag}",
        "full_name": f"Csv Athlete {tag}",
        "email": f"csv.{tag}@example.org",
        "language": "fr",
        "country": "SEN",
        "sport": "Judo",
        "athlete_status": "former_paralympian",
        "career_end_year": "2018",
        "business_name": "Dojo Goods",
        "business_sector": "sporting_goods",
        "business_stage": "growth",
        "pitch": "Mats and\nbelts, wholesale.",
        "sourcing_needs": "textiles;foam",
        "target_markets": "FRA; CIV",
        "consent_data_processing": "yes",
        "consent_marketing": "",
    }
    return cells | changes


def as_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS.split(","), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


async def test_a_csv_import_keeps_every_good_row_and_names_every_bad_line(
    intake: ServiceProcess, admin_db: asyncpg.Connection, stack_env: dict[str, str]
) -> None:
    first = row()
    rows = [
        first,  # lines 2-3: the pitch spans two lines
        row(country="XXX", consent_data_processing="maybe"),  # 4-5
        row(career_end_year="1990"),  # 6-7: imported, screened out
        row(email=first["email"].upper()),  # 8-9: the same mailbox again
        row(athlete_status="current_olympian"),  # 10-11: a current athlete with an end year
        row(),  # 12-13
    ]
    async with httpx.AsyncClient(base_url=intake.url, headers=ADMIN, timeout=60) as client:
        response = await client.post(IMPORT, content=as_csv(rows).encode())
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["rows"], result["imported"], result["rejected"]) == (6, 3, 3)
    assert [a["line"] for a in result["applications"]] == [2, 6, 12]
    errors = {e["line"]: (e["status"], {p["field"] for p in e["errors"]}) for e in result["errors"]}
    assert errors == {
        4: (422, {"country", "consent_data_processing"}),
        8: (409, {"email"}),
        10: (422, {"career_end_year"}),
    }
    stored = await admin_db.fetch(
        "SELECT athlete_id, eligible FROM intake.applications WHERE athlete_id = ANY($1::text[])",
        [r["athlete_id"] for r in rows],
    )
    assert {r["athlete_id"]: r["eligible"] for r in stored} == {
        rows[0]["athlete_id"]: True,
        rows[2]["athlete_id"]: False,
        rows[5]["athlete_id"]: True,
    }


async def test_imports_racing_over_the_same_athletes_keep_one_application_each(
    intake: ServiceProcess, admin_db: asyncpg.Connection
) -> None:
    earlier = row()
    rows = [earlier, *(row() for _ in range(119))]
    async with httpx.AsyncClient(base_url=intake.url, headers=ADMIN, timeout=60) as client:
        assert (await client.post(IMPORT, content=as_csv([earlier]).encode())).status_code == 200
        # Three imports of one file at once: each looks its athletes up before inserting, so
        # all but one find their chunk taken only when they insert it.
        answers = await asyncio.gather(
            *(client.post(IMPORT, content=as_csv(rows).encode()) for _ in range(3))
        )
    results = [answer.json() for answer in answers]
    assert [answer.status_code for answer in answers] == [200, 200, 200], results

    imported = {a["line"]: a["application_id"] for r in results for a in r["applications"]}
    duplicates = sorted(e["line"] for r in results for e in r["errors"] if e["status"] == 409)
    lines = [2 + 2 * i for i in range(len(rows))]  # every pitch spans two lines
    assert sorted(imported) == lines[1:]
    assert sum(r["imported"] for r in results) == len(rows) - 1
    assert duplicates == sorted([lines[0]] * 3 + lines[1:] * 2)
    stored = await admin_db.fetch(
        "SELECT athlete_id, application_id FROM intake.applications"
        " WHERE athlete_id = ANY($1::text[])",
        [r["athlete_id"] for r in rows],
    )
    assert len(stored) == len(rows)
    by_athlete = {r["athlete_id"]: str(r["application_id"]) for r in stored}
    assert {line: by_athlete[rows[i]["athlete_id"]] for i, line in enumerate(lines)} == {
        lines[0]: by_athlete[earlier["athlete_id"]],
        **imported,
    }
    # A chunk rolled back for a duplicate left no event behind: one receipt per application.
    receipts = await admin_db.fetchval(
        "SELECT count(*) FROM intake.outbox"
        " WHERE event_type = 'accelerator.application.received.v1' AND key = ANY($1::text[])",
        list(by_athlete.values()),
    )
    assert receipts == len(rows)


async def test_import_needs_the_admin_token_and_a_readable_header(intake: ServiceProcess) -> None:
    async with httpx.AsyncClient(base_url=intake.url, timeout=30) as client:
        anonymous = await client.post(IMPORT, content=as_csv([row()]).encode())
        bad_header = await client.post(IMPORT, content=b"athlete_id,colour\n1,red\n", headers=ADMIN)
    assert anonymous.status_code == 401
    assert bad_header.status_code == 422
    assert "unknown column(s) colour" in bad_header.json()["detail"]


async def test_the_cli_imports_in_chunks_and_reports_bad_lines(
    intake: ServiceProcess,
    tmp_path: Path,
    admin_db: asyncpg.Connection,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = [row() for _ in range(7)]
    rows[4]["business_stage"] = "unicorn"  # line 2 + 4 * 2 = 10
    source = tmp_path / "applications.csv"
    source.write_text(as_csv(rows))
    tokens = tmp_path / "tokens.csv"
    argv = ["import", "--edition", "athlete365-4", str(source), "--url", intake.url]
    argv += ["--token", "intake-admin-test", "--chunk-rows", "3", "--save-tokens", str(tokens)]

    code = await asyncio.to_thread(accelerator, argv)

    assert code == 1
    output = capsys.readouterr().out
    assert "line 10 (422): business_stage: Input should be" in output
    assert len(tokens.read_text().splitlines()) == 1 + 6
    stored = await admin_db.fetchval(
        "SELECT count(*) FROM intake.applications WHERE athlete_id = ANY($1::text[])",
        [r["athlete_id"] for r in rows],
    )
    assert stored == 6


async def test_the_cli_exits_2_when_intake_cannot_be_reached(tmp_path: Path) -> None:
    source = tmp_path / "one.csv"
    source.write_text(as_csv([row()]))
    argv = ["import", "--edition", "athlete365-4", str(source), "--url", "http://127.0.0.1:9"]
    assert await asyncio.to_thread(accelerator, [*argv, "--token", "x"]) == 2


async def enrolled_application(url: str, **changes: Any) -> str:
    async with httpx.AsyncClient(base_url=url, headers=ADMIN, timeout=30) as client:
        response = await client.post(IMPORT, content=as_csv([row(**changes)]).encode())
    (application,) = response.json()["applications"]
    app_id: str = application["application_id"]
    return app_id


async def training_event_types(kafka: str, app_id: str, *, at_least: int) -> list[str]:
    for _ in range(100):
        records = await read_to_end(kafka, "accelerator.training")
        types = [CloudEvent.from_bytes(r.value).type for r in records if r.key == app_id.encode()]
        if len(types) >= at_least:
            break
        await asyncio.sleep(0.2)
    return types


async def test_a_module_completion_is_recorded_and_published_once(
    intake: ServiceProcess, stack_env: dict[str, str]
) -> None:
    app_id = await enrolled_application(intake.url)
    path = f"/v1/applications/{app_id}/training/global-sourcing/complete"
    async with httpx.AsyncClient(base_url=intake.url, timeout=30) as client:
        anonymous = await client.post(path)
        first = await client.post(path, headers=ADMIN)
        again = await client.post(path, headers=ADMIN)
        unknown = await client.post(path.replace("global-sourcing", "juggling"), headers=ADMIN)
        timeline = await client.get(f"/v1/applications/{app_id}", headers=ADMIN)
    assert [anonymous.status_code, first.status_code, again.status_code] == [401, 201, 200]
    assert first.json()["completed_at"] == again.json()["completed_at"]
    assert again.json()["newly_recorded"] is False
    assert unknown.status_code == 422
    assert timeline.json()["completed_modules"] == ["global-sourcing"]

    kafka = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    types = await training_event_types(kafka, app_id, at_least=2)
    await asyncio.sleep(1.0)  # long enough for a second completion event, were there one
    types = await training_event_types(kafka, app_id, at_least=2)
    assert types == [
        "accelerator.training.enrolled.v1",
        "accelerator.training.module_completed.v1",
    ]


async def test_only_an_enrolled_application_records_training(intake: ServiceProcess) -> None:
    app_id = await enrolled_application(intake.url, career_end_year="1990")
    path = f"/v1/applications/{app_id}/training/global-sourcing/complete"
    async with httpx.AsyncClient(base_url=intake.url, headers=ADMIN, timeout=30) as client:
        ineligible = await client.post(path)
        missing = await client.post(path.replace(app_id, str(uuid.uuid4())))
    assert ineligible.status_code == 409
    assert "not enrolled in training" in ineligible.json()["detail"]
    assert missing.status_code == 404
