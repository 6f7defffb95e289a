"""Which stores a benchmark runs on: those asked for, less PostgreSQL when it is down."""

from __future__ import annotations

import psycopg
from rich.console import Console


def postgres_reachable(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def chosen_backends(choice: str, pg_url: str, out: Console) -> list[str] | None:
    """The backends for `--backend` (`sqlite`, `postgres` or `both`); None when PostgreSQL
    alone was asked for and cannot be reached. With `both`, an unreachable PostgreSQL is
    said and left out."""
    backends = ["sqlite", "postgres"] if choice == "both" else [choice]
    if "postgres" in backends and not postgres_reachable(pg_url):
        if choice == "postgres":
            out.print(f"[red]PostgreSQL is not reachable at {pg_url}[/]")
            return None
        out.print(f"[yellow]PostgreSQL is not reachable at {pg_url}; SQLite only[/]")
        backends.remove("postgres")
    return backends
