"""A real API server (uvicorn on 127.0.0.1) over a real store, with seeded fictional parties.

Every test that asks for `world` runs twice: on a SQLite file and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from deconflict.api.app import create_app
from deconflict.api.settings import Settings
from deconflict.domain.agreement import Disclosure, Mode, Silence
from deconflict.service.clock import ManualClock
from deconflict.service.context import Service
from deconflict.store.interface import Store
from deconflict.store.postgres import PostgresStore
from deconflict.store.sqlite import SqliteStore
from tests.api.helpers import (
    SECRET,
    START,
    RunningServer,
    World,
    rectangle_footprint,
)

MAX_BODY_BYTES = 64 * 1024


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, sqlite_path: Path) -> Iterator[Store]:
    opened: Store
    if request.param == "sqlite":
        opened = SqliteStore(str(sqlite_path))
    else:
        pg_url: str = request.getfixturevalue("pg_url")
        pg_schema: str = request.getfixturevalue("pg_schema")
        opened = PostgresStore(pg_url, schema=pg_schema)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def service(store: Store, clock: ManualClock) -> Service:
    return Service(store=store, pseudonym_secret=SECRET.encode(), clock=clock)


@pytest.fixture
def settings(sqlite_path: Path) -> Settings:
    return Settings(
        database=str(sqlite_path),
        pseudonym_secret=SecretStr(SECRET),
        max_body_bytes=MAX_BODY_BYTES,
    )


@pytest.fixture
def app(settings: Settings, service: Service) -> FastAPI:
    return create_app(settings, service)


@pytest.fixture
def server(app: FastAPI) -> Iterator[RunningServer]:
    with RunningServer.start(app) as running:
        yield running


@pytest.fixture
def world(server: RunningServer, service: Service, clock: ManualClock) -> Iterator[World]:
    """Five fictional parties and the agreements between them; members come when used."""
    made = World(server.base_url, service, clock)
    north = made.add_party("Northland Army")
    south = made.add_party("Southmark Defence Force")
    relief = made.add_party("Lakeside Relief Corps")
    # The authority's area covers the whole theatre of the scenario.
    tower = made.add_party(
        "Eastvale Air Navigation", authority_area=rectangle_footprint(9.0, 44.0, 12.0, 47.0)
    )
    quiet = made.add_party("Westmoor Border Guard")
    made.agree(north, south, Mode.CONSULT, Silence.CONSENT, Disclosure.NAME)
    made.agree(north, relief, Mode.NOTIFY, Silence.CONSENT, Disclosure.PSEUDONYM)
    made.agree(north, tower, Mode.NONE, Silence.CONSENT, Disclosure.NAME)
    made.agree(north, quiet, Mode.CONSULT, Silence.BLOCK, Disclosure.PSEUDONYM)
    made.agree(south, relief, Mode.CONSULT, Silence.CONSENT, Disclosure.NAME)
    try:
        yield made
    finally:
        made.close()
