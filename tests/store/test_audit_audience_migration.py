"""Party chains stored by an earlier release read back whole once a party's links are
kept under (party_id, party_seq) alone (sqlite 008, postgres 009), and new ones follow on."""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path

import psycopg
import pytest

from deconflict.domain.audit import PartyEntry, verify_party_chain
from deconflict.domain.ids import PartyId
from deconflict.store.interface import Store, Transaction
from deconflict.store.postgres import PostgresStore
from deconflict.store.sqlite import SqliteStore
from tests.domain import NORTHMERE, OSTERBY
from tests.store.earlier_files import (
    append_entries,
    made_by_release_of,
    postgres_schema_of_release,
)
from tests.store.test_records_audit import audiences


def read_chain(tx: Transaction, party: PartyId) -> list[PartyEntry]:
    return tx.audit.for_party(party, after_seq=-1, limit=50)


def assert_chains_kept(store: Store) -> None:
    store.write(lambda tx: append_entries(tx.audit, count=1, first=5))
    for party in (NORTHMERE, OSTERBY):
        told = store.read(partial(read_chain, party=PartyId(party)))
        assert [link.party_seq for link in told] == list(range(6))
        assert [link.entry.subject for link in told] == [f"operation:op-{n}" for n in range(6)]
        assert verify_party_chain(told, audiences=audiences(store)) is None


def test_a_sqlite_file_keeps_its_party_chains(sqlite_path: Path) -> None:
    made_by_release_of(sqlite_path, "007_conflict_sets.sql")
    store = SqliteStore(sqlite_path)
    try:
        assert_chains_kept(store)
    finally:
        store.close()
    with sqlite3.connect(sqlite_path) as conn:
        indexes = [row[1] for row in conn.execute("PRAGMA index_list(audit_audience)")]
        assert indexes == ["audit_audience_party_seq"]  # the (party_id, seq) key is gone
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            conn.execute(
                "INSERT INTO audit_audience SELECT party_id, seq, party_seq, party_prev_hash, "
                "party_hash FROM audit_audience LIMIT 1"
            )
    conn.close()


def test_a_postgres_schema_keeps_its_party_chains(pg_url: str, pg_schema: str) -> None:
    postgres_schema_of_release(pg_url, pg_schema, "008_boxes_on_volumes")
    store = PostgresStore(pg_url, schema=pg_schema)
    try:
        assert_chains_kept(store)
    finally:
        store.close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = %s AND tablename = 'audit_audience'",
            (pg_schema,),
        ).fetchall()
    assert [name for name, _ in rows] == ["audit_audience_pkey"]
    assert "(party_id, party_seq)" in rows[0][1]
