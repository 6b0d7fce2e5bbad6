"""`accelerator edition open|close` against a grant that opens editions only when told."""

import uuid
from pathlib import Path

import pytest

from shared import topics
from shared.editions import DEFAULT_EDITIONS_DIR
from shared.events.envelope import CloudEvent
from tests.support.cli import accelerator, point_cli_at, service_env
from tests.support.kafka import read_to_end
from tests.support.processes import start_service

pytestmark = pytest.mark.integration

ADMIN_TOKEN = "cli-edition-tests-admin-token"


def edition_dir(tmp_path: Path, edition_id: str) -> Path:
    """A directory with one edition: the demo's file under another id."""
    directory = tmp_path / "editions"
    directory.mkdir()
    text = (DEFAULT_EDITIONS_DIR / "athlete365-4.toml").read_text()
    (directory / f"{edition_id}.toml").write_text(
        text.replace('id = "athlete365-4"', f'id = "{edition_id}"')
    )
    return directory


async def _announcements(bootstrap: str, edition_id: str) -> list[str]:
    records = await read_to_end(bootstrap, topics.EDITIONS)
    events = [CloudEvent.from_bytes(r.value) for r in records if r.key == edition_id.encode()]
    return [e.type for e in events]


async def test_an_edition_is_opened_once_closed_once_and_never_reopened(
    stack_env: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    edition_id = f"cli-{uuid.uuid4().hex[:8]}"
    env = service_env(
        stack_env,
        "grant",
        ADMIN_TOKEN=ADMIN_TOKEN,
        EDITIONS_DIR=str(edition_dir(tmp_path, edition_id)),
        ANNOUNCE_EDITIONS_AT_STARTUP="false",
    )
    grant = start_service("services.grant", env=env, log_dir=tmp_path)
    try:
        await grant.wait_ready()
        point_cli_at(monkeypatch, tmp_path, GRANT_URL=grant.url, ADMIN_TOKEN=ADMIN_TOKEN)

        code, _, err = await accelerator(capsys, "edition", "close", edition_id)
        assert code == 3
        assert "never opened" in err

        code, out, _ = await accelerator(capsys, "edition", "open", edition_id)
        assert code == 0
        assert f"opened {edition_id}" in out
        assert "intake takes applications until 2027-08-31" in out
        code, out, _ = await accelerator(capsys, "edition", "open", edition_id)
        assert code == 0
        assert "was already open" in out

        code, out, _ = await accelerator(capsys, "edition", "close", edition_id)
        assert code == 0
        assert f"{edition_id} closed at" in out
        code, out, _ = await accelerator(capsys, "edition", "close", edition_id)
        assert code == 0
        assert "already closed" in out

        code, _, err = await accelerator(capsys, "edition", "open", edition_id)
        assert code == 3
        assert "cannot be reopened" in err
        code, _, err = await accelerator(capsys, "edition", "open", "no-such-edition")
        assert code == 2
        assert "no edition 'no-such-edition'" in err

        monkeypatch.setenv("ADMIN_TOKEN", "wrong-token")
        code, _, err = await accelerator(capsys, "edition", "open", edition_id)
        assert code == 2
        assert "401" in err
    finally:
        grant.terminate()

    assert await _announcements(bootstrap, edition_id) == [
        "accelerator.edition.opened.v1",
        "accelerator.edition.closed.v1",
    ]
