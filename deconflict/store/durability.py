"""Letting a caller wait for a write's log sync itself, so its thread need not.

A SQLite write is on disk only once its log is synced (`log_sync`), ~1–3 ms after the
commit. A server process that runs requests on one thread spent that time with the thread
waiting and its core idle, though other requests were queued for it. Within
`syncs_left_to_caller`, a write returns as soon as it has committed and leaves the sync's
future with the caller, who must wait for every one of them before it tells anybody that
the writes succeeded (the API holds back each answer until then:
`deconflict.api.durable_answers`). Everywhere else a write returns only once synced.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from contextvars import ContextVar


class SyncsLeft:
    """The syncs of the writes made in one context, until the caller takes them."""

    __slots__ = ("_futures", "_guard", "_taken")

    def __init__(self) -> None:
        self._futures: list[Future[None]] = []
        self._taken = False
        self._guard = threading.Lock()

    def take(self) -> list[Future[None]]:
        """The syncs to wait for; writes made from now on wait for their own."""
        with self._guard:
            self._taken = True
            futures, self._futures = self._futures, []
        return futures

    def leave(self, sync: Future[None]) -> bool:
        with self._guard:
            if self._taken:
                return False
            self._futures.append(sync)
            return True

    def pending(self) -> list[Future[None]]:
        with self._guard:
            return list(self._futures)


_LEFT: ContextVar[SyncsLeft | None] = ContextVar("deconflict_syncs_left", default=None)


@contextmanager
def syncs_left_to_caller() -> Iterator[SyncsLeft]:
    """Writes made in this context (and in threads it is copied to) return before their
    sync until the caller `take`s the syncs left so far."""
    left = SyncsLeft()
    token = _LEFT.set(left)
    try:
        yield left
    finally:
        _LEFT.reset(token)


def leave_to_caller(sync: Future[None]) -> bool:
    """Hand a committed write's sync to the caller waiting on this context, if any."""
    left = _LEFT.get()
    return left is not None and left.leave(sync)


def once_durable(then: Callable[[], None]) -> None:
    """Call `then` once every write made so far in this context is durable: at once when
    no sync is left to the caller, else when the last has synced (never if one failed:
    what it would announce may not be on disk)."""
    left = _LEFT.get()
    syncs = [] if left is None else left.pending()
    if not syncs:
        then()
        return
    count = [len(syncs)]
    failed = [False]
    guard = threading.Lock()

    def one_done(done: Future[None]) -> None:
        with guard:
            failed[0] |= done.exception() is not None
            count[0] -= 1
            due = count[0] == 0 and not failed[0]
        if due:
            then()

    for sync in syncs:
        sync.add_done_callback(one_done)
