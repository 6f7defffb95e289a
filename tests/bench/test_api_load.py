"""The bench's clients: one queue of calls, each taken by whichever client is free."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from bench import api_load

#: How long the slow client's every call takes on the server (seconds).
SLOW_S = 0.02


class _Counting(BaseHTTPRequestHandler):
    """Answers every GET with 200; a call bearing the key "slow" takes SLOW_S first."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes
    made: ClassVar[Counter[str]] = Counter()
    guard = threading.Lock()

    def do_GET(self) -> None:
        key = self.headers.get("Authorization", "")
        if self.path == "/work":
            with self.guard:
                self.made[key] += 1
            if key == "Bearer slow":
                time.sleep(SLOW_S)
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        del format, args


@pytest.fixture
def server() -> Iterator[str]:
    _Counting.made = Counter()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_a_slow_client_leaves_the_rest_of_the_queue_to_the_others(server: str) -> None:
    calls = [api_load.Call("work", "GET", "/work", index=i) for i in range(60)]

    run = api_load.run(server, ["slow", "fast"], calls, clients=2)

    assert not run.errors
    assert sorted(s.index for s in run.samples) == list(range(60))  # each call made once
    made = _Counting.made
    assert made["Bearer slow"] + made["Bearer fast"] == 60
    # With a fixed share each, both would have made 30 and the run lasted 30 slow calls.
    assert made["Bearer fast"] > 3 * made["Bearer slow"]
    assert run.wall_ns < 30 * SLOW_S * 1e9


def test_every_client_works_until_the_queue_is_empty(server: str) -> None:
    calls = [api_load.Call("work", "GET", "/work", index=i) for i in range(40)]

    run = api_load.run(server, ["a", "b", "c", "d"], calls, clients=4)

    assert [s.label for s in run.samples] == ["work"] * 40
    assert sum(_Counting.made.values()) == 40
    assert run.per_s("work") > 0
