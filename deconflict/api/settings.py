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
#: The longest wait before a re-send (30 days): any longer is no re-send, and in
#: microseconds it must stay far inside the store's 64-bit integers.
MAX_RESEND_WAIT_S = 30 * 24 * 3600


class Settings(BaseSettings):
    # Finite numbers only: `inf` parses as a float (also from a variable) and passes every
    # `gt`, but no wait, lease or schedule can be built from it.
    model_config = SettingsConfigDict(
        env_prefix="DECONFLICT_", extra="forbid", frozen=True, allow_inf_nan=False
    )

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
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description=(
            "Server processes `deconflict serve` runs on one port. A process runs Python on "
            "one core at a time: give a busy server one per core. Writers still queue for "
            "the database, but parsing, authentication and conflict searches run side by "
            "side; each process also runs the delivery loop and the purge schedule."
        ),
    )
    request_threads: int = Field(
        default=40,
        ge=1,
        le=1000,
        description=(
            "Threads of one server process that run requests' use cases. Python runs one "
            "of them at a time: with many, a slow request holds up nobody, but requests "
            "contend for the interpreter and a writer's turn in the database stretches "
            "while others run; with 1, and a process per core (`workers`), each process "
            "works on one request at a time and writes go fastest."
        ),
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
            "Seconds between housekeeping rounds of `deconflict serve`: purges of expired "
            "volumes and old answers, renewals of standing zones; 0 turns the schedule off."
        ),
    )
    deliver: bool = Field(
        default=True,
        description=(
            "Run the delivery loop in `deconflict serve`: consultation deadlines, warning "
            "re-sends and webhook deliveries. Every process may run it; the database makes "
            "sure each deadline, re-send and delivery is acted on once."
        ),
    )
    delivery_poll_s: float = Field(
        default=1.0,
        gt=0.0,
        le=60.0,
        description=(
            "Seconds between looks at the database for work committed by other processes "
            "(deadlines, events, deliveries); this process's own commits wake it at once."
        ),
    )
    max_streams_per_key: int = Field(
        default=4,
        ge=1,
        le=100,
        description="Event streams (GET /v1/events) one API key may hold open.",
    )
    stream_keepalive_s: float = Field(
        default=15.0,
        gt=0.0,
        le=300.0,
        description=(
            "Seconds between keep-alive comments on an idle event stream; a revoked key's "
            "stream ends at the next one."
        ),
    )
    webhook_allow_loopback: bool = Field(
        default=False,
        description=(
            "Accept webhook URLs on loopback addresses (http or https), for tests and local "
            "receivers. Private, link-local and other non-public addresses stay refused."
        ),
    )
    webhook_timeout_s: float = Field(
        default=10.0, gt=0.0, le=60.0, description="Seconds a webhook endpoint has to answer."
    )
    webhook_workers: int = Field(
        default=8, ge=1, le=64, description="Webhook deliveries one process sends at a time."
    )
    webhook_lease_s: float = Field(
        default=60.0,
        gt=0.0,
        description=(
            "Seconds a process holds a delivery it is sending; if it dies, another takes the "
            "delivery up after this. Keep it above webhook_timeout_s."
        ),
    )
    webhook_retry_base_s: float = Field(
        default=5.0, gt=0.0, description="Seconds before the first retry of a failed delivery."
    )
    webhook_retry_factor: float = Field(
        default=4.0, ge=1.0, description="Each next retry waits this many times longer."
    )
    webhook_retry_max_s: float = Field(
        default=3600.0, gt=0.0, description="The longest wait between two attempts, in seconds."
    )
    webhook_max_attempts: int = Field(
        default=8,
        ge=1,
        le=50,
        description="Attempts before a delivery is dead-lettered (listed and replayable).",
    )
    warning_resend_s: list[int] = Field(
        default=[120, 300, 600, 900],
        min_length=1,
        # The store looks for due re-sends with one query branch per wait.
        max_length=50,
        description=(
            "Seconds an unacknowledged alert waits before each re-send: the first value "
            "before the first re-send, and so on; the last value repeats until the warning "
            "is acknowledged or over. At most 50 values, each up to 30 days. As JSON in the "
            "variable, e.g. [60,120]."
        ),
    )
    warning_escalate_from_send: int = Field(
        default=3,
        ge=2,
        description=(
            "From this send of an alert on (the first send counts as 1), it is escalated: "
            "also posted to the party's escalation webhooks."
        ),
    )

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.production and self.pseudonym_secret is None:
            raise ValueError("pseudonym_secret is required when production is set")
        secret = self.pseudonym_secret
        if secret is not None and len(secret.get_secret_value()) < MIN_SECRET_CHARS:
            raise ValueError(f"pseudonym_secret needs at least {MIN_SECRET_CHARS} characters")
        if any(not 0 < wait <= MAX_RESEND_WAIT_S for wait in self.warning_resend_s):
            raise ValueError(
                f"warning_resend_s takes positive numbers of seconds, at most {MAX_RESEND_WAIT_S}"
            )
        if self.webhook_lease_s <= self.webhook_timeout_s:
            raise ValueError("webhook_lease_s must be longer than webhook_timeout_s")
        if self.webhook_retry_base_s > self.webhook_retry_max_s:
            raise ValueError(
                "webhook_retry_base_s (the first wait) must not exceed webhook_retry_max_s "
                "(the longest)"
            )
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
