"""The embedded store: one SQLite file in WAL mode, an R*Tree as the 4D prefilter.

Writers take the database lock up front (`BEGIN IMMEDIATE`), so a use case's search and
the write that follows are one serial step: two submissions can never both miss each other.
Each thread gets its own connection; readers never block the writer in WAL mode.
Writers of several server processes on one file queue on a lock file beside it.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TypeVar

from deconflict import errors
from deconflict.geometry.altitude import DEFAULT_VERTICAL_MODEL, VerticalModel
from deconflict.store.checkpoints import WRITER_CHECKPOINT_PAGES, Checkpointer
from deconflict.store.codec import to_us
from deconflict.store.records.bundle import RecordRepositories
from deconflict.store.sql_session import SqliteSession
from deconflict.store.sqlite_volumes import EPOCH_KEY, EpochSlot, SqliteVolumeIndex
from deconflict.store.writer_lock import WriterLock

T = TypeVar("T")

#: How long a writer waits for the lock before giving up (ms).
BUSY_TIMEOUT_MS = 10_000
_BUSY = "the store is busy with other writes; try again shortly"
#: Address space each connection may map the file into (not memory it takes).
MMAP_BYTES = 4 * 1024**3


class SqliteTransaction(RecordRepositories):
    """Repositories bound to one SQLite transaction."""

    def __init__(self, conn: sqlite3.Connection, volumes: SqliteVolumeIndex) -> None:
        super().__init__(SqliteSession(conn))
        self.conn = conn
        self._volumes = volumes

    @property
    def volumes(self) -> SqliteVolumeIndex:
        return self._volumes


class SqliteStore:
    """A SQLite file holding everything; created with its schema on first open."""

    def __init__(
        self,
        path: Path | str,
        *,
        model: VerticalModel = DEFAULT_VERTICAL_MODEL,
        synchronous: str = "FULL",
        busy_timeout_s: float = BUSY_TIMEOUT_MS / 1000,
    ) -> None:
        self.path = Path(path)
        self.model = model
        self._synchronous = synchronous
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._closed = False
        self._epoch = EpochSlot()
        self._writers = threading.Lock()
        self._other_processes = WriterLock(self.path.with_name(self.path.name + "-writer.lock"))
        self._checkpointer = Checkpointer(self.path, BUSY_TIMEOUT_MS)
        self._busy_timeout_s = busy_timeout_s
        conn = self._connection()
        _migrate(conn)

    def write(self, work: Callable[[SqliteTransaction], T]) -> T:
        conn = self._connection()
        # Writers queue on locks of ours, threads of this process on one, processes on a
        # file lock: SQLite's busy handler sleeps and polls for milliseconds, leaving the
        # database idle between writers and timing some out under load. Its own lock
        # (BEGIN IMMEDIATE) still orders any other program writing to the file.
        deadline = time.monotonic() + self._busy_timeout_s
        if not self._writers.acquire(timeout=self._busy_timeout_s):
            raise errors.StoreBusy(_BUSY)
        try:
            if not self._other_processes.acquire(deadline):
                raise errors.StoreBusy(_BUSY)
            try:
                return self._write_locked(conn, work)
            finally:
                self._other_processes.release()
        finally:
            self._writers.release()

    def _write_locked(self, conn: sqlite3.Connection, work: Callable[[SqliteTransaction], T]) -> T:
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as busy:
            if "locked" not in str(busy) and "busy" not in str(busy):
                raise
            raise errors.StoreBusy(_BUSY) from None
        result = self._run(conn, work)
        self._checkpointer.committed()
        return result

    def read(self, work: Callable[[SqliteTransaction], T]) -> T:
        conn = self._connection()
        conn.execute("BEGIN")
        return self._run(conn, work)

    def close(self) -> None:
        self._checkpointer.stop()
        with self._lock:
            self._closed = True
            for conn in self._connections:
                conn.close()
            self._connections.clear()
            self._other_processes.close()

    def _run(self, conn: sqlite3.Connection, work: Callable[[SqliteTransaction], T]) -> T:
        try:
            tx = SqliteTransaction(conn, SqliteVolumeIndex(conn, self.model, self._epoch))
            result = work(tx)
            tx.finish()
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
        return result

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        with self._lock:
            if self._closed:
                raise RuntimeError("the store is closed")
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, cached_statements=256
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(f"PRAGMA synchronous = {self._synchronous}")
            # Reads through a memory map skip a system call and a copy per page: at a
            # million volumes a search reads dozens of rows, and this cut its SQL by ~30%.
            conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
            conn.execute(f"PRAGMA wal_autocheckpoint = {WRITER_CHECKPOINT_PAGES}")
            conn.execute("PRAGMA foreign_keys = ON")
            self._connections.append(conn)
        self._local.conn = conn
        return conn


def _migrate(conn: sqlite3.Connection) -> None:
    """Apply the packaged schema files not yet recorded, each in its own transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
        )
        done = {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}
        scripts = resources.files("deconflict.store").joinpath("sql", "sqlite")
        for script in sorted(scripts.iterdir(), key=lambda p: p.name):
            if not script.name.endswith(".sql") or script.name in done:
                continue
            for statement in _statements(script.read_text(encoding="utf-8")):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                (script.name, datetime.now(UTC).isoformat()),
            )
        # The R*Tree keeps float32 seconds since this epoch: midnight of the day the file
        # was made is near the data it will hold, so rounding stays within seconds.
        midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
            (EPOCH_KEY, str(to_us(midnight))),
        )
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def _statements(script: str) -> list[str]:
    """Split a schema file on semicolons that end a complete statement."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]
