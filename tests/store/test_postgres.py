"""What only the PostgreSQL store has: migrations, retries, read-only reads, cube rows."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from psycopg.rows import TupleRow

from deconflict import errors
from deconflict.domain.entities import EntityKind, EntityRef, VolumeOwner
from deconflict.domain.ids import PartyId
from deconflict.geometry import Reach, parse_volume
from deconflict.store.pg_schema import shipped_migrations
from deconflict.store.postgres import PgTransaction, PostgresStore
from tests.store.test_contract import NOW, circle, random_reach, reach

VOLUME = {
    "footprint": {
        "type": "Polygon",
        "coordinates": [[[179.8, -16.9], [-179.7, -16.9], [-179.7, -16.7], [179.8, -16.9]]],
    },
    "altitude_lower_m": 0,
    "altitude_upper_m": 300,
    "start": "2026-12-01T10:00:00Z",
    "end": "2026-12-01T12:00:00Z",
}
OWNER = VolumeOwner(EntityRef(EntityKind.ZONE, "zone-dateline"), PartyId("party-c"), 1)


@pytest.fixture
def pg_store(pg_url: str, pg_schema: str) -> Iterator[PostgresStore]:
    store = PostgresStore(pg_url, schema=pg_schema)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def side_conn(pg_url: str, pg_schema: str) -> Iterator[psycopg.Connection[TupleRow]]:
    """Another client of the same schema, outside the store."""
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(sql.SQL("SET search_path TO {}, public").format(sql.Identifier(pg_schema)))
        yield conn


def test_migrations_apply_once_and_keep_the_epoch(
    pg_store: PostgresStore,
    pg_url: str,
    pg_schema: str,
    side_conn: psycopg.Connection[TupleRow],
) -> None:
    epoch = side_conn.execute("SELECT epoch_us FROM index_meta").fetchall()
    PostgresStore(pg_url, schema=pg_schema).close()
    names = [r[0] for r in side_conn.execute("SELECT name FROM schema_migrations ORDER BY name")]
    assert names == [m.name for m in shipped_migrations()]
    assert names[0] == "001_volumes"
    assert side_conn.execute("SELECT epoch_us FROM index_meta").fetchall() == epoch
    assert len(epoch) == 1


def test_a_volume_across_the_antimeridian_has_a_cube_each_side(
    pg_store: PostgresStore, side_conn: psycopg.Connection[TupleRow]
) -> None:
    reach = Reach(parse_volume(VOLUME))
    pg_store.write(lambda tx: tx.volumes.replace(OWNER, [reach]))
    rows = side_conn.execute(
        "SELECT cube_ll_coord(b, 1), cube_ur_coord(b, 1), cube_ll_coord(b, 2)"
        " FROM volumes, LATERAL (VALUES (box), (box_2)) AS boxes (b) ORDER BY 1"
    ).fetchall()
    (west_lo, west_hi, west_lat), (east_lo, east_hi, east_lat) = rows
    assert (west_lo, east_hi) == (-180.0, 180.0)
    assert -179.71 < west_hi < -179.69
    assert 179.79 < east_lo < 179.81
    assert -16.91 < west_lat == east_lat < -16.89
    now = reach.time.start
    assert pg_store.read(lambda tx: tx.volumes.prefilter_count(reach, now=now)) == 2


def test_writers_queue_and_each_sees_what_the_one_before_committed(
    pg_url: str, pg_schema: str
) -> None:
    first = PostgresStore(pg_url, schema=pg_schema)
    second = PostgresStore(pg_url, schema=pg_schema)  # as if another API process
    reach = Reach(parse_volume(VOLUME))
    inside = threading.Event()
    release = threading.Event()
    seen_by_second: list[int] = []

    def slow_insert(tx: PgTransaction) -> None:
        tx.volumes.replace(OWNER, [reach])
        inside.set()
        release.wait(5)

    def search_then_count(tx: PgTransaction) -> None:
        seen_by_second.append(len(tx.volumes.search(reach, now=reach.time.start)))

    writer = threading.Thread(target=first.write, args=(slow_insert,))
    writer.start()
    assert inside.wait(5)
    follower = threading.Thread(target=second.write, args=(search_then_count,))
    follower.start()
    follower.join(0.3)
    assert follower.is_alive(), "the second writer must wait for the first to commit"
    release.set()
    writer.join(5)
    follower.join(5)
    assert seen_by_second == [1]
    first.close()
    second.close()


def test_read_transactions_refuse_writes(pg_store: PostgresStore) -> None:
    reach = Reach(parse_volume(VOLUME))
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        pg_store.read(lambda tx: tx.volumes.replace(OWNER, [reach]))
    assert pg_store.read(lambda tx: tx.volumes.count()) == 0


def test_a_transaction_inside_another_is_refused(pg_store: PostgresStore) -> None:
    with pytest.raises(RuntimeError, match="inside another"):
        pg_store.write(lambda _tx: pg_store.read(lambda tx: tx.volumes.count()))
    assert pg_store.read(lambda tx: tx.volumes.count()) == 0


def test_a_closed_store_refuses_work(pg_url: str, pg_schema: str) -> None:
    store = PostgresStore(pg_url, schema=pg_schema)
    store.close()
    with pytest.raises(RuntimeError, match="closed"):
        store.read(lambda tx: tx.volumes.count())


def test_the_search_takes_its_candidates_from_the_gist_indexes_alone(
    pg_store: PostgresStore, side_conn: psycopg.Connection[TupleRow]
) -> None:
    """Guessing how few rows a cube overlap returns, the planner would AND the GiST's bitmap
    with a scan of every volume ending after the query starts (~100 ms a search at 1M)."""
    rng = random.Random(20261206)
    entries = [
        (
            VolumeOwner(EntityRef(EntityKind.OPERATION, f"op-{n}"), PartyId("party-c"), 1),
            [random_reach(rng)],
        )
        for n in range(20_000)
    ]
    pg_store.write(lambda tx: tx.volumes.add_many(entries))
    side_conn.execute("ANALYZE volumes")
    # Late in the day, so that the volumes ending after it starts look few enough to be
    # worth an index scan of their own.
    query = reach(circle(10.15, 50.1, 2000), minutes=(590.0, 600.0))

    statement, params = pg_store.read(lambda tx: tx.volumes.search_statement(query, now=NOW))
    explained = side_conn.execute("EXPLAIN " + statement, params)
    text = "\n".join(str(line) for (line,) in explained)
    assert "Bitmap Index Scan on volumes_box\n" in text + "\n" or "on volumes_box " in text, text
    assert "volumes_end_us" not in text, text


def test_the_store_s_connections_keep_one_plan_per_prepared_statement(
    pg_store: PostgresStore,
) -> None:
    conn = pg_store._connection()  # the setting belongs to the store's own connections
    assert conn.execute("SHOW plan_cache_mode").fetchall() == [("force_generic_plan",)]


def test_a_writer_refused_the_lock_leaves_its_connection_usable(
    pg_url: str, pg_schema: str, side_conn: psycopg.Connection[TupleRow]
) -> None:
    """BEGIN and the writers' lock go in one round trip; when the lock is refused, the
    transaction BEGIN opened is rolled back, so the next write starts clean."""
    store = PostgresStore(pg_url, schema=pg_schema, busy_timeout_s=0.1)
    try:
        side_conn.execute("BEGIN")
        side_conn.execute("SELECT pg_advisory_xact_lock(%s)", (store._writer_lock_key,))
        with pytest.raises(errors.StoreBusy):
            store.write(lambda tx: tx.volumes.count())
        side_conn.execute("ROLLBACK")
        assert store.write(lambda tx: tx.volumes.count()) == 0
    finally:
        store.close()


def test_a_writer_stalled_behind_the_lock_gives_up_as_busy_and_never_commits_later(
    pg_url: str, pg_schema: str, side_conn: psycopg.Connection[TupleRow]
) -> None:
    """As on SQLite, a write waits for the writers' lock a bounded time, then is refused
    as busy (503 `store-busy`) with nothing stored: it does not wait on, unbounded, to
    commit long after its client gave up, once the writer ahead lets go."""
    store = PostgresStore(pg_url, schema=pg_schema, busy_timeout_s=0.3)
    reach = Reach(parse_volume(VOLUME))
    outcome: list[BaseException | None] = []

    def submit() -> None:
        try:
            store.write(lambda tx: tx.volumes.replace(OWNER, [reach]))
        except BaseException as refused:  # kept for the test to look at
            outcome.append(refused)
        else:
            outcome.append(None)

    try:
        side_conn.execute("BEGIN")
        side_conn.execute("SELECT pg_advisory_xact_lock(%s)", (store._writer_lock_key,))
        started = time.monotonic()
        writer = threading.Thread(target=submit)
        writer.start()
        writer.join(5)
        waited_s = time.monotonic() - started
        side_conn.execute("ROLLBACK")  # the stalled writer lets go at last
        writer.join(5)
        assert waited_s < 5, "the write still waits for the lock"
        assert len(outcome) == 1
        assert isinstance(outcome[0], errors.StoreBusy)
        assert store.read(lambda tx: tx.volumes.count()) == 0
        # The bound is on the wait for the lock only: inside, lock waits are as configured.
        shown = store.write(lambda _: store._connection().execute("SHOW lock_timeout").fetchall())
        assert shown == [("0",)]
    finally:
        store.close()


def test_a_writer_stalled_holding_the_lock_is_ended_and_the_others_go_on(
    pg_url: str, pg_schema: str
) -> None:
    """A process frozen inside a write (a paused VM, a host gone without closing its
    connection) holds the writers' lock: the server ends its transaction once it has sat
    idle long enough, nothing of it commits, and another process's writer gets the lock."""
    frozen = PostgresStore(pg_url, schema=pg_schema, stalled_after_s=0.5)
    other = PostgresStore(pg_url, schema=pg_schema, busy_timeout_s=5)
    reach = Reach(parse_volume(VOLUME))
    inside = threading.Event()
    outcome: list[BaseException | None] = []

    def stall(tx: PgTransaction) -> None:
        tx.volumes.replace(OWNER, [reach])
        inside.set()
        time.sleep(3)  # frozen, the lock held, the transaction open
        tx.volumes.count()

    def stalled_write() -> None:
        try:
            frozen.write(stall)
        except BaseException as ended:  # kept for the test to look at
            outcome.append(ended)
        else:
            outcome.append(None)

    try:
        stalled = threading.Thread(target=stalled_write)
        stalled.start()
        assert inside.wait(5)
        started = time.monotonic()
        other_owner = VolumeOwner(EntityRef(EntityKind.ZONE, "zone-other"), PartyId("party-d"), 1)
        other.write(lambda tx: tx.volumes.replace(other_owner, [reach]))
        assert time.monotonic() - started < 2.5, "the other writer waited for the frozen one"
        stalled.join(10)
        assert len(outcome) == 1
        assert isinstance(outcome[0], psycopg.errors.IdleInTransactionSessionTimeout)
        assert other.read(lambda tx: tx.volumes.count()) == 1  # the frozen write left nothing
        assert frozen.write(lambda tx: tx.volumes.count()) == 1  # and its store goes on
    finally:
        frozen.close()
        other.close()
