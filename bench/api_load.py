"""Concurrent HTTP clients for the API benchmark: one httpx client per thread, timed calls."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

#: Clients set TCP_NODELAY too: a request's headers and body are separate writes.
_NODELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]


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


def client(base_url: str, api_key: str | None = None) -> httpx.Client:
    headers = {"Content-Type": "application/json"}
    if api_key is not None:
        headers["Authorization"] = f"Bearer {api_key}"
    transport = httpx.HTTPTransport(socket_options=_NODELAY)
    return httpx.Client(base_url=base_url, headers=headers, transport=transport, timeout=120.0)


def wait_ready(base_url: str, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    with client(base_url) as c:
        while True:
            try:
                if c.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the API at {base_url} did not answer /healthz")
            time.sleep(0.05)


def run(base_url: str, api_keys: Sequence[str], jobs: Sequence[Sequence[Call]]) -> Run:
    """Client k makes `jobs[k]` in order with `api_keys[k]`; all start together."""
    clients = [client(base_url, api_keys[k % len(api_keys)]) for k in range(len(jobs))]
    for c in clients:  # open each connection before the clock starts
        c.get("/healthz")
    barrier = threading.Barrier(len(jobs))
    results: list[list[Sample]] = [[] for _ in jobs]
    spans: list[tuple[int, int]] = [(0, 0)] * len(jobs)
    failures: list[BaseException] = []
    errors: list[str] = []

    def work(k: int) -> None:
        c, out, clock = clients[k], results[k], time.perf_counter_ns
        barrier.wait()
        started = clock()
        try:
            for call in jobs[k]:
                t0 = clock()
                answer = c.request(
                    call.method, call.path, content=call.body, headers=dict(call.headers)
                )
                t1 = clock()
                if answer.status_code != call.expect:
                    # Counted, not fatal: a server that fails under load is a finding.
                    errors.append(f"{call.method} {call.path}: {answer.status_code} {answer.text}")
                    out.append(Sample(f"{call.label}:failed", call.index, t1 - t0, None))
                    continue
                body = answer.json() if call.method == "POST" else None
                out.append(Sample(call.label, call.index, t1 - t0, body))
        except BaseException as failure:  # reported once every client has stopped
            failures.append(failure)
        spans[k] = (started, clock())

    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(jobs))]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for c in clients:
            c.close()
    if failures:
        raise failures[0]
    wall = max(end for _, end in spans) - min(start for start, _ in spans)
    return Run([s for r in results for s in r], wall, errors)


def split(calls: Sequence[Call], clients: int) -> list[list[Call]]:
    """Round-robin, so every client gets a like share of early and late calls."""
    return [list(calls[k::clients]) for k in range(clients)]
