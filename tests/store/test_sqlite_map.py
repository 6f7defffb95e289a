"""A SQLite connection reads through its memory map unless another committed since its
last transaction (SQLite would drop the map anyway, and faulting it back costs more)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from deconflict.store.sqlite import SqliteStore
from deconflict.store.sqlite_map import MapChoice


def mapped(conn: sqlite3.Connection) -> bool:
    """Whether the connection may map the file (SQLite caps the size it was asked for)."""
    return int(conn.execute("PRAGMA mmap_size").fetchone()[0]) > 0


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    return conn


def test_a_connection_maps_the_file_while_nobody_else_commits(tmp_path: Path) -> None:
    conn = connect(tmp_path / "a.sqlite")
    conn.execute("CREATE TABLE t (n INTEGER)")
    choice = MapChoice(conn)
    for _ in range(3):
        choice.before_transaction()
        assert (choice.mapped, mapped(conn)) == (True, True)
        conn.execute("INSERT INTO t VALUES (1)")  # its own commits change nothing
    conn.close()


def test_it_reads_without_the_map_after_another_connection_committed(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    conn, other = connect(path), connect(path)
    conn.execute("CREATE TABLE t (n INTEGER)")
    choice = MapChoice(conn)
    choice.before_transaction()
    other.execute("INSERT INTO t VALUES (1)")
    choice.before_transaction()
    assert (choice.mapped, mapped(conn)) == (False, False)
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (1,)  # and reads it all
    choice.before_transaction()  # nobody committed in between: the map is good again
    assert (choice.mapped, mapped(conn)) == (True, True)
    conn.close()
    other.close()


def test_the_store_chooses_before_every_read_and_write(sqlite_path: Path) -> None:
    store = SqliteStore(sqlite_path)
    other = connect(sqlite_path)
    try:
        assert store.read(lambda tx: mapped(tx.conn))  # its first: nothing to compare with
        other.execute("CREATE TABLE elsewhere (n INTEGER)")
        assert not store.read(lambda tx: mapped(tx.conn))
        assert store.read(lambda tx: mapped(tx.conn))
        other.execute("INSERT INTO elsewhere VALUES (1)")
        assert not store.write(lambda tx: mapped(tx.conn))
        assert store.write(lambda tx: mapped(tx.conn))
    finally:
        other.close()
        store.close()
