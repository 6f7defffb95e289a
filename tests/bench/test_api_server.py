"""The bench's server processes: a run with several starts only once each one serves."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from bench import api_server
from deconflict.store.sqlite import SqliteStore


def test_every_worker_serves_before_the_run_starts(tmp_path: Path) -> None:
    database = tmp_path / "bench.sqlite"
    SqliteStore(database).close()
    with api_server.in_process(str(database), None, workers=2) as base_url:
        # New connections are spread over the listening sockets, so 40 find both.
        answered = {int(httpx.get(base_url + api_server.WORKER_PATH).json()) for _ in range(40)}
    assert len(answered) == 2


def test_the_wait_does_not_end_while_a_worker_has_not_answered(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "bench.sqlite")
    try:
        app = api_server.app_over(str(store.path), api_server.service_over(store))
        with (
            api_server.in_thread(app) as base_url,
            pytest.raises(RuntimeError, match="1 of 2 server processes answered"),
        ):
            api_server.wait_for_workers(base_url, 2, timeout_s=1.0)
    finally:
        store.close()
