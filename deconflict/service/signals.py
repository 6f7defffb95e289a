"""A doorbell rung after each commit that recorded something, so that event streams and
the delivery loop wake at once.

It only shortens waits: whoever waits also polls the store on a timeout, which is how the
commits of other processes sharing the database are seen.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable


class CommitSignal:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rings = 0
        self._async_waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._listeners: list[Callable[[], None]] = []

    @property
    def rings(self) -> int:
        """How many commits have rung so far."""
        with self._lock:
            return self._rings

    def ring(self) -> None:
        with self._lock:
            self._rings += 1
            waiters = list(self._async_waiters)
            listeners = list(self._listeners)
        for listener in listeners:
            listener()
        for loop, event in waiters:
            # The loop may have closed since it registered: its waiter is gone with it.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(event.set)

    def listen(self, callback: Callable[[], None]) -> None:
        """Call `callback` (quick, thread-safe: setting an event, say) at every ring."""
        with self._lock:
            self._listeners.append(callback)

    def forget(self, callback: Callable[[], None]) -> None:
        with self._lock:
            self._listeners.remove(callback)

    async def wait_async(self, timeout_s: float, seen: int | None = None) -> bool:
        """Wait in the event loop for the next ring; False on timeout.

        `seen` is `rings` as the waiter read it before it last looked at the store: a ring
        since then (a commit that landed between that look and this wait) returns at once,
        rather than sleeping through the commit the waiter has not seen.
        """
        event = asyncio.Event()
        waiter = (asyncio.get_running_loop(), event)
        with self._lock:
            if seen is not None and self._rings != seen:
                return True
            self._async_waiters.add(waiter)
        try:
            await asyncio.wait_for(event.wait(), timeout_s)
        except TimeoutError:
            return False
        finally:
            with self._lock:
                self._async_waiters.discard(waiter)
        return True
