"""Settings of an API process: typed, read from `DECONFLICT_*` variables, each documented.

Built only where the app or the CLI is composed; tests construct `Settings(...)` directly.
docs/configuration.md lists every field, and a test fails when one is missing there.
"""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from deconflict.geometry.altitude import VerticalModel

#: Used only outside production, so a development instance works without set-up.
DEVELOPMENT_PSEUDONYM_SECRET = "deconflict-development-only-pseudonym-secret"  # noqa: S105
MIN_SECRET_CHARS = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DECONFLICT_", extra="forbid", frozen=True)

    database: str = Field(
        default="deconflict.sqlite",
        description=(
            "Where the data lives: a SQLite file path (created on first use), or a "
            "postgresql:// URL for several API processes sharing one database."
        ),
    )
    host: str = Field(default="127.0.0.1", description="Address the API server listens on.")
    port: int = Field(
        default=8080, ge=1, le=65535, description="TCP port the API server listens on."
    )
    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description=(
            "Largest request body accepted, in bytes; larger ones (chunked ones too) are "
            "refused with 413 before any parsing."
        ),
    )
    max_page_size: int = Field(
        default=500,
        ge=1,
        le=10_000,
        description="Largest `limit` a list endpoint accepts; the default page size is 50.",
    )
    production: bool = Field(
        default=False,
        description=("Run as a production instance: refuses to start without `pseudonym_secret`."),
    )
    pseudonym_secret: SecretStr | None = Field(
        default=None,
        description=(
            "Secret key (at least 32 characters) from which the stable pseudonyms of parties "
            "are derived. Required when `production` is set; keep it secret and never change "
            "it, or every pseudonym changes. Without it a fixed development secret is used."
        ),
    )
    terrain_min_m: float | None = Field(
        default=None,
        description=(
            "Lowest ground elevation (metres AMSL) in the area served; with `terrain_max_m` "
            "it enables AGL altitudes. Without both, AGL input is refused."
        ),
    )
    terrain_max_m: float | None = Field(
        default=None,
        description="Highest ground elevation (metres AMSL) in the area served; see terrain_min_m.",
    )
    purge_interval_s: float = Field(
        default=3600.0,
        ge=0.0,
        description=(
            "Seconds between purges of expired volumes and old idempotency answers by "
            "`deconflict serve`; 0 turns the schedule off."
        ),
    )

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.production and self.pseudonym_secret is None:
            raise ValueError("pseudonym_secret is required when production is set")
        secret = self.pseudonym_secret
        if secret is not None and len(secret.get_secret_value()) < MIN_SECRET_CHARS:
            raise ValueError(f"pseudonym_secret needs at least {MIN_SECRET_CHARS} characters")
        if (self.terrain_min_m is None) != (self.terrain_max_m is None):
            raise ValueError("terrain_min_m and terrain_max_m are set together or not at all")
        if (
            self.terrain_min_m is not None
            and self.terrain_max_m is not None
            and self.terrain_min_m > self.terrain_max_m
        ):
            raise ValueError("terrain_min_m is above terrain_max_m")
        return self

    @property
    def pseudonym_secret_bytes(self) -> bytes:
        secret = self.pseudonym_secret
        text = DEVELOPMENT_PSEUDONYM_SECRET if secret is None else secret.get_secret_value()
        return text.encode()

    @property
    def vertical_model(self) -> VerticalModel:
        return VerticalModel(self.terrain_min_m, self.terrain_max_m)

    @property
    def uses_postgres(self) -> bool:
        return self.database.startswith(("postgresql://", "postgres://"))
