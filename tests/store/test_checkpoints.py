"""The log is copied into the database file by the store's own thread, not by writers."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from deconflict.store.checkpoints import WRITER_CHECKPOINT_PAGES, Checkpointer
from deconflict.store.sqlite import SqliteStore, SqliteTransaction


def test_writers_leave_the_log_to_the_checkpoint_thread(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    store = SqliteStore(path)
    try:
        limit = store.write(lambda tx: tx.conn.execute("PRAGMA wal_autocheckpoint").fetchone())
        assert limit[0] == WRITER_CHECKPOINT_PAGES
        before = path.stat().st_size
        # About 4 MB of pages: far past SQLite's default 1,000-page trigger, far below ours.
        for i in range(40):

            def put(tx: SqliteTransaction, i: int = i) -> None:
                tx.conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?)", (f"k{i}", "x" * 100_000)
                )

            store.write(put)
        deadline = time.monotonic() + 10
        while path.stat().st_size < before + 4_000_000:
            assert time.monotonic() < deadline, "nothing moved the log into the file"
            time.sleep(0.05)
        assert (
            store.read(lambda tx: tx.conn.execute("SELECT count(*) FROM meta").fetchone())[0] > 40
        )
    finally:
        store.close()


def test_a_checkpointer_never_started_stops_at_once(tmp_path: Path) -> None:
    checkpointer = Checkpointer(tmp_path / "never.sqlite", busy_timeout_ms=100)
    checkpointer.stop()
    checkpointer.committed()  # after stop: starts nothing
    assert not (tmp_path / "never.sqlite").exists()


def test_the_log_is_copied_shortly_after_a_commit(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE t (v BLOB)")
    conn.execute("INSERT INTO t VALUES (?)", (b"x" * 2_000_000,))
    size = path.stat().st_size
    checkpointer = Checkpointer(path, busy_timeout_ms=1_000, delay_s=0.01)
    try:
        checkpointer.committed()
        deadline = time.monotonic() + 10
        while path.stat().st_size < size + 2_000_000:
            assert time.monotonic() < deadline, "the log was not copied"
            time.sleep(0.02)
    finally:
        checkpointer.stop()
        conn.close()


def test_a_stop_landing_between_the_delay_and_the_next_wait_still_stops(tmp_path: Path) -> None:
    """The race that hung a CI run: `stop` signalled just before the thread cleared its
    commit flag, and the thread then waited for a commit that would never come."""
    path = tmp_path / "r.sqlite"
    sqlite3.connect(path).close()
    checkpointer = Checkpointer(path, busy_timeout_ms=1_000, delay_s=0.0)
    stopper = threading.Thread(target=checkpointer.stop, daemon=True)

    class StopBeforeClear(threading.Event):
        def clear(self) -> None:
            if stopper.ident is None:  # the first clear: let stop() signal, then go on
                stopper.start()
                checkpointer_stopped.wait(timeout=5)
                time.sleep(0.05)  # stop() sets the commit flag right after the stop flag
            super().clear()

    checkpointer_stopped = checkpointer._stop
    checkpointer._committed = StopBeforeClear()
    checkpointer.committed()
    deadline = time.monotonic() + 5
    while stopper.ident is None:
        assert time.monotonic() < deadline, "the thread never got to clear its flag"
        time.sleep(0.01)
    stopper.join(timeout=5)
    assert not stopper.is_alive(), "stop() is still waiting for the checkpoint thread"
