"""deploy/compose.yaml run for real: a Docker Engine starts the committed file, an edition
runs through it while replicas and grant are killed, and nothing is lost or done twice.

The tier brings what it needs (Docker Engine, Compose v2, stand-ins for images no registry
serves here) and leaves the host as it found it. Where its time goes is written to
.run/deploy-stack-report.json, with the figures of the edition.
"""

import asyncio
import contextlib
import json
import re
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from demo.athletes import applicants
from shared.editions import load_editions
from tests.deploy.compose_stack import (
    COMPOSE_FILE,
    REPLICAS,
    ROOT,
    Deployment,
    env_file_settings,
    served,
    wait_until_healthy,
    wheelhouse,
    wheelhouse_build_args,
)
from tests.deploy.docker_engine import BRIDGE, DockerEngine
from tests.deploy.edition_run import Edition, Urls, until
from tests.deploy.mail_api import Mail
from tests.deploy.standins import Images

pytestmark = pytest.mark.deploy

EDITION_ID = "athlete365-4"
APPLICANTS = 200
# Intake limits each client address to 60 submissions a minute; the rest come as CSV.
OVER_HTTP = 40
OUR_SERVICES = {
    "kafka": 1,
    "postgres": 1,
    "intake": 1,
    "scoring": REPLICAS,
    "grant": 1,
    "notification": REPLICAS,
    "dashboard": 1,
}
SETTLE_S = 10
REPORT = ROOT / ".run" / "deploy-stack-report.json"
SECONDS: dict[str, float] = {}
EDITION: dict[str, int] = {}


def _write_report() -> None:
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps({"seconds": SECONDS, "edition": EDITION}, indent=2) + "\n")


class Stopwatch:
    def __init__(self) -> None:
        self.started = time.monotonic()

    def lap(self, what: str) -> None:
        now = time.monotonic()
        SECONDS[what] = round(now - self.started, 1)
        self.started = now
        _write_report()


@pytest.fixture(scope="module")
def engine() -> Iterator[DockerEngine]:
    watch = Stopwatch()
    engine = DockerEngine()
    engine.start()
    watch.lap(
        "docker engine: the one that answered"
        if engine.external
        else "docker engine: install if needed and start our own"
    )
    try:
        yield engine
    finally:
        # Steps of a failed image build stay behind as stopped containers.
        subprocess.run(
            ["docker", "container", "prune", "-f"], env=engine.env, capture_output=True, check=False
        )
        problems = engine.stop()
        assert not problems, f"the host was not restored: {problems}"
        if not engine.external:
            assert not Path(f"/sys/class/net/{BRIDGE}").exists(), f"bridge {BRIDGE} left behind"


@pytest.fixture(scope="module")
def deployment(
    engine: DockerEngine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    watch = Stopwatch()
    images = Images(engine.env)
    obtained = images.ensure()
    watch.lap("upstream images: " + ", ".join(f"{k} {v}" for k, v in obtained.items()))
    SECONDS.update({f"- of which {step}": round(s, 1) for step, s in images.timings.items()})
    settings = env_file_settings()
    env_file = tmp_path_factory.mktemp("deploy") / "test.env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in settings.items()))
    deployment = Deployment(env_file, settings, engine.env)
    try:
        wheels = wheelhouse()
        watch.lap("wheelhouse for the image (pip download)")
        bridge = engine.bridge_gateway()
        with served(wheels, bridge) as index:
            deployment.build(wheelhouse_build_args(index, bridge))
        watch.lap("project image: docker compose build")
        deployment.checked("up", "--wait", "--wait-timeout", "300")
        # `up --wait` has been seen to exit 0 with nothing started: check what runs.
        for service, replicas in OUR_SERVICES.items():
            wait_until_healthy(deployment, service, replicas, timeout_s=30)
        watch.lap("docker compose up --wait")
        yield deployment
    finally:
        watch = Stopwatch()
        down = deployment.compose("down", "-v", "--remove-orphans", timeout_s=300)
        watch.lap("docker compose down -v")
        assert down.returncode == 0, down.stdout + down.stderr
        _assert_nothing_left(engine)


def _assert_nothing_left(engine: DockerEngine) -> None:
    def listed(*args: str) -> list[str]:
        return subprocess.run(
            [
                "docker",
                *args,
                "--filter",
                "label=com.docker.compose.project=athlete-accelerator",
                "-q",
            ],
            env=engine.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()

    left = {
        kind: listed(*args)
        for kind, args in {
            "containers": ("ps", "-a"),
            "networks": ("network", "ls"),
            "volumes": ("volume", "ls"),
        }.items()
    }
    assert not any(left.values()), f"docker compose down -v left {left}"


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=60) as client:
        yield client


def _crash_one(deployment: Deployment, service: str) -> None:
    deployment.crash(deployment.containers(service)[0])


def _restarts(deployment: Deployment, service: str, replicas: int) -> int:
    return sum(int(n) for n in wait_until_healthy(deployment, service, replicas))


@pytest.mark.timeout(1800)
async def test_an_edition_runs_through_compose_with_containers_killed(
    deployment: Deployment, http: httpx.AsyncClient
) -> None:
    watch = Stopwatch()
    edition_file = load_editions()[EDITION_ID]
    urls = Urls(
        intake=deployment.url("INTAKE_PORT"),
        grant=deployment.url("GRANT_PORT"),
        dashboard=deployment.url("DASHBOARD_PORT"),
        mail=deployment.url("MAIL_UI_PORT"),
        admin_token=deployment.settings["ADMIN_TOKEN"],
    )
    edition = Edition(http, urls, EDITION_ID)
    await edition.wait_until_open()
    people = applicants(APPLICANTS, seed=12, tag=uuid.uuid4().hex[:6])
    await edition.apply_over_http(people[:OVER_HTTP])
    # While their events are being scored and e-mailed.
    _crash_one(deployment, "scoring")
    _crash_one(deployment, "notification")
    await edition.import_csv(people[OVER_HTTP:])
    watch.lap("edition: 200 applications (HTTP and CSV), scoring and notification killed")

    funnel = await edition.wait_for_screening_and_enrolment()
    await edition.complete_training(list(edition_file.training.modules), seed=12)
    await edition.wait_until_scored(funnel["eligible"])
    # Brought back by the restart policy, not by anything this test does.
    assert _restarts(deployment, "scoring", REPLICAS) == 1
    assert _restarts(deployment, "notification", REPLICAS) == 1
    watch.lap("edition: screening, training completions, scores")

    capacity = edition_file.grant_capacity
    assert funnel["eligible"] > capacity, "too few eligible applicants to fill the edition"
    await edition.close()
    # While it publishes the offers.
    _crash_one(deployment, "grant")
    first_round = await edition.offers_mailed(capacity)
    tokens = sorted(first_round)
    accepting = tokens[: capacity * 7 // 10]
    await edition.accept(accepting)
    edition.journal.silent_tokens |= set(tokens[len(accepting) :])
    await edition.expire_overdue(edition_file.offer_acceptance_days)
    standings = await edition.accept_promotions_until_settled()
    assert _restarts(deployment, "grant", 1) == 1
    watch.lap("edition: close, offers, acceptances, expiry, promotions; grant killed")

    assert standings["offers_by_state"].get("accepted") == capacity, standings["offers_by_state"]
    assert standings["committed_cents"] == capacity * edition_file.package_value_cents
    assert standings["accepted_cents"] == 500_000 * 100
    assert len(edition.journal.expired) == len(tokens) - len(accepting)

    dashboard = await edition.dashboard()
    assert dashboard["dead_letters_total"] == 0, "a message could not be handled"
    picture = dashboard["edition"]
    assert picture["funnel"]["scored"] == funnel["eligible"]
    assert picture["scores"]["count"] == funnel["eligible"]
    assert picture["budget"]["committed_cents"] == 500_000 * 100

    expected_mails = _athlete_facing_events(edition, standings, funnel)
    mails = await _mails_once_settled(edition, expected_mails)
    by_message_id = Counter(m.message_id for m in mails)
    EDITION.update(
        received=len(edition.journal.application_ids),
        eligible=funnel["eligible"],
        training_completions=edition.journal.completions,
        offers=sum(standings["offers_by_state"].values()),
        accepted_first_round=len(accepting),
        expired=len(edition.journal.expired),
        accepted=standings["offers_by_state"]["accepted"],
        athlete_facing_events=expected_mails,
        emails_distinct=len(by_message_id),
        emails_stored=len(mails),
    )
    _write_report()
    assert len(by_message_id) == expected_mails, (
        f"{len(by_message_id)} distinct e-mails for {expected_mails} athlete-facing events"
    )
    watch.lap("edition: every e-mail checked")

    status = deployment.accelerator("status")
    assert status.returncode == 0, status.stdout + status.stderr


def _athlete_facing_events(
    edition: Edition, standings: dict[str, Any], funnel: dict[str, int]
) -> int:
    """Counted from intake's and grant's answers, never from notification's own figures."""
    received = len(edition.journal.application_ids)
    offers: dict[str, int] = standings["offers_by_state"]
    candidates: dict[str, int] = standings["candidates"]
    closing: dict[str, int] = edition.journal.closing
    return (
        2 * received  # application.received, application.screened (eligible or not)
        + funnel["enrolled"]  # training.enrolled
        + sum(offers.values())  # grant.offered
        + sum(offers.get(state, 0) for state in ("accepted", "declined", "expired"))
        + closing["waitlisted_at_close"]  # application.waitlisted
        + candidates.get("not_selected", 0)  # application.not_selected
    )


async def _mails_once_settled(edition: Edition, expected: int) -> list[Mail]:
    """The mailbox once the expected number arrived, or at the deadline; then a little
    longer, so that an e-mail sent twice has the time to show."""

    async def arrived() -> list[Mail] | None:
        mails = await edition.mail.messages()
        return mails if len({m.message_id for m in mails}) >= expected else None

    with contextlib.suppress(TimeoutError):
        await until(arrived, f"{expected} e-mails", timeout_s=300)
    await asyncio.sleep(SETTLE_S)
    return await edition.mail.messages()


# What the Dockerfile adds to python:3.11-slim: the pinned packages and the code, no more.
MAX_ADDED_MB = 150
# The secrets compose requires from the env file (`${NAME:?}`).
SECRETS = set(re.findall(r"\$\{([A-Z0-9_]+):\?", COMPOSE_FILE.read_text()))


# Run alone, it pays for starting the deployment, as the edition test does.
@pytest.mark.timeout(1800)
def test_the_image_is_small_runs_as_non_root_has_a_healthcheck_and_no_secret(
    deployment: Deployment,
) -> None:
    image = deployment.built_images()[0]
    config = json.loads(
        deployment.docker("image", "inspect", "--format", "{{json .Config}}", image)
    )
    assert config["User"] not in ("", "0", "root"), "the services would run as root"
    assert config["Healthcheck"]["Test"][0] == "CMD", config["Healthcheck"]
    baked = [v.split("=", 1)[0] for v in config["Env"] if v.split("=", 1)[0] in SECRETS]
    assert not baked, f"secrets set in the image: {baked}"
    sizes = [
        int(deployment.docker("image", "inspect", "--format", "{{.Size}}", name))
        for name in (image, "python:3.11-slim")
    ]
    added_mb = (sizes[0] - sizes[1]) / 1e6
    assert added_mb < MAX_ADDED_MB, f"the image adds {added_mb:.0f} MB to python:3.11-slim"
