"""`deconflict serve --workers`: processes of their own on one port, each with its socket."""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from bench.api_server import connections_by_pid
from deconflict.api import workers
from deconflict.api.settings import Settings
from deconflict.store.sqlite import SqliteStore
from tests.delivery.servers import ServerProcess, free_port
from tests.store.earlier_files import BEFORE_AUDIT_LINKS, made_by_release_of, shipped_scripts

STARTED = re.compile(r"Started server process \[(\d+)\]")


def worker_pids(log: Path) -> list[int]:
    return [int(pid) for pid in STARTED.findall(log.read_text())]


def serve_two(tmp_path: Path) -> tuple[ServerProcess, Path]:
    """A 2-worker server, returned once both workers have started (the first to answer
    /healthz may be alone for a moment)."""
    path = tmp_path / "served.sqlite"
    SqliteStore(path).close()
    log = tmp_path / "serve.log"
    server = ServerProcess(str(path), free_port(), log, env={"DECONFLICT_WORKERS": "2"})
    wait_for_workers(log, 2)
    return server, log


def wait_for_workers(log: Path, count: int) -> None:
    deadline = time.monotonic() + 30
    while log.read_text().count("Application startup complete.") < count:
        assert time.monotonic() < deadline, f"fewer than {count} workers started"
        time.sleep(0.05)
    time.sleep(0.3)  # each listens right after saying so


def test_kept_alive_connections_are_spread_over_both_workers(tmp_path: Path) -> None:
    server, log = serve_two(tmp_path)
    clients = [httpx.Client(base_url=server.base_url) for _ in range(16)]
    try:
        for client in clients:
            assert client.get("/healthz").status_code == 200
        # With one shared socket, 7 of 8 such connections were found on one process.
        # The kernel hashes each connection to a socket: all 16 on one is 1 in 32,768.
        assert set(connections_by_pid(server.port)) == set(worker_pids(log))
        assert len(worker_pids(log)) == 2
    finally:
        for client in clients:
            client.close()
        server.stop()


def test_a_worker_that_dies_is_replaced(tmp_path: Path) -> None:
    server, log = serve_two(tmp_path)
    try:
        first, _ = worker_pids(log)
        os.kill(first, signal.SIGKILL)
        wait_for_workers(log, 3)  # the dead one's replacement
        assert httpx.get(f"{server.base_url}/healthz").status_code == 200
    finally:
        server.stop()
    assert server.process.returncode == 0


def test_workers_that_cannot_start_end_the_command_with_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:  # a plain listener, without SO_REUSEPORT
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            **os.environ,
            "DECONFLICT_DATABASE": str(tmp_path / "x.sqlite"),
            "DECONFLICT_PORT": str(port),
            "DECONFLICT_WORKERS": "2",
        }
        done = subprocess.run(
            [sys.executable, "-m", "deconflict", "serve"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 2
    assert "a server process exited as it started" in done.stderr


class _NotedStart:
    """Stands in for a spawned worker: notes the schema files applied when it is started,
    then asks the parent to stop, as SIGTERM would."""

    started: list[set[str]]
    path: Path

    def __init__(self, **kwargs: object) -> None:
        del kwargs
        self.exitcode: int | None = None
        self.pid: int | None = None

    def start(self) -> None:
        with sqlite3.connect(self.path) as conn:
            self.started.append(
                {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}
            )
        conn.close()
        os.kill(os.getpid(), signal.SIGTERM)

    def join(self, timeout: float | None = None) -> None:
        del timeout

    def kill(self) -> None:
        pass


def test_the_parent_brings_the_schema_up_to_date_before_any_worker_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "earlier.sqlite"
    made_by_release_of(path, BEFORE_AUDIT_LINKS)
    _NotedStart.started, _NotedStart.path = [], path
    monkeypatch.setattr(os, "environ", dict(os.environ))  # the parent exports its settings
    monkeypatch.setattr(
        multiprocessing, "get_context", lambda method: SimpleNamespace(Process=_NotedStart)
    )
    workers.run_workers(Settings(database=str(path), workers=2), {})
    shipped = {script.name for script in shipped_scripts()}
    assert len(_NotedStart.started) == 2
    assert all(applied == shipped for applied in _NotedStart.started)


def test_workers_stop_by_themselves_when_their_parent_is_killed(tmp_path: Path) -> None:
    """kill -9 of the parent alone (the OOM killer, a supervisor's last resort) must not
    leave its workers serving the port for good beside the next start's."""
    server, log = serve_two(tmp_path)
    pids = worker_pids(log)
    try:
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)
        deadline = time.monotonic() + 20
        while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in pids if _running(pid)], "orphaned workers still run"
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{server.base_url}/healthz", timeout=2)
    finally:
        for pid in pids:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
        server.kill()


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan that ended waits for its new parent to reap it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"
