"""A raw TCP server on loopback that answers byte by byte, for senders facing slow receivers.

    with Dripping(b"HTTP/1.1 200 OK\\r\\n...", pause_s=0.3) as server:
        post to server.url ...
        assert server.cut_off.wait(5)

It reads each request's head and body, then writes its answer in pieces of `piece_bytes`
with `pause_s` between them: each piece comes well within a per-read timeout, however long
the whole answer takes. `cut_off` is set when the client closed the connection before the
answer was written out; `finished` when the answer was written out in full.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType
from typing import Self


class Dripping:
    def __init__(self, answer: bytes, *, pause_s: float, piece_bytes: int = 1) -> None:
        self.answer = answer
        self.pause_s = pause_s
        self.piece_bytes = piece_bytes
        self.requests = 0
        self.cut_off = threading.Event()
        self.finished = threading.Event()
        self._stopping = threading.Event()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self._sock.settimeout(0.05)
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}/hook"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._sock.close()

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            _read_request(conn)
            self.requests += 1
            try:
                for start in range(0, len(self.answer), self.piece_bytes):
                    if start and (self._stopping.wait(self.pause_s) or _closed_by_peer(conn)):
                        break
                    conn.sendall(self.answer[start : start + self.piece_bytes])
                else:
                    self.finished.set()
                    return
            except OSError:
                pass
            if not self._stopping.is_set():
                self.cut_off.set()


def _read_request(conn: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return
        body += chunk


def _closed_by_peer(conn: socket.socket) -> bool:
    """Whether the client has closed its end (a read would return nothing at once)."""
    conn.setblocking(False)
    try:
        return conn.recv(1, socket.MSG_PEEK) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        conn.setblocking(True)
