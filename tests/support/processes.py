"""Starts real service processes for tests, and stops or kills them."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class ServiceProcess:
    popen: subprocess.Popen[bytes]
    url: str
    log_path: Path

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    async def wait_ready(self, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise AssertionError(
                    f"{self.url} exited with {self.popen.returncode}:\n{self.log_text()[-4000:]}"
                )
            try:
                async with httpx.AsyncClient(timeout=2) as client:
                    if (await client.get(f"{self.url}/readyz")).status_code == 200:
                        return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
        raise AssertionError(f"{self.url} not ready in {timeout_s}s:\n{self.log_text()[-4000:]}")

    def wait_exit(self, timeout_s: float = 60.0) -> int:
        return self.popen.wait(timeout=timeout_s)

    def terminate(self, timeout_s: float = 30.0) -> int:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
        try:
            return self.popen.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
            raise

    def kill(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait()


def start_service(
    module: str,
    *,
    env: Mapping[str, str],
    log_dir: Path,
    name: str | None = None,
    port: int | None = None,
) -> ServiceProcess:
    """Start `python -m module`; a restart passes the old port so its URL stays valid."""
    port = port or free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name or module.rsplit('.', 1)[-1]}-{port}.log"
    full_env = {**os.environ, **env, "HTTP_PORT": str(port), "HTTP_HOST": "127.0.0.1"}
    with log_path.open("ab") as log_file:
        popen = subprocess.Popen(
            [sys.executable, "-m", module],
            env=full_env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    return ServiceProcess(popen=popen, url=f"http://127.0.0.1:{port}", log_path=log_path)


@asynccontextmanager
async def running_service(
    service: str, stack_env: Mapping[str, str], log_dir: Path, **settings: str
) -> AsyncIterator[ServiceProcess]:
    """One service on its own role's database, ready to serve; stopped on exit."""
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": stack_env["KAFKA_BOOTSTRAP_SERVERS"],
        "DATABASE_URL": stack_env[f"{service.upper()}_DATABASE_URL"],
        "RELAY_POLL_INTERVAL_S": "0.2",
        **settings,
    }
    process = start_service(f"services.{service}", env=env, log_dir=log_dir)
    try:
        await process.wait_ready()
        yield process
    finally:
        process.terminate()
