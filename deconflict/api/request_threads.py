"""How many requests' use cases one server process runs at once (`request_threads`).

Synchronous endpoints run on the event loop's default thread pool, whose size belongs to
the loop: it is set as each request comes in, since a server need not run the app's
lifespan and a test may serve one app from several loops.
"""

from __future__ import annotations

import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send


class RequestThreads:
    """ASGI middleware bounding the loop's thread pool to `threads`."""

    def __init__(self, app: ASGIApp, threads: int) -> None:
        self.app = app
        self.threads = threads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limiter = anyio.to_thread.current_default_thread_limiter()
        if limiter.total_tokens != self.threads:
            limiter.total_tokens = self.threads
        await self.app(scope, receive, send)
