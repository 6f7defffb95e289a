"""Several server processes on one port, each with a listening socket of its own.

uvicorn's own `workers` share one listening socket, and whichever process wakes first
accepts what is waiting: 8 clients keeping their connections open were found 7 on one
process and 1 on the other, which left the second core idle. With `SO_REUSEPORT` each
worker listens on a socket of its own and the kernel spreads new connections over them.
The parent brings the schema up to date, starts the workers, restarts one that dies, and
stops them all on SIGINT or SIGTERM. A worker whose parent is gone (killed with SIGKILL, by
the OOM killer, say) stops by itself: left running, it would go on serving the port beside
the workers of the next start, on its old settings and code, and nothing would stop it.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import threading
import time
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import uvicorn

from deconflict import errors
from deconflict.api.compose import open_store
from deconflict.api.process import server_app, settings_environment
from deconflict.api.settings import Settings

#: How often the parent looks for a worker that died, and a worker for its parent (seconds).
WATCH_S = 0.5
#: How long a stopping worker may take before it is killed (seconds).
STOP_S = 15.0
#: A worker that fails by itself sooner than this after its start cannot start: the command
#: ends instead of restarting it for ever.
MIN_LIFE_S = 5.0


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound with SO_REUSEPORT, so that every worker can bind the same port."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


def run_workers(settings: Settings, options: dict[str, Any]) -> None:
    """Serve with `settings.workers` processes until SIGINT or SIGTERM."""
    # The schema is brought up to date here, once, before any worker opens the database:
    # workers opening a file from an earlier release together queue on its migration's
    # lock, and one kept waiting past its busy timeout (a large table being rebuilt)
    # would fail to start, which ends the command.
    open_store(settings).close()
    # Workers are fresh interpreters: they build their settings from the environment.
    os.environ.update(settings_environment(settings))
    context = multiprocessing.get_context("spawn")
    stopping = False

    def start() -> BaseProcess:
        worker = context.Process(
            target=_serve_one,
            args=(settings.host, settings.port, options, os.getpid()),
            daemon=False,
        )
        worker.start()
        return worker

    def stop(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    workers = [start() for _ in range(settings.workers)]
    started = [time.monotonic()] * len(workers)
    try:
        while not stopping:
            time.sleep(WATCH_S)
            for i, worker in enumerate(workers):
                if stopping or worker.exitcode is None:
                    continue
                # Killed by a signal it is replaced; failing by itself at once, it cannot start.
                if worker.exitcode > 0 and time.monotonic() - started[i] < MIN_LIFE_S:
                    raise errors.ServerFailed(
                        f"a server process exited as it started (status {worker.exitcode}); "
                        "its log above says why"
                    )
                workers[i] = start()  # it died: what it held is in the database
                started[i] = time.monotonic()
    finally:
        for worker in workers:
            if worker.pid is not None and worker.exitcode is None:
                os.kill(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.join(STOP_S)
            if worker.exitcode is None:
                worker.kill()
                worker.join()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _serve_one(host: str, port: int, options: dict[str, Any], parent_pid: int) -> None:
    _stop_when_orphaned(parent_pid)
    sock = listening_socket(host, port)
    app = server_app(Settings())
    uvicorn.Server(uvicorn.Config(app, **options)).run(sockets=[sock])


def _stop_when_orphaned(parent_pid: int) -> None:
    """Stop this worker as its parent would (SIGTERM) once the parent has died: an orphan
    is handed to another parent, so its parent's pid changes."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(WATCH_S)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="deconflict-parent-watch", daemon=True).start()
