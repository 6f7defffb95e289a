"""Shared fixtures: real stores on a real SQLite file and the machine's real PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from deconflict.geometry.altitude import VerticalModel
from deconflict.store.interface import Store
from deconflict.store.postgres import PostgresStore
from deconflict.store.sqlite import SqliteStore

#: Where the test PostgreSQL lives; each test gets a fresh schema there.
PG_URL = os.environ.get("DECONFLICT_TEST_PG_URL", "postgresql://127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def postgres_available() -> bool:
    try:
        with psycopg.connect(PG_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session")
def pg_url() -> str:
    """The PostgreSQL URL; a missing server skips locally and fails in CI."""
    if not postgres_available():
        message = f"PostgreSQL is not reachable at {PG_URL}"
        if IN_CI:
            pytest.fail(message + " (CI=true: a missing PostgreSQL fails the run)")
        pytest.skip(message)
    return PG_URL


@pytest.fixture
def pg_schema(pg_url: str) -> Iterator[str]:
    """A fresh, empty schema on the test server, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield schema
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "deconflict.sqlite"


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


#: Opens a store on the one file or schema a test has, with a given vertical model.
StoreOpener = Callable[[VerticalModel], Store]


@pytest.fixture(params=["sqlite", "postgres"])
def open_store(request: pytest.FixtureRequest, sqlite_path: Path) -> Iterator[StoreOpener]:
    """Opens the same fresh store of each backend (a SQLite file, a PostgreSQL schema) with
    the vertical model given, as often as a test asks; closes every one afterwards."""
    opened: list[Store] = []

    def opener(model: VerticalModel) -> Store:
        store: Store
        if request.param == "sqlite":
            store = SqliteStore(sqlite_path, model=model)
        else:
            pg_url: str = request.getfixturevalue("pg_url")
            pg_schema: str = request.getfixturevalue("pg_schema")
            store = PostgresStore(pg_url, schema=pg_schema, model=model)
        opened.append(store)
        return store

    yield opener
    for store in opened:
        store.close()
