"""Noticing that a writing request's client has gone, so that its write is not run.

A write may wait seconds for its turn among the writers (`store.interface.BUSY_TIMEOUT_MS`)
while its client, with a shorter timeout, gives up and closes the connection; had the write
run anyway, the client's retry would do the work twice. For each request that may write
(an unsafe method), once its body is in, this watches the ASGI channel for the server's
`http.disconnect` and opens a watch (`service.caller`) whose check a write reads when its
turn comes: the request's thread is busy in the store, so the event loop has to listen.
"""

from __future__ import annotations

import asyncio
import threading

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from deconflict.service import caller

#: Methods whose requests may write. A safe one never does, and the event stream (a GET)
#: listens for its own client's departure.
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Departures:
    """ASGI middleware: writes of a request whose client has left are not run."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        channel = _WatchedChannel(receive)

        async def noting_send(message: Message) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                # Answered: the server's disconnect from now on says only that it is over.
                channel.answered = True
            await send(message)

        with caller.watched(channel.gone.is_set, f"{scope['method']} {scope['path']}"):
            try:
                await self.app(scope, channel.receive, noting_send)
            finally:
                channel.stop()


class _WatchedChannel:
    """The request's `receive`, handed on unchanged, with a listener once the body is in.

    After the last body message, the only message ASGI allows is `http.disconnect`; the
    listener waits for it and keeps it, and any later `receive` of the app (Starlette's
    `is_disconnected`, say) gets that same message, so nothing the app reads is taken.
    """

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self.gone = threading.Event()  # read by the request's thread, set on the loop
        self.answered = False
        self._listener: asyncio.Task[Message] | None = None

    async def receive(self) -> Message:
        if self._listener is not None:
            # Shielded: an app that stops waiting (cancelled) must not stop the listener.
            return await asyncio.shield(self._listener)
        message = await self._receive()
        self._note(message)
        if message["type"] == "http.request" and not message.get("more_body", False):
            self._listener = asyncio.get_running_loop().create_task(self._listen())
        return message

    async def _listen(self) -> Message:
        message = await self._receive()
        self._note(message)
        return message

    def _note(self, message: Message) -> None:
        if message["type"] == "http.disconnect" and not self.answered:
            self.gone.set()

    def stop(self) -> None:
        listener = self._listener
        if listener is None:
            return
        if not listener.done():
            listener.cancel()
        elif not listener.cancelled():
            listener.exception()  # retrieved, so that a failed listener is not logged as lost
