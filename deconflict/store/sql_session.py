"""One open transaction seen as plain SQL with `?` placeholders, on SQLite or PostgreSQL.

The record repositories are written once against this and use only SQL both databases
speak (`INSERT ... ON CONFLICT`, `RETURNING`, `LIMIT`), so they behave the same on both.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, Protocol

import psycopg
from psycopg.rows import TupleRow

Row = tuple[Any, ...]


class SqlSession(Protocol):
    def execute(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """Run one statement; returns its rows (none for a statement that returns none)."""

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        """Run one statement once per row of parameters."""


class SqliteSession:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return self._conn.execute(sql, params).fetchall()

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        self._conn.executemany(sql, rows)


class PostgresSession:
    """Placeholders become psycopg's `%s`; the repositories' SQL holds no literal `?` or `%`."""

    def __init__(self, conn: psycopg.Connection[TupleRow]) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        cursor = self._conn.execute(_to_pyformat(sql), params or None)
        return cursor.fetchall() if cursor.description is not None else []

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        batch = list(rows)
        if batch:
            with self._conn.cursor() as cursor:
                cursor.executemany(_to_pyformat(sql), batch)


@lru_cache(maxsize=512)
def _to_pyformat(sql: str) -> str:
    return sql.replace("?", "%s")
