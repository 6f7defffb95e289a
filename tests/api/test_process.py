"""A server process's app: built from settings, and the cycle collector set up for serving."""

from __future__ import annotations

import gc
from pathlib import Path

from pydantic import SecretStr

from deconflict.api.process import YOUNG_GENERATION_THRESHOLD, server_app
from deconflict.api.settings import Settings
from tests.api.helpers import SECRET


def test_a_server_app_readies_the_collector_before_it_serves(sqlite_path: Path) -> None:
    thresholds = gc.get_threshold()
    gc.unfreeze()
    try:
        app = server_app(Settings(database=str(sqlite_path), pseudonym_secret=SecretStr(SECRET)))
        try:
            assert gc.get_freeze_count() > 0
            # The app and its routes are frozen: no generation a collection walks holds them.
            tracked = {id(o) for o in gc.get_objects()}
            assert id(app) not in tracked
            assert all(id(route) not in tracked for route in app.router.routes)
            # The youngest generation is collected less often; the older ones as before.
            assert gc.get_threshold() == (YOUNG_GENERATION_THRESHOLD, *thresholds[1:])
        finally:
            app.state.deps.service.store.close()
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
