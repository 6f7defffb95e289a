"""One delivery attempt against a real receiver on loopback, and against recorded transports."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
import pytest

from deconflict.delivery.sender import (
    MAX_ERROR_BODY_CHARS,
    Outcome,
    new_client,
    post_event,
)
from deconflict.delivery.signing import new_secret, sign_headers
from deconflict.delivery.targets import Resolver
from tests.delivery.raw_server import Dripping
from tests.delivery.receiver import Receiver
from tests.delivery.test_targets import PUBLIC_V4, FakeResolver

SECRET = new_secret(b"k" * 32)
BODY = b'{"type":"warning.raised","data":{"id":"w-1"}}'


def _signed(msg_id: str = "evt_1", body: bytes = BODY) -> dict[str, str]:
    return sign_headers(SECRET, msg_id, int(time.time()), body)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with new_client() as made:
        yield made


def _send(
    url: str,
    client: httpx.Client,
    *,
    timeout_s: float = 2.0,
    allow_loopback: bool = True,
    resolver: Resolver = socket.getaddrinfo,
) -> Outcome:
    return post_event(
        url,
        BODY,
        _signed(),
        timeout_s=timeout_s,
        allow_loopback=allow_loopback,
        client=client,
        resolver=resolver,
    )


class Recording:
    """A transport that answers from a script and keeps every request it was asked to send."""

    def __init__(self, response: httpx.Response | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.response = response or httpx.Response(204)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.response


def test_delivered_and_verified_by_the_receiver(client: httpx.Client) -> None:
    with Receiver(SECRET) as receiver:
        outcome = _send(receiver.url, client)
        assert outcome == Outcome(True, 200, "")
        assert receiver.received_ids() == ["evt_1"]
        assert receiver.refusals == 0
        (arrival,) = receiver.arrivals()
    assert arrival.body == BODY
    assert arrival.headers["content-type"] == "application/json"
    assert arrival.headers["host"] == f"127.0.0.1:{receiver.port}"
    assert arrival.path == "/hook"


def test_a_500_is_not_delivered_and_keeps_the_status(client: httpx.Client) -> None:
    with Receiver(SECRET, always_fail=True) as receiver:
        outcome = _send(receiver.url, client)
    assert outcome == Outcome(False, 500, "HTTP 500: failing on purpose")


def test_a_receiver_failing_twice_then_taking_the_third(client: httpx.Client) -> None:
    with Receiver(SECRET, fail_first=2) as receiver:
        statuses = [_send(receiver.url, client).status for _ in range(3)]
        assert receiver.wait_for(1, timeout_s=1)[0].webhook_id == "evt_1"
    assert statuses == [500, 500, 200]


def test_a_refused_signature_is_not_delivered(client: httpx.Client) -> None:
    with Receiver(SECRET) as receiver:
        headers = sign_headers(new_secret(b"o" * 32), "evt_1", int(time.time()), BODY)
        outcome = post_event(
            receiver.url, BODY, headers, timeout_s=2, allow_loopback=True, client=client
        )
        assert receiver.refusals == 1
    assert outcome == Outcome(False, 401, "HTTP 401: no-matching-signature")


def test_a_redirect_is_not_followed(client: httpx.Client) -> None:
    with Receiver(SECRET) as elsewhere, Receiver(SECRET, redirect_to=elsewhere.url) as receiver:
        outcome = _send(receiver.url, client)
        assert elsewhere.arrivals() == []
    assert not outcome.delivered
    assert outcome.status == 302
    assert "redirects are not followed" in outcome.error


def test_a_receiver_slower_than_the_timeout_is_not_delivered(client: httpx.Client) -> None:
    with Receiver(SECRET, delay_s=5) as receiver:
        started = time.monotonic()
        outcome = _send(receiver.url, client, timeout_s=0.3)
        took = time.monotonic() - started
        assert len(receiver.arrivals()) == 1
    assert outcome == Outcome(False, None, "no answer within 0.3 s")
    assert took < 2


def test_a_refused_connection_is_not_delivered(client: httpx.Client) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outcome = _send(f"http://127.0.0.1:{port}/hook", client)
    assert outcome == Outcome(False, None, "the connection was refused or failed")


def test_loopback_is_refused_without_a_connection_when_not_allowed() -> None:
    transport = Recording()
    with Receiver(SECRET) as receiver, httpx.Client(transport=httpx.MockTransport(transport)) as c:
        outcome = _send(receiver.url, c, allow_loopback=False)
        with new_client() as real:
            again = _send(receiver.url, real, allow_loopback=False)
        assert receiver.arrivals() == []
    assert transport.requests == []
    assert outcome == again
    assert not outcome.delivered
    assert outcome.status is None
    assert outcome.error.startswith("unsafe target: 127.0.0.1")


def test_a_name_rebound_to_a_private_address_is_not_sent_to() -> None:
    transport = Recording()
    resolver = FakeResolver({"hooks.example.com": [PUBLIC_V4, "10.0.0.7"]})
    with httpx.Client(transport=httpx.MockTransport(transport)) as c:
        outcome = _send("https://hooks.example.com/in", c, allow_loopback=False, resolver=resolver)
    assert transport.requests == []
    assert outcome.error.startswith("unsafe target: hooks.example.com resolves to 10.0.0.7")


def test_the_request_goes_to_the_checked_address_under_the_names_host_and_sni() -> None:
    transport = Recording()
    resolver = FakeResolver({"hooks.example.com": [PUBLIC_V4]})
    with httpx.Client(transport=httpx.MockTransport(transport)) as c:
        outcome = _send(
            "https://hooks.example.com:8443/in?k=1", c, allow_loopback=False, resolver=resolver
        )
    assert outcome == Outcome(True, 204, "")
    (request,) = transport.requests
    assert str(request.url) == f"https://{PUBLIC_V4}:8443/in?k=1"
    assert request.headers["host"] == "hooks.example.com:8443"
    assert request.extensions["sni_hostname"] == "hooks.example.com"
    assert request.headers["connection"] == "close"
    assert request.headers["webhook-id"] == "evt_1"
    assert request.content == BODY


def test_the_next_address_is_tried_when_one_cannot_be_reached(client: httpx.Client) -> None:
    # "localhost" as ::1 first (nothing listens there) and then 127.0.0.1 (the receiver).
    resolver = FakeResolver({"localhost": ["::1", "127.0.0.1"]})
    with Receiver(SECRET) as receiver:
        url = f"http://localhost:{receiver.port}/hook"
        outcome = _send(url, client, resolver=resolver)
        (arrival,) = receiver.arrivals()
    assert outcome == Outcome(True, 200, "")
    assert arrival.headers["host"] == f"localhost:{receiver.port}"


def test_a_name_that_does_not_resolve_is_not_delivered() -> None:
    transport = Recording()
    with httpx.Client(transport=httpx.MockTransport(transport)) as c:
        outcome = _send("https://gone.example.com/", c, resolver=FakeResolver({}))
    assert outcome == Outcome(False, None, "the host name could not be resolved")
    assert transport.requests == []


class Endless(httpx.SyncByteStream):
    """A body that never ends: only a capped read finishes."""

    def __init__(self) -> None:
        self.chunks = 0

    def __iter__(self) -> Iterator[bytes]:
        yield b"\x00busy\n"
        while True:
            self.chunks += 1
            yield b"x" * 4096


def test_only_a_little_of_the_answer_is_read_and_kept() -> None:
    body = Endless()
    huge = httpx.Response(503, stream=body)
    with httpx.Client(transport=httpx.MockTransport(Recording(huge))) as c:
        outcome = _send(
            "https://hooks.example.com/",
            c,
            resolver=FakeResolver({"hooks.example.com": [PUBLIC_V4]}),
        )
    assert outcome.status == 503
    assert body.chunks == 1
    assert outcome.error.startswith("HTTP 503: busy xxx")
    assert len(outcome.error) <= len("HTTP 503: ") + MAX_ERROR_BODY_CHARS


def test_the_client_keeps_no_cookies_and_reads_no_proxy_settings() -> None:
    with new_client() as made:
        assert made.trust_env is False
        assert made.follow_redirects is False
        request = httpx.Request("POST", "https://hooks.example.com/")
        made.cookies.extract_cookies(
            httpx.Response(200, headers={"set-cookie": "s=1; Path=/"}, request=request)
        )
        assert not made.cookies


DRIPPED_OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"


def test_a_receiver_dripping_its_answer_is_cut_off_at_the_timeout(client: httpx.Client) -> None:
    # Each byte well within a read timeout of 1 s; the whole answer would take some 20 s.
    with Dripping(DRIPPED_OK, pause_s=0.3) as server:
        outcome = _send(server.url, client, timeout_s=1.0)
        assert server.cut_off.wait(timeout=10)
        assert not server.finished.is_set()
    assert outcome == Outcome(False, None, "no answer within 1 s")


class SlowResolver(FakeResolver):
    """A lookup that does not come back until released (a resolver that hangs)."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        super().__init__(table)
        self.release = threading.Event()

    def __call__(self, host: str, port: int, **kwargs: Any) -> Sequence[tuple[Any, ...]]:
        self.release.wait(timeout=30)
        return super().__call__(host, port, **kwargs)


def test_a_lookup_that_hangs_ends_the_attempt_at_the_timeout() -> None:
    transport = Recording()
    resolver = SlowResolver({"hooks.example.com": [PUBLIC_V4]})
    try:
        with httpx.Client(transport=httpx.MockTransport(transport)) as c:
            outcome = _send(
                "https://hooks.example.com/",
                c,
                timeout_s=0.5,
                allow_loopback=False,
                resolver=resolver,
            )
    finally:
        resolver.release.set()
    assert outcome == Outcome(False, None, "the host name was not resolved within 0.5 s")
    assert transport.requests == []


def _stalling(status_line: bytes, said: bytes) -> Dripping:
    """A receiver that sends its status and the start of a 100-byte body, then stalls."""
    head = status_line + b"\r\nContent-Length: 100\r\nConnection: close\r\n\r\n" + said
    return Dripping(head + b"x" * (100 - len(said)), pause_s=30, piece_bytes=len(head))


def test_a_2xx_is_delivered_however_slowly_its_body_follows(client: httpx.Client) -> None:
    with _stalling(b"HTTP/1.1 200 OK", b"accepted") as server:
        outcome = _send(server.url, client, timeout_s=1.0)
    assert outcome == Outcome(True, 200, "")


def test_a_failure_whose_body_stalls_keeps_its_status_and_what_came(
    client: httpx.Client,
) -> None:
    with _stalling(b"HTTP/1.1 503 Service Unavailable", b"busy") as server:
        outcome = _send(server.url, client, timeout_s=1.0)
    assert outcome == Outcome(False, 503, "HTTP 503: busy")
