"""`deconflict serve`: API and console on one HTTP server, with the delivery loop and purge."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from deconflict.api.app import create_app
from deconflict.api.compose import loop_settings, service_from_settings
from deconflict.api.settings import Settings
from deconflict.cli.options import DatabaseOption, settings_for
from deconflict.delivery.loop import DeliveryLoop
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
    delivery = DeliveryLoop(service, loop_settings(settings)) if settings.deliver else None
    if delivery is not None:
        delivery.start()
    try:
        uvicorn.run(
            create_app(settings, service),
            host=settings.host,
            port=settings.port,
            log_level="info",
            access_log=False,
            # Event streams never end by themselves: do not wait on them for long.
            timeout_graceful_shutdown=5,
        )
    finally:
        if delivery is not None:
            delivery.stop()
        if schedule is not None:
            schedule.stop()
        service.store.close()
