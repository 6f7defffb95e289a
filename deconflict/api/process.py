"""A server process: the app, and the background duties that live and end with it.

`deconflict serve` runs one such process, or several on one port (`workers`, see
`deconflict.api.workers`): each worker starts afresh and builds itself from `DECONFLICT_*`
variables, which the command sets from the settings it resolved (`settings_environment`).
"""

from __future__ import annotations

import gc
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pydantic import SecretStr

from deconflict.api.app import create_app
from deconflict.api.compose import loop_settings, service_from_settings
from deconflict.api.settings import Settings
from deconflict.delivery.loop import DeliveryLoop
from deconflict.service.context import Service
from deconflict.service.maintenance import PurgeSchedule

#: How uvicorn reads and writes HTTP/1.1 in every server of ours (`deconflict serve`, the
#: demo, the tests' and the benchmarks'): httptools, a C parser. Its other choice, h11, is
#: pure Python, parsing each request and validating each answer's headers on the thread
#: that shares the interpreter lock with the request's use case: with httptools the servers
#: of a small world spent 11-24% less CPU (docs/performance.md; at 1M stored the gain is
#: lost in the search's cost). Named once so that the tests serve as production does.
HTTP_PROTOCOL = "httptools"


class ServerDuties:
    """The delivery loop and the purge schedule of one process, and its store's closing."""

    def __init__(self, service: Service, settings: Settings) -> None:
        self._service = service
        self._settings = settings
        self._schedule: PurgeSchedule | None = None
        self._delivery: DeliveryLoop | None = None

    @asynccontextmanager
    async def lifespan(self, app: FastAPI) -> AsyncIterator[None]:
        del app
        self.start()
        try:
            yield
        finally:
            self.stop()

    def start(self) -> None:
        if self._settings.purge_interval_s > 0:
            self._schedule = PurgeSchedule(self._service, self._settings.purge_interval_s)
            self._schedule.start()
        if self._settings.deliver:
            self._delivery = DeliveryLoop(self._service, loop_settings(self._settings))
            self._delivery.start()

    def stop(self) -> None:
        if self._delivery is not None:
            self._delivery.stop()
        if self._schedule is not None:
            self._schedule.stop()
        self._service.store.close()


def server_app(settings: Settings) -> FastAPI:
    """The app of one server process, its duties started and stopped by its lifespan."""
    service = service_from_settings(settings)
    app = create_app(settings, service, lifespan=ServerDuties(service, settings).lifespan)
    ready_collector()
    return app


#: Objects (net of those freed) a server process allocates before the cycle collector walks
#: its youngest generation. At Python's 700 it walked a busy submission's hits and their
#: overlaps (~5,000 objects at a hot spot, kept until the write ends) several times each
#: and moved them into the older generations to be walked again: ~0.6 ms of a hot-spot
#: submission (docs/performance.md). A request's objects are freed by reference counting
#: as it ends, so at this threshold the collector runs only where cyclic garbage builds up.
YOUNG_GENERATION_THRESHOLD = 20_000


def ready_collector() -> None:
    """Set the cycle collector up for serving: once per process, when the app is built.

    What was built so far (modules, routes, schemas, the store) lives as long as the
    process, yet every full collection walked it all: ~55 ms each at 1M stored under
    load, a stall for whatever request it interrupted (the writer holding the lock, say).
    Frozen, it is skipped (~20 ms each). And the youngest generation is collected less
    often (`YOUNG_GENERATION_THRESHOLD`).
    """
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, oldest)


def settings_environment(settings: Settings) -> dict[str, str]:
    """`DECONFLICT_*` variables from which `Settings()` builds these very settings."""
    env: dict[str, str] = {}
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if value is None:
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        structured = isinstance(value, bool | list | tuple | dict)
        env[f"DECONFLICT_{name.upper()}"] = json.dumps(value) if structured else str(value)
    return env
