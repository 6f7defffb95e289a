"""`deconflict demo`: a fresh SQLite file, the fictional scenario over HTTP, then serve."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import httpx
import typer
import uvicorn
from rich.console import Console
from rich.panel import Panel

from deconflict import errors
from deconflict.api.app import create_app
from deconflict.api.compose import loop_settings, service_from_settings
from deconflict.api.process import HTTP_PROTOCOL
from deconflict.cli.options import settings_for
from deconflict.delivery.loop import DeliveryLoop
from deconflict.demo import Enrolled, enrol
from deconflict.demo_play import play
from deconflict.domain.party import Role
from deconflict.store.sqlite import SqliteStore, is_demo_file, mark_demo_file

console = Console()


class RichNarrator:
    """Tells the story on the terminal: one panel a step, what each party sees and not."""

    def step(self, number: int, title: str) -> None:
        console.print()
        console.print(Panel(title, title=f"step {number}", title_align="left", style="bold"))

    def sees(self, party: str, lines: list[str]) -> None:
        console.print(f"  [cyan]{party}[/cyan] sees:")
        for line in lines:
            console.print(f"    • {line}", highlight=False)

    def hidden(self, party: str, lines: list[str]) -> None:
        console.print(f"  [magenta]{party}[/magenta] does not see:")
        for line in lines:
            console.print(f"    ✗ {line}", highlight=False)


def demo(
    db: Annotated[
        Path,
        typer.Option(
            "--db", help="SQLite file to create afresh; an existing one only if a demo made it."
        ),
    ] = Path("deconflict-demo.sqlite"),
    port: Annotated[
        int | None,
        typer.Option(help="Port to serve on after the play (default: DECONFLICT_PORT, else 8080)."),
    ] = None,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Keep serving after the play.")
    ] = True,
) -> None:
    """Play the fictional scenario step by step over the real HTTP API."""
    if db.exists() and not is_demo_file(db):
        # `--db deconflict.sqlite` must not wipe the database `serve` keeps by default.
        raise errors.InvalidInput(
            f"{db} exists and was not made by the demo, which replaces only its own files: "
            "choose another --db, or move that file away yourself"
        )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    settings = settings_for(str(db), host="127.0.0.1")
    port = settings.port if port is None else port
    service = service_from_settings(settings)
    if isinstance(service.store, SqliteStore):
        mark_demo_file(service.store)
    cast = enrol(service)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, service),
            host="127.0.0.1",
            # Without --serve any free port will do: nothing outlives the play.
            port=port if serve else 0,
            log_level="warning",
            access_log=False,
            http=HTTP_PROTOCOL,
            timeout_graceful_shutdown=5,
        )
    )
    # As `deconflict serve` does: deadlines, warning re-sends and webhooks while it runs.
    delivery = DeliveryLoop(service, loop_settings(settings))
    delivery.start()
    thread = threading.Thread(target=server.run, name="deconflict-demo-server", daemon=True)
    thread.start()
    try:
        base_url = _wait_until_serving(server, thread, port if serve else 0)
        anchor = (datetime.now(UTC) + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
        with _Clients(base_url) as clients:
            played = play(clients.for_key, cast, anchor, RichNarrator())
        console.print()
        console.print(f"[green]demo complete[/green]: {len(played.steps)} steps played")
        if serve:
            _show_keys(base_url, cast)
            while thread.is_alive():
                thread.join(0.5)
    except KeyboardInterrupt:
        console.print("stopping")
    finally:
        server.should_exit = True
        thread.join(10)
        delivery.stop()
        service.store.close()


class _Clients:
    """One HTTP client per API key, all closed together."""

    def __init__(self, base_url: str) -> None:
        self._base_url = base_url
        self._clients: list[httpx.Client] = []

    def for_key(self, api_key: str) -> httpx.Client:
        client = httpx.Client(
            base_url=self._base_url, timeout=30.0, headers={"Authorization": f"Bearer {api_key}"}
        )
        self._clients.append(client)
        return client

    def __enter__(self) -> _Clients:
        return self

    def __exit__(self, *_: object) -> None:
        for client in self._clients:
            client.close()


def _wait_until_serving(server: uvicorn.Server, thread: threading.Thread, port: int) -> str:
    deadline = time.monotonic() + 15.0
    while not server.started:
        if not thread.is_alive():
            # uvicorn has logged why (most often: another program holds the port).
            raise errors.ServerFailed(
                f"the demo could not listen on 127.0.0.1:{port} (see above); "
                "choose a free port with --port, or DECONFLICT_PORT for make demo"
            )
        if time.monotonic() > deadline:
            raise RuntimeError("the demo server did not start within 15 s")
        time.sleep(0.02)
    sockets = [s for srv in server.servers for s in srv.sockets]
    host, port = sockets[0].getsockname()[:2]
    return f"http://{host}:{port}"


def _show_keys(base_url: str, cast: Enrolled) -> None:
    console.print(
        f"\nserving the API at [bold]{base_url}[/bold] (docs: {base_url}/docs); Ctrl-C to stop."
    )
    console.print(
        f"open the console at [bold]{base_url}/[/bold] and sign in with a key below "
        "(a planner plans, a liaison answers the inbox and warnings). Demo keys:"
    )
    for (party, role), key in cast.keys.items():
        label = f"{party} ({role})"
        console.print(f"  {label:<40} {key}", highlight=False, soft_wrap=True)
    planner = cast.key("Northmere Air Wing", Role.PLANNER)
    console.print(
        f"\ntry: curl -H 'Authorization: Bearer {planner}' {base_url}/v1/operations",
        highlight=False,
        soft_wrap=True,
    )
