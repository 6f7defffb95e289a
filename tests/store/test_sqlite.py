"""The SQLite store's connections: the settings every one of them is opened with."""

from __future__ import annotations

from pathlib import Path

from deconflict.store.sqlite import PAGE_CACHE_MIB, SqliteStore, SqliteTransaction


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
