"""Files and schemas of the release before the party-checked reads open with their
indexes (014_party_checked_reads on SQLite, 015_party_checked_reads on PostgreSQL): the
records an earlier release stored are found for their parties, and for nobody else."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg

from deconflict.domain.ids import PartyId
from deconflict.domain.lifecycle import OperationAction
from deconflict.domain.operation import act
from deconflict.store.interface import Store
from deconflict.store.postgres import PostgresStore
from deconflict.store.records.bundle import RecordRepositories
from deconflict.store.sql_session import PostgresSession, SqliteSession
from deconflict.store.sqlite import SqliteStore
from tests.domain import LOWFEN, NORTHMERE, OSTERBY, VALECREST
from tests.store.earlier_files import made_by_release_of, schema_of_release
from tests.store.record_specimens import consultation, notice, operation, zone

ZONE = zone("zone-hospital", VALECREST)
OPERATION = act(operation("op-ford-survey", NORTHMERE), OperationAction.SUBMIT)
ASKED = consultation("c-hospital", VALECREST, OPERATION.id)
TOLD = notice("n-survey", OSTERBY)


def store_earlier_records(records: RecordRepositories) -> None:
    records.zones.put(ZONE)
    records.operations.put(OPERATION)
    records.consultations.put(ASKED)
    records.consultations.add_notice(TOLD)


def assert_found_for_their_parties_only(store: Store) -> None:
    def found(party: PartyId) -> tuple[object, ...]:
        return store.read(
            lambda tx: (
                tx.zones.get_of_party(ZONE.id, party),
                tx.operations.get_told_to(OPERATION.id, party),
                tx.consultations.get_of_party(ASKED.id, party),
            )
        )

    assert found(VALECREST) == (ZONE, OPERATION, ASKED)
    assert found(OSTERBY) == (None, OPERATION, None)
    assert found(LOWFEN) == (None, None, None)
    assert found(NORTHMERE) == (None, None, None)


def test_a_sqlite_file_of_the_release_before_finds_its_records_by_party(tmp_path: Path) -> None:
    path = tmp_path / "earlier.sqlite"
    made_by_release_of(path, "013_dead_deliveries.sql")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        store_earlier_records(RecordRepositories(SqliteSession(conn)))
        conn.execute("COMMIT")
    finally:
        conn.close()
    store = SqliteStore(path)
    try:
        assert_found_for_their_parties_only(store)
    finally:
        store.close()
    with sqlite3.connect(path) as check:
        unique = {row[1]: row[2] for row in check.execute("PRAGMA index_list(zones)")}
    check.close()
    assert unique["zones_of_party"] == 1


def test_a_postgres_schema_of_the_release_before_finds_its_records_by_party(
    pg_url: str, pg_schema: str
) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        schema_of_release(conn, pg_schema, "014_dead_deliveries")
        store_earlier_records(RecordRepositories(PostgresSession(conn)))
    store = PostgresStore(pg_url, schema=pg_schema)
    try:
        assert_found_for_their_parties_only(store)
    finally:
        store.close()
