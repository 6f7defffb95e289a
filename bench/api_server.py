"""The API server under test: `create_app` over a store, in a thread or in its own process.

In its own process (`python -m bench.api_server DATABASE [--schema S]`, as `deconflict
serve` starts it, but on a port the OS picks and printed on stdout) the clients' Python
does not hold the server's GIL; in a thread it does, which is what tests see.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deconflict.api.app import create_app
from deconflict.api.process import HTTP_PROTOCOL, ready_collector
from deconflict.api.settings import Settings
from deconflict.api.workers import listening_socket
from deconflict.service.context import Service
from deconflict.store.interface import Store
from deconflict.store.postgres import PostgresStore
from deconflict.store.sqlite import SqliteStore

#: Fictional, fixed: the bench's pseudonyms need not be secret.
SECRET = "bench-only-pseudonym-secret-0123456789abcdef"
_ROOT = Path(__file__).resolve().parents[1]
WORKER_PATH = "/bench/worker"


def open_store(database: str, schema: str | None) -> Store:
    if database.startswith(("postgresql://", "postgres://")):
        return PostgresStore(database, schema=schema)
    return SqliteStore(database)


def service_over(store: Store) -> Service:
    return Service(store=store, pseudonym_secret=SECRET.encode())


def app_over(database: str, service: Service, threads: int | None = None) -> FastAPI:
    """`threads`: `Settings.request_threads` (None: its default)."""
    settings = Settings(database=database, pseudonym_secret=SecretStr(SECRET))
    if threads is not None:
        settings = settings.model_copy(update={"request_threads": threads})
    app = create_app(settings, service)

    # Which process answered: the bench's own route, so that it can wait for every worker.
    @app.get(WORKER_PATH, include_in_schema=False)
    def worker() -> int:
        return os.getpid()

    return app


def wait_for_workers(base_url: str, workers: int, timeout_s: float = 120.0) -> set[int]:
    """The pids of `workers` processes, once each has answered. Each worker starts listening when
    it has started, and the kernel spreads connections only over the sockets listening:
    clients that connected as soon as the first answered once all landed on it, and a
    run "with 2 processes" was served by one."""
    seen: set[int] = set()
    deadline = time.monotonic() + timeout_s
    while len(seen) < workers:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(seen)} of {workers} server processes answered")
        try:
            # A new connection each time, so that the kernel chooses a socket each time.
            answer = httpx.get(base_url + WORKER_PATH, timeout=10.0)
            if answer.status_code == 200:
                seen.add(int(answer.json()))
                continue
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    return seen


def connections_by_pid(port: int) -> Counter[int]:
    """Established connections on the server's side of `port`, by the pid holding each."""
    listed = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return Counter(int(pid) for pid in re.findall(r"pid=(\d+)", listed))


def _listening_socket() -> socket.socket:
    # IPPROTO_TCP named outright: asyncio sets TCP_NODELAY only on sockets that say so
    # (see tests/api/helpers.py), else answers wait on the client's delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    return sock


def _server(app: FastAPI) -> uvicorn.Server:
    config = uvicorn.Config(
        app, log_level="warning", ws="none", http=HTTP_PROTOCOL, lifespan="off", access_log=False
    )
    return uvicorn.Server(config)


@contextlib.contextmanager
def in_thread(app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn in a thread of this process; yields the base URL."""
    sock = _listening_socket()
    port = sock.getsockname()[1]
    server = _server(app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the API server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@contextlib.contextmanager
def in_process(
    database: str, schema: str | None, workers: int = 1, threads: int | None = None
) -> Iterator[str]:
    """The app served by a child Python process over the same database (and by `workers`
    - 1 more, which it starts on its listening socket, as `deconflict serve --workers`),
    each running requests on `threads` threads (`deconflict serve --threads`)."""
    command = [sys.executable, "-m", "bench.api_server", database, "--workers", str(workers)]
    command += _optional(schema, threads)
    # A session of its own, so that its workers are stopped with it: uvicorn ends a process
    # on SIGTERM by raising the signal again, before any `finally` could stop them.
    child = subprocess.Popen(
        command, cwd=_ROOT, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        if not line.strip().isdigit():
            raise RuntimeError(f"the API server process did not start: {line!r}")
        base_url = f"http://127.0.0.1:{int(line)}"
        wait_for_workers(base_url, workers)
        yield base_url
    finally:
        _signal_group(child.pid, signal.SIGTERM)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            _signal_group(child.pid, signal.SIGKILL)
            child.wait()
        if child.stdout is not None:
            child.stdout.close()


def _signal_group(leader: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(leader, signum)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the API for the benchmark.")
    parser.add_argument("database")
    parser.add_argument("--schema")
    parser.add_argument("--workers", type=int, default=1, help="processes on the socket")
    parser.add_argument("--port", type=int, help="share this port (SO_REUSEPORT) with others")
    parser.add_argument("--threads", type=int, help="threads running requests, per process")
    args = parser.parse_args(argv)
    # Several workers each listen on a socket of their own (see deconflict.api.workers).
    sock = listening_socket("127.0.0.1", args.port or 0)
    others = [_another_worker(args, sock) for _ in range(args.workers - 1)]
    store = open_store(args.database, args.schema)
    app = app_over(args.database, service_over(store), args.threads)
    ready_collector()  # as `deconflict serve` does
    if args.port is None:
        print(sock.getsockname()[1], flush=True)
    try:
        _server(app).run(sockets=[sock])
    finally:
        store.close()
        for other in others:
            other.terminate()
        for other in others:
            other.wait(timeout=30)
    return 0


def _another_worker(args: argparse.Namespace, sock: socket.socket) -> subprocess.Popen[bytes]:
    port = str(sock.getsockname()[1])
    command = [sys.executable, "-m", "bench.api_server", args.database, "--port", port]
    return subprocess.Popen(command + _optional(args.schema, args.threads), cwd=_ROOT)


def _optional(schema: str | None, threads: int | None) -> list[str]:
    given = [] if schema is None else ["--schema", schema]
    return given + ([] if threads is None else ["--threads", str(threads)])


if __name__ == "__main__":
    sys.exit(main())
