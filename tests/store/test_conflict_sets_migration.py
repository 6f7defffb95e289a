"""Conflicts stored one row each by an earlier release come back whole and in order,
once the store keeps each version's conflicts in one row (007_conflict_sets)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg

from deconflict.domain.conflict import Conflict
from deconflict.domain.ids import OperationId
from deconflict.domain.lifecycle import OperationAction
from deconflict.domain.operation import act
from deconflict.store.conflict_text import conflict_text
from deconflict.store.interface import Store, Transaction
from deconflict.store.postgres import PostgresStore
from deconflict.store.sqlite import SqliteStore
from tests.store import record_specimens as rs
from tests.store.earlier_files import made_by_release_of, schema_of_release

BEFORE_CONFLICT_SETS = "006_audit_links"
ZONES = ["zone-hospital", "zone-school", "zone-bridge"]
#: (operation, version, position, zone), inserted out of order on purpose.
ROWS = [("op-ford-survey", 1, p, ZONES[p]) for p in (2, 0, 1)] + [
    ("op-mill-survey", 1, 0, "zone-bridge")
]
INSERT = (
    "INSERT INTO conflicts (operation_id, operation_version, position, document) "
    "VALUES ({0}, {0}, {0}, {0})"
)


def earlier_rows() -> list[tuple[str, int, int, str]]:
    return [(op, version, p, conflict_text(rs.conflict(op, zone))) for op, version, p, zone in ROWS]


def assert_kept(store: Store) -> None:
    def keep_records(tx: Transaction) -> None:
        """The versions the conflicts lie between, which reading them back draws from."""
        for operation_id in ("op-ford-survey", "op-mill-survey"):
            tx.operations.put(act(rs.operation(operation_id), OperationAction.SUBMIT))
        for zone_id in ZONES:
            tx.zones.put(rs.zone(zone_id))

    def read(tx: Transaction) -> tuple[list[Conflict], int, list[Conflict], int]:
        return (
            tx.conflicts.of_operation(OperationId("op-ford-survey"), 1),
            tx.conflicts.count_of_operation(OperationId("op-ford-survey"), 1),
            tx.conflicts.of_operation(OperationId("op-mill-survey"), 1),
            tx.conflicts.count_of_operation(OperationId("op-none"), 1),
        )

    store.write(keep_records)
    ford, ford_count, mill, none = store.read(read)
    assert ford == [rs.conflict("op-ford-survey", zone) for zone in ZONES]
    assert ford_count == 3
    assert mill == [rs.conflict("op-mill-survey", "zone-bridge")]
    assert none == 0


def test_a_sqlite_file_keeps_its_conflicts_in_order(sqlite_path: Path) -> None:
    made_by_release_of(sqlite_path, BEFORE_CONFLICT_SETS + ".sql")
    with sqlite3.connect(sqlite_path, isolation_level=None) as conn:
        conn.executemany(INSERT.format("?"), earlier_rows())
    conn.close()
    store = SqliteStore(sqlite_path)
    try:
        assert_kept(store)
    finally:
        store.close()
    with sqlite3.connect(sqlite_path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert "conflicts" not in tables


def test_a_postgres_schema_keeps_its_conflicts_in_order(pg_url: str, pg_schema: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        schema_of_release(conn, pg_schema, BEFORE_CONFLICT_SETS)
        with conn.cursor() as cursor:
            cursor.executemany(INSERT.format("%s"), earlier_rows())
    store = PostgresStore(pg_url, schema=pg_schema)
    try:
        assert_kept(store)
    finally:
        store.close()
