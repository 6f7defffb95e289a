"""Who was told of each entry is append-only too once a file or schema is upgraded
(sqlite 011, postgres 012): a party's link can be neither changed nor removed, and on
PostgreSQL neither audit table can be truncated."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from deconflict.domain.audit import verify_party_chain
from deconflict.domain.ids import PartyId
from deconflict.store.postgres import PostgresStore
from deconflict.store.sqlite import SqliteStore
from tests.domain import OSTERBY
from tests.store.earlier_files import (
    made_by_release_of,
    postgres_schema_of_release,
)

CHANGES = [
    "UPDATE audit_audience SET seq = 0 WHERE seq = 1",
    "UPDATE audit_audience SET party_id = 'party-forged'",
    "DELETE FROM audit_audience WHERE seq = 4",
]


def test_an_upgraded_sqlite_file_refuses_changes_to_who_was_told(sqlite_path: Path) -> None:
    made_by_release_of(sqlite_path, "010_zones_standing_until.sql")
    store = SqliteStore(sqlite_path)
    try:
        told = store.read(lambda tx: tx.audit.for_party(PartyId(OSTERBY), after_seq=-1, limit=9))
        assert len(told) == 5
        assert verify_party_chain(told) is None
    finally:
        store.close()
    with closing(sqlite3.connect(sqlite_path)) as conn:
        for change in CHANGES:
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(change)
        assert conn.execute("SELECT count(*) FROM audit_audience").fetchone() == (10,)


def test_an_upgraded_postgres_schema_refuses_changes_to_who_was_told(
    pg_url: str, pg_schema: str
) -> None:
    postgres_schema_of_release(pg_url, pg_schema, "011_zones_standing_until")
    PostgresStore(pg_url, schema=pg_schema).close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(pg_schema)))
        for change in [
            *CHANGES,
            "TRUNCATE audit_audience",
            "TRUNCATE audit_entries CASCADE",
        ]:
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(change)
        assert conn.execute("SELECT count(*) FROM audit_audience").fetchone() == (10,)
        assert conn.execute("SELECT count(*) FROM audit_entries").fetchone() == (5,)
