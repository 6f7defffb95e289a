"""The delivery benchmark's load: warnings raised at a target rate, on a fixed schedule.

Write k is due at `start + k / rate`. Each client thread takes the next due write, sleeps
until it is due and sends it; a client that falls behind sends at once, so a server slower
than the rate is met back to back, and writes still due when the duration is over are never
sent. The achieved rate is therefore what the server and clients could do, never more than
asked, and no backlog spills over into the drain.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from bench.delivery_server import warning_body

#: A request's headers and body are separate writes: without this the body waits on an ACK.
_NODELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]


@dataclass(frozen=True, slots=True)
class Write:
    """One warning raised: when it was due and answered (monotonic s), and how it went."""

    index: int
    due_s: float
    sent_s: float
    answered_s: float
    status: int

    @property
    def latency_ms(self) -> float:
        return (self.answered_s - self.sent_s) * 1000


@dataclass(frozen=True, slots=True)
class Load:
    writes: list[Write]
    started_s: float  # monotonic, the first write's due time
    elapsed_s: float  # until the last answer, or the duration if longer

    @property
    def ok(self) -> list[Write]:
        return [w for w in self.writes if w.status == 201]


def transport() -> httpx.HTTPTransport:
    return httpx.HTTPTransport(socket_options=_NODELAY)


def run(base_url: str, key: str, *, rate: float, duration_s: float, clients: int) -> Load:
    """Raise warnings at `rate` per second for `duration_s` from `clients` threads."""
    body = json.dumps(warning_body(datetime.now(UTC))).encode()
    headers = {"Authorization": f"Bearer {key}", "content-type": "application/json"}
    slots = _Slots(time.monotonic() + 0.2, rate, duration_s)
    writes: list[Write] = []
    lock = threading.Lock()

    def client_loop() -> None:
        with httpx.Client(base_url=base_url, transport=transport(), timeout=30) as http:
            while (slot := slots.take()) is not None:
                index, due_s = slot
                pause = due_s - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                sent_s = time.monotonic()
                status = http.post("/v1/warnings", content=body, headers=headers).status_code
                write = Write(index, due_s, sent_s, time.monotonic(), status)
                with lock:
                    writes.append(write)

    threads = [threading.Thread(target=client_loop, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writes.sort(key=lambda w: w.index)
    last = max((w.answered_s for w in writes), default=slots.start_s)
    return Load(writes, slots.start_s, max(duration_s, last - slots.start_s))


class _Slots:
    """The schedule: the next write's index and due time, until the duration is over."""

    def __init__(self, start_s: float, rate: float, duration_s: float) -> None:
        self.start_s = start_s
        self._interval_s = 1 / rate
        self._end_s = start_s + duration_s
        self._next = 0
        self._lock = threading.Lock()

    def take(self) -> tuple[int, float] | None:
        with self._lock:
            index = self._next
            due_s = self.start_s + index * self._interval_s
            # Past the end, or so late that it could not be sent within the duration.
            if due_s >= self._end_s or time.monotonic() >= self._end_s:
                return None
            self._next += 1
            return index, due_s
