"""Concurrent HTTP clients for the API benchmark: one keep-alive connection per thread.

The clients share the machine with the server they measure, so they are kept light: the
standard library's `http.client` on one persistent connection each, ~0.35 ms of the
clients' CPU a submission where `httpx` took ~1 ms (of the ~8 ms the server spends).
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class Call:
    """One request a client makes: a label for its samples, method, path, JSON body."""

    label: str
    method: str
    path: str
    body: bytes | None = None
    expect: int = 200
    index: int = -1  # which submission, for a POST
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Sample:
    label: str
    index: int
    latency_ns: int
    answer: dict[str, Any] | None  # the JSON body of a POST, for ids and conflicts


@dataclass(frozen=True, slots=True)
class Run:
    samples: list[Sample]
    wall_ns: int  # first client's start to last client's finish
    errors: list[str]  # what each failed call answered

    def latencies_ns(self, label: str) -> list[int]:
        return [s.latency_ns for s in self.samples if s.label == label]

    def per_s(self, label: str) -> float:
        return len(self.latencies_ns(label)) / (self.wall_ns / 1e9)


class Connection:
    """One persistent HTTP/1.1 connection, with the JSON and key headers of every call."""

    def __init__(self, base_url: str, api_key: str | None = None) -> None:
        url = urlsplit(base_url)
        self._conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=120.0)
        self._headers = {"Content-Type": "application/json"}
        if api_key is not None:
            self._headers["Authorization"] = f"Bearer {api_key}"

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: Sequence[Any] = ()
    ) -> tuple[int, bytes]:
        """The status and body of one call; the connection stays open for the next."""
        if self._conn.sock is None:
            self._conn.connect()
            sock = cast(socket.socket, self._conn.sock)  # connect() just set it
            # A request's headers and body go out in one write (http.client joins them),
            # and its answer must not wait on Nagle.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._conn.request(method, path, body=body, headers={**self._headers, **dict(headers)})
        answer = self._conn.getresponse()
        return answer.status, answer.read()

    def close(self) -> None:
        self._conn.close()


def wait_ready(base_url: str, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        c = Connection(base_url)
        try:
            if c.request("GET", "/healthz")[0] == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            c.close()
        if time.monotonic() > deadline:
            raise RuntimeError(f"the API at {base_url} did not answer /healthz")
        time.sleep(0.05)


def run(
    base_url: str,
    api_keys: Sequence[str],
    calls: Sequence[Call],
    clients: int,
    connected: Callable[[], object] | None = None,
) -> Run:
    """`clients` clients, client k with `api_keys[k]`, all start together and each takes
    the next of `calls` as soon as its last is answered, until none is left. `connected`
    is called once every client's connection is open, before the clock starts.

    One queue, not a share each: the server's processes each take the connections the
    kernel gives them (`SO_REUSEPORT` hashes each one), often 5 and 3 or 6 and 2 of 8, and
    with a fixed share per client the lightly loaded process finished its clients' shares
    early and stood idle while the other worked through the rest, so a run measured how
    the connections fell more than what the server can do.
    """
    connections = [Connection(base_url, api_keys[k % len(api_keys)]) for k in range(clients)]
    for c in connections:  # open each connection before the clock starts
        c.request("GET", "/healthz")
    if connected is not None:
        connected()  # every connection open, none yet at work
    barrier = threading.Barrier(clients)
    queue = iter(calls)
    taking = threading.Lock()
    results: list[list[Sample]] = [[] for _ in range(clients)]
    spans: list[tuple[int, int]] = [(0, 0)] * clients
    failures: list[BaseException] = []
    errors: list[str] = []

    def next_call() -> Call | None:
        with taking:
            return next(queue, None)

    def work(k: int) -> None:
        c, out, clock = connections[k], results[k], time.perf_counter_ns
        barrier.wait()
        started = clock()
        try:
            while (call := next_call()) is not None:
                t0 = clock()
                status, content = c.request(call.method, call.path, call.body, call.headers)
                t1 = clock()
                if status != call.expect:
                    # Counted, not fatal: a server that fails under load is a finding.
                    text = content.decode(errors="replace")
                    errors.append(f"{call.method} {call.path}: {status} {text}")
                    out.append(Sample(f"{call.label}:failed", call.index, t1 - t0, None))
                    continue
                body = json.loads(content) if call.method == "POST" else None
                out.append(Sample(call.label, call.index, t1 - t0, body))
        except BaseException as failure:  # reported once every client has stopped
            failures.append(failure)
        spans[k] = (started, clock())

    threads = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for c in connections:
            c.close()
    if failures:
        raise failures[0]
    wall = max(end for _, end in spans) - min(start for start, _ in spans)
    return Run([s for r in results for s in r], wall, errors)
