"""The pieces API tests are built from: a running server, seeded parties, volumes as JSON."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel

from deconflict.api.problems import PROBLEM_MEDIA_TYPE
from deconflict.api.process import HTTP_PROTOCOL
from deconflict.domain.agreement import Agreement, Disclosure, Mode, Silence
from deconflict.domain.ids import PartyId
from deconflict.domain.party import Role
from deconflict.geometry import Footprint, parse_footprint
from deconflict.service import parties
from deconflict.service.clock import ManualClock
from deconflict.service.context import Service

SECRET = "a-pseudonym-secret-for-tests-only-0123456789"
#: The scenario's "now"; every volume lies a few hours after it.
START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
DEADLINE_S = 600
M = TypeVar("M", bound=BaseModel)


def at(hours: float, origin: datetime = START) -> str:
    return (origin + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def rectangle(lon_lo: float, lat_lo: float, lon_hi: float, lat_hi: float) -> dict[str, Any]:
    """Asymmetric on purpose: a swapped lon/lat lands somewhere else entirely."""
    ring = [
        [lon_lo, lat_lo],
        [lon_hi, lat_lo],
        [lon_hi, lat_hi],
        [lon_lo, lat_hi],
        [lon_lo, lat_lo],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def rectangle_footprint(lon_lo: float, lat_lo: float, lon_hi: float, lat_hi: float) -> Footprint:
    return parse_footprint(rectangle(lon_lo, lat_lo, lon_hi, lat_hi), "")


def volume(
    footprint: dict[str, Any],
    *,
    lower_m: float = 0,
    upper_m: float = 500,
    start_h: float = 2,
    end_h: float = 4,
    origin: datetime = START,
) -> dict[str, Any]:
    return {
        "footprint": footprint,
        "altitude_lower_m": lower_m,
        "altitude_upper_m": upper_m,
        "start": at(start_h, origin),
        "end": at(end_h, origin),
    }


def circle(lon: float, lat: float, radius_m: float) -> dict[str, Any]:
    return {"type": "Circle", "center": [lon, lat], "radius_m": radius_m}


@dataclass
class RunningServer:
    base_url: str
    server: uvicorn.Server
    thread: threading.Thread

    @classmethod
    @contextlib.contextmanager
    def start(cls, app: FastAPI) -> Iterator[RunningServer]:
        # IPPROTO_TCP named outright: asyncio sets TCP_NODELAY only on sockets that say so,
        # and without it every answer waits 40 ms on the client's delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            app,
            log_level="warning",
            ws="none",
            http=HTTP_PROTOCOL,
            lifespan="off",
            access_log=False,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the API server did not start")
            time.sleep(0.01)
        try:
            yield cls(f"http://127.0.0.1:{port}", server, thread)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            sock.close()


@dataclass
class Member:
    id: str
    role: Role
    key: str
    client: httpx.Client


class Party:
    """A seeded party; a member of each role is made (through the service) when first used."""

    def __init__(self, world: World, party_id: PartyId, name: str) -> None:
        self.world = world
        self.id = party_id
        self.name = name
        self.members: dict[Role, Member] = {}

    def member(self, role: Role) -> Member:
        if role not in self.members:
            self.members[role] = self.world.add_member(self, role)
        return self.members[role]

    @property
    def planner(self) -> httpx.Client:
        return self.member(Role.PLANNER).client

    @property
    def liaison(self) -> httpx.Client:
        return self.member(Role.LIAISON).client

    @property
    def admin(self) -> httpx.Client:
        return self.member(Role.ADMIN).client

    @property
    def viewer(self) -> httpx.Client:
        return self.member(Role.VIEWER).client


class World:
    """Parties seeded through the service, and an HTTP client per member."""

    def __init__(self, base_url: str, service: Service, clock: ManualClock) -> None:
        self.base_url = base_url
        self.service = service
        self.clock = clock
        self.parties: dict[str, Party] = {}
        self._clients: list[httpx.Client] = []

    def add_party(self, name: str, authority_area: Footprint | None = None) -> Party:
        made = parties.create_party(self.service, name, authority_area)
        party = Party(self, made.id, made.name)
        self.parties[name] = party
        return party

    def add_member(self, party: Party, role: Role) -> Member:
        member, key = parties.create_member(self.service, party.id, f"{role} of {party.name}", role)
        return Member(member.id, role, key, self.client(key))

    def client(self, key: str | None = None) -> httpx.Client:
        headers = {} if key is None else {"Authorization": f"Bearer {key}"}
        client = httpx.Client(base_url=self.base_url, headers=headers, timeout=30)
        self._clients.append(client)
        return client

    def agree(
        self, a: Party, b: Party, mode: Mode, silence: Silence, disclosure: Disclosure
    ) -> None:
        parties.set_agreement(
            self.service, Agreement(a.id, b.id, mode, DEADLINE_S, silence, disclosure)
        )

    def advance(self, seconds: float) -> None:
        self.clock.advance(timedelta(seconds=seconds))

    def close(self) -> None:
        for client in self._clients:
            client.close()


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The one problem shape: RFC 9457 members, our type URI, the problem media type."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body: dict[str, Any] = response.json()
    assert body["type"] == f"/problems/{code}"
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert "instance" not in body
    return body


def validated(model: type[M], response: httpx.Response, status: int = 200) -> M:
    """The body, checked against the response model the route declares."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    return model.model_validate_json(response.text)
