"""Real `deconflict serve` processes for tests that kill them: started, awaited, killed."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

#: Short waits everywhere, so that a test sees retries, leases and deadlines within seconds.
FAST_DELIVERY = {
    "DECONFLICT_WEBHOOK_ALLOW_LOOPBACK": "true",
    "DECONFLICT_DELIVERY_POLL_S": "0.2",
    "DECONFLICT_WEBHOOK_RETRY_BASE_S": "0.2",
    "DECONFLICT_WEBHOOK_RETRY_FACTOR": "2",
    "DECONFLICT_WEBHOOK_RETRY_MAX_S": "1",
    "DECONFLICT_WEBHOOK_TIMEOUT_S": "1",
    "DECONFLICT_WEBHOOK_LEASE_S": "2",
    "DECONFLICT_PURGE_INTERVAL_S": "0",
    "DECONFLICT_STREAM_KEEPALIVE_S": "1",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    def __init__(
        self, database: str, port: int, log: Path, env: Mapping[str, str] | None = None
    ) -> None:
        self.database = database
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        environment = {
            **os.environ,
            **FAST_DELIVERY,
            **(env or {}),
            "DECONFLICT_DATABASE": database,
            "DECONFLICT_PORT": str(port),
        }
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "deconflict", "serve"],
            env=environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._await_health()

    def _await_health(self, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base_url}/healthz", timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError("the server did not become healthy")

    def kill(self) -> None:
        """kill -9: no shutdown, no flush, no goodbye."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()
