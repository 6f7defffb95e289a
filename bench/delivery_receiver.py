"""The receiving party's end of the delivery benchmark, in its own process: webhook and stream.

    python -m bench.delivery_receiver

It listens for webhooks on 127.0.0.1 (a port the OS picks, printed on stdout), then reads
one JSON line from stdin — `{"base_url", "key", "secret", "after"}` — opens the party's
event stream with `Last-Event-ID: after`, and prints `ready` once the stream is open. Each
webhook is verified with `deconflict.delivery.signing.verify` (a refused one is answered
401 and counted); each receipt, webhook or stream, is stamped with the wall clock as soon
as it has been read. `GET /receipts?from=N` answers the receipts from the N-th on, so the
benchmark can follow them without stopping anything. It runs until stdin closes.

Why a process of its own: the load generator's threads would otherwise hold this Python's
GIL, and a receipt waiting for it (up to the 5 ms switch interval, more under load) would
be stamped late — a delay of the benchmark, not of the server.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import httpx

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deconflict import errors
from deconflict.delivery.signing import HEADER_ID, verify

PATH = "/hook"
MAX_BODY_BYTES = 1024 * 1024
WEBHOOK = "webhook"
STREAM = "stream"


class Record:
    """Receipts in order of arrival: `[channel, event id, at, received_s, delivery id]`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._receipts: list[list[Any]] = []
        self.refused = 0
        self.secret: str | None = None
        self.stream_error = ""

    def add(self, channel: str, event: dict[str, Any], received_s: float, delivery: str) -> None:
        with self._lock:
            self._receipts.append([channel, int(event["id"]), event["at"], received_s, delivery])

    def refuse(self) -> None:
        with self._lock:
            self.refused += 1

    def since(self, start: int) -> dict[str, Any]:
        with self._lock:
            return {
                "receipts": self._receipts[start:],
                "refused": self.refused,
                "stream_error": self.stream_error,
            }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    record: Record


class _Handler(BaseHTTPRequestHandler):
    def setup(self) -> None:
        super().setup()
        # One write per answer below, but say it anyway: no answer waits on a delayed ACK.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self) -> None:  # the name http.server looks for
        record = cast(_Server, self.server).record
        length = int(self.headers.get("content-length") or 0)
        if self.path != PATH or length > MAX_BODY_BYTES or record.secret is None:
            self._answer(404 if self.path != PATH else 503, b"")
            return
        body = self.rfile.read(length)
        received_s = time.time()
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            verify(record.secret, headers, body, now=int(received_s), tolerance_s=300)
        except errors.SignatureRefused:
            record.refuse()
            self._answer(401, b"")
            return
        record.add(WEBHOOK, json.loads(body), received_s, headers.get(HEADER_ID, ""))
        self._answer(200, b"ok")

    def do_GET(self) -> None:
        record = cast(_Server, self.server).record
        url = urlsplit(self.path)
        if url.path != "/receipts":
            self._answer(404, b"")
            return
        start = int(parse_qs(url.query).get("from", ["0"])[0])
        self._answer(200, json.dumps(record.since(start)).encode(), "application/json")

    def _answer(self, status: int, body: bytes, kind: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the record is the log


def read_stream(
    record: Record, base_url: str, key: str, after: int, opened: threading.Event
) -> None:
    """Read the party's event stream until it ends, recording each event as it arrives."""
    headers = {"Authorization": f"Bearer {key}", "Last-Event-ID": str(after)}
    timeout = httpx.Timeout(30, read=None)
    try:
        with (
            httpx.Client(base_url=base_url, timeout=timeout) as client,
            client.stream("GET", "/v1/events", headers=headers) as response,
        ):
            if response.status_code != 200:
                record.stream_error = f"HTTP {response.status_code}"
                return
            opened.set()
            data: list[str] = []
            for line in response.iter_lines():
                if line.startswith("data:"):
                    data.append(line[5:].removeprefix(" "))
                elif line == "" and data:
                    # A frame ends with a blank line; the server writes each in one piece.
                    record.add(STREAM, json.loads("\n".join(data)), time.time(), "")
                    data = []
    except httpx.HTTPError as exc:
        record.stream_error = f"{type(exc).__name__}: {exc}"
    finally:
        opened.set()  # never leave the caller waiting on a stream that failed


def main() -> int:
    record = Record()
    server = _Server(("127.0.0.1", 0), _Handler)
    server.record = record
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    ).start()
    print(server.server_address[1], flush=True)
    setup = json.loads(sys.stdin.readline())
    record.secret = str(setup["secret"])
    opened = threading.Event()
    reader = threading.Thread(
        target=read_stream,
        args=(record, str(setup["base_url"]), str(setup["key"]), int(setup["after"]), opened),
        daemon=True,
    )
    reader.start()
    opened.wait(timeout=30)
    print("ready" if not record.stream_error else f"failed {record.stream_error}", flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
