"""The PostgreSQL store: one writer at a time across every process, readers never wait.

Each thread gets its own connection (a psycopg connection is not to be shared by threads
running transactions at once), closed when the thread ends or the store closes.

A write transaction first takes a transaction-scoped advisory lock on the schema, then
works at READ COMMITTED: every statement after the lock sees all that earlier writers
committed, so a search followed by an insert in one `work` cannot miss a volume another
writer (in this process or another) commits at the same moment, and the audit chain
grows one entry at a time. SERIALIZABLE alone was tried first: correct, but every use case
appends to the one audit chain, so under load writers aborted each other until retries ran
out. Transactions stay short (milliseconds), which is what keeps one writer fast enough.
Deadlocks and serialisation failures, should the server still report one, are retried.
A writer waits for the lock as long as a SQLite writer waits for its own (10 s), then gives
up with `StoreBusy` and stores nothing: a request whose client has long stopped waiting
must not commit behind a stalled writer minutes later. And a writer that stalls holding the
lock (its process frozen, its host gone without closing the connection) is ended by the
server once its transaction has sat idle `STALLED_AFTER_S`: nothing it did commits, and the
other processes' writers get the lock back instead of being refused as busy for good.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
import weakref
from collections.abc import Callable
from typing import TypeVar

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql
from psycopg.pq import TransactionStatus
from psycopg.rows import TupleRow

from deconflict import errors
from deconflict.geometry.altitude import DEFAULT_VERTICAL_MODEL, VerticalModel
from deconflict.store.codec import from_us
from deconflict.store.interface import BUSY_DETAIL, BUSY_TIMEOUT_MS
from deconflict.store.pg_schema import apply_migrations, ensure_cube_extension
from deconflict.store.pg_volumes import PgVolumeIndex
from deconflict.store.records.bundle import RecordRepositories
from deconflict.store.sql_session import PostgresSession
from deconflict.store.terrain_record import must_record, terrain_text

T = TypeVar("T")

#: How long a transaction of the store may sit idle, waiting for its process, before the
#: server ends its session (and so its transaction and locks). A store's transactions send
#: their next statement within milliseconds; one idle this long has a frozen process.
STALLED_AFTER_S = 30.0
#: How many times a write is attempted before a serialisation failure is given up on.
MAX_WRITE_ATTEMPTS = 10
#: Backoff before the n-th retry is uniform in [0, min(cap, base * 2**n)) seconds: the
#: jitter keeps writers that collided once from colliding again in lockstep.
BACKOFF_BASE_S = 0.005
BACKOFF_CAP_S = 0.5

_RETRYABLE = (pg_errors.SerializationFailure, pg_errors.DeadlockDetected)
_BEGIN_WRITE = "BEGIN ISOLATION LEVEL READ COMMITTED"
# One snapshot for the whole read, and the server refuses any write in it.
_BEGIN_READ = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"

# Statements psycopg has prepared keep one plan instead of being planned again for their
# values: the planner cannot tell a cube overlap's selectivity from its values anyway, and
# planning the conflict search each time cost ~6% of it at 1M (docs/performance.md).
_GENERIC_PLANS = "SET plan_cache_mode = force_generic_plan"

Connection = psycopg.Connection[TupleRow]


def _record_terrain(conn: Connection, model: VerticalModel) -> None:
    """Record the terrain range, or refuse one other than the AGL volumes were indexed
    with (`terrain_record`)."""
    with conn.transaction():
        row = conn.execute("SELECT terrain_range FROM index_meta FOR UPDATE").fetchone()
        assert row is not None

        def count_agl() -> int:
            counted = conn.execute("SELECT count(*) FROM volumes WHERE alt_ref = 'AGL'").fetchone()
            assert counted is not None
            return int(counted[0])

        if must_record(None if row[0] is None else str(row[0]), model, count_agl):
            conn.execute("UPDATE index_meta SET terrain_range = %s", (terrain_text(model),))


class PgTransaction(RecordRepositories):
    """The repositories of one open PostgreSQL transaction."""

    def __init__(self, conn: Connection, volumes: PgVolumeIndex) -> None:
        super().__init__(PostgresSession(conn))
        self._volumes = volumes

    @property
    def volumes(self) -> PgVolumeIndex:
        return self._volumes


class _ThreadConnection:
    """Holds a thread's connection; when the thread ends and drops it, the connection closes."""

    __slots__ = ("__weakref__", "conn")

    def __init__(self, conn: Connection) -> None:
        self.conn = conn


class PostgresStore:
    """A `Store` on a PostgreSQL database, confined to one schema (created if missing)."""

    def __init__(
        self,
        url: str,
        *,
        schema: str | None = None,
        model: VerticalModel = DEFAULT_VERTICAL_MODEL,
        busy_timeout_s: float = BUSY_TIMEOUT_MS / 1000,
        stalled_after_s: float = STALLED_AFTER_S,
    ) -> None:
        self._url = url
        self._stalled_after = (
            f"SET idle_in_transaction_session_timeout = {round(stalled_after_s * 1000)}"
        )
        self._model = model
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: set[Connection] = set()
        self._closed = False
        with psycopg.connect(url, autocommit=True) as conn:
            extension_schema = ensure_cube_extension(conn)
            if schema is None:
                row = conn.execute("SELECT current_schema()").fetchone()
                if row is None or row[0] is None:
                    raise ValueError("the connection's search_path names no existing schema")
                schema = str(row[0])
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
            self.schema = schema
            # One lock per schema: stores on other schemas (tests, say) never wait on this.
            self._writer_lock_key = int.from_bytes(
                hashlib.sha256(f"deconflict-writers:{schema}".encode()).digest()[:8],
                "big",
                signed=True,
            )
            # Sent with BEGIN in one simple query: a write's first round trip takes the lock,
            # waiting for it at most `busy_timeout_s` (the bound applies to that wait only).
            wait_ms = max(1, round(busy_timeout_s * 1000))
            self._begin_locked = (
                f"{_BEGIN_WRITE}; SET LOCAL lock_timeout = {wait_ms};"
                f" SELECT pg_advisory_xact_lock({self._writer_lock_key});"
                " SET LOCAL lock_timeout TO DEFAULT"
            )
            self._search_path = sql.SQL("SET search_path TO {}").format(
                sql.SQL(", ").join(map(sql.Identifier, dict.fromkeys([schema, extension_schema])))
            )
            conn.execute(self._search_path)
            apply_migrations(conn, schema)
            row = conn.execute("SELECT epoch_us FROM index_meta").fetchone()
            assert row is not None
            self._epoch = from_us(int(row[0]))
            _record_terrain(conn, model)

    def write(self, work: Callable[[PgTransaction], T]) -> T:
        conn = self._connection()
        for attempt in range(MAX_WRITE_ATTEMPTS):
            try:
                return self._run(conn, self._begin_locked, work)
            except pg_errors.LockNotAvailable:
                raise errors.StoreBusy(BUSY_DETAIL) from None
            except _RETRYABLE:
                if attempt + 1 == MAX_WRITE_ATTEMPTS:
                    raise
            ceiling_s = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2**attempt)
            time.sleep(random.uniform(0.0, ceiling_s))  # noqa: S311 - jitter, not secrecy
        raise AssertionError("unreachable: the last attempt returns or raises")

    def read(self, work: Callable[[PgTransaction], T]) -> T:
        return self._run(self._connection(), _BEGIN_READ, work)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            connections, self._open = self._open, set()
        for conn in connections:
            conn.close()

    def _run(self, conn: Connection, begin: str, work: Callable[[PgTransaction], T]) -> T:
        if conn.info.transaction_status is not TransactionStatus.IDLE:
            # BEGIN inside a transaction is only a warning, and the inner COMMIT would
            # commit the outer work half done.
            raise RuntimeError("a store transaction cannot be opened inside another one")
        try:
            conn.execute(begin)
            tx = PgTransaction(conn, PgVolumeIndex(conn, self._epoch, self._model))
            result = work(tx)
            tx.finish()
            conn.execute("COMMIT")
        except BaseException:
            if not conn.closed:
                conn.execute("ROLLBACK")
            raise
        return result

    def _connection(self) -> Connection:
        held: _ThreadConnection | None = getattr(self._local, "held", None)
        if held is not None and not held.conn.closed:
            return held.conn
        with self._lock:
            if self._closed:
                raise RuntimeError("the store is closed")
        conn = psycopg.connect(self._url, autocommit=True)
        conn.execute(self._search_path)
        conn.execute(_GENERIC_PLANS)
        conn.execute(self._stalled_after)
        with self._lock:
            self._open.add(conn)
        held = _ThreadConnection(conn)
        weakref.finalize(held, self._forget, conn)
        self._local.held = held
        return conn

    def _forget(self, conn: Connection) -> None:
        with self._lock:
            self._open.discard(conn)
        conn.close()
