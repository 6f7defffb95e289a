"""A write whose client left while it waited for the writers' turn is not run at all.

A real server on loopback over each store: the test holds the writers' turn with a write of
its own through the same store, a client sends a submission that queues behind it, closes
its connection, and only then is the turn let go.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import Request
from pydantic import SecretStr

from deconflict.api.app import create_app
from deconflict.api.settings import Settings
from deconflict.domain.ids import MemberId
from deconflict.domain.party import Role
from deconflict.service.context import Service
from deconflict.store.sqlite import SqliteStore
from tests.api.helpers import SECRET, Party, RunningServer, World, circle, volume
from tests.writer_turn import WAIT_S, HeldTurn, until, waiting_writers

#: Overlaps the Southmark zone made by `_south_zone`: North and South consult each other.
PLAN = {"volumes": [volume(circle(9.5, 45.5, 700))], "purpose": "Survey flight"}
KEY = "survey-after-a-timeout"


class LeavingClient:
    """A client on a raw socket: sends its whole request, then gives up and closes."""

    def __init__(self, server: RunningServer, api_key: str, path: str, body: Any) -> None:
        self.server = server
        where = urlsplit(server.base_url)
        assert where.hostname is not None
        assert where.port is not None
        payload = json.dumps(body).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {where.netloc}\r\n"
            f"Authorization: Bearer {api_key}\r\nContent-Type: application/json\r\n"
            f"Idempotency-Key: {KEY}\r\nContent-Length: {len(payload)}\r\n\r\n"
        )
        self.sock = socket.create_connection((where.hostname, where.port))
        self.address = self.sock.getsockname()
        self.sock.sendall(head.encode() + payload)

    def leave(self) -> None:
        """Close, and return once the server has seen it and its loop has turned since."""
        self.sock.close()
        connections = self.server.server.server_state.connections
        until(
            lambda: all(getattr(c, "client", None) != self.address for c in list(connections)),
            "the server saw the client go",
        )
        # The departure is noted a step of the event loop after the connection is dropped;
        # a request answered on the loop since (a 404 needs no thread) comes after it.
        assert httpx.get(f"{self.server.base_url}/no-such-page").status_code == 404


def _settled(server: RunningServer) -> None:
    """Return once the server runs no request: the one whose client left has its outcome."""
    tasks = server.server.server_state.tasks
    until(lambda: not tasks, "the server's requests are over")


class StayingClient:
    """A connected client's submission, sent from a thread; it waits for its answer."""

    def __init__(self, client: httpx.Client, body: Any) -> None:
        self._answers: list[httpx.Response] = []
        self._thread = threading.Thread(
            target=lambda: self._answers.append(client.post("/v1/operations", json=body))
        )
        self._thread.start()

    def answer(self) -> httpx.Response:
        self._thread.join(WAIT_S * 2)
        assert len(self._answers) == 1, "no answer came"
        return self._answers[0]


def _south_zone(world: World) -> Party:
    south = world.parties["Southmark Defence Force"]
    zone = {"name": "Forward base", "volumes": [volume(circle(9.51, 45.5, 500))]}
    assert south.planner.post("/v1/zones", json=zone).status_code == 201
    return south


def _audit_count(world: World) -> int:
    return len(world.service.read(lambda tx: tx.audit.all(after_seq=-1, limit=10_000)))


def _record_of(world: World, party: Party) -> int:
    """How many entries the party's record (its stream and webhooks' outbox) holds."""
    entries = world.service.read(lambda tx: tx.audit.for_party(party.id, after_seq=-1, limit=1000))
    return len(entries)


def test_a_write_whose_client_left_while_it_waited_is_not_run(
    world: World, server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    north = world.parties["Northland Army"]
    south = _south_zone(world)
    planner = north.member(Role.PLANNER)
    audited, south_record = _audit_count(world), _record_of(world, south)
    store = world.service.store
    caplog.set_level(logging.WARNING, logger="deconflict.service.caller")
    with HeldTurn(store):
        client = LeavingClient(server, planner.key, "/v1/operations", PLAN)
        until(lambda: waiting_writers(store) == 1, "the submission waits for its turn")
        client.leave()
    _settled(server)
    # Nothing stored, recorded or told; the key is as unused as the work is undone.
    assert north.planner.get("/v1/operations").json()["items"] == []
    assert _audit_count(world) == audited
    assert _record_of(world, south) == south_record
    assert south.liaison.get("/v1/consultations").json()["items"] == []
    kept = world.service.read(lambda tx: tx.idempotency.get(MemberId(planner.id), KEY))
    assert kept is None
    logged = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("POST /v1/operations: write not run") for m in logged), logged
    # The client's retry does the work, once, as a first request does.
    again = north.planner.post("/v1/operations", json=PLAN, headers={"Idempotency-Key": KEY})
    assert again.status_code == 201, again.text
    assert "idempotent-replayed" not in again.headers
    assert len(north.planner.get("/v1/operations").json()["items"]) == 1
    assert len(south.liaison.get("/v1/consultations").json()["items"]) == 1
    assert _record_of(world, south) > south_record


def test_a_write_whose_client_stays_is_run_when_its_turn_comes(world: World) -> None:
    north = world.parties["Northland Army"]
    south = _south_zone(world)
    planner = north.planner  # made now: making a member is a write, which would queue
    store = world.service.store
    with HeldTurn(store):
        staying = StayingClient(planner, PLAN)
        until(lambda: waiting_writers(store) == 1, "the submission waits for its turn")
    assert staying.answer().status_code == 201
    assert len(north.planner.get("/v1/operations").json()["items"]) == 1
    assert len(south.liaison.get("/v1/consultations").json()["items"]) == 1


def test_writes_queued_with_one_whose_client_left_are_run(
    world: World, server: RunningServer
) -> None:
    """On SQLite the three wait in one queue, and whichever of their threads takes the turn
    first runs all three as one group: each write carries its own caller's check."""
    north = world.parties["Northland Army"]
    _south_zone(world)
    store = world.service.store
    member = north.member(Role.PLANNER)  # made now: making a member is a write, which would queue
    with HeldTurn(store):
        first = StayingClient(member.client, {**PLAN, "purpose": "Stayed 0"})
        until(lambda: waiting_writers(store) == 1, "the first waits")
        client = LeavingClient(server, member.key, "/v1/operations", {**PLAN, "purpose": "Left"})
        until(lambda: waiting_writers(store) == 2, "the one that leaves waits")
        second = StayingClient(member.client, {**PLAN, "purpose": "Stayed 1"})
        until(lambda: waiting_writers(store) == 3, "all three wait")
        client.leave()
    assert [first.answer().status_code, second.answer().status_code] == [201, 201]
    _settled(server)
    purposes = sorted(o["purpose"] for o in north.planner.get("/v1/operations").json()["items"])
    assert purposes == ["Stayed 0", "Stayed 1"]


def test_a_route_that_listens_for_its_client_still_hears_it_leave(sqlite_path: Path) -> None:
    """The watch takes nothing the app reads: a `receive` after the body gets the departure."""
    settings = Settings(database=str(sqlite_path), pseudonym_secret=SecretStr(SECRET))
    store = SqliteStore(sqlite_path)
    heard = threading.Event()

    async def listening(request: Request) -> None:
        await request.body()
        for _ in range(int(WAIT_S / 0.01)):
            if await request.is_disconnected():
                heard.set()
                return
            await asyncio.sleep(0.01)

    try:
        app = create_app(settings, Service(store=store, pseudonym_secret=SECRET.encode()))
        app.post("/listening")(listening)
        with RunningServer.start(app) as server:
            LeavingClient(server, "no-key-needed", "/listening", {}).leave()
            assert heard.wait(WAIT_S)
    finally:
        store.close()
