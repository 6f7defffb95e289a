"""`deconflict serve`: API and console on one HTTP server, with the delivery loop and purge."""

from __future__ import annotations

import os
from typing import Annotated

import typer
import uvicorn

from deconflict.api.process import WORKER_FACTORY, server_app, settings_environment
from deconflict.api.settings import Settings
from deconflict.cli.options import DatabaseOption, settings_for


def serve(
    db: DatabaseOption = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="TCP port to listen on.")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Server processes on the port (one per core).")
    ] = None,
) -> None:
    """Serve the REST API (docs at /docs) until interrupted."""
    run_server(settings_for(db, host=host, port=port, workers=workers))


def run_server(settings: Settings) -> None:
    options: dict[str, object] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": "info",
        "access_log": False,
        # Event streams never end by themselves: do not wait on them for long.
        "timeout_graceful_shutdown": 5,
    }
    if settings.workers == 1:
        uvicorn.run(server_app(settings), **options)  # type: ignore[arg-type]
        return
    # Each worker is a fresh interpreter that builds its app from the environment.
    os.environ.update(settings_environment(settings))
    uvicorn.run(WORKER_FACTORY, factory=True, workers=settings.workers, **options)  # type: ignore[arg-type]
