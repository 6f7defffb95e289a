"""The log synced after each commit, outside the writers' lock, before the writer answers."""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from deconflict.store.log_sync import LogSync
from deconflict.store.sqlite import SqliteStore, SqliteTransaction
from tests.store.test_contract import BASE, owner, reach


class WatchedSync(LogSync):
    """Notes, at each sync, whether another process could take the writers' lock file."""

    def __init__(self, database: Path, *, fail: bool = False) -> None:
        super().__init__(database)
        self.database = database
        self.lock_free_at_sync: list[bool] = []
        self._fail = fail

    def sync(self) -> None:
        self.lock_free_at_sync.append(_lock_is_free(self.database))
        if self._fail:
            raise OSError(errno.EIO, "the disk refused")
        super().sync()


def _lock_is_free(database: Path) -> bool:
    fd = os.open(database.with_name(database.name + "-writer.lock"), os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing lets go of a lock taken just now
    return True


def _store_one(tx: SqliteTransaction) -> int:
    tx.volumes.replace(owner("op-1"), [reach(BASE)])
    return tx.volumes.count()


def test_each_write_is_synced_after_the_lock_is_let_go_and_before_it_answers(
    sqlite_path: Path,
) -> None:
    store = SqliteStore(sqlite_path)
    watched = WatchedSync(sqlite_path)
    store._log.close()
    store._log = watched
    try:
        assert store.write(_store_one) == 1
        assert store.write(_store_one) == 1
        assert watched.lock_free_at_sync == [True, True]
    finally:
        store.close()


def test_connections_leave_the_sync_to_the_writer(sqlite_path: Path) -> None:
    store = SqliteStore(sqlite_path)
    try:
        # NORMAL (1): a commit syncs nothing itself; FULL (2) would sync inside the lock.
        assert store.read(lambda tx: tx.conn.execute("PRAGMA synchronous").fetchone()[0]) == 1
    finally:
        store.close()


def test_a_write_whose_log_cannot_be_synced_is_not_answered_as_a_success(
    sqlite_path: Path,
) -> None:
    store = SqliteStore(sqlite_path)
    store._log.close()
    store._log = WatchedSync(sqlite_path, fail=True)
    try:
        with pytest.raises(OSError, match="the disk refused"):
            store.write(_store_one)
        # Committed all the same: the answer must not claim it failed either.
        assert store.read(lambda tx: tx.volumes.count()) == 1
    finally:
        store.close()


def test_a_log_made_anew_is_the_one_synced(tmp_path: Path) -> None:
    database = tmp_path / "log.sqlite"
    log = LogSync(database)
    synced: list[int] = []
    try:
        for round_ in range(2):
            conn = sqlite3.connect(database, isolation_level=None)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("CREATE TABLE IF NOT EXISTS t (n INTEGER)")
            conn.execute("INSERT INTO t VALUES (?)", (round_,))
            log.sync()
            assert log._fd is not None
            synced.append(os.fstat(log._fd).st_ino)
            assert synced[-1] == os.stat(log.path).st_ino
            conn.close()  # the last connection removes the log: the next round makes another
            assert not log.path.exists()
    finally:
        log.close()
    # The first log stayed open here, so the second cannot have taken its inode's number.
    assert synced[0] != synced[1]


def test_syncing_a_database_with_no_log_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        LogSync(tmp_path / "none.sqlite").sync()


class HeldSync(LogSync):
    """Counts its syncs; the first waits until `release` is set."""

    def __init__(self, database: Path, *, fail: bool = False) -> None:
        super().__init__(database)
        self.release = threading.Event()
        self.started = threading.Event()
        self.syncs = 0
        self._fail = fail

    def sync(self) -> None:
        self.syncs += 1
        if self.syncs == 1:
            self.started.set()
            assert self.release.wait(10)
        if self._fail:
            raise OSError(errno.EIO, "the disk refused")
        super().sync()


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Path]:
    """A database with a log to sync, open for the test's length."""
    path = tmp_path / "log.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (n INTEGER)")
    try:
        yield path
    finally:
        conn.close()


def test_one_sync_serves_every_commit_that_asked_while_the_last_ran(database: Path) -> None:
    log = HeldSync(database)
    try:
        first = log.sync_soon()
        assert log.started.wait(10)
        later = [log.sync_soon() for _ in range(3)]  # asked while the first sync runs
        assert not first.done()
        log.release.set()
        assert first.result(10) is None
        assert [f.result(10) for f in later] == [None] * 3
        assert log.syncs == 2
    finally:
        log.close()


def test_a_failed_sync_fails_every_commit_waiting_for_it(database: Path) -> None:
    log = HeldSync(database, fail=True)
    try:
        asked = log.sync_soon()
        log.release.set()
        with pytest.raises(OSError, match="the disk refused"):
            asked.result(10)
    finally:
        log.close()


def test_closing_the_log_syncs_what_was_asked_and_takes_no_more(database: Path) -> None:
    log = HeldSync(database)
    asked = log.sync_soon()
    assert log.started.wait(10)
    closing = threading.Thread(target=log.close)
    closing.start()
    log.release.set()
    closing.join(10)
    assert asked.done()
    assert asked.exception() is None
    with pytest.raises(RuntimeError, match="closed"):
        log.sync_soon()


class BrokenOnce(LogSync):
    """Its first sync fails with something no disk raises; the rest sync."""

    def __init__(self, database: Path) -> None:
        super().__init__(database)
        self.broken = False

    def sync(self) -> None:
        if not self.broken:
            self.broken = True
            raise RuntimeError("not a disk error")
        super().sync()


def test_any_failure_of_a_sync_reaches_its_writers_and_the_next_sync_still_runs(
    database: Path,
) -> None:
    log = BrokenOnce(database)
    try:
        with pytest.raises(RuntimeError, match="not a disk error"):
            log.sync_soon().result(10)
        assert log.sync_soon().result(10) is None  # the sync thread lived on
    finally:
        log.close()
