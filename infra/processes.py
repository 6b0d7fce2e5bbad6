"""Detached processes tracked by pid files, and the ports they listen on."""

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from infra.commands import tail
from infra.errors import InfraError

LOOPBACK = "127.0.0.1"


def free_ports(count: int) -> list[int]:
    """Distinct ports that are free right now; all sockets stay open until all are chosen."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((LOOPBACK, 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def port_accepts(port: int, host: str = LOOPBACK) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


def start_detached(
    command: Sequence[str],
    *,
    output: Path,
    pid_file: Path,
    env: Mapping[str, str] | None = None,
) -> int:
    """Start in a new session so it outlives us and can be stopped as a whole process group."""
    output.parent.mkdir(parents=True, exist_ok=True)
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    with output.open("ab") as sink:
        process = subprocess.Popen(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=None if env is None else {**os.environ, **env},
        )
    pid_file.write_text(f"{process.pid}\n")
    return process.pid


def _reap(pid: int) -> None:
    # A child of this very process stays a zombie (and looks alive) until it is waited for.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _command_line(pid: int) -> str:
    """The process's command line, "" if it is gone or a zombie.

    Right after exec the kernel briefly shows an empty command line (the new one is set
    up after the point where the caller sees the exec succeed), so an empty one is
    looked at again before it is believed.
    """
    for _ in range(10):
        try:
            raw = Path(f"/proc/{pid}/cmdline").read_bytes()
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return ""
        if state == "Z":
            return ""
        if raw:
            return raw.replace(b"\0", b" ").decode(errors="replace")
        time.sleep(0.05)
    return ""


def running_pid(pid_file: Path, marker: str) -> int | None:
    """The recorded pid if that process is alive and is still ours.

    The marker (a string its command line must contain) guards against a reused pid
    after a reboot: we must never signal somebody else's process.
    """
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    _reap(pid)
    return pid if marker in _command_line(pid) else None


def stop_detached(pid_file: Path, marker: str, *, grace_s: float = 30.0) -> bool:
    """SIGTERM the process group, SIGKILL it after the grace period; True if one was running."""
    pid = running_pid(pid_file, marker)
    if pid is None:
        pid_file.unlink(missing_ok=True)
        return False
    for signum in (signal.SIGTERM, signal.SIGKILL):
        _signal_group(pid, signum)
        deadline = time.monotonic() + grace_s
        while running_pid(pid_file, marker) is not None and time.monotonic() < deadline:
            time.sleep(0.1)
        if running_pid(pid_file, marker) is None:
            break
    else:
        raise InfraError(f"process {pid} ({marker}) survived SIGKILL; look at `ps -p {pid}`")
    # Helpers the process started in its group must not outlive it.
    _signal_group(pid, signal.SIGKILL)
    pid_file.unlink(missing_ok=True)
    return True


def _signal_group(pid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)


def wait_for_port(
    port: int, *, pid_file: Path, marker: str, timeout_s: float, log: Path, what: str
) -> None:
    deadline = time.monotonic() + timeout_s
    while not port_accepts(port):
        if running_pid(pid_file, marker) is None:
            raise InfraError(f"{what} exited during start-up; last lines of {log}:\n{tail(log)}")
        if time.monotonic() > deadline:
            raise InfraError(
                f"{what} not listening on port {port} after {timeout_s:.0f}s; "
                f"last lines of {log}:\n{tail(log)}"
            )
        time.sleep(0.2)
