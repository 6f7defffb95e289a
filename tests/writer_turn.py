"""Holding the writers' turn of a real store from a test, and counting the writes it holds up."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import psycopg

from deconflict.store.interface import Store, Transaction
from deconflict.store.postgres import PostgresStore
from deconflict.store.sqlite import SqliteStore

#: Under the stores' 10 s busy timeout, so that nothing queued is refused as busy.
WAIT_S = 8.0


class HeldTurn:
    """A write of the test's own, through the store, that holds the writers' turn until let go."""

    def __init__(self, store: Store) -> None:
        self.inside, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=store.write, args=(self._hold,))

    def _hold(self, tx: Transaction) -> None:
        del tx
        self.inside.set()
        self.release.wait(WAIT_S)

    def __enter__(self) -> HeldTurn:
        self.thread.start()
        assert self.inside.wait(WAIT_S)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.thread.join(WAIT_S)


def waiting_writers(store: Store) -> int:
    """How many writes wait for the writers' turn: SQLite's queue, PostgreSQL's lock."""
    if isinstance(store, SqliteStore):
        return len(store._queue)
    assert isinstance(store, PostgresStore)
    key = store._writer_lock_key & 0xFFFF_FFFF_FFFF_FFFF  # as PostgreSQL splits it: two oids
    with psycopg.connect(store._url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND classid = %s AND objid = %s AND objsubid = 1",
            (key >> 32, key & 0xFFFF_FFFF),
        ).fetchone()
    assert row is not None
    return int(row[0])


def until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.01)
