"""`request_threads`: how many requests one server process works on at once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from deconflict.api.app import create_app
from deconflict.api.settings import Settings
from deconflict.service.context import Service
from deconflict.store.sqlite import SqliteStore
from tests.api.helpers import SECRET, RunningServer

CALLS = 4


class Overlap:
    """The most requests found inside the endpoint at one moment."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._inside = 0
        self.most = 0

    def visit(self) -> None:
        with self._guard:
            self._inside += 1
            self.most = max(self.most, self._inside)
        time.sleep(0.2)  # long enough for every call to arrive while the first is inside
        with self._guard:
            self._inside -= 1


def _most_at_once(sqlite_path: Path, threads: int | None) -> int:
    settings = Settings(database=str(sqlite_path), pseudonym_secret=SecretStr(SECRET))
    if threads is not None:
        settings = settings.model_copy(update={"request_threads": threads})
    store = SqliteStore(sqlite_path)
    overlap = Overlap()
    try:
        app = create_app(settings, Service(store=store, pseudonym_secret=SECRET.encode()))
        app.get("/slow")(overlap.visit)  # a synchronous endpoint, as the use cases are
        with RunningServer.start(app) as server, ThreadPoolExecutor(CALLS) as pool:
            answers = list(pool.map(lambda _: httpx.get(f"{server.base_url}/slow"), range(CALLS)))
        assert [a.status_code for a in answers] == [200] * CALLS
    finally:
        store.close()
    return overlap.most


def test_one_request_thread_works_on_one_request_at_a_time(sqlite_path: Path) -> None:
    assert _most_at_once(sqlite_path, 1) == 1


def test_by_default_requests_are_worked_on_side_by_side(sqlite_path: Path) -> None:
    assert _most_at_once(sqlite_path, None) == CALLS


def test_the_setting_is_bounded() -> None:
    with pytest.raises(ValueError, match="request_threads"):
        Settings(request_threads=0)
