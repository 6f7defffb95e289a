"""A log stored before salts (sqlite 012, postgres 013) keeps its hashes and verifies, and
the entries appended after it carry a salt that their hashes cover."""

from __future__ import annotations

from pathlib import Path

from deconflict.domain.audit import verify_chain, verify_party_chain
from deconflict.domain.ids import PartyId
from deconflict.store.interface import Store
from deconflict.store.postgres import PostgresStore
from deconflict.store.sqlite import SqliteStore
from tests.domain import OSTERBY
from tests.store.earlier_files import (
    append_entries,
    made_by_release_of,
    postgres_schema_of_release,
)
from tests.store.test_records_audit import audiences


def assert_old_unsalted_and_new_salted(store: Store) -> None:
    before = store.read(lambda tx: tx.audit.all(after_seq=-1, limit=50))
    store.write(lambda tx: append_entries(tx.audit, count=2, first=5))
    log = store.read(lambda tx: tx.audit.all(after_seq=-1, limit=50))
    told = store.read(lambda tx: tx.audit.for_party(PartyId(OSTERBY), after_seq=-1, limit=50))
    assert log[:5] == before, "what was stored reads back as it was"
    assert [e.salt for e in log[:5]] == [""] * 5
    assert all(len(e.salt) == 32 for e in log[5:])
    assert log[5].salt != log[6].salt
    assert verify_chain(log, audiences=audiences(store)) is None
    assert len(told) == 7
    assert verify_party_chain(told, audiences=audiences(store)) is None


def test_a_sqlite_file_from_before_salts(sqlite_path: Path) -> None:
    made_by_release_of(sqlite_path, "011_audit_audience_append_only.sql")
    store = SqliteStore(sqlite_path)
    try:
        assert_old_unsalted_and_new_salted(store)
    finally:
        store.close()


def test_a_postgres_schema_from_before_salts(pg_url: str, pg_schema: str) -> None:
    postgres_schema_of_release(pg_url, pg_schema, "012_audit_audience_append_only")
    store = PostgresStore(pg_url, schema=pg_schema)
    try:
        assert_old_unsalted_and_new_salted(store)
    finally:
        store.close()
