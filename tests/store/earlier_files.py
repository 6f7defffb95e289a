"""SQLite files and PostgreSQL schemas as an earlier release left them, for tests of what
opens them now."""

from __future__ import annotations

import sqlite3
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

from deconflict.domain.audit import AuditKind
from deconflict.domain.ids import PartyId
from deconflict.store.pg_schema import ensure_cube_extension, shipped_migrations
from deconflict.store.records.audit import SqlAuditRecords
from deconflict.store.repositories import AuditRecords
from deconflict.store.sql_session import SqliteSession
from deconflict.store.sqlite import _statements
from tests.domain import NORTHMERE, OSTERBY, T0

#: The last schema file of the release before the audit link check.
BEFORE_AUDIT_LINKS = "005_volume_rows.sql"


def shipped_scripts() -> list[Traversable]:
    """The SQLite schema files this release ships, in the order they apply."""
    folder = resources.files("deconflict.store").joinpath("sql", "sqlite")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)


def made_by_release_of(path: Path, last_script: str) -> None:
    """A file as an earlier release left it: the schema files up to `last_script` only."""
    scripts = shipped_scripts()
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
        append_entries(audit)
        audit.flush()
        conn.execute("COMMIT")
    finally:
        conn.close()


def append_entries(audit: AuditRecords, count: int = 5, first: int = 0) -> None:
    """Entries `first`.. by Northmere, about operations op-<n>, that Osterby is told of."""
    for n in range(first, first + count):
        audit.append(
            at=T0,
            kind=AuditKind.STATE_CHANGE,
            party_id=NORTHMERE,
            actor="m-tamsin-planner",
            subject=f"operation:op-{n}",
            data={"n": n},
            audience=[PartyId(OSTERBY)],
        )


def schema_of_release(conn: psycopg.Connection[TupleRow], schema: str, last: str) -> None:
    """Make `schema` (existing, empty) as an earlier release left it: the migrations up to
    `last` only; `conn` (autocommit) is left on it."""
    cube = ensure_cube_extension(conn)
    path = sql.SQL("SET search_path TO {}, {}")
    conn.execute(path.format(sql.Identifier(schema), sql.Identifier(cube)))
    conn.execute("CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz)")
    for migration in shipped_migrations():
        if migration.name > last:
            break
        conn.execute(sql.SQL(migration.text))
        conn.execute("INSERT INTO schema_migrations (name) VALUES (%s)", (migration.name,))
