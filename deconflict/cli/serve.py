"""`deconflict serve`: API and console on one HTTP server, with the delivery loop and purge."""

from __future__ import annotations

from typing import Annotated, Any

import typer
import uvicorn

from deconflict.api.process import HTTP_PROTOCOL, server_app
from deconflict.api.settings import Settings
from deconflict.api.workers import run_workers
from deconflict.cli.options import DatabaseOption, settings_for


def serve(
    db: DatabaseOption = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="TCP port to listen on.")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Server processes on the port (one per core).")
    ] = None,
    threads: Annotated[
        int | None,
        typer.Option(help="Threads per process running requests (1: fastest writes)."),
    ] = None,
) -> None:
    """Serve the REST API (docs at /docs) until interrupted."""
    run_server(settings_for(db, host=host, port=port, workers=workers, request_threads=threads))


def run_server(settings: Settings) -> None:
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": "info",
        "access_log": False,
        "http": HTTP_PROTOCOL,
        # Event streams never end by themselves: do not wait on them for long.
        "timeout_graceful_shutdown": 5,
    }
    if settings.workers == 1:
        uvicorn.run(server_app(settings), **options)
    else:
        run_workers(settings, options)
