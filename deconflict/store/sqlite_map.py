"""Whether a SQLite connection reads the file through a memory map, transaction by transaction.

A memory map saves a system call and a copy for every page read, and a search at a million
volumes reads hundreds. But SQLite unmaps the whole file when a transaction begins after
another connection has committed (in WAL mode it cannot tell which pages changed), and the
pages the transaction then touches fault back in one by one; under writes from several
server processes that is every transaction, and faulting pages in cost more than reading
them: the presearch of a submission at 1M, another connection committing before each,
1,112 µs at the median through the map against 715 µs without it; with nobody else
committing, 528 µs through the map against 576 µs without (docs/performance.md).

So each connection asks, before each transaction, whether anybody else committed since its
last one (`PRAGMA data_version`, which reads no page of the file; it is where SQLite now
drops the stale map): if so, this transaction reads without the map; if not, the map it
kept is still good and is used.
"""

from __future__ import annotations

import sqlite3

#: Address space a connection may map the file into (not memory it takes); SQLite caps it
#: at the limit it was built with (2 GB in Debian's and Python's builds), and reads what
#: lies beyond through its page cache.
MMAP_BYTES = 4 * 1024**3


class MapChoice:
    """One connection's choice, made before each of its transactions (`before_transaction`)."""

    __slots__ = ("_conn", "_mapped", "_version")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._version: int | None = None
        self._mapped = False
        self._map(True)

    @property
    def mapped(self) -> bool:
        return self._mapped

    def before_transaction(self) -> None:
        """Outside a transaction: map the file unless others committed since the last one."""
        (version,) = self._conn.execute("PRAGMA data_version").fetchone()
        others_committed = self._version is not None and version != self._version
        self._version = version
        self._map(not others_committed)

    def _map(self, mapped: bool) -> None:
        if mapped != self._mapped:
            self._conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES if mapped else 0}")
            self._mapped = mapped
