"""Answers wait for their writes' log syncs on the event loop, not on a request thread."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from deconflict.api.app import create_app
from deconflict.api.problems import PROBLEM_MEDIA_TYPE
from deconflict.api.settings import Settings
from deconflict.service.context import Service
from deconflict.store.log_sync import LogSync
from deconflict.store.sqlite import SqliteStore, SqliteTransaction
from tests.api.helpers import SECRET, RunningServer
from tests.store.test_contract import BASE, owner, reach
from tests.store.test_log_sync import WatchedSync


def _stored(database: Path) -> int:
    conn = sqlite3.connect(database)
    try:
        return int(conn.execute("SELECT count(*) FROM volumes").fetchone()[0])
    finally:
        conn.close()


class FirstSyncWaitsForASecondWrite(LogSync):
    """Holds its first sync until a second write has committed (or 10 s have gone)."""

    def __init__(self, database: Path) -> None:
        super().__init__(database)
        self.database = database
        self.seen_in_first_sync: int | None = None
        self.first_synced_at: float | None = None

    def sync(self) -> None:
        if self.seen_in_first_sync is None:
            deadline = time.monotonic() + 10
            while _stored(self.database) < 2 and time.monotonic() < deadline:
                time.sleep(0.005)
            self.seen_in_first_sync = _stored(self.database)
            super().sync()
            self.first_synced_at = time.monotonic()
            return
        super().sync()


def _writing_app(store: SqliteStore, database: Path) -> FastAPI:
    settings = Settings(database=str(database), pseudonym_secret=SecretStr(SECRET))
    settings = settings.model_copy(update={"request_threads": 1})
    service = Service(store=store, pseudonym_secret=SECRET.encode())
    app = create_app(settings, service)

    # A synchronous endpoint that writes, as the use cases are.
    @app.post("/write/{entity_id}")
    def write(entity_id: str) -> int:
        def work(tx: SqliteTransaction) -> int:
            tx.volumes.replace(owner(entity_id), [reach(BASE)])
            return tx.volumes.count()

        return service.write(work)  # type: ignore[arg-type]  # the SQLite store's own

    return app


@pytest.fixture
def store(sqlite_path: Path) -> Iterator[SqliteStore]:
    opened = SqliteStore(sqlite_path)
    try:
        yield opened
    finally:
        opened.close()


def test_the_one_request_thread_runs_the_next_write_while_an_answer_waits_for_its_sync(
    store: SqliteStore, sqlite_path: Path
) -> None:
    log = FirstSyncWaitsForASecondWrite(sqlite_path)
    store._log.close()
    store._log = log
    answered: dict[str, float] = {}

    def call(base_url: str, name: str) -> None:
        assert httpx.post(f"{base_url}/write/{name}", timeout=30).status_code == 200
        answered[name] = time.monotonic()

    with RunningServer.start(_writing_app(store, sqlite_path)) as server:
        first = threading.Thread(target=call, args=(server.base_url, "op-1"))
        first.start()
        deadline = time.monotonic() + 10
        while _stored(sqlite_path) < 1 and time.monotonic() < deadline:
            time.sleep(0.005)
        call(server.base_url, "op-2")
        first.join(30)
    # With the sync waited for on the thread, the second write could not have run until
    # the first was answered, and the first sync would have seen one write.
    assert log.seen_in_first_sync == 2
    assert log.first_synced_at is not None
    assert answered["op-1"] >= log.first_synced_at


def test_an_answer_whose_write_could_not_be_synced_is_an_error(
    store: SqliteStore, sqlite_path: Path
) -> None:
    store._log.close()
    store._log = WatchedSync(sqlite_path, fail=True)
    with RunningServer.start(_writing_app(store, sqlite_path)) as server:
        answer = httpx.post(f"{server.base_url}/write/op-1", timeout=30)
    assert answer.status_code == 500
    assert answer.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert answer.json()["type"].endswith("/internal-error")
    assert _stored(sqlite_path) == 1  # committed: the answer says neither yes nor no
