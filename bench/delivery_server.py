"""The delivery benchmark's world and server: seeded parties and keys, a `deconflict serve` child.

Two fictional parties: Northmere Air Wing, whose liaison raises warnings, and Valecrest
Relief, whose field hospital zone each warning lies over, so that each warning alerts it.
The parties and their keys are written into a fresh SQLite file with the service before
the server starts (as `deconflict party` would); the zone and the webhook go through the
API like any client's.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench.proc_cpu import process_cpu
from deconflict.domain.party import Role
from deconflict.service import parties
from deconflict.service.context import Service
from deconflict.store.sqlite import SqliteStore

#: Fictional, fixed: the bench's pseudonyms need not be secret.
SECRET = "bench-delivery-pseudonym-secret-0123456789abcdef"

#: Only what a loopback receiver needs; everything else as an operator would run it.
SERVER_ENV = {
    "DECONFLICT_WEBHOOK_ALLOW_LOOPBACK": "true",
    "DECONFLICT_PURGE_INTERVAL_S": "0",
    # No re-send of an unacknowledged alert within a run: each warning is one event.
    "DECONFLICT_WARNING_RESEND_S": "[86400]",
    "DECONFLICT_PSEUDONYM_SECRET": SECRET,
}

#: Where the hospital is; warnings are circles around the same point.
HOSPITAL_LON_LAT = (23.60, 41.90)


@dataclass(frozen=True, slots=True)
class Keys:
    north_liaison: str  # raises the warnings
    relief_planner: str  # declares the zone
    relief_liaison: str  # the receiving side: registers the webhook, reads the stream


def seed(database: Path) -> Keys:
    """Two parties and their members' keys in a fresh SQLite file."""
    store = SqliteStore(database)
    try:
        svc = Service(store, SECRET.encode())
        north = parties.create_party(svc, "Northmere Air Wing")
        relief = parties.create_party(svc, "Valecrest Relief")
        keys = [
            parties.create_member(svc, party.id, f"{role} member", role)[1]
            for party, role in (
                (north, Role.LIAISON),
                (relief, Role.PLANNER),
                (relief, Role.LIAISON),
            )
        ]
    finally:
        store.close()
    return Keys(*keys)


def client(base_url: str, key: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30)


def declare_hospital(base_url: str, keys: Keys) -> None:
    """The receiving party's zone: a field hospital, for two days from now."""
    now = datetime.now(UTC)
    zone = {
        "name": "Field hospital",
        "volumes": [
            {
                "footprint": {"type": "Circle", "center": list(HOSPITAL_LON_LAT), "radius_m": 300},
                "altitude_lower_m": 0,
                "altitude_upper_m": 2000,
                "start": now.isoformat(),
                "end": (now + timedelta(days=2)).isoformat(),
            }
        ],
    }
    with client(base_url, keys.relief_planner) as planner:
        made = planner.post("/v1/zones", json=zone)
    if made.status_code != 201:
        raise RuntimeError(f"the zone was refused: {made.status_code} {made.text}")


def warning_body(now: datetime) -> dict[str, Any]:
    """A warning over the hospital, from a minute from now for an hour: it alerts Valecrest."""
    start = now + timedelta(minutes=1)
    return {
        "volume": {
            "footprint": {"type": "Circle", "center": list(HOSPITAL_LON_LAT), "radius_m": 200},
            "altitude_lower_m": 0,
            "altitude_upper_m": 500,
            "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat(),
        },
        "severity": "caution",
        "message": "Unexploded ordnance reported near the hospital: keep clear.",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True, slots=True)
class Server:
    base_url: str
    pid: int

    def cpu_s(self) -> float | None:
        """CPU seconds (user and system) the server process has used; None off Linux."""
        used = process_cpu(self.pid)
        return None if used is None else used.total_s


@contextlib.contextmanager
def serving(database: Path, log: Path, env: Mapping[str, str] | None = None) -> Iterator[Server]:
    """`deconflict serve` over `database` in a child process."""
    port = free_port()
    environment = {
        **os.environ,
        **SERVER_ENV,
        **(env or {}),
        "DECONFLICT_DATABASE": str(database),
        "DECONFLICT_PORT": str(port),
    }
    with log.open("ab") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "deconflict", "serve"],
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            _await_health(child, base_url)
            yield Server(base_url, child.pid)
        finally:
            _stop(child)


def _await_health(child: subprocess.Popen[bytes], base_url: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(f"the server exited with {child.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError("the server did not become healthy")


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.send_signal(signal.SIGINT)
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(timeout=5)
