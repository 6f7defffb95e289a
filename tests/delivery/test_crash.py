"""Delivery that survives kill -9: real server processes, a real receiver, a real stream.

Each test seeds a database, runs `deconflict serve` as a separate process, kills it with
SIGKILL while events are pending, starts it again, and checks that every event reached the
stream reader and the webhook receiver exactly once per event id, and that deadlines are
applied on time across the restart, and once when two processes share PostgreSQL.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from deconflict.domain.agreement import Agreement, Disclosure, Mode, Silence
from deconflict.domain.party import Role
from deconflict.service import parties
from deconflict.service.context import Service
from deconflict.store.interface import Store
from deconflict.store.postgres import PostgresStore
from deconflict.store.sqlite import SqliteStore
from tests.api.sse import EventStream
from tests.delivery.receiver import Receiver
from tests.delivery.servers import ServerProcess, free_port

SECRET = b"a-pseudonym-secret-for-crash-tests-0123456789"


@dataclass(frozen=True)
class Keys:
    north_planner: str
    relief_planner: str
    relief_liaison: str


def _seed(store: Store, deadline_s: int = 3600, silence: Silence = Silence.CONSENT) -> Keys:
    svc = Service(store, SECRET)
    north = parties.create_party(svc, "Northmere Air Wing")
    relief = parties.create_party(svc, "Valecrest Relief")
    parties.set_agreement(
        svc,
        Agreement(north.id, relief.id, Mode.CONSULT, deadline_s, silence, Disclosure.PSEUDONYM),
    )
    keys = [
        parties.create_member(svc, party.id, f"{role} member", role)[1]
        for party, role in (
            (north, Role.PLANNER),
            (relief, Role.PLANNER),
            (relief, Role.LIAISON),
        )
    ]
    return Keys(*keys)


def _window(minutes_ahead: float = 60) -> tuple[str, str]:
    start = datetime.now(UTC) + timedelta(minutes=minutes_ahead)
    return start.isoformat(), (start + timedelta(hours=1)).isoformat()


def _hospital(client: httpx.Client) -> None:
    start, _ = _window(0)
    end = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    zone = {
        "name": "Field hospital",
        "volumes": [
            {
                "footprint": {"type": "Circle", "center": [23.60, 41.90], "radius_m": 300},
                "altitude_lower_m": 0,
                "altitude_upper_m": 2000,
                "start": start,
                "end": end,
            }
        ],
        "buffer": {"horizontal_m": 500},
    }
    assert client.post("/v1/zones", json=zone).status_code == 201


def _flight(client: httpx.Client, n: int) -> httpx.Response:
    start, end = _window()
    plan = {
        "volumes": [
            {
                "footprint": {
                    "type": "Circle",
                    "center": [23.60 + n * 0.0001, 41.90],
                    "radius_m": 400,
                },
                "altitude_lower_m": 0,
                "altitude_upper_m": 300,
                "start": start,
                "end": end,
            }
        ],
        "purpose": f"supply flight {n}",
    }
    return client.post("/v1/operations", json=plan)


def _client(server: ServerProcess, key: str) -> httpx.Client:
    return httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=10
    )


def _record_ids(server: ServerProcess, key: str) -> list[int]:
    with _client(server, key) as client:
        items: list[dict[str, Any]] = client.get("/v1/audit?limit=500").json()["items"]
    return [int(e["seq"]) for e in items]


class Collector:
    """Reads the party's stream across server restarts, resuming with Last-Event-ID."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def drain(self, server: ServerProcess, key: str, until: set[int], timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        last = str(self.ids[-1]) if self.ids else "-1"
        with _client(server, key) as client, EventStream(client, last_event_id=last) as stream:
            while not until <= set(self.ids) and time.monotonic() < deadline:
                try:
                    frame = stream.next(timeout_s=2)
                except (EOFError, TimeoutError, Exception):
                    return
                if frame.id is not None:
                    self.ids.append(int(frame.id))

    def read_until_killed(self, server: ServerProcess, key: str) -> threading.Thread:
        def run() -> None:
            self.drain(server, key, until={-2}, timeout_s=120)  # never satisfied: until EOF

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread


def test_kill_9_with_events_pending_loses_and_doubles_nothing(tmp_path: Path) -> None:
    database = str(tmp_path / "crash.sqlite")
    store = SqliteStore(database)
    keys = _seed(store)
    store.close()
    port = free_port()
    log = tmp_path / "server.log"

    with Receiver(fail_first=12) as receiver:
        server = ServerProcess(database, port, log)
        with _client(server, keys.relief_liaison) as liaison:
            made = liaison.post("/v1/webhooks", json={"url": receiver.url, "description": "ops"})
            assert made.status_code == 201, made.text
            receiver.secret = made.json()["secret"]
        with _client(server, keys.relief_planner) as planner:
            _hospital(planner)
        collector = Collector()
        reader = collector.read_until_killed(server, keys.relief_liaison)
        with _client(server, keys.north_planner) as north:
            for n in range(12):
                assert _flight(north, n).status_code == 201
        # Events committed, deliveries retrying against a failing receiver: now die.
        before_kill = _event_ids(receiver)
        server.kill()
        reader.join(timeout=10)
        assert collector.ids, "the stream saw nothing before the kill"

        server = ServerProcess(database, port, log)
        try:
            with _client(server, keys.north_planner) as north:
                for n in range(12, 16):
                    assert _flight(north, n).status_code == 201
            record = _record_ids(server, keys.relief_liaison)
            collector.drain(server, keys.relief_liaison, until=set(record), timeout_s=30)
            since_webhook = [i for i in record if i >= _registration_id(server, keys)]
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if _event_ids(receiver) >= set(since_webhook):
                    break
                time.sleep(0.2)
        finally:
            server.stop()

    # The stream: every event of the record, in order, none twice, across the restart.
    assert collector.ids == record
    # The webhook: every event since it was registered, each under one delivery id.
    by_event: dict[int, set[str]] = defaultdict(set)
    for arrival in receiver.accepted():
        by_event[int(json.loads(arrival.body)["id"])].add(arrival.webhook_id)
    assert set(by_event) == set(since_webhook)
    assert len(before_kill) < len(since_webhook) - 4, "nothing was pending at the kill"
    assert all(len(ids) == 1 for ids in by_event.values())
    assert receiver.refusals == 0
    # A receipt can be doubled only by a kill between the receiver's answer and the commit
    # that records it; those are bounded by what one process sends at a time.
    doubled = len(receiver.received_ids()) - len(set(receiver.received_ids()))
    assert doubled <= 8


def _registration_id(server: ServerProcess, keys: Keys) -> int:
    with _client(server, keys.relief_liaison) as client:
        items = client.get("/v1/audit?limit=500").json()["items"]
    return min(int(e["seq"]) for e in items if str(e["subject"]).startswith("webhook:"))


def _event_ids(receiver: Receiver) -> set[int]:
    return {int(json.loads(a.body)["id"]) for a in receiver.accepted()}


def _expired(store: Store) -> list[str]:
    """Subjects of the "expired" entries in the whole log (the operator's view)."""

    def work(tx: Any) -> list[str]:
        return [
            e.subject
            for e in tx.audit.all(after_seq=-1, limit=10_000)
            if e.data.get("event") == "expired"
        ]

    return store.read(work)


def test_a_deadline_passed_while_no_process_ran_is_applied_at_start(tmp_path: Path) -> None:
    database = str(tmp_path / "deadline.sqlite")
    store = SqliteStore(database)
    keys = _seed(store, deadline_s=3, silence=Silence.BLOCK)
    store.close()
    port = free_port()
    log = tmp_path / "server.log"
    server = ServerProcess(database, port, log)
    with _client(server, keys.relief_planner) as planner:
        _hospital(planner)
    with _client(server, keys.north_planner) as north:
        op = _flight(north, 0).json()
    assert op["state"] == "in_consultation"
    server.kill()
    time.sleep(4)  # the deadline passes with no process running
    server = ServerProcess(database, port, log)
    try:
        deadline = time.monotonic() + 10
        store = SqliteStore(database)
        try:
            while not _expired(store) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert len(_expired(store)) == 1
        finally:
            store.close()
        with _client(server, keys.north_planner) as north:
            assert north.get(f"/v1/operations/{op['id']}").json()["state"] == "objected"
    finally:
        server.stop()


@pytest.mark.postgres
def test_two_processes_on_postgresql_apply_each_deadline_once(
    tmp_path: Path, pg_url: str, pg_schema: str
) -> None:
    store = PostgresStore(pg_url, schema=pg_schema)
    keys = _seed(store, deadline_s=2, silence=Silence.CONSENT)
    database = f"{pg_url}?options=-csearch_path%3D{pg_schema}"
    log = tmp_path / "servers.log"
    servers = [ServerProcess(database, free_port(), log) for _ in range(2)]
    try:
        with _client(servers[0], keys.relief_planner) as planner:
            _hospital(planner)
        flights = 10
        for n in range(flights):
            with _client(servers[n % 2], keys.north_planner) as north:
                assert _flight(north, n).status_code == 201
        deadline = time.monotonic() + 20
        while len(_expired(store)) < flights and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)  # a second application, if there were one, would show by now
        expired = _expired(store)
        assert len(expired) == flights
        assert len(set(expired)) == flights  # each consultation once
    finally:
        for server in servers:
            server.stop()
        store.close()
