"""Composition from settings: the store and the service an API process (or the CLI) runs on."""

from __future__ import annotations

from deconflict.api.settings import Settings
from deconflict.delivery.backoff import RetryPolicy
from deconflict.delivery.loop import LoopSettings
from deconflict.service.context import Service
from deconflict.service.resending import ResendPolicy
from deconflict.store.interface import Store
from deconflict.store.postgres import PostgresStore
from deconflict.store.sqlite import SqliteStore


def open_store(settings: Settings) -> Store:
    model = settings.vertical_model
    if settings.uses_postgres:
        return PostgresStore(settings.database, model=model)
    return SqliteStore(settings.database, model=model)


def service_from_settings(settings: Settings, store: Store | None = None) -> Service:
    """The service over `store`, or over the store the settings name."""
    return Service(
        store=open_store(settings) if store is None else store,
        pseudonym_secret=settings.pseudonym_secret_bytes,
        model=settings.vertical_model,
    )


def loop_settings(settings: Settings) -> LoopSettings:
    """How the delivery loop of a server process runs, from the settings."""
    return LoopSettings(
        poll_s=settings.delivery_poll_s,
        lease_s=settings.webhook_lease_s,
        timeout_s=settings.webhook_timeout_s,
        workers=settings.webhook_workers,
        allow_loopback=settings.webhook_allow_loopback,
        retry=RetryPolicy(
            base_s=settings.webhook_retry_base_s,
            factor=settings.webhook_retry_factor,
            max_delay_s=settings.webhook_retry_max_s,
            max_attempts=settings.webhook_max_attempts,
        ),
        resend=ResendPolicy(
            schedule_s=tuple(settings.warning_resend_s),
            escalate_from_sends=settings.warning_escalate_from_send,
        ),
    )
