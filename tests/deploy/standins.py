"""The upstream images deploy/compose.yaml runs, pulled, or built as local stand-ins.

Where a registry answers, the images are pulled and nothing is built. Where none does, each
missing image is built from deploy/standins/<name> on a Debian base made with debootstrap,
and tagged with the upstream name. A stand-in carries a label with the digest of what it
was built from, so a later run on the same machine reuses it until its sources change.
"""

import hashlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from infra.errors import InfraError
from infra.kafka_jars import ensure_kafka_jars

ROOT = Path(__file__).resolve().parents[2]
STANDINS = ROOT / "deploy" / "standins"
LABEL = "org.athleteaccelerator.standin.digest"
BASE_TAG = "accelerator-standin/debian:bookworm"
DEBIAN_MIRROR = "http://deb.debian.org/debian"


@dataclass(frozen=True)
class StandIn:
    image: str
    folder: str
    needs_kafka_jars: bool = False


STANDIN_IMAGES = (
    StandIn("python:3.11-slim", "python"),
    StandIn("postgres:15", "postgres"),
    StandIn("apache/kafka:4.4.0", "kafka", needs_kafka_jars=True),
    StandIn("axllent/mailpit:v1.27", "mailpit"),
)


def _digest(paths: list[Path], extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode())
    for path in sorted(paths):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


class Images:
    def __init__(self, env: dict[str, str], log: Callable[[str], None] = print) -> None:
        self.env = env
        self.log = log
        self.timings: dict[str, float] = {}

    def _docker(self, *args: str, input_: bytes | None = None, check: bool = True) -> str:
        result = subprocess.run(
            ["docker", *args], env=self.env, input=input_, capture_output=True, check=False
        )
        if check and result.returncode != 0:
            output = (result.stdout + result.stderr).decode(errors="replace")[-4000:]
            raise InfraError(f"docker {' '.join(args[:3])}… failed:\n{output}")
        return result.stdout.decode(errors="replace").strip()

    def label_of(self, image: str) -> str | None:
        """The stand-in digest of a local image; '' for an image that is no stand-in."""
        found = subprocess.run(
            [
                "docker",
                "image",
                "inspect",
                "--format",
                f'{{{{index .Config.Labels "{LABEL}"}}}}',
                image,
            ],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if found.returncode != 0:
            return None
        label = found.stdout.strip()
        return "" if label == "<no value>" else label

    def _pulled(self, image: str) -> bool:
        started = time.monotonic()
        pulled = subprocess.run(
            ["docker", "pull", "-q", image],
            env=self.env,
            capture_output=True,
            timeout=600,
            check=False,
        )
        self.timings[f"pull {image}"] = time.monotonic() - started
        return pulled.returncode == 0

    def ensure(self) -> dict[str, str]:
        """Each upstream image present; returns how each was obtained."""
        how = {}
        for standin in STANDIN_IMAGES:
            digest = self._standin_digest(standin)
            label = self.label_of(standin.image)
            if label == digest:
                how[standin.image] = "stand-in, cached"
            elif label == "":
                how[standin.image] = "upstream, present"
            elif label is None and self._pulled(standin.image):
                how[standin.image] = "upstream, pulled"
            else:
                self._build(standin, digest)
                how[standin.image] = "stand-in, built"
        return how

    def _standin_digest(self, standin: StandIn) -> str:
        jars = ensure_kafka_jars() if standin.needs_kafka_jars else None
        marker = (jars / ".pom-sha256").read_text() if jars else ""
        return _digest(_files(STANDINS / standin.folder), extra=marker + self._base())

    def _base(self) -> str:
        """The Debian base of every stand-in; built once, returns its digest."""
        recipe = f"debootstrap --variant=minbase bookworm {DEBIAN_MIRROR}"
        digest = hashlib.sha256(recipe.encode()).hexdigest()[:16]
        if self.label_of(BASE_TAG) == digest:
            return digest
        if shutil.which("debootstrap") is None:
            _apt_install("debootstrap")
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="standin-rootfs-") as scratch:
            rootfs = Path(scratch) / "rootfs"
            bootstrap = subprocess.run(
                ["debootstrap", "--variant=minbase", "bookworm", str(rootfs), DEBIAN_MIRROR],
                capture_output=True,
                text=True,
                check=False,
            )
            if bootstrap.returncode != 0:
                raise InfraError(f"debootstrap failed:\n{bootstrap.stdout[-3000:]}")
            for cache in ("var/cache/apt/archives", "var/lib/apt/lists"):
                for leftover in (rootfs / cache).glob("*"):
                    if leftover.is_file():
                        leftover.unlink()
            archive = subprocess.run(
                ["tar", "-C", str(rootfs), "-c", "."], capture_output=True, check=True
            ).stdout
            self._docker(
                "import",
                "--change",
                f"LABEL {LABEL}={digest}",
                "--change",
                'CMD ["/bin/bash"]',
                "-",
                BASE_TAG,
                input_=archive,
            )
        self.timings["debootstrap base"] = time.monotonic() - started
        return digest

    def _build(self, standin: StandIn, digest: str) -> None:
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix=f"standin-{standin.folder}-") as scratch:
            context = Path(scratch) / "context"
            shutil.copytree(STANDINS / standin.folder, context)
            if standin.needs_kafka_jars:
                shutil.copytree(ensure_kafka_jars(), context / "libs")
            self._docker(
                "build",
                "--build-arg",
                f"BASE={BASE_TAG}",
                "--label",
                f"{LABEL}={digest}",
                "-t",
                standin.image,
                str(context),
            )
        self.timings[f"build {standin.image}"] = time.monotonic() - started


def _apt_install(package: str) -> None:
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", package]):
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise InfraError(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
