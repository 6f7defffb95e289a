"""Submissions racing over HTTP: none misses another, none is lost, the audit chain holds.

Eight threads submit at the same instant (a barrier per round), every operation overlapping
every other in space, altitude and time; then each operation's planner view must record a
conflict with exactly the operations committed before it, in audit order.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from deconflict.api.app import create_app
from deconflict.api.settings import Settings
from deconflict.domain.agreement import Disclosure, Mode, Silence
from deconflict.domain.party import Role
from deconflict.service.clock import ManualClock
from deconflict.service.context import Service
from deconflict.service.verification import verify_audit
from deconflict.store.interface import Store, Transaction
from deconflict.store.postgres import PostgresStore
from deconflict.store.sqlite import SqliteStore
from tests.api.helpers import SECRET, START, Party, RunningServer, World, rectangle, volume
from tests.delivery.servers import ServerProcess, free_port
from tests.real_clock import tomorrow_morning

THREADS = 8
ROUNDS = 4
#: Which party each thread plans for: two consult each other; one has no agreement, so it
#: is notified by default and notifies the others.
THREAD_PARTIES = ["alpha", "alpha", "alpha", "bravo", "bravo", "bravo", "charlie", "charlie"]


def racing_volume(j: int, origin: datetime = START) -> dict[str, Any]:
    """The j-th of a family that all share a core: lon 30.031–30.2, lat 50.016–50.1,
    131–500 m, and part of every window; each one asymmetric and a little different."""
    box = rectangle(30.0 + 0.001 * j, 50.0 + 0.0005 * j, 30.2 + 0.002 * j, 50.1 + 0.001 * j)
    return volume(
        box,
        lower_m=100 + j,
        upper_m=500 + 10 * j,
        start_h=2 + 0.01 * j,
        end_h=4 + 0.01 * j,
        origin=origin,
    )


@dataclass
class Racers:
    parties: dict[str, Party]

    @classmethod
    def enrol(cls, world: World) -> Racers:
        alpha = world.add_party("Alpha Fictional Brigade")
        bravo = world.add_party("Bravo Fictional Wing")
        charlie = world.add_party("Charlie Fictional Survey")
        world.agree(alpha, bravo, Mode.CONSULT, Silence.CONSENT, Disclosure.NAME)
        return cls({"alpha": alpha, "bravo": bravo, "charlie": charlie})


def race(racers: Racers, base_urls: list[str], origin: datetime = START) -> dict[str, str]:
    """Every thread submits one operation per round, all at once; op id -> party key.

    Thread t talks to base_urls[t % len(base_urls)], so several servers share the work;
    volumes lie a few hours after `origin`, which must be ahead of the servers' clock.
    """
    for party in racers.parties.values():
        party.member(Role.PLANNER)  # made before the race, not during it
    barrier = threading.Barrier(THREADS)
    made: dict[str, str] = {}
    failures: list[str] = []
    lock = threading.Lock()

    def run(thread: int) -> None:
        party_key = THREAD_PARTIES[thread]
        key = racers.parties[party_key].member(Role.PLANNER).key
        url = base_urls[thread % len(base_urls)]
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
            for r in range(ROUNDS):
                plan = {
                    "volumes": [racing_volume(r * THREADS + thread, origin)],
                    "purpose": f"r{r}",
                }
                try:
                    barrier.wait(timeout=60)
                    got = client.post("/v1/operations", json=plan)
                except Exception as error:
                    with lock:
                        failures.append(f"thread {thread} round {r}: {error!r}")
                    barrier.abort()
                    return
                with lock:
                    if got.status_code == 201:
                        made[got.json()["id"]] = party_key
                    else:
                        failures.append(f"thread {thread}: {got.status_code} {got.text}")

    threads = [threading.Thread(target=run, args=(t,)) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not failures, failures
    assert len(made) == THREADS * ROUNDS
    return made


def _all(client: httpx.Client, path: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 7}  # several pages
    while True:
        page = client.get(path, params=params).json()
        items += page["items"]
        if page["next_cursor"] is None:
            return items
        params["cursor"] = page["next_cursor"]


def commit_order(service: Service, made: dict[str, str]) -> list[str]:
    """The operations in the order they committed: their creation entries' global sequence.

    Read from the store, since a party's own record numbers its entries for itself alone.
    """

    def work(tx: Transaction) -> dict[str, int]:
        created: dict[str, int] = {}
        after = -1
        while page := tx.audit.all(after_seq=after, limit=500):
            for entry in page:
                kind, _, subject = entry.subject.partition(":")
                if kind == "operation" and subject in made and subject not in created:
                    created[subject] = entry.seq
            after = page[-1].seq
        return created

    created = service.read(work)
    assert set(created) == set(made)
    return sorted(made, key=created.__getitem__)


def check_after_race(racers: Racers, made: dict[str, str], service: Service) -> None:
    parties = racers.parties
    # No write lost: each party lists exactly the operations it was answered 201 for.
    for key, party in parties.items():
        listed = {o["id"] for o in _all(party.viewer, "/v1/operations")}
        assert listed == {op for op, owner in made.items() if owner == key}, key
    order = commit_order(service, made)
    consults = {"alpha": "bravo", "bravo": "alpha"}
    missed: list[str] = []
    for rank, op in enumerate(order):
        owner = made[op]
        view = parties[owner].viewer.get(f"/v1/operations/{op}").json()
        hits = [c for c in view["conflicts"] if c["kind"] == "operation"]
        earlier = order[:rank]
        own_earlier = {e for e in earlier if made[e] == owner}
        if len(hits) != rank or {c["target_id"] for c in hits} - {None} != own_earlier:
            missed.append(f"{op} (#{rank}, {owner}): {len(hits)} conflicts for {rank} before")
        asked = {c["party"] for c in view["consultations"]}
        expected = {
            parties[consults[owner]].name
            for e in earlier
            if owner in consults and made[e] == consults[owner]
        }
        if asked != expected:
            missed.append(f"{op} (#{rank}, {owner}): consulted {asked}, expected {expected}")
        # Without an agreement, the default is to notify (pseudonymously).
        told = {made[e] for e in earlier} - {owner, consults.get(owner)}
        if view["notified"] != len(told):
            missed.append(f"{op} (#{rank}, {owner}): notified {view['notified']}, not {told}")
    assert not missed, "\n".join(missed)
    assert verify_audit(service) is None


def test_racing_submissions_miss_nothing(world: World, service: Service) -> None:
    racers = Racers.enrol(world)
    made = race(racers, [world.base_url])
    check_after_race(racers, made, service)


@pytest.fixture
def second_server(
    pg_url: str, pg_schema: str, tmp_path: Path
) -> Iterator[tuple[World, Service, str]]:
    """Two API instances, each with its own store and service, on one PostgreSQL schema."""
    yield from two_instances([PostgresStore(pg_url, schema=pg_schema) for _ in range(2)], tmp_path)


@pytest.fixture
def second_sqlite_server(tmp_path: Path) -> Iterator[tuple[World, Service, str]]:
    """Two API instances on one SQLite file: each store opens the file and the writer lock
    file on its own, as two processes do, so they queue for the lock file like processes."""
    path = tmp_path / "shared.sqlite"
    yield from two_instances([SqliteStore(path) for _ in range(2)], tmp_path)


def two_instances(stores: list[Store], tmp_path: Path) -> Iterator[tuple[World, Service, str]]:
    clock = ManualClock(START)
    services = [Service(store=s, pseudonym_secret=SECRET.encode(), clock=clock) for s in stores]
    settings = Settings(
        database=str(tmp_path / "unused.sqlite"), pseudonym_secret=SecretStr(SECRET)
    )
    try:
        with (
            RunningServer.start(create_app(settings, services[0])) as first,
            RunningServer.start(create_app(settings, services[1])) as second,
        ):
            world = World(first.base_url, services[0], clock)
            try:
                yield world, services[1], second.base_url
            finally:
                world.close()
    finally:
        for s in stores:
            s.close()


def test_two_api_instances_on_one_sqlite_file_miss_nothing(
    second_sqlite_server: tuple[World, Service, str],
) -> None:
    world, other_service, other_url = second_sqlite_server
    racers = Racers.enrol(world)
    made = race(racers, [world.base_url, other_url])
    check_after_race(racers, made, other_service)


def test_serve_with_two_worker_processes_on_one_sqlite_file_misses_nothing(
    tmp_path: Path,
) -> None:
    """`deconflict serve --workers 2` for real: two processes answer, their writers queue
    on the lock file, and the race's every check holds."""
    path = tmp_path / "served.sqlite"
    store = SqliteStore(path)
    clock = ManualClock(START)
    service = Service(store=store, pseudonym_secret=SECRET.encode(), clock=clock)
    log = tmp_path / "serve.log"
    server = ServerProcess(
        str(path),
        free_port(),
        log,
        env={"DECONFLICT_WORKERS": "2", "DECONFLICT_PSEUDONYM_SECRET": SECRET},
    )
    world = World(server.base_url, service, clock)
    try:
        racers = Racers.enrol(world)
        # The served processes run on the real clock, not on the test's.
        made = race(racers, [server.base_url], tomorrow_morning())
        check_after_race(racers, made, service)
    finally:
        world.close()
        server.stop()
        store.close()
    assert log.read_text().count("Started server process") == 2


def test_two_api_instances_on_one_postgres_miss_nothing(
    second_server: tuple[World, Service, str],
) -> None:
    world, other_service, other_url = second_server
    racers = Racers.enrol(world)
    made = race(racers, [world.base_url, other_url])
    check_after_race(racers, made, other_service)
    # The other instance's store reads what the first instance's writes committed too.
    assert verify_audit(world.service) is None
