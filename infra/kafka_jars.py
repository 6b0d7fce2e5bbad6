"""Fetches the Kafka broker's jars with Maven into a cache folder, once per pom.xml version."""

import hashlib
import shutil
from pathlib import Path

from infra.commands import run_checked
from infra.errors import InfraError

REPO_ROOT = Path(__file__).resolve().parent.parent
KAFKA_POM = REPO_ROOT / "deploy" / "kafka" / "pom.xml"
KAFKA_LIBS = REPO_ROOT / ".cache" / "kafka-libs"
_MARKER = ".pom-sha256"


def _pom_digest(pom: Path) -> str:
    return hashlib.sha256(pom.read_bytes()).hexdigest()


def jars_are_current(libs_dir: Path = KAFKA_LIBS, pom: Path = KAFKA_POM) -> bool:
    marker = libs_dir / _MARKER
    return marker.exists() and marker.read_text().strip() == _pom_digest(pom)


def ensure_kafka_jars(libs_dir: Path = KAFKA_LIBS, pom: Path = KAFKA_POM) -> Path:
    """The folder of jars for `java -cp '<folder>/*'`, refreshed only when the pom changed."""
    if not pom.exists():
        raise InfraError(f"{pom} is missing; it lists the Kafka jars to fetch")
    if jars_are_current(libs_dir, pom):
        return libs_dir
    # Copy into a fresh folder and swap it in: a stale jar left beside new ones (say two
    # slf4j-api versions) would put conflicting classes on the class path.
    staging = libs_dir.with_name(libs_dir.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    run_checked(
        [
            "mvn",
            "-q",
            "-B",
            "-Dstyle.color=never",
            "-f",
            str(pom),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={staging.resolve()}",
            "-DincludeScope=runtime",
        ],
        what="fetching the Kafka jars with Maven",
    )
    if not any(staging.glob("kafka_*.jar")):
        raise InfraError(f"Maven finished but put no kafka_*.jar into {staging}")
    (staging / _MARKER).write_text(_pom_digest(pom) + "\n")
    shutil.rmtree(libs_dir, ignore_errors=True)
    staging.rename(libs_dir)
    return libs_dir
