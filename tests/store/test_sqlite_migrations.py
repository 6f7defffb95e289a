"""SQLite files made by an earlier release are brought up to date and keep what they hold."""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

import pytest

from deconflict.domain.audit import AuditKind, verify_chain, verify_party_chain
from deconflict.domain.ids import PartyId
from deconflict.store.records.audit import SqlAuditRecords
from deconflict.store.sql_session import SqliteSession
from deconflict.store.sqlite import SqliteStore, _statements
from tests.domain import NORTHMERE, OSTERBY, T0


def _made_by_release_of(path: Path, last_script: str) -> None:
    """A file as an earlier release left it: the schema files up to `last_script` only."""
    folder = resources.files("deconflict.store").joinpath("sql", "sqlite")
    scripts = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN")
        conn.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
        for script in scripts:
            if script.name > last_script:
                break
            for statement in _statements(script.read_text(encoding="utf-8")):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations VALUES (?, 'earlier')", (script.name,))
        audit = SqlAuditRecords(SqliteSession(conn))
        for n in range(5):
            audit.append(
                at=T0,
                kind=AuditKind.STATE_CHANGE,
                party_id=NORTHMERE,
                actor="m-tamsin-planner",
                subject=f"operation:op-{n}",
                data={"n": n},
                audience=[PartyId(OSTERBY)],
            )
        audit.flush()
        conn.execute("COMMIT")
    finally:
        conn.close()


def test_a_file_from_before_the_link_check_keeps_its_log_and_gains_the_check(
    sqlite_path: Path,
) -> None:
    _made_by_release_of(sqlite_path, "005_volume_rows.sql")
    store = SqliteStore(sqlite_path)
    try:
        log = store.read(lambda tx: tx.audit.all(after_seq=-1, limit=100))
        told = store.read(lambda tx: tx.audit.for_party(PartyId(OSTERBY), after_seq=-1, limit=100))
        store.write(
            lambda tx: tx.audit.append(
                at=T0,
                kind=AuditKind.STATE_CHANGE,
                party_id=NORTHMERE,
                actor="m-tamsin-planner",
                subject="operation:op-5",
                data={"n": 5},
                audience=[PartyId(OSTERBY)],
            )
        )
        after = store.read(lambda tx: tx.audit.all(after_seq=-1, limit=100))
    finally:
        store.close()
    assert [e.subject for e in log] == [f"operation:op-{n}" for n in range(5)]
    assert verify_chain(log) is None
    assert len(told) == 5
    assert verify_party_chain(told) is None
    assert len(after) == 6
    assert verify_chain(after) is None
    with sqlite3.connect(sqlite_path) as conn:
        unique = [row[1] for row in conn.execute("PRAGMA index_list(audit_entries)")]
        assert unique == []  # the hash-ordered indexes are gone; the seq key is the table's
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        with pytest.raises(sqlite3.IntegrityError, match="follow the entry before it"):
            conn.execute(
                "INSERT INTO audit_entries VALUES (6, 0, 'state_change', '', '', 's', '{}', ?, ?)",
                ("f" * 64, "e" * 64),
            )
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM audit_entries")


def test_foreign_keys_are_on_again_once_the_schema_is_up_to_date(sqlite_path: Path) -> None:
    _made_by_release_of(sqlite_path, "005_volume_rows.sql")
    store = SqliteStore(sqlite_path)
    try:
        on = store.read(lambda tx: tx.conn.execute("PRAGMA foreign_keys").fetchone())
    finally:
        store.close()
    assert on == (1,)
