"""Bring a PostgreSQL schema up to date: the cube extension, then the shipped migrations.

Migrations are the files `sql/postgres/NNN_name.sql`, applied in order, each in the same
transaction as its row in `schema_migrations`, under an advisory lock so that several
processes opening one schema at once apply each file exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

#: Where the cube extension goes when the database has none: a shared schema, so that
#: dropping one store's schema never drops the index type from under another.
EXTENSION_SCHEMA = "public"


@dataclass(frozen=True, slots=True)
class Migration:
    name: str  # file name without .sql, e.g. "001_volumes"
    text: str


def shipped_migrations() -> list[Migration]:
    folder = resources.files("deconflict.store").joinpath("sql", "postgres")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return [Migration(f.name.removesuffix(".sql"), f.read_text(encoding="utf-8")) for f in files]


def ensure_cube_extension(conn: psycopg.Connection[TupleRow]) -> str:
    """Install `cube` if the database lacks it; returns the schema it lives in."""
    schema = _cube_schema(conn)
    if schema is not None:
        return schema
    with conn.transaction():
        # Two stores opening a fresh database at once would both try to create it.
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('deconflict:create-extension'))")
        conn.execute(
            sql.SQL("CREATE EXTENSION IF NOT EXISTS cube WITH SCHEMA {}").format(
                sql.Identifier(EXTENSION_SCHEMA)
            )
        )
    schema = _cube_schema(conn)
    assert schema is not None
    return schema


def _cube_schema(conn: psycopg.Connection[TupleRow]) -> str | None:
    row = conn.execute(
        "SELECT n.nspname FROM pg_extension e"
        " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'cube'"
    ).fetchone()
    return None if row is None else str(row[0])


def apply_migrations(conn: psycopg.Connection[TupleRow], schema: str) -> list[str]:
    """Apply the shipped migrations the schema has not seen; returns their names."""
    applied_now = []
    with conn.transaction():
        conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext('deconflict:migrate:' || %s))", (schema,)
        )
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " name text PRIMARY KEY,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {str(r[0]) for r in conn.execute("SELECT name FROM schema_migrations")}
        for migration in shipped_migrations():
            if migration.name in done:
                continue
            conn.execute(sql.SQL(migration.text))
            conn.execute("INSERT INTO schema_migrations (name) VALUES (%s)", (migration.name,))
            applied_now.append(migration.name)
    return applied_now
