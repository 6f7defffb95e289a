"""SQLite files made by an earlier release are brought up to date and keep what they hold."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from deconflict.domain.audit import verify_chain, verify_party_chain
from deconflict.domain.ids import PartyId
from deconflict.store.sqlite import SqliteStore
from tests.domain import OSTERBY
from tests.store.earlier_files import BEFORE_AUDIT_LINKS, append_entries, made_by_release_of
from tests.store.test_records_audit import audiences


def test_a_file_from_before_the_link_check_keeps_its_log_and_gains_the_check(
    sqlite_path: Path,
) -> None:
    made_by_release_of(sqlite_path, BEFORE_AUDIT_LINKS)
    store = SqliteStore(sqlite_path)
    try:
        log = store.read(lambda tx: tx.audit.all(after_seq=-1, limit=100))
        told = store.read(lambda tx: tx.audit.for_party(PartyId(OSTERBY), after_seq=-1, limit=100))
        store.write(lambda tx: append_entries(tx.audit, count=1, first=5))
        after = store.read(lambda tx: tx.audit.all(after_seq=-1, limit=100))
        told_of = audiences(store)
    finally:
        store.close()
    assert [e.subject for e in log] == [f"operation:op-{n}" for n in range(5)]
    assert verify_chain(log) is None
    assert len(told) == 5
    assert verify_party_chain(told) is None
    assert len(after) == 6
    assert verify_chain(after, audiences=told_of) is None
    with sqlite3.connect(sqlite_path) as conn:
        unique = [row[1] for row in conn.execute("PRAGMA index_list(audit_entries)")]
        assert unique == []  # the hash-ordered indexes are gone; the seq key is the table's
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        with pytest.raises(sqlite3.IntegrityError, match="follow the entry before it"):
            conn.execute(
                "INSERT INTO audit_entries (seq, at_us, kind, party_id, actor, subject, data, "
                "prev_hash, hash) VALUES (6, 0, 'state_change', '', '', 's', '{}', ?, ?)",
                ("f" * 64, "e" * 64),
            )
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM audit_entries")


def test_foreign_keys_are_on_again_once_the_schema_is_up_to_date(sqlite_path: Path) -> None:
    made_by_release_of(sqlite_path, BEFORE_AUDIT_LINKS)
    store = SqliteStore(sqlite_path)
    try:
        on = store.read(lambda tx: tx.conn.execute("PRAGMA foreign_keys").fetchone())
    finally:
        store.close()
    assert on == (1,)
