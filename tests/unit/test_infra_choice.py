"""How tests pick their infrastructure (docs/architecture.md#test-infrastructure-choice)."""

from collections.abc import Sequence

import pytest

from infra.choice import (
    CONTAINER_IMAGES,
    EXPLICIT_VARIABLES,
    IncompleteExplicitInfrastructure,
    InfraChoice,
    choose_infrastructure,
    containers_can_start,
    images_testcontainers_runs,
)

pytestmark = pytest.mark.unit

EXPLICIT_ENV = {name: f"value-of-{name.lower()}" for name in EXPLICIT_VARIABLES}


class DockerProbe:
    """Stands in for `containers_can_start` and counts how often it was asked."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.asked = 0

    def __call__(self) -> bool:
        self.asked += 1
        return self.answer


def test_explicit_urls_win_even_when_docker_answers() -> None:
    probe = DockerProbe(True)
    assert choose_infrastructure(EXPLICIT_ENV, probe) is InfraChoice.EXPLICIT
    assert probe.asked == 0, "the engine is not even asked when URLs are given"


def test_containers_when_docker_answers_and_no_urls_are_given() -> None:
    assert choose_infrastructure({}, DockerProbe(True)) is InfraChoice.CONTAINERS


def test_local_processes_when_no_urls_and_no_docker() -> None:
    assert choose_infrastructure({}, DockerProbe(False)) is InfraChoice.LOCAL_PROCESSES


def test_unrelated_variables_do_not_count_as_explicit() -> None:
    env = {"PATH": "/usr/bin", "SMTP_HOST": "127.0.0.1", "ADMIN_TOKEN": "x"}
    assert choose_infrastructure(env, DockerProbe(False)) is InfraChoice.LOCAL_PROCESSES


def test_empty_values_count_as_unset() -> None:
    env = dict.fromkeys(EXPLICIT_VARIABLES, "  ")
    assert choose_infrastructure(env, DockerProbe(False)) is InfraChoice.LOCAL_PROCESSES


def test_explicit_needs_kafka_the_admin_database_and_every_service_role() -> None:
    assert EXPLICIT_VARIABLES == (
        "KAFKA_BOOTSTRAP_SERVERS",
        "DATABASE_URL",
        "INTAKE_DATABASE_URL",
        "SCORING_DATABASE_URL",
        "GRANT_DATABASE_URL",
        "NOTIFICATION_DATABASE_URL",
    )


def test_only_kafka_given_is_refused_naming_every_missing_variable() -> None:
    probe = DockerProbe(True)
    with pytest.raises(IncompleteExplicitInfrastructure) as refused:
        choose_infrastructure({"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092"}, probe)
    assert refused.value.missing == list(EXPLICIT_VARIABLES[1:])
    assert "DATABASE_URL" in str(refused.value)
    assert probe.asked == 0


@pytest.mark.parametrize("left_out", EXPLICIT_VARIABLES)
def test_any_single_missing_variable_is_named(left_out: str) -> None:
    env = {name: value for name, value in EXPLICIT_ENV.items() if name != left_out}
    with pytest.raises(IncompleteExplicitInfrastructure, match=left_out) as refused:
        choose_infrastructure(env, DockerProbe(False))
    assert refused.value.missing == [left_out]


class Engine:
    """A docker command line whose engine has some images and can pull others."""

    def __init__(self, present: set[str], pullable: set[str]) -> None:
        self.present = present
        self.pullable = pullable
        self.commands: list[list[str]] = []

    def __call__(self, command: Sequence[str], timeout_s: float) -> bool:
        self.commands.append(list(command))
        image = command[-1]
        if command[1:3] == ["image", "inspect"]:
            return image in self.present
        return command[1] == "pull" and image in self.pullable


def _choice(engine_answers: bool, engine: Engine) -> InfraChoice:
    return choose_infrastructure(
        {}, lambda: containers_can_start(lambda: engine_answers, CONTAINER_IMAGES, engine)
    )


def test_an_engine_that_can_neither_find_nor_pull_the_images_means_local_processes() -> None:
    # A Docker engine on a host no registry serves: testcontainers could not start anything.
    engine = Engine(present=set(), pullable=set())
    assert _choice(True, engine) is InfraChoice.LOCAL_PROCESSES
    assert ["docker", "pull", "-q", CONTAINER_IMAGES[0]] in engine.commands


def test_an_engine_missing_one_image_that_cannot_be_pulled_means_local_processes() -> None:
    engine = Engine(present={CONTAINER_IMAGES[0]}, pullable=set())
    assert _choice(True, engine) is InfraChoice.LOCAL_PROCESSES


def test_containers_when_every_image_is_present_or_pullable() -> None:
    engine = Engine(present={CONTAINER_IMAGES[0]}, pullable=set(CONTAINER_IMAGES[1:]))
    assert _choice(True, engine) is InfraChoice.CONTAINERS
    assert ["docker", "pull", "-q", CONTAINER_IMAGES[0]] not in engine.commands


def test_no_engine_means_local_processes_without_asking_for_images() -> None:
    engine = Engine(present=set(CONTAINER_IMAGES), pullable=set())
    assert _choice(False, engine) is InfraChoice.LOCAL_PROCESSES
    assert engine.commands == []


def test_testcontainers_reaper_image_counts_unless_it_is_disabled() -> None:
    assert len(images_testcontainers_runs({})) == len(CONTAINER_IMAGES) + 1
    assert images_testcontainers_runs({"TESTCONTAINERS_RYUK_DISABLED": "true"}) == CONTAINER_IMAGES
