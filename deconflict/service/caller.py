"""Whether a write's caller still waits for its answer; a write whose caller left is not run.

A write may wait up to the store's busy timeout for its turn among the writers. A caller
whose own timeout was shorter has given up by then, sees a failure and will likely retry:
had the write still run, the retry would do the work twice. So the face that knows its
caller can leave (the API, `deconflict.api.departures`) opens a watch around a request,
and each write made under it checks, once it has its turn and before any of its work, that
the caller is still there. Only a plain callable crosses here: no HTTP.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from deconflict import errors
from deconflict.store.interface import Transaction

T = TypeVar("T")

_log = logging.getLogger(__name__)

GONE_DETAIL = "the caller left before the write had its turn; it was not run"


@dataclass(frozen=True, slots=True)
class Watch:
    """How to tell that the caller has left, and how the log names what it asked for."""

    is_gone: Callable[[], bool]
    asked: str  # "POST /v1/operations", say


_CURRENT: contextvars.ContextVar[Watch | None] = contextvars.ContextVar(
    "deconflict_caller_watch", default=None
)


@contextmanager
def watched(is_gone: Callable[[], bool], asked: str) -> Iterator[Watch]:
    """Writes made in this context (and in threads it is copied to) are not run once
    `is_gone()` holds by the time each has its turn."""
    watch = Watch(is_gone, asked)
    token = _CURRENT.set(watch)
    try:
        yield watch
    finally:
        _CURRENT.reset(token)


def unless_gone(work: Callable[[Transaction], T]) -> Callable[[Transaction], T]:
    """`work`, refused with `CallerGone` when run after its caller left.

    The watch is read here, on the caller's thread: a SQLite leader runs the work of
    other threads' writes too, and each must carry its own caller's check. The check
    runs first thing inside the transaction, that is once the write holds the writers'
    turn, so a write that waited for it is judged by whether its caller waited too.
    """
    watch = _CURRENT.get()
    if watch is None:
        return work
    since = time.monotonic()

    def checked(tx: Transaction) -> T:
        if watch.is_gone():
            _log.warning(
                "%s: write not run, its caller left while it waited %.1f s for its turn",
                watch.asked,
                time.monotonic() - since,
            )
            raise errors.CallerGone(GONE_DETAIL)
        return work(tx)

    return checked
