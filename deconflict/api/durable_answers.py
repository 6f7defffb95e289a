"""Holding back each answer until the writes it reports are on disk, off the request thread.

A request's use case runs on one of few threads (`request_threads`; one per process is
the fastest setting with several processes). Its write used to wait there for the log's
sync after the commit, ~1–3 ms with the core idle though other requests were queued for
the thread. Here the write leaves the sync to this middleware (`store.durability`): the
thread moves on to the next request while the answer, on the event loop, waits for the
sync before its first byte is sent. A sync that fails turns the answer into an error
(`CatchAll`'s 500): never a success for a write that may not be on disk.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from deconflict.store.durability import syncs_left_to_caller


class DurableAnswers:
    """ASGI middleware: an HTTP answer starts only once its request's writes are durable."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with syncs_left_to_caller() as left:

            async def send_once_durable(message: Message) -> None:
                if message["type"] == "http.response.start":
                    # Writes after this point (a stream's, say) wait for their own syncs.
                    syncs = left.take()
                    if syncs:
                        # Raises a failed sync's OSError before any of the answer is sent.
                        await asyncio.gather(*(asyncio.wrap_future(s) for s in syncs))
                await send(message)

            await self.app(scope, receive, send_once_durable)
