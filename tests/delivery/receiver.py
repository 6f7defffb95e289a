"""A real webhook receiver on loopback for tests: records, verifies, and fails on demand.

    with Receiver(secret) as receiver:
        ...  # point a webhook at receiver.url (allow loopback)
        receiver.wait_for(3, timeout_s=5)
        assert receiver.received_ids() == [...]

Every request is recorded with its headers, body and monotonic arrival time. When it has a
secret, the receiver checks each signature with `deconflict.delivery.signing.verify` and
answers 401 to one that does not verify (counted in `refusals`). It can answer 500 to the
first `fail_first` requests or to all of them (`always_fail`, which a test may switch off to
see a replay succeed), sleep before answering (`delay_s`), or redirect (`redirect_to`).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self, cast

from deconflict import errors
from deconflict.delivery.signing import HEADER_ID, verify

MAX_BODY_BYTES = 10 * 1024 * 1024
PATH = "/hook"
_WORDS = {200: "ok", 302: "look elsewhere", 500: "failing on purpose"}


@dataclass(frozen=True, slots=True)
class Arrival:
    """One request as the receiver saw it, and what it answered."""

    method: str
    path: str
    headers: Mapping[str, str]  # names in lower case
    body: bytes
    arrived_s: float  # time.monotonic() when the request had been read
    status: int
    refusal: str  # why the signature was refused; "" when it verified or was not checked

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300

    @property
    def webhook_id(self) -> str:
        return self.headers.get(HEADER_ID, "")


class Receiver:
    """An HTTP server on 127.0.0.1 in a background thread; use it as a context manager."""

    def __init__(
        self,
        secret: str | None = None,
        *,
        fail_first: int = 0,
        always_fail: bool = False,
        delay_s: float = 0.0,
        redirect_to: str | None = None,
        tolerance_s: int = 300,
        clock: Callable[[], float] = time.time,
    ) -> None:
        # Plain attributes, so a test can change them while the server runs.
        self.secret = secret
        self.fail_first = fail_first
        self.always_fail = always_fail
        self.delay_s = delay_s
        self.redirect_to = redirect_to
        self.tolerance_s = tolerance_s
        self.clock = clock
        self._arrivals: list[Arrival] = []
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Self:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.receiver = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stopping.set()  # wakes handlers that are sleeping out `delay_s`
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the receiver is not running: use it in a with block")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH}"

    def arrivals(self) -> list[Arrival]:
        """Every request so far, in order of arrival."""
        with self._changed:
            return list(self._arrivals)

    def accepted(self) -> list[Arrival]:
        return [a for a in self.arrivals() if a.accepted]

    def received_ids(self) -> list[str]:
        """The webhook-id of each accepted request, in order of arrival (duplicates kept)."""
        return [a.webhook_id for a in self.accepted()]

    @property
    def refusals(self) -> int:
        """Requests whose signature did not verify."""
        return sum(1 for a in self.arrivals() if a.refusal)

    def wait_for(self, count: int, timeout_s: float = 5.0) -> list[Arrival]:
        """Wait until `count` requests have been accepted; TimeoutError if they are not."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while True:
                accepted = [a for a in self._arrivals if a.accepted]
                if len(accepted) >= count:
                    return accepted
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(
                        f"{len(accepted)} of {count} requests accepted within {timeout_s} s "
                        f"({len(self._arrivals)} arrived)"
                    )
                self._changed.wait(left)

    def _answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Arrival:
        """Decide the answer to one request and record it."""
        arrived_s = time.monotonic()
        refusal = ""
        if self.secret is not None:
            try:
                verify(
                    self.secret,
                    headers,
                    body,
                    now=int(self.clock()),
                    tolerance_s=self.tolerance_s,
                )
            except errors.SignatureRefused as refused:
                refusal = refused.reason
        with self._changed:
            index = len(self._arrivals)
            if refusal:
                status = 401
            elif self.always_fail or index < self.fail_first:
                status = 500
            elif self.redirect_to is not None:
                status = 302
            else:
                status = 200
            arrival = Arrival(method, path, headers, body, arrived_s, status, refusal)
            self._arrivals.append(arrival)
            self._changed.notify_all()
        return arrival

    def _pause(self) -> None:
        if self.delay_s > 0:
            self._stopping.wait(self.delay_s)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    receiver: Receiver

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (a sender's timeout) leaves a broken pipe: expected here.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # the name http.server looks for
        receiver = cast(_Server, self.server).receiver
        length = int(self.headers.get("content-length") or 0)
        if length > MAX_BODY_BYTES:
            self.send_error(413)
            return
        body = self.rfile.read(length)
        if len(body) < length:
            # The sender died mid-request (the crash tests kill it with SIGKILL): nothing
            # arrived that could be answered, so it is no arrival, let alone a refusal.
            self.close_connection = True
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        arrival = receiver._answer("POST", self.path, headers, body)
        receiver._pause()
        self.send_response(arrival.status)
        if arrival.status == 302 and receiver.redirect_to is not None:
            self.send_header("location", receiver.redirect_to)
        answer = (arrival.refusal or _WORDS.get(arrival.status, "")).encode()
        self.send_header("content-type", "text/plain")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the tests read the record, not a log
