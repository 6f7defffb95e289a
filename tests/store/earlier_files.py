"""SQLite files and PostgreSQL schemas as an earlier release left them, for tests of what
opens them now."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

from deconflict.domain.audit import GENESIS_HASH, AuditKind, append_spelt, party_link
from deconflict.domain.ids import PartyId
from deconflict.store.codec import to_us
from deconflict.store.pg_schema import ensure_cube_extension, shipped_migrations
from deconflict.store.repositories import AuditRecords
from deconflict.store.sql_session import PostgresSession, SqliteSession, SqlSession
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
        write_entries_as_released(SqliteSession(conn))
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


def write_entries_as_released(session: SqlSession, count: int = 5) -> None:
    """The entries of `append_entries` on a log that has none, written as a release before
    salts (sqlite 012, postgres 013) wrote them: no salt, and each reader's chain linked."""
    entry = None
    links = {NORTHMERE: GENESIS_HASH, OSTERBY: GENESIS_HASH}
    for n in range(count):
        entry, data = append_spelt(
            entry,
            at=T0,
            kind=AuditKind.STATE_CHANGE,
            party_id=NORTHMERE,
            actor="m-tamsin-planner",
            subject=f"operation:op-{n}",
            data={"n": n},
        )
        session.execute(
            "INSERT INTO audit_entries (seq, at_us, kind, party_id, actor, subject, data, "
            "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (n, to_us(T0), entry.kind.value, NORTHMERE, entry.actor, entry.subject, data,
             entry.prev_hash, entry.hash),
        )  # fmt: skip
        for party_id, before in links.items():
            links[party_id] = party_link(before, entry.hash)
            session.execute(
                "INSERT INTO audit_audience (party_id, seq, party_seq, party_prev_hash, "
                "party_hash) VALUES (?, ?, ?, ?, ?)",
                (party_id, n, n, before, links[party_id]),
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


def postgres_schema_of_release(pg_url: str, schema: str, last: str) -> None:
    """`schema_of_release(…, schema, last)` holding the audit entries of
    `write_entries_as_released`, as `made_by_release_of` leaves a SQLite file."""
    with psycopg.connect(pg_url, autocommit=True) as conn:
        schema_of_release(conn, schema, last)
        with conn.transaction():
            write_entries_as_released(PostgresSession(conn))


#: Rows as an earlier release wrote them: statements with `?` placeholders, and values.
Rows = Sequence[tuple[str, tuple[object, ...]]]


def sqlite_file_with_rows(path: Path, last_script: str, rows: Rows) -> None:
    """`made_by_release_of(path, last_script)`, holding `rows` as well."""
    made_by_release_of(path, last_script)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        for statement, values in rows:
            conn.execute(statement, values)
        conn.execute("COMMIT")
    finally:
        conn.close()


def postgres_schema_with_rows(pg_url: str, schema: str, last: str, rows: Rows) -> None:
    """`schema_of_release(…, schema, last)`, holding `rows` as well."""
    with psycopg.connect(pg_url, autocommit=True) as conn:
        schema_of_release(conn, schema, last)
        for statement, values in rows:
            conn.execute(statement.replace("?", "%s"), values)
