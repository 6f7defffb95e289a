"""A Server-Sent Events reader for tests: frames parsed as they arrive, in a thread."""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class Frame:
    id: str | None
    event: str | None
    data: str
    comments: tuple[str, ...]

    @property
    def json(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.data)
        return loaded


def parse(lines: Iterator[str]) -> Iterator[Frame]:
    """Frames as the SSE spec cuts them: fields until a blank line."""
    fields: dict[str, list[str]] = {}
    comments: list[str] = []
    for line in lines:
        if line == "":
            if fields or comments:
                yield Frame(
                    _last(fields, "id"),
                    _last(fields, "event"),
                    "\n".join(fields.get("data", [])),
                    tuple(comments),
                )
            fields, comments = {}, []
        elif line.startswith(":"):
            comments.append(line[1:].strip())
        else:
            name, _, value = line.partition(":")
            fields.setdefault(name, []).append(value.removeprefix(" "))


def _last(fields: dict[str, list[str]], name: str) -> str | None:
    values = fields.get(name)
    return values[-1] if values else None


class EventStream:
    """An open GET /v1/events; frames queue up as they come."""

    def __init__(self, client: httpx.Client, last_event_id: str | None = None) -> None:
        headers = {} if last_event_id is None else {"Last-Event-ID": last_event_id}
        self._context = client.stream(
            "GET", "/v1/events", headers=headers, timeout=httpx.Timeout(30, read=None)
        )
        self.response = self._context.__enter__()
        self.frames: queue.Queue[Frame | None] = queue.Queue()
        self._thread = threading.Thread(target=self._read, daemon=True)
        if self.response.status_code == 200:
            self._thread.start()

    def _read(self) -> None:
        try:
            for frame in parse(self.response.iter_lines()):
                self.frames.put(frame)
        except (httpx.HTTPError, RuntimeError):
            pass  # closed by the test, or by the server
        finally:
            self.frames.put(None)

    def next(self, timeout_s: float = 10.0) -> Frame:
        frame = self.frames.get(timeout=timeout_s)
        if frame is None:
            raise EOFError("the stream ended")
        return frame

    def next_event(self, timeout_s: float = 10.0) -> Frame:
        """The next frame that carries an event, skipping retry hints and keep-alives."""
        while True:
            frame = self.next(timeout_s)
            if frame.id is not None:
                return frame

    def events(self, count: int, timeout_s: float = 10.0) -> list[Frame]:
        return [self.next_event(timeout_s) for _ in range(count)]

    def close(self) -> None:
        # Closing the response does not wake the reader thread blocked in recv() on an idle
        # stream, so the server would not see the client go until it next wrote: shutting
        # the socket down ends both at once.
        network = self.response.extensions.get("network_stream")
        sock = None if network is None else network.get_extra_info("socket")
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self.response.close()
        self._context.__exit__(None, None, None)
        self._thread.join(timeout=5) if self._thread.is_alive() else None

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
