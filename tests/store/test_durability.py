"""Writes that leave their log's sync to the caller, and what waits for those syncs."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

import pytest

from deconflict.store.durability import leave_to_caller, once_durable, syncs_left_to_caller
from deconflict.store.sqlite import SqliteStore, SqliteTransaction
from tests.store.test_contract import BASE, owner, reach
from tests.store.test_log_sync import HeldSync


def _store(entity_id: str) -> Callable[[SqliteTransaction], int]:
    def work(tx: SqliteTransaction) -> int:
        tx.volumes.replace(owner(entity_id), [reach(BASE)])
        return tx.volumes.count()

    return work


@pytest.fixture
def held(sqlite_path: Path) -> tuple[SqliteStore, HeldSync]:
    store = SqliteStore(sqlite_path)
    store._log.close()
    store._log = HeldSync(sqlite_path)
    return store, store._log


def test_a_write_left_to_its_caller_returns_once_committed(
    held: tuple[SqliteStore, HeldSync],
) -> None:
    store, log = held
    try:
        with syncs_left_to_caller() as left:
            assert store.write(_store("op-1")) == 1  # the first sync is held: not done
            (sync,) = left.pending()
        assert log.started.wait(10)
        assert not sync.done()
        assert store.read(lambda tx: tx.volumes.count()) == 1  # committed, not yet synced
        log.release.set()
        assert sync.result(10) is None
    finally:
        log.release.set()
        store.close()


def test_writes_after_the_caller_took_the_syncs_wait_for_their_own(sqlite_path: Path) -> None:
    store = SqliteStore(sqlite_path)
    try:
        with syncs_left_to_caller() as left:
            store.write(_store("op-1"))
            (taken,) = left.take()
            store.write(_store("op-2"))  # returns synced, as outside the context
            assert left.pending() == []
        assert taken.result(10) is None
    finally:
        store.close()


def test_outside_the_context_a_write_returns_synced_and_leaves_nothing(
    sqlite_path: Path,
) -> None:
    store = SqliteStore(sqlite_path)
    try:
        store.write(_store("op-1"))
        assert not leave_to_caller(Future())
    finally:
        store.close()


def test_the_context_reaches_the_threads_it_is_copied_to() -> None:
    # The API's synchronous handlers run on worker threads in a copy of the request's
    # context: their writes must leave their syncs where the answer waits for them.
    sync: Future[None] = Future()
    with syncs_left_to_caller() as left:
        context = contextvars.copy_context()
        worker = threading.Thread(target=context.run, args=(leave_to_caller, sync))
        worker.start()
        worker.join()
        assert left.pending() == [sync]


def test_what_waits_for_durability_runs_once_every_sync_is_done() -> None:
    rang: list[str] = []
    once_durable(lambda: rang.append("outside"))
    assert rang == ["outside"]
    first: Future[None] = Future()
    second: Future[None] = Future()
    with syncs_left_to_caller():
        leave_to_caller(first)
        leave_to_caller(second)
        once_durable(lambda: rang.append("inside"))
    first.set_result(None)
    assert rang == ["outside"]
    second.set_result(None)
    assert rang == ["outside", "inside"]


def test_what_waits_for_durability_never_runs_after_a_failed_sync() -> None:
    rang: list[str] = []
    failed: Future[None] = Future()
    synced: Future[None] = Future()
    with syncs_left_to_caller():
        leave_to_caller(failed)
        leave_to_caller(synced)
        once_durable(lambda: rang.append("announced"))
    failed.set_exception(OSError("the disk refused"))
    synced.set_result(None)
    assert rang == []
