"""`deconflict serve`: the API (and later the console) on one HTTP server."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from deconflict.api.app import create_app
from deconflict.api.compose import service_from_settings
from deconflict.api.settings import Settings
from deconflict.cli.options import DatabaseOption, settings_for
from deconflict.service.maintenance import PurgeSchedule


def serve(
    db: DatabaseOption = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="TCP port to listen on.")] = None,
) -> None:
    """Serve the REST API (docs at /docs) until interrupted."""
    run_server(settings_for(db, host=host, port=port))


def run_server(settings: Settings) -> None:
    service = service_from_settings(settings)
    schedule = None
    if settings.purge_interval_s > 0:
        schedule = PurgeSchedule(service, settings.purge_interval_s)
        schedule.start()
    try:
        uvicorn.run(
            create_app(settings, service),
            host=settings.host,
            port=settings.port,
            log_level="info",
            access_log=False,
        )
    finally:
        if schedule is not None:
            schedule.stop()
        service.store.close()
