"""SQLite's group commit: writes waiting for the lock are run together and committed once."""

from __future__ import annotations

import sqlite3
import threading
import time
from functools import partial
from pathlib import Path

import pytest

from deconflict import errors
from deconflict.domain.audit import AuditKind
from deconflict.store.sqlite import MAX_GROUP, SqliteStore, SqliteTransaction, _Pending
from tests.store.test_contract import BASE, NOW, count, owner, reach
from tests.writer_turn import HeldTurn

WAITING = 5


def _writes_behind(
    store: SqliteStore, held: HeldTurn, n: int, *, failing: int = -1
) -> list[object]:
    """`n` writes started while `held` holds the lock; each stores a volume and answers its
    number and the thread it ran on (write `failing` stores and then fails)."""
    answers: list[object] = [None] * n

    def writer(i: int) -> None:
        def work(tx: SqliteTransaction) -> tuple[int, int]:
            tx.volumes.replace(owner(f"op-{i}"), [reach(BASE)])
            if i == failing:
                raise errors.InvalidInput("refused on purpose", "/volumes/0")
            return i, threading.get_ident()

        try:
            answers[i] = store.write(work)
        except errors.DeconflictError as error:
            answers[i] = error

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(store._queue) < n and time.monotonic() < deadline:
        time.sleep(0.01)  # until every writer is queued behind the held lock
    held.release.set()
    for thread in threads:
        thread.join(10)
    return answers


def test_writes_waiting_together_are_run_by_one_writer_and_all_committed(
    sqlite_path: Path,
) -> None:
    store = SqliteStore(sqlite_path)
    try:
        with HeldTurn(store) as held:
            answers = _writes_behind(store, held, WAITING)
        assert [a[0] for a in answers if isinstance(a, tuple)] == list(range(WAITING))
        # Grouped: fewer threads ran them than there were writes.
        assert len({a[1] for a in answers if isinstance(a, tuple)}) < WAITING
        assert count(store) == WAITING
        # Each is stored as its own write made it, visible to a search.
        found = store.read(lambda tx: tx.volumes.search(reach(BASE), now=NOW))
        assert {h.owner.entity.entity_id for h in found} == {f"op-{i}" for i in range(WAITING)}
    finally:
        store.close()


def test_a_write_queued_behind_more_than_one_group_is_still_run(sqlite_path: Path) -> None:
    """The thread that takes the lock runs groups until its own write is done, even when
    more writes queued before it than one group takes. The queue is filled directly: which
    of many waiting threads gets the lock first is the scheduler's choice, not the test's."""
    store = SqliteStore(sqlite_path)
    ahead = 2 * MAX_GROUP + 1
    earlier = [_Pending(partial(_store_one, f"op-{i}")) for i in range(ahead)]
    try:
        store._queue.extend(earlier)
        assert store.write(partial(_store_one, "op-last")) == "op-last"
        assert [p.outcome() for p in earlier] == [f"op-{i}" for i in range(ahead)]
        assert count(store) == ahead + 1
    finally:
        store.close()


def _store_one(name: str, tx: SqliteTransaction) -> str:
    tx.volumes.replace(owner(name), [reach(BASE)])
    return name


def test_a_write_that_fails_in_a_group_fails_alone_and_leaves_nothing(sqlite_path: Path) -> None:
    store = SqliteStore(sqlite_path)
    try:
        with HeldTurn(store) as held:
            answers = _writes_behind(store, held, WAITING, failing=2)
        assert isinstance(answers[2], errors.InvalidInput)
        assert [a[0] for a in answers if isinstance(a, tuple)] == [0, 1, 3, 4]
        found = store.read(lambda tx: tx.volumes.search(reach(BASE), now=NOW))
        assert {h.owner.entity.entity_id for h in found} == {"op-0", "op-1", "op-3", "op-4"}
    finally:
        store.close()


def test_a_write_alone_that_fails_leaves_nothing_and_the_next_one_commits(
    sqlite_path: Path,
) -> None:
    """A write with nobody queued behind it runs without a savepoint; its failure must
    still take back what it stored, and leave the connection ready for the next."""
    store = SqliteStore(sqlite_path)

    def failing(tx: SqliteTransaction) -> None:
        _store_one("op-refused", tx)
        tx.audit.append(
            at=NOW,
            kind=AuditKind.STATE_CHANGE,
            party_id="northmere",
            actor="",
            subject="operation:op-refused",
            data={},
            audience=[],
        )
        raise errors.InvalidInput("refused on purpose", "/volumes/0")

    try:
        with pytest.raises(errors.InvalidInput):
            store.write(failing)
        assert count(store) == 0
        assert store.read(lambda tx: tx.audit.all(after_seq=-1, limit=10)) == []
        assert store.write(partial(_store_one, "op-next")) == "op-next"
        assert count(store) == 1
    finally:
        store.close()


def test_a_write_that_gave_up_waiting_is_never_run(sqlite_path: Path) -> None:
    store = SqliteStore(sqlite_path, busy_timeout_s=0.2)
    ran = threading.Event()

    def late(tx: SqliteTransaction) -> None:
        ran.set()
        tx.volumes.replace(owner("op-late"), [reach(BASE)])

    try:
        with HeldTurn(store), pytest.raises(errors.StoreBusy):
            store.write(late)
        assert store.write(lambda tx: tx.volumes.count()) == 0
        assert not ran.is_set()
    finally:
        store.close()


def test_a_write_held_up_by_another_program_gives_up_at_its_deadline(sqlite_path: Path) -> None:
    """Another program writing to the file (the sqlite3 shell, say) takes no lock file, so
    the writer waits in BEGIN IMMEDIATE: only until its own deadline, then it is refused as
    busy and nothing it did is stored once the other program lets go."""
    store = SqliteStore(sqlite_path, busy_timeout_s=0.3)
    other = sqlite3.connect(sqlite_path, isolation_level=None)
    outcome: list[BaseException | None] = []

    def submit() -> None:
        try:
            store.write(lambda tx: tx.volumes.replace(owner("op-held-up"), [reach(BASE)]))
        except BaseException as refused:  # kept for the test to look at
            outcome.append(refused)
        else:
            outcome.append(None)

    try:
        other.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        writer = threading.Thread(target=submit)
        writer.start()
        writer.join(5)
        waited_s = time.monotonic() - started
        other.execute("ROLLBACK")
        writer.join(15)
        assert waited_s < 5, "the write waits a whole busy timeout past its deadline"
        assert len(outcome) == 1
        assert isinstance(outcome[0], errors.StoreBusy)
        assert store.write(lambda tx: tx.volumes.count()) == 0
        # The connection waits as long as ever for what it reads and writes next.
        conn = store._connection()
        assert conn.execute("PRAGMA busy_timeout").fetchall() == [(10_000,)]
    finally:
        other.close()
        store.close()
