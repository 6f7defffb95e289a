"""The browser tests' world: a live server over a fresh SQLite file, two fictional parties
with their keys and agreement, and a console page wrapper that waits instead of sleeping."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import httpx
from playwright.sync_api import ConsoleMessage, Page, ViewportSize
from pydantic import SecretStr

from deconflict.api.app import create_app
from deconflict.api.settings import Settings
from deconflict.domain.agreement import Agreement, Disclosure, Mode, Silence
from deconflict.domain.party import Role
from deconflict.service.context import Service
from deconflict.service.parties import create_member, create_party, set_agreement
from deconflict.store.sqlite import SqliteStore
from tests.api.helpers import SECRET, RunningServer

NORTH = "Northland Army"
SOUTH = "Southmark Defence Force"
#: Southmark's depot in the fictional Lindqvist hills: a lopsided block, a 400 m buffer.
DEPOT = [[14.50, 47.10], [14.53, 47.102], [14.532, 47.121], [14.505, 47.118], [14.50, 47.10]]
DEPOT_CENTRE = (14.516, 47.11)
#: Where the planner draws: the east part of its circle runs into the depot's buffer.
FLIGHT_CENTRE = (14.49, 47.11)
FLIGHT_RADIUS_M = 2500
#: What the page may log without it being a fault: SwiftShader's notes on ReadPixels, and
#: chromium's line for every 4xx answer (refusals the page shows to the operator).
HARMLESS_CONSOLE = (
    "GL Driver Message",
    "GPU stall due to ReadPixels",
    "Failed to load resource: the server responded with a status of 4",
)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class ConsoleWorld:
    base_url: str
    service: Service
    keys: dict[tuple[str, Role], str]
    clients: list[httpx.Client] = field(default_factory=list)

    def key(self, party: str, role: Role) -> str:
        return self.keys[party, role]

    def client(self, party: str, role: Role) -> httpx.Client:
        made = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self.key(party, role)}"},
            timeout=30,
        )
        self.clients.append(made)
        return made

    def protect(
        self,
        party: str,
        name: str,
        ring: Any,
        *,
        upper_m: float,
        buffer_m: tuple[float, float] = (0, 0),
    ) -> dict[str, Any]:
        """The party's planner protects a zone from an hour ago to tomorrow, through the
        API; `buffer_m` is its (horizontal, vertical) buffer."""
        now = datetime.now(UTC)
        answer = self.client(party, Role.PLANNER).post(
            "/v1/zones",
            json={
                "name": name,
                "volumes": [
                    {
                        "footprint": {"type": "Polygon", "coordinates": [ring]},
                        "altitude_lower_m": 0,
                        "altitude_upper_m": upper_m,
                        "start": iso(now - timedelta(hours=1)),
                        "end": iso(now + timedelta(hours=30)),
                    }
                ],
                "buffer": {"horizontal_m": buffer_m[0], "vertical_m": buffer_m[1]},
            },
        )
        assert answer.status_code == 201, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def protect_depot(self) -> dict[str, Any]:
        """Southmark's planner protects its depot for the day."""
        return self.protect(SOUTH, "Lindqvist depot", DEPOT, upper_m=300, buffer_m=(400, 50))

    def fly(
        self, start: datetime, *, radius_m: float, hours: float, purpose: str, share: bool
    ) -> dict[str, Any]:
        """Northland's planner submits a flight over `FLIGHT_CENTRE`, through the API."""
        answer = self.client(NORTH, Role.PLANNER).post(
            "/v1/operations",
            json={
                "volumes": [
                    {
                        "footprint": {
                            "type": "Circle",
                            "center": list(FLIGHT_CENTRE),
                            "radius_m": radius_m,
                        },
                        "altitude_lower_m": 0,
                        "altitude_upper_m": 500,
                        "start": iso(start),
                        "end": iso(start + timedelta(hours=hours)),
                    }
                ],
                "purpose": purpose,
                "share_purpose": share,
            },
        )
        assert answer.status_code == 201, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def submit_flight(self) -> dict[str, Any]:
        """Northland's planner submits a survey flight into the depot's buffer."""
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        return self.fly(
            start, radius_m=FLIGHT_RADIUS_M, hours=2, purpose="survey flight", share=True
        )


@contextlib.contextmanager
def open_world(db: Path) -> Iterator[ConsoleWorld]:
    """A server on loopback (real clock: the page counts deadlines down in real time)."""
    store = SqliteStore(str(db))
    service = Service(store=store, pseudonym_secret=SECRET.encode())
    settings = Settings(database=str(db), pseudonym_secret=SecretStr(SECRET))
    try:
        with RunningServer.start(create_app(settings, service)) as server:
            north = create_party(service, NORTH)
            south = create_party(service, SOUTH)
            set_agreement(
                service,
                Agreement(north.id, south.id, Mode.CONSULT, 1800, Silence.BLOCK, Disclosure.NAME),
            )
            keys = {}
            for party in (north, south):
                for role in (Role.PLANNER, Role.LIAISON):
                    _, key = create_member(service, party.id, f"{party.name} {role} desk", role)
                    keys[party.name, role] = key
            world = ConsoleWorld(server.base_url, service, keys)
            try:
                yield world
            finally:
                for client in world.clients:
                    client.close()
    finally:
        store.close()


class ConsolePage:
    """One browser context on the console, with the waits the tests need."""

    def __init__(
        self, name: str, page: Page, base_url: str, artifacts: Path, poll_ms: int = 400
    ) -> None:
        self.name = name
        self.page = page
        self.base_url = base_url
        self.artifacts = artifacts
        self.problems: list[str] = []
        self.requests: list[str] = []
        # Polling stands in for the event stream when the server has none; a short poll
        # keeps the tests quick either way.
        page.add_init_script(f"globalThis.DECONFLICT_POLL_MS = {poll_ms};")
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', (e) =>"
            " console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));"
        )
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("request", lambda request: self.requests.append(request.url))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not any(h in message.text for h in HARMLESS_CONSOLE):
            self.problems.append(f"console error: {message.text}")

    def open(self) -> None:
        self.page.goto(self.base_url + "/")
        self.page.wait_for_selector("#map[data-ready]")

    def sign_in(self, key: str) -> None:
        self.page.fill("#api-key", key)
        self.page.click("#signin-form button[type=submit]")
        self.page.wait_for_selector("body[data-loaded]")

    def sign_out(self) -> None:
        self.page.click("#sign-out")
        self.page.wait_for_selector("#signin:not([hidden])")

    def tab(self, name: str) -> None:
        self.page.click(f"#tab-{name}")

    def look_at(self, lon: float, lat: float, zoom: float = 12.5) -> None:
        self.page.evaluate(
            # Braces: returning the map itself would make Playwright serialise all of it.
            "([lon, lat, zoom]) => {"
            " window.deconflictConsole.map.jumpTo({center: [lon, lat], zoom}); }",
            [lon, lat, zoom],
        )

    def click_map(self, lon: float, lat: float) -> None:
        point = self.page.evaluate(
            "([lon, lat]) => window.deconflictConsole.map.project([lon, lat])", [lon, lat]
        )
        box = self.page.locator("#map").bounding_box()
        assert box is not None
        self.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])

    def rendered(self, layer: str) -> int:
        count: int = self.page.evaluate(
            "(layer) => window.deconflictConsole.map.queryRenderedFeatures({layers: [layer]})"
            ".length",
            layer,
        )
        return count

    def wait_rendered(self, layer: str) -> None:
        """Until the map has drawn at least one feature of `layer` in view."""
        self.page.wait_for_function(
            "(layer) => window.deconflictConsole.map.queryRenderedFeatures({layers: [layer]})"
            ".length > 0",
            arg=layer,
        )

    def screenshot(self, step: str) -> None:
        self.page.screenshot(path=str(self.artifacts / f"{self.name}-{step}.png"))

    def close(self) -> None:
        self.page.context.close()


class NewPage(Protocol):
    def __call__(
        self, name: str, viewport: ViewportSize = ..., poll_ms: int = ...
    ) -> ConsolePage: ...
