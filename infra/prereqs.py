"""Checks the tools the local stack runs on, installing them on Debian when we are root."""

import os
import pwd
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from infra.errors import InfraError

PG_BIN = Path("/usr/lib/postgresql/15/bin")
# Debian's browser; the page tests drive it rather than download a browser build.
CHROMIUM = Path("/usr/bin/chromium")
MIN_JAVA = 17
MIN_PYTHON = (3, 11)


@dataclass(frozen=True)
class Requirement:
    name: str
    problem: Callable[[], str | None]
    """None when satisfied, else what is wrong."""
    apt_package: str | None
    """What installs it on Debian; None when no package can fix it from here."""


def _python_problem() -> str | None:
    if sys.version_info[:2] >= MIN_PYTHON:
        return None
    return f"Python 3.11+ is required, this is {sys.version.split()[0]}"


def _java_problem() -> str | None:
    if shutil.which("java") is None:
        return "java is not on PATH"
    # `java -version` writes to stderr, e.g. 'openjdk version "17.0.15"' or '"1.8.0_392"'.
    result = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', result.stderr + result.stdout)
    if match is None:
        return f"cannot read the Java version from: {result.stderr.strip()[:200]}"
    major = int(match[1]) if match[1] != "1" else int(match[2] or 0)
    return None if major >= MIN_JAVA else f"Java {MIN_JAVA}+ is required, found Java {major}"


def _on_path(tool: str) -> Callable[[], str | None]:
    return lambda: None if shutil.which(tool) else f"{tool} is not on PATH"


def _postgres_problem() -> str | None:
    initdb = PG_BIN / "initdb"
    return None if initdb.exists() else f"the PostgreSQL 15 server ({initdb}) is not installed"


def _postgres_user_problem() -> str | None:
    # initdb refuses root, so as root the cluster is run by the `postgres` account.
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "running as root needs the `postgres` OS user (the postgresql-15 package adds it)"
    return None


def _java_package() -> str:
    # Debian releases after bookworm no longer ship Java 17; their default JRE is newer.
    probe = subprocess.run(
        ["apt-cache", "show", "openjdk-17-jre-headless"], capture_output=True, check=False
    )
    return "openjdk-17-jre-headless" if probe.returncode == 0 else "default-jre-headless"


REQUIREMENTS = (
    Requirement("Python >= 3.11", _python_problem, None),
    Requirement(f"Java >= {MIN_JAVA}", _java_problem, "openjdk-17-jre-headless"),
    Requirement("Maven", _on_path("mvn"), "maven"),
    Requirement("PostgreSQL 15 server", _postgres_problem, "postgresql-15"),
    Requirement("postgres OS user", _postgres_user_problem, "postgresql-15"),
)


def _chromium_problem() -> str | None:
    return None if CHROMIUM.exists() else f"Chromium ({CHROMIUM}) is not installed"


# Only the dashboard's page tests need it; the stack itself runs without a browser.
BROWSER_REQUIREMENTS = (Requirement("Chromium", _chromium_problem, "chromium"),)


def _can_install() -> bool:
    return (
        os.geteuid() == 0 and Path("/etc/debian_version").exists() and bool(shutil.which("apt-get"))
    )


def _apt_install(packages: list[str]) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", *packages]):
        print("+", " ".join(command), flush=True)
        if subprocess.run(command, env=env, check=False).returncode != 0:
            raise InfraError(f"`{' '.join(command)}` failed; install {packages} by hand")


def missing(requirements: tuple[Requirement, ...] = REQUIREMENTS) -> list[tuple[Requirement, str]]:
    found = ((requirement, requirement.problem()) for requirement in requirements)
    return [(requirement, problem) for requirement, problem in found if problem is not None]


def ensure_prerequisites(
    *, install: bool | None = None, requirements: tuple[Requirement, ...] = REQUIREMENTS
) -> None:
    """Raise InfraError naming each missing tool and its install command.

    With install=None, installs only when that can work unattended: root on Debian.
    """
    problems = missing(requirements)
    installable = sorted({req.apt_package for req, _ in problems if req.apt_package})
    if installable and (_can_install() if install is None else install):
        if "openjdk-17-jre-headless" in installable:
            installable[installable.index("openjdk-17-jre-headless")] = _java_package()
        _apt_install(installable)
        problems = missing(requirements)
    if problems:
        lines = [
            f"  - {req.name}: {problem}"
            + (f"  -> apt-get install -y {req.apt_package}" if req.apt_package else "")
            for req, problem in problems
        ]
        raise InfraError("missing prerequisites:\n" + "\n".join(lines))
