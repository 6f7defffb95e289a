"""Options shared by commands, and how a command gets its settings and service."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from deconflict import errors
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
    try:
        return Settings(**given)  # type: ignore[arg-type]
    except ValidationError as wrong:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in wrong.errors()
        )
        raise errors.InvalidInput(f"bad settings (DECONFLICT_* or options): {problems}") from None


def service_for(database: str | None, *, create: bool = False) -> Service:
    """The service over the database named; a SQLite file must exist unless `create`.

    A mistyped path must not quietly become a new, empty database: `audit verify` would
    then call an empty record intact, and `party list` would show no parties.
    """
    settings = settings_for(database)
    if not create and not settings.uses_postgres and not Path(settings.database).exists():
        raise errors.StoreUnavailable(
            f"no database at {settings.database} (check --db or DECONFLICT_DATABASE; "
            "`deconflict party create` or `deconflict serve` starts a new one)"
        )
    return service_from_settings(settings)
