"""One deadline for a whole webhook attempt: name resolution, connections, request and answer.

httpx's timeouts bound each socket operation, not the exchange: a receiver that sends a byte
just inside each read timeout holds an attempt open as long as it likes, and `getaddrinfo`
takes no timeout at all. Here the lookup runs under a time limit, and when the deadline
passes every connection the attempt opened is shut down, which ends whatever read, write or
TLS handshake is blocked on it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self, TypeVar

T = TypeVar("T")


class Deadline:
    """A point in monotonic time, `seconds` from its making."""

    def __init__(self, seconds: float) -> None:
        self._at = time.monotonic() + seconds

    def left_s(self) -> float:
        return self._at - time.monotonic()


def call_within(seconds: float, work: Callable[[], T]) -> T:
    """`work()`, or `TimeoutError` when it has not returned within `seconds`.

    It runs in a thread of its own, because a blocking lookup cannot be interrupted: when
    time is up the thread is left to end by itself (the system resolver gives up after its
    own timeouts) and its answer, if one comes, is dropped."""
    result: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as exc:  # handed to the caller, whatever it is
            failure.append(exc)

    thread = threading.Thread(target=run, name="deconflict-webhook-lookup", daemon=True)
    thread.start()
    thread.join(max(seconds, 0.0))
    if failure:
        raise failure[0]
    if not result:
        raise TimeoutError(f"not done within {seconds:g} s")
    return result[0]


class Cutoff:
    """Shuts down the connections of one attempt when `seconds` have passed.

    Pass `trace` as the request's httpx `trace` extension: it is told of each connection
    made, and keeps a duplicate of its socket. Shutting the duplicate down ends the
    connection even once TLS has taken the original socket object over, and the duplicate
    is ours to close, so no file descriptor reused by another connection is ever touched."""

    def __init__(self, seconds: float) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._fired = False
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True

    @property
    def fired(self) -> bool:
        """Whether the deadline passed before the attempt ended."""
        with self._lock:
            return self._fired

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if event != "connection.connect_tcp.complete":
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if not isinstance(sock, socket.socket):
            return
        copy = sock.dup()
        with self._lock:
            self._sockets.append(copy)
            if self._fired:
                _shut(copy)

    def __enter__(self) -> Self:
        self._timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._timer.cancel()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            sock.close()

    def _fire(self) -> None:
        with self._lock:
            self._fired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    # Already closed by the other side, or not yet connected: nothing to end then.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
