"""A throwaway PostgreSQL 15 cluster under the run folder, listening on 127.0.0.1 only."""

import asyncio
import hashlib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

import asyncpg

from infra.commands import run_checked, tail
from infra.errors import InfraError
from infra.prereqs import PG_BIN
from infra.processes import LOOPBACK
from infra.provision import ADMIN_USER, DATABASE, PgServer, provision

_OWNER = "postgres"
# Unix socket paths are limited to 107 bytes; beyond that the server would refuse to start.
_MAX_SOCKET_DIR = 80


def _owner_can_enter(path: Path) -> bool:
    existing = path
    while not existing.exists():
        existing = existing.parent
    probe = subprocess.run(
        ["runuser", "-u", _OWNER, "--", "test", "-x", str(existing)], check=False
    )
    return probe.returncode == 0


def cluster_home(run_dir: Path) -> Path:
    """The run folder, unless (as root) the postgres OS user cannot reach it.

    A checkout under a private folder (mktemp's 0700, /root) is out of that user's reach;
    the cluster then lives in a folder of its own under the system temp dir, named after
    the run folder so each run folder keeps its own cluster.
    """
    if os.geteuid() != 0 or _owner_can_enter(run_dir):
        return run_dir / "pg"
    digest = hashlib.sha256(str(run_dir).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"athlete-accelerator-pg-{digest}"


class PostgresCluster:
    def __init__(self, run_dir: Path, port: int, admin_password: str) -> None:
        self.home = cluster_home(run_dir)
        self.relocated = not self.home.is_relative_to(run_dir)
        self.data = self.home / "data"
        self.socket_dir = self.home / "socket"
        # pg_ctl writes the log as the postgres user, so it sits where that user can write.
        self.log = (self.home if self.relocated else run_dir / "logs") / "postgres.log"
        self.server = PgServer(LOOPBACK, port, ADMIN_USER, admin_password)

    @property
    def address(self) -> str:
        return f"{self.server.host}:{self.server.port}/{DATABASE}"

    def _as_owner(self, command: list[str]) -> list[str]:
        # initdb, pg_ctl and postgres refuse to run as root.
        return ["runuser", "-u", _OWNER, "--", *command] if os.geteuid() == 0 else command

    def _give_to_owner(self, *paths: Path) -> None:
        if os.geteuid() != 0:
            return
        owner = pwd.getpwnam(_OWNER)
        for path in paths:
            os.chown(path, owner.pw_uid, owner.pw_gid)

    def is_running(self) -> bool:
        if not (self.data / "PG_VERSION").exists():
            return False
        status = subprocess.run(
            self._as_owner([str(PG_BIN / "pg_ctl"), "status", "-D", str(self.data)]),
            capture_output=True,
            check=False,
        )
        return status.returncode == 0

    def _initdb(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self._give_to_owner(self.home)
        pwfile = self.home / "admin.pw"
        pwfile.write_text(self.server.admin_password + "\n")
        pwfile.chmod(0o600)
        self._give_to_owner(pwfile)
        try:
            initdb = [
                str(PG_BIN / "initdb"), "-D", str(self.data), "-U", ADMIN_USER,
                "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C.UTF-8",
            ]  # fmt: skip
            run_checked(self._as_owner(initdb), what="initdb")
        finally:
            pwfile.unlink(missing_ok=True)
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\ninclude_if_exists = 'local_stack.conf'\n")

    def _write_settings(self) -> None:
        socket_dir = str(self.socket_dir) if len(str(self.socket_dir)) <= _MAX_SOCKET_DIR else ""
        if socket_dir:
            self.socket_dir.mkdir(exist_ok=True)
            self._give_to_owner(self.socket_dir)
        settings = self.data / "local_stack.conf"
        # Rewritten on every start so the port recorded in stack.env always wins.
        settings.write_text(
            f"listen_addresses = '{LOOPBACK}'\n"
            f"port = {self.server.port}\n"
            f"unix_socket_directories = '{socket_dir}'\n"
            "max_connections = 200\n"
            "log_line_prefix = '%m [%p] %q%u@%d '\n"
        )
        self._give_to_owner(settings)

    def start(self, role_passwords: Mapping[str, str]) -> None:
        """Start if needed, then (re)provision the database; harmless when already up."""
        if not self.is_running():
            if not (self.data / "PG_VERSION").exists():
                self._check_reachable_by_owner()
                self._initdb()
            self._write_settings()
            self.log.parent.mkdir(parents=True, exist_ok=True)
            self.log.touch()
            self._give_to_owner(self.log)
            pg_ctl = [str(PG_BIN / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(self.data)]
            try:
                run_checked(
                    self._as_owner([*pg_ctl, "-l", str(self.log)]),
                    what="pg_ctl start",
                    new_session=True,
                )
            except InfraError as error:
                raise InfraError(f"{error}\nlast lines of {self.log}:\n{tail(self.log)}") from None
        try:
            asyncio.run(provision(self.server, role_passwords))
        except asyncpg.InvalidPasswordError:
            raise InfraError(
                f"the cluster in {self.data} does not know the admin password recorded in "
                "stack.env; `python -m infra down --purge` starts afresh"
            ) from None
        except (asyncpg.PostgresError, OSError) as error:
            raise InfraError(
                f"provisioning the database on {self.address} failed: {error}"
            ) from error

    def _check_reachable_by_owner(self) -> None:
        if os.geteuid() != 0:
            return
        self.home.mkdir(parents=True, exist_ok=True)
        self._give_to_owner(self.home)
        probe = subprocess.run(self._as_owner(["test", "-w", str(self.home)]), check=False)
        if probe.returncode != 0:
            raise InfraError(
                f"the {_OWNER} OS user cannot reach {self.home}: every folder above it must "
                "be searchable by others (chmod o+x); pytest's and /root's folders are not"
            )

    def remove_relocated_home(self) -> None:
        if self.relocated:
            shutil.rmtree(self.home, ignore_errors=True)

    def stop(self) -> bool:
        if not self.is_running():
            return False
        pg_ctl = [str(PG_BIN / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.data)]
        run_checked(self._as_owner(pg_ctl), what="pg_ctl stop")
        return True
