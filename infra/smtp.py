"""An SMTP sink (aiosmtpd) that files every message it receives into a Maildir."""

import sys
from pathlib import Path

from infra.processes import LOOPBACK, running_pid, start_detached, stop_detached, wait_for_port


class SmtpSink:
    def __init__(self, run_dir: Path, port: int) -> None:
        self.port = port
        self.mail_dir = run_dir / "mail"
        self.log = run_dir / "logs" / "smtp.log"
        self.pid_file = run_dir / "pids" / "smtp.pid"
        # Only a sink filing into this run folder's Maildir is ours to stop.
        self.marker = str(self.mail_dir)

    @property
    def address(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    def is_running(self) -> bool:
        return running_pid(self.pid_file, self.marker) is not None

    def start(self, timeout_s: float = 20.0) -> None:
        if not self.is_running():
            for folder in ("cur", "new", "tmp"):
                (self.mail_dir / folder).mkdir(parents=True, exist_ok=True)
            command = [
                sys.executable, "-m", "aiosmtpd",
                "-n",  # as root it would otherwise switch to `nobody`, who cannot write here
                "-u",  # SMTPUTF8: athletes' names and addresses are not all ASCII
                "-l", self.address,
                "-c", "aiosmtpd.handlers.Mailbox", str(self.mail_dir),
            ]  # fmt: skip
            start_detached(command, output=self.log, pid_file=self.pid_file)
        wait_for_port(
            self.port,
            pid_file=self.pid_file,
            marker=self.marker,
            timeout_s=timeout_s,
            log=self.log,
            what="the SMTP sink",
        )

    def stop(self) -> bool:
        return stop_detached(self.pid_file, self.marker, grace_s=10.0)
