"""Options shared by commands, and how a command gets its settings and service."""

from __future__ import annotations

from typing import Annotated

import typer

from deconflict.api.compose import service_from_settings
from deconflict.api.settings import Settings
from deconflict.service.context import Service

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="SQLite file path or postgresql:// URL (default: DECONFLICT_DATABASE, "
        "else deconflict.sqlite).",
    ),
]


def settings_for(database: str | None, **overrides: object) -> Settings:
    """Settings from DECONFLICT_* variables, with what the command line says on top."""
    given = {k: v for k, v in overrides.items() if v is not None}
    if database is not None:
        given["database"] = database
    return Settings(**given)  # type: ignore[arg-type]


def service_for(database: str | None) -> Service:
    return service_from_settings(settings_for(database))
