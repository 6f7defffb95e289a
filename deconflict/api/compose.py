"""Composition from settings: the store and the service an API process (or the CLI) runs on."""

from __future__ import annotations

from deconflict.api.settings import Settings
from deconflict.service.context import Service
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
