"""The `store` fixture: every contract test runs once on SQLite and once on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from deconflict.store.interface import Store
from deconflict.store.postgres import PostgresStore
from deconflict.store.sqlite import SqliteStore


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, sqlite_path: Path) -> Iterator[Store]:
    """A fresh, empty store of each backend, closed afterwards."""
    opened: Store
    if request.param == "sqlite":
        opened = SqliteStore(sqlite_path)
    else:
        # Requested only here so that the SQLite run needs no PostgreSQL server.
        pg_url: str = request.getfixturevalue("pg_url")
        pg_schema: str = request.getfixturevalue("pg_schema")
        opened = PostgresStore(pg_url, schema=pg_schema)
    try:
        yield opened
    finally:
        opened.close()
