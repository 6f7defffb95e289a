"""The SQLite store's connections: the settings every one of them is opened with, and
the opening's own writes."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from deconflict import errors
from deconflict.store.sqlite import PAGE_CACHE_MIB, SqliteStore, SqliteTransaction
from deconflict.store.writer_lock import WriterLock


def _cache_size(tx: SqliteTransaction) -> int:
    return int(tx.conn.execute("PRAGMA cache_size").fetchone()[0])


def test_every_connection_keeps_a_page_cache_of_its_size(sqlite_path: Path) -> None:
    store = SqliteStore(sqlite_path)
    try:
        # Negative: KiB rather than pages, so the size does not depend on the page size.
        assert store.read(_cache_size) == -PAGE_CACHE_MIB * 1024
        assert store.write(_cache_size) == -PAGE_CACHE_MIB * 1024
    finally:
        store.close()


def _another_process_writing(path: Path) -> WriterLock:
    """The lock file held as a writer of another server process holds it."""
    held = WriterLock(path.with_name(path.name + "-writer.lock"))
    assert held.acquire(time.monotonic() + 1)
    return held


def test_opening_queues_on_the_lock_file_like_every_writer(sqlite_path: Path) -> None:
    """The opening writes (the schema's check, the terrain range): it waits for the lock
    file as writers do, rather than poll SQLite's own lock and lose every hand-over
    between busy processes' writers (a CLI command under load: 'database is locked')."""
    SqliteStore(sqlite_path).close()
    other = _another_process_writing(sqlite_path)
    opened: list[SqliteStore] = []
    opening = threading.Thread(target=lambda: opened.append(SqliteStore(sqlite_path)))
    try:
        opening.start()
        opening.join(0.5)
        assert opening.is_alive(), "the opening wrote while another process held the lock"
        other.release()
        opening.join(10)
        assert len(opened) == 1
    finally:
        other.release()
        other.close()
        opening.join(10)
        for store in opened:
            store.close()


def test_an_opening_kept_waiting_past_its_timeout_is_refused_as_busy(sqlite_path: Path) -> None:
    SqliteStore(sqlite_path).close()
    other = _another_process_writing(sqlite_path)
    try:
        with pytest.raises(errors.StoreBusy):
            SqliteStore(sqlite_path, busy_timeout_s=0.2)
    finally:
        other.release()
        other.close()
    SqliteStore(sqlite_path).close()  # and once the lock is free, it opens
