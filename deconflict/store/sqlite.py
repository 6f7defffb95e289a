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
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Generic, TypeVar

from deconflict import errors
from deconflict.geometry.altitude import DEFAULT_VERTICAL_MODEL, VerticalModel
from deconflict.store.checkpoints import WRITER_CHECKPOINT_PAGES, Checkpointer
from deconflict.store.codec import to_us
from deconflict.store.durability import leave_to_caller
from deconflict.store.interface import BUSY_DETAIL, BUSY_TIMEOUT_MS
from deconflict.store.log_sync import LogSync
from deconflict.store.records.bundle import RecordRepositories
from deconflict.store.sql_session import SqliteSession
from deconflict.store.sqlite_map import MapChoice
from deconflict.store.sqlite_volumes import EPOCH_KEY, EpochSlot, SqliteVolumeIndex
from deconflict.store.terrain_record import TERRAIN_KEY, must_record, terrain_text
from deconflict.store.writer_lock import WriterLock

T = TypeVar("T")

#: Most writes committed together: each waits for the ones run before it in its group.
MAX_GROUP = 16
#: Each connection's page cache, at most (MiB; SQLite's default is 2). It fills only with
#: pages read outside the memory map or written: a writer's index and R*Tree pages. A
#: million-volume bulk load took 8-12% less time than with the default (docs/performance.md).
PAGE_CACHE_MIB = 256


class _Pending(Generic[T]):
    """One write waiting to be run by whichever writer takes the lock next."""

    __slots__ = ("committed", "done", "error", "result", "synced", "work")

    def __init__(self, work: Callable[[SqliteTransaction], T]) -> None:
        self.work = work
        self.result: T | None = None
        self.error: BaseException | None = None
        self.committed = False
        self.synced: Future[None] | None = None  # its log's sync, once committed
        self.done = threading.Event()

    def fail(self, error: BaseException) -> None:
        self.error = error

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        if not self.committed:  # its group was abandoned half way, by an interrupt say
            raise errors.StoreBusy(BUSY_DETAIL)
        return self.result  # type: ignore[return-value]  # committed, so it ran


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
        busy_timeout_s: float = BUSY_TIMEOUT_MS / 1000,
    ) -> None:
        self.path = Path(path)
        self.model = model
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._closed = False
        self._epoch = EpochSlot()
        self._writers = threading.Lock()
        self._queue: deque[_Pending[Any]] = deque()
        self._queue_lock = threading.Lock()
        self._other_processes = WriterLock(self.path.with_name(self.path.name + "-writer.lock"))
        self._checkpointer = Checkpointer(self.path, BUSY_TIMEOUT_MS)
        self._log = LogSync(self.path)
        self._busy_timeout_s = busy_timeout_s
        conn = self._connection()
        try:
            self._open_writes(conn, model)
        except BaseException:
            self.close()  # a store refused at its opening keeps no file or lock open
            raise
        self._log.sync()

    def _open_writes(self, conn: sqlite3.Connection, model: VerticalModel) -> None:
        """Bring the schema up to date and record the terrain range, queued on the lock file
        like every other writer: left to SQLite's busy handler, which sleeps between tries,
        an opening (a CLI command, a server starting) lost every hand-over to the writers of
        busy server processes and failed with "database is locked"."""
        deadline = time.monotonic() + self._busy_timeout_s
        if not self._other_processes.acquire(deadline):
            raise errors.StoreBusy(BUSY_DETAIL)
        try:
            _migrate(conn)
            _record_terrain(conn, model)
        finally:
            self._other_processes.release()

    def write(self, work: Callable[[SqliteTransaction], T]) -> T:
        """Run `work` in a write transaction and commit it before answering.

        Writes that arrive while another is running are committed together (group
        commit): the next thread to take the writer lock runs every write waiting by then,
        each under a savepoint of its own, commits them, and once it has let go of the lock
        asks for the log to be synced for all of them (`log_sync`). A write that fails
        rolls back to its savepoint and fails alone; a failed commit fails them all. Either
        way each caller hears only after the commit and its sync: this returns once both
        are done, or, within `durability.syncs_left_to_caller`, once committed, leaving the
        sync for the caller to wait for.
        """
        pending: _Pending[T] = _Pending(work)
        with self._queue_lock:
            self._queue.append(pending)
        # Writers queue on locks of ours, threads of this process on one, processes on a
        # file lock: SQLite's busy handler sleeps and polls for milliseconds, leaving the
        # database idle between writers and timing some out under load. Its own lock
        # (BEGIN IMMEDIATE) still orders any other program writing to the file.
        deadline = time.monotonic() + self._busy_timeout_s
        if self._writers.acquire(timeout=self._busy_timeout_s):
            try:
                # A group takes at most MAX_GROUP writes from the front of the queue, so
                # with more waiting, this one may be a later group's.
                while not pending.done.is_set():
                    self._run_waiting(self._connection(), deadline)
            finally:
                self._writers.release()
        elif not self._withdrawn(pending):
            pending.done.wait()  # a leader has taken it: its answer comes with that commit
        else:
            raise errors.StoreBusy(BUSY_DETAIL)
        result = pending.outcome()
        # Committed; answered only once on disk, here or by the caller (`durability`).
        if pending.synced is not None and not leave_to_caller(pending.synced):
            pending.synced.result()
        return result

    def _withdrawn(self, pending: _Pending[Any]) -> bool:
        """Take back a write no leader has started on; False when one has."""
        with self._queue_lock:
            if pending in self._queue:
                self._queue.remove(pending)
                return True
            return False

    def _run_waiting(self, conn: sqlite3.Connection, deadline: float) -> None:
        with self._queue_lock:
            batch = list(self._queue)[:MAX_GROUP]
            for _ in batch:
                self._queue.popleft()
        try:
            if not self._other_processes.acquire(deadline):
                raise errors.StoreBusy(BUSY_DETAIL)
            try:
                self._commit_group(conn, batch, deadline)
            finally:
                self._other_processes.release()
            if any(item.committed for item in batch):
                self._ask_sync(batch)
        except Exception as failed:
            for item in batch:
                if not item.committed:  # an answer must never deny a committed write
                    item.fail(failed)
        finally:
            for item in batch:
                item.done.set()

    def _ask_sync(self, batch: list[_Pending[Any]]) -> None:
        """Have the log synced for the group's commits, outside the lock (`log_sync`)."""
        try:
            synced = self._log.sync_soon()
        except RuntimeError as closed:
            # Committed, but nobody will sync it: no caller may hear that it succeeded
            # (nor that it failed; the answer is an internal error).
            for item in batch:
                if item.committed:
                    item.fail(closed)
            return
        for item in batch:
            if item.committed:
                item.synced = synced

    def _commit_group(
        self, conn: sqlite3.Connection, batch: list[_Pending[Any]], deadline: float
    ) -> None:
        try:
            self._begin_immediate(conn, deadline)
        except sqlite3.OperationalError as busy:
            if "locked" not in str(busy) and "busy" not in str(busy):
                raise
            raise errors.StoreBusy(BUSY_DETAIL) from None
        try:
            if len(batch) == 1:
                # Alone, a write needs no savepoint (a failure rolls the whole transaction
                # back), and without one SQLite journals none of the pages it changes.
                if not self._run_alone(conn, batch[0]):
                    return
            else:
                for item in batch:
                    self._run_in_savepoint(conn, item)
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
        for item in batch:
            item.committed = item.error is None
        self._checkpointer.committed()

    def _begin_immediate(self, conn: sqlite3.Connection, deadline: float) -> None:
        """BEGIN IMMEDIATE, waiting for another program's write lock on the file (our own
        processes queue on the lock file) only until the writer's `deadline`: past it the
        write is refused as busy, rather than wait a whole busy timeout more and commit
        long after its client gave up."""
        left_ms = max(0, int((deadline - time.monotonic()) * 1000))
        conn.execute(f"PRAGMA busy_timeout = {left_ms}")
        try:
            self._begin(conn, "BEGIN IMMEDIATE")
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def _run_alone(self, conn: sqlite3.Connection, item: _Pending[Any]) -> bool:
        """Run one write in the open transaction; False when it failed and was rolled back."""
        try:
            self._apply(conn, item)
        except Exception as failed:
            conn.rollback()
            item.fail(failed)
            return False
        return True

    def _run_in_savepoint(self, conn: sqlite3.Connection, item: _Pending[Any]) -> None:
        """Run one write of a group; a failure takes back its own changes only."""
        conn.execute("SAVEPOINT one_write")
        try:
            self._apply(conn, item)
        except Exception as failed:
            conn.execute("ROLLBACK TO one_write")
            item.fail(failed)
        conn.execute("RELEASE one_write")

    def _apply(self, conn: sqlite3.Connection, item: _Pending[Any]) -> None:
        tx = SqliteTransaction(conn, SqliteVolumeIndex(conn, self.model, self._epoch))
        item.result = item.work(tx)
        tx.finish()

    def read(self, work: Callable[[SqliteTransaction], T]) -> T:
        conn = self._connection()
        self._begin(conn, "BEGIN")
        return self._run(conn, work)

    def _begin(self, conn: sqlite3.Connection, statement: str) -> None:
        """Begin on this thread's connection, through the memory map or not (`sqlite_map`)."""
        self._local.map_choice.before_transaction()
        conn.execute(statement)

    def close(self) -> None:
        self._checkpointer.stop()
        with self._lock:
            self._closed = True
            for conn in self._connections:
                conn.close()
            self._connections.clear()
            self._other_processes.close()
            self._log.close()

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
            # Commits sync nothing; the writer syncs the log after it lets go of the lock.
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA wal_autocheckpoint = {WRITER_CHECKPOINT_PAGES}")
            # Each write of a group runs under a savepoint, and SQLite keeps the pages a
            # savepoint changes in a statement journal: a temporary file (two system calls
            # a page, ~200 a submission at 1M) unless temporary storage is in memory.
            # (A write alone takes no savepoint; see `_commit_group`.)
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_MIB * 1024}")
            conn.execute("PRAGMA foreign_keys = ON")
            self._connections.append(conn)
        # Through a memory map or not, chosen before each transaction (`sqlite_map`).
        self._local.map_choice = MapChoice(conn)
        self._local.conn = conn
        return conn


def _migrate(conn: sqlite3.Connection) -> None:
    """Apply the packaged schema files not yet recorded, in one transaction.

    Foreign keys are off while they run: SQLite's documented way to change what ALTER TABLE
    cannot (make the table anew, copy, drop, rename) needs them off for a table that others
    refer to. They are checked before the commit whenever a file was applied.
    """
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        _apply_scripts(conn)
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


def _apply_scripts(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
        )
        done = {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}
        scripts = resources.files("deconflict.store").joinpath("sql", "sqlite")
        applied = False
        for script in sorted(scripts.iterdir(), key=lambda p: p.name):
            if not script.name.endswith(".sql") or script.name in done:
                continue
            for statement in _statements(script.read_text(encoding="utf-8")):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                (script.name, datetime.now(UTC).isoformat()),
            )
            applied = True
        if applied and conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise RuntimeError("the schema files left rows whose foreign keys point nowhere")
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


#: Set in `meta` by `deconflict demo` in the files it makes, the only files it replaces.
DEMO_KEY = "made_by_demo"


def is_demo_file(path: Path) -> bool:
    """Whether the file at `path` is a store `deconflict demo` made (`mark_demo_file`).

    Read without opening it as a store: that would add our schema to any SQLite file, and
    a file that is not ours, or not SQLite at all, is simply not a demo's.
    """
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (DEMO_KEY,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return row is not None


def mark_demo_file(store: SqliteStore) -> None:
    """Mark `store`'s file as made by the demo, so that the next demo may replace it."""
    store.write(
        lambda tx: tx.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", (DEMO_KEY,)
        )
    )


_COUNT_AGL = "SELECT count(*) FROM volumes WHERE alt_ref = 'AGL'"


def _record_terrain(conn: sqlite3.Connection, model: VerticalModel) -> None:
    """Record the terrain range, or refuse one other than the AGL volumes were indexed
    with (`terrain_record`)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (TERRAIN_KEY,)).fetchone()

        def count_agl() -> int:
            return int(conn.execute(_COUNT_AGL).fetchone()[0])

        if must_record(None if row is None else str(row[0]), model, count_agl):
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                (TERRAIN_KEY, terrain_text(model)),
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
