"""The Docker Engine of the deployment test: one that already answers (a laptop's), else one
of its own, and then the host left as it was found.

Its own dockerd runs on a private socket, data root, exec root and pidfile, so no other test run on
this machine sees an engine (they would then pick testcontainers, see infra/choice.py). Its
data root outlives a run on purpose: the stand-in and project images stay cached there.
What dockerd changes on the host (net.ipv4.ip_forward and the bridge netfilter switches,
iptables rules, its bridge) is put back when it stops.
"""

import dataclasses
import fcntl
import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from infra.commands import run_checked, tail
from infra.errors import InfraError

STATE_DIR = Path("/var/lib/accelerator-deploy-test")
# Unix socket paths are limited to about 100 characters; containerd's live under exec-root.
RUN_DIR = Path("/run/accelerator-deploy-test")
BRIDGE = "accdeploy0"
# Private ranges unlikely to be in use on a CI host or a laptop's networks.
BRIDGE_CIDR = "10.213.0.1/24"
ADDRESS_POOL = "base=10.213.16.0/20,size=24"
# The kernel settings dockerd turns on; those this kernel has are kept and put back.
SYSCTLS = (
    Path("/proc/sys/net/ipv4/ip_forward"),
    Path("/proc/sys/net/bridge/bridge-nf-call-iptables"),
    Path("/proc/sys/net/bridge/bridge-nf-call-ip6tables"),
)
# Tables dockerd writes rules to; each is restored whole from the snapshot taken before.
_IPTABLES_TABLES = ("filter", "nat")
_EMPTY_TABLES = {
    "filter": "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n",
    "nat": (
        "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        ":POSTROUTING ACCEPT [0:0]\nCOMMIT\n"
    ),
}


def _iptables_table(table: str) -> str:
    saved = run_checked(["iptables-save", "-t", table], what=f"saving iptables {table}")
    lines = [line for line in saved.splitlines() if line and not line.startswith("#")]
    return "\n".join(lines) + "\n" if lines else _EMPTY_TABLES[table]


def _install_docker() -> None:
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise InfraError(
            "no Docker Engine: install one (Debian: apt-get install -y docker.io) or run the"
            " deployment tests as root on Debian, where they install it"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", "docker.io"],
    ):
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise InfraError(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")


@dataclass
class HostSnapshot:
    """What dockerd is known to change, as it was before it started."""

    sysctls: dict[str, str]
    iptables: dict[str, str]
    had_bridge: bool

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(dataclasses.asdict(self)))

    @classmethod
    def load(cls, path: Path) -> "HostSnapshot":
        return cls(**json.loads(path.read_text()))

    @classmethod
    def take(cls) -> "HostSnapshot":
        return cls(
            sysctls={str(p): p.read_text().strip() for p in SYSCTLS if p.exists()},
            iptables={table: _iptables_table(table) for table in _IPTABLES_TABLES},
            had_bridge=Path(f"/sys/class/net/{BRIDGE}").exists(),
        )

    def restore(self) -> list[str]:
        """Puts each setting back; returns what could not be restored."""
        problems = []
        for table, rules in self.iptables.items():
            restored = subprocess.run(
                ["iptables-restore"], input=rules, capture_output=True, text=True, check=False
            )
            if restored.returncode != 0:
                problems.append(f"iptables {table}: {restored.stderr.strip()}")
        for name, value in self.sysctls.items():
            setting = Path(name)
            if setting.exists() and setting.read_text().strip() != value:
                setting.write_text(value + "\n")
        if not self.had_bridge and Path(f"/sys/class/net/{BRIDGE}").exists():
            deleted = subprocess.run(
                ["ip", "link", "delete", BRIDGE], capture_output=True, text=True, check=False
            )
            if deleted.returncode != 0:
                problems.append(f"bridge {BRIDGE}: {deleted.stderr.strip()}")
        return problems


@dataclass
class DockerEngine:
    state_dir: Path = STATE_DIR
    run_dir: Path = RUN_DIR
    pid: int | None = None
    snapshot: HostSnapshot | None = None
    external: bool = False
    """An engine that answered before the tier started: used as it is, never stopped."""
    log: Path = field(init=False)
    _lock: TextIO | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.log = self.state_dir / "dockerd.log"

    @property
    def host(self) -> str:
        return f"unix://{self.run_dir / 'docker.sock'}"

    @property
    def env(self) -> dict[str, str]:
        """The environment of every docker and compose command of the tier, and only of it."""
        if self.external:
            return dict(os.environ)
        return {
            **os.environ,
            "DOCKER_HOST": self.host,
            "DOCKER_CONFIG": str(self.state_dir / "client"),
            # Without buildx, BuildKit would first try to pull its own image.
            "DOCKER_BUILDKIT": "0",
            "COMPOSE_DOCKER_CLI_BUILD": "0",
        }

    def answers(self, env: dict[str, str] | None = None) -> bool:
        try:
            probe = subprocess.run(
                ["docker", "info", "--format", "{{.ServerVersion}}"],
                env=self.env if env is None else env,
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return False
        return probe.returncode == 0

    def bridge_gateway(self) -> str:
        """The host's address on the engine's default bridge, where image builds run."""
        return (
            run_checked(
                [
                    "docker",
                    "network",
                    "inspect",
                    "bridge",
                    "--format",
                    "{{(index .IPAM.Config 0).Gateway}}",
                ],
                what="reading the engine's bridge address",
            )
            if self.external
            else BRIDGE_CIDR.split("/")[0]
        )

    def start(self, timeout_s: float = 60.0) -> None:
        if self.answers(dict(os.environ)):
            self.external = True
            return
        if shutil.which("dockerd") is None:
            _install_docker()
        for folder in (self.state_dir, self.run_dir, self.state_dir / "client"):
            folder.mkdir(parents=True, exist_ok=True)
        # Two runs at once on one machine would share the socket and data root: the second
        # waits for the first to finish.
        self._lock = (self.state_dir / "lock").open("w")
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self._recover_from_an_interrupted_run()
        self.snapshot = HostSnapshot.take()
        self.snapshot.save(self.snapshot_file)
        self._make_bridge()
        with self.log.open("wb") as output:  # this run's only: it says why this start failed
            daemon = subprocess.Popen(
                [
                    "dockerd",
                    f"--host={self.host}",
                    f"--data-root={self.state_dir / 'data'}",
                    f"--exec-root={self.run_dir / 'exec'}",
                    f"--pidfile={self.run_dir / 'dockerd.pid'}",
                    f"--bridge={BRIDGE}",
                    f"--default-address-pool={ADDRESS_POOL}",
                    # containerd of its own, so it never meets another engine's.
                    "--containerd-namespace=accelerator-deploy-test",
                    "--containerd-plugins-namespace=accelerator-deploy-test-plugins",
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid = daemon.pid
        deadline = time.monotonic() + timeout_s
        while not self.answers():
            if daemon.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise InfraError(f"dockerd did not start; its log {self.log}:\n{tail(self.log)}")
            time.sleep(0.5)

    def _make_bridge(self) -> None:
        if Path(f"/sys/class/net/{BRIDGE}").exists():
            return
        for command in (
            ["ip", "link", "add", "name", BRIDGE, "type", "bridge"],
            ["ip", "addr", "add", BRIDGE_CIDR, "dev", BRIDGE],
            ["ip", "link", "set", BRIDGE, "up"],
        ):
            run_checked(command, what=f"creating the bridge {BRIDGE}")

    @property
    def snapshot_file(self) -> Path:
        return self.state_dir / "host-before-dockerd.json"

    def _recover_from_an_interrupted_run(self) -> None:
        """An interrupted run may have left its dockerd (holding the data root) and the host
        as dockerd changed it; stop that dockerd by its pidfile and restore the host from
        the snapshot that run took, before taking one of our own."""
        pidfile = self.run_dir / "dockerd.pid"
        try:
            pid = int(pidfile.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (ValueError, OSError):
            pass
        else:
            if b"dockerd" in cmdline and str(self.run_dir).encode() in cmdline:
                _terminate(pid)
        if self.snapshot_file.exists():
            HostSnapshot.load(self.snapshot_file).restore()
            self.snapshot_file.unlink()

    def stop(self) -> list[str]:
        """Stops our dockerd and restores the host; returns what could not be restored."""
        if self.external:
            return []
        if self.pid is not None:
            _terminate(self.pid)
            self.pid = None
        problems = self.snapshot.restore() if self.snapshot else []
        if not problems:
            self.snapshot_file.unlink(missing_ok=True)
        shutil.rmtree(self.run_dir, ignore_errors=True)
        if self._lock is not None:
            self._lock.close()  # releases the flock
            self._lock = None
        return problems


def _terminate(pid: int, timeout_s: float = 30.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            reaped, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            reaped = 0 if Path(f"/proc/{pid}").exists() else pid
        if reaped == pid:
            return
        time.sleep(0.2)
    os.kill(pid, signal.SIGKILL)
