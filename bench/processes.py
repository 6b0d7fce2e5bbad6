"""CPU time and peak resident memory of processes, read from /proc (Linux only)."""

import os
from dataclasses import dataclass
from pathlib import Path

from infra.services import SERVICE_URL_KEYS

_TICKS_PER_S = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Usage:
    cpu_s: float  # user + system, since the process started
    peak_rss_bytes: int  # VmHWM: the high-water mark of its resident set


def parse_stat_cpu_s(stat: str, ticks_per_s: int = _TICKS_PER_S) -> float:
    """utime + stime of a /proc/<pid>/stat line, in seconds.

    The command name (field 2) may hold spaces and parentheses, so the fields are counted
    from the last ')'; utime and stime are fields 14 and 15.
    """
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks_per_s


def parse_status_peak_rss(status: str) -> int:
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise ValueError("no VmHWM line in /proc/<pid>/status")


def usage(pid: int) -> Usage:
    proc = Path("/proc") / str(pid)
    return Usage(
        cpu_s=parse_stat_cpu_s((proc / "stat").read_text()),
        peak_rss_bytes=parse_status_peak_rss((proc / "status").read_text()),
    )


def stack_pids(run_dir: Path) -> dict[str, int]:
    """The service processes `make up` started, from the pid files it keeps in the run dir."""
    pids = {}
    for name in SERVICE_URL_KEYS:
        pid_file = run_dir / "pids" / f"{name}.pid"
        if not pid_file.exists():
            raise RuntimeError(f"{pid_file} is missing: is the stack up (`make up`)?")
        pids[name] = int(pid_file.read_text().split()[0])
    return pids


class Window:
    """CPU spent by each process between `start()` and `stop()`, and its peak RSS at the end."""

    def __init__(self, pids: dict[str, int]) -> None:
        self._pids = pids
        self._before: dict[str, Usage] = {}
        self.cpu_s: dict[str, float] = {}
        self.peak_rss_bytes: dict[str, int] = {}

    def start(self) -> "Window":
        self._before = {name: usage(pid) for name, pid in self._pids.items()}
        return self

    def since_start(self) -> "Window":
        """Each process's CPU since it started, and its peak RSS so far: for a process the
        suite started itself, measured whole."""
        self._before = {name: Usage(cpu_s=0.0, peak_rss_bytes=0) for name in self._pids}
        return self.stop()

    def stop(self) -> "Window":
        for name, pid in self._pids.items():
            after = usage(pid)
            self.cpu_s[name] = after.cpu_s - self._before[name].cpu_s
            self.peak_rss_bytes[name] = after.peak_rss_bytes
        return self
