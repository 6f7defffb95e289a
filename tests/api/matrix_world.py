"""A seeded world a whole test module shares: a real server over a real store, per backend.

The tests that use it only read, or act on objects seeded for them alone, so one world per
module and backend serves them all; `Scene` names every seeded object by its part in it.
Beside it: the store's row counts, where an overlap region lies, and a crawl of everything
a party can GET with the ids it may find there.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import httpx
import psycopg
import pytest
from pydantic import SecretStr

from deconflict.api.app import create_app
from deconflict.api.settings import Settings
from deconflict.domain.agreement import Disclosure, Mode, Silence
from deconflict.domain.audit import AuditKind
from deconflict.domain.party import Role, new_api_key
from deconflict.domain.webhook import DeliveryState, failed
from deconflict.service import outbox
from deconflict.service.clock import ManualClock
from deconflict.service.context import Service
from deconflict.store.interface import Store, Transaction
from deconflict.store.postgres import PostgresStore
from deconflict.store.records.bundle import RecordRepositories
from deconflict.store.sqlite import SqliteStore
from tests.api.conftest import MAX_BODY_BYTES
from tests.api.helpers import (
    SECRET,
    START,
    Party,
    RunningServer,
    World,
    at,
    rectangle,
    volume,
)

BACKENDS = ["sqlite", "postgres"]
SHARED_PURPOSE = "Escort of a fictional supply convoy along the river road"
HIDDEN_PURPOSE = "Fictional reconnaissance of the northern ford"


@dataclass
class Served:
    world: World
    store: Store
    service: Service
    #: Where PostgreSQL lives and which schema, for a second app on the same data.
    pg: tuple[str, str] | None


@contextlib.contextmanager
def served_world(backend: str, request: pytest.FixtureRequest, tmp: Path) -> Iterator[Served]:
    """A running API over a fresh store of `backend`, torn down afterwards."""
    store: Store
    pg: tuple[str, str] | None = None
    if backend == "sqlite":
        store = SqliteStore(tmp / "world.sqlite")
    else:
        pg_url: str = request.getfixturevalue("pg_url")
        schema = f"t_{uuid.uuid4().hex[:12]}"
        store = PostgresStore(pg_url, schema=schema)
        pg = (pg_url, schema)
    clock = ManualClock(START)
    service = Service(store=store, pseudonym_secret=SECRET.encode(), clock=clock)
    settings = Settings(
        database=str(tmp / "unused.sqlite"),
        pseudonym_secret=SecretStr(SECRET),
        max_body_bytes=MAX_BODY_BYTES,
    )
    try:
        with RunningServer.start(create_app(settings, service)) as server:
            world = World(server.base_url, service, clock)
            try:
                yield Served(world, store, service, pg)
            finally:
                world.close()
    finally:
        store.close()
        if pg is not None:
            with psycopg.connect(pg[0], autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{pg[1]}" CASCADE')


def table_counts(store: Store) -> dict[str, int]:
    """Rows in every table of the store, read through the store's own transaction."""

    def work(tx: Transaction) -> dict[str, int]:
        # The record repositories share the transaction's SQL session; borrow it.
        session = cast(RecordRepositories, tx).parties._session
        if isinstance(store, SqliteStore):
            names = session.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        else:
            names = session.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' "
                "ORDER BY table_name"
            )
        return {
            str(name): int(session.execute(f'SELECT COUNT(*) FROM "{name}"')[0][0])
            for (name,) in names
        }

    return store.read(work)


def audit_length(store: Store) -> int:
    head = store.read(lambda tx: tx.audit.head())
    return -1 if head is None else head.seq


@dataclass
class Scene:
    """The seeded objects, named by their part; every id is a string as the API gives it."""

    north: Party  # plans; owns the zone, operations, warning and member of the matrix
    south: Party  # consulted by the North, names disclosed
    relief: Party  # notified by the North, pseudonymous
    highmoor: Party  # notified by the North, pseudonymous: a second pseudonym viewer
    westmoor: Party  # agreement with the North, but nothing in common: unrelated
    zone_north: str
    zone_south: str
    zone_westmoor: str
    op_north: str  # runs into South, Relief and Highmoor zones; purpose shared
    op_hidden: str  # runs into the South zone; purpose not shared
    op_south: str  # runs into the North zone and op_north: the North is consulted
    op_westmoor: str
    consultation: str  # to the South about op_north
    consultation_north: str  # to the North about op_south
    warning: str  # raised by the North; alerts South and Relief
    warning_to_ack: str  # raised by the North; alerts only the South, for the matrix
    north_member: str  # a North member others may not touch
    spare_member: str  # a North member the North admin revokes in the matrix
    revoked_key: str
    unknown_key: str
    # Seeded for the owner's successful writes in the matrix, one use each.
    zone_to_revise: str
    zone_to_retire: str
    draft_to_revise: str
    draft_to_revise_ovn: str
    draft_to_submit: str
    draft_to_withdraw: str
    draft_to_cancel: str
    cleared_op: str
    active_op: str
    objected_op: str
    objected_op_ovn: str
    subscription: str  # the North's; nobody else may see it
    subscription_to_remove: str
    webhook: str  # the North's, with deliveries
    webhook_to_remove: str
    dead_delivery: str  # "<webhook>/deliveries/<delivery>": the path to replay it

    @property
    def parties(self) -> list[Party]:
        return [self.north, self.south, self.relief, self.highmoor, self.westmoor]


def _made(response: Any, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def seed(world: World) -> Scene:
    north = world.add_party("Northland Army")
    south = world.add_party("Southmark Defence Force")
    relief = world.add_party("Lakeside Relief Corps")
    highmoor = world.add_party("Highmoor Mountain Rescue")
    westmoor = world.add_party("Westmoor Border Guard")
    world.agree(north, south, Mode.CONSULT, Silence.CONSENT, Disclosure.NAME)
    world.agree(north, relief, Mode.NOTIFY, Silence.CONSENT, Disclosure.PSEUDONYM)
    world.agree(north, highmoor, Mode.NOTIFY, Silence.CONSENT, Disclosure.PSEUDONYM)
    world.agree(north, westmoor, Mode.CONSULT, Silence.BLOCK, Disclosure.PSEUDONYM)

    def zone(party: Party, name: str, box: tuple[float, float, float, float], **kw: Any) -> str:
        body = {"name": name, "volumes": [volume(rectangle(*box), **kw)]}
        return str(_made(party.planner.post("/v1/zones", json=body))["id"])

    def operation(party: Party, *volumes: dict[str, Any], **plan: Any) -> dict[str, Any]:
        return _made(party.planner.post("/v1/operations", json={"volumes": list(volumes), **plan}))

    zone_south = zone(south, "Southmark depot", (10.00, 45.00, 10.10, 45.04), upper_m=300)
    zone(relief, "Relief camp", (10.12, 45.00, 10.20, 45.04), upper_m=300)
    zone(highmoor, "Rescue base", (10.22, 45.00, 10.30, 45.04), upper_m=300)
    zone_north = zone(
        north, "Northland barracks", (10.40, 45.10, 10.50, 45.15), upper_m=1000, end_h=10
    )
    zone_westmoor = zone(westmoor, "Border post", (12.50, 47.50, 12.60, 47.54))
    op_north = operation(
        north,
        volume(rectangle(10.05, 45.02, 10.25, 45.08), lower_m=100, upper_m=400),
        priority=40,
        purpose=SHARED_PURPOSE,
        share_purpose=True,
    )
    assert op_north["state"] == "in_consultation", op_north
    assert op_north["notified"] == 2, op_north
    op_hidden = operation(
        north,
        volume(rectangle(10.02, 45.01, 10.04, 45.03), lower_m=50, upper_m=150),
        purpose=HIDDEN_PURPOSE,
    )
    op_south = operation(
        south,
        volume(rectangle(10.45, 45.12, 10.60, 45.20), lower_m=200, upper_m=600, end_h=5),
        volume(rectangle(10.06, 45.05, 10.09, 45.07), lower_m=300, upper_m=500, start_h=3, end_h=5),
        purpose="Fictional patrol",
    )
    assert len(op_south["conflicts"]) == 2, op_south
    op_westmoor = operation(westmoor, volume(rectangle(12.52, 47.51, 12.58, 47.56)))
    hazard = {
        "volume": volume(rectangle(10.0, 44.99, 10.21, 45.045), upper_m=1000, start_h=1, end_h=5),
        "severity": "danger",
        "message": "Fictional hazard: unexploded ordnance reported",
    }
    warning = _made(north.liaison.post("/v1/warnings", json=hazard))

    def addressed(party: Party, op: str) -> str:
        items = party.liaison.get("/v1/consultations", params={"limit": 500}).json()["items"]
        (found,) = [c["id"] for c in items if c["operation"]["operation_id"] == op]
        return str(found)

    # Seeded for the owner's writes in the matrix: far from everything above.
    far = volume(rectangle(14.0, 50.0, 14.05, 50.03))
    drafts = [operation(north, far, draft=True) for _ in range(4)]
    cleared = operation(north, volume(rectangle(14.2, 50.0, 14.25, 50.03)))
    active = operation(north, volume(rectangle(14.3, 50.0, 14.35, 50.03)))
    assert (cleared["state"], active["state"]) == ("cleared", "cleared")
    _made(north.planner.post(f"/v1/operations/{active['id']}/activate"), 200)
    zone(south, "Southmark outpost", (17.0, 53.0, 17.1, 53.05))
    objected = operation(north, volume(rectangle(17.05, 53.02, 17.2, 53.1)))
    objection = {"kind": "object", "text": "Fictional: our outpost is manned"}
    _made(
        south.liaison.post(
            f"/v1/consultations/{addressed(south, objected['id'])}/responses", json=objection
        )
    )
    assert north.planner.get(f"/v1/operations/{objected['id']}").json()["state"] == "objected"
    hazard_two = {**hazard, "volume": volume(rectangle(16.9, 52.9, 17.3, 53.2))}
    warning_to_ack = _made(north.liaison.post("/v1/warnings", json=hazard_two))
    spare = world.add_member(north, Role.PLANNER)
    revoked = world.add_member(north, Role.PLANNER)
    _made(north.admin.delete(f"/v1/members/{revoked.id}/key"), 200)
    area = {"name": "Fictional area", "volumes": [far], "channels": ["stream"]}
    subscriptions = [
        str(_made(north.liaison.post("/v1/subscriptions", json=area))["id"]) for _ in range(2)
    ]
    hooks = [
        str(_made(north.liaison.post("/v1/webhooks", json={"url": url}))["id"])
        for url in ("https://hooks.northland.example/a", "https://hooks.northland.example/b")
    ]
    return Scene(
        north=north,
        south=south,
        relief=relief,
        highmoor=highmoor,
        westmoor=westmoor,
        zone_north=zone_north,
        zone_south=zone_south,
        zone_westmoor=zone_westmoor,
        op_north=str(op_north["id"]),
        op_hidden=str(op_hidden["id"]),
        op_south=str(op_south["id"]),
        op_westmoor=str(op_westmoor["id"]),
        consultation=addressed(south, op_north["id"]),
        consultation_north=addressed(north, op_south["id"]),
        warning=str(warning["id"]),
        warning_to_ack=str(warning_to_ack["id"]),
        north_member=north.member(Role.VIEWER).id,
        spare_member=spare.id,
        revoked_key=revoked.key,
        unknown_key=new_api_key(os.urandom(32)),
        zone_to_revise=zone(north, "To revise", (14.5, 50.0, 14.6, 50.05)),
        zone_to_retire=zone(north, "To retire", (14.7, 50.0, 14.8, 50.05)),
        draft_to_revise=str(drafts[0]["id"]),
        draft_to_revise_ovn=str(drafts[0]["ovn"]),
        draft_to_submit=str(drafts[1]["id"]),
        draft_to_withdraw=str(drafts[2]["id"]),
        draft_to_cancel=str(drafts[3]["id"]),
        cleared_op=str(cleared["id"]),
        active_op=str(active["id"]),
        objected_op=str(objected["id"]),
        objected_op_ovn=str(objected["ovn"]),
        subscription=subscriptions[0],
        subscription_to_remove=subscriptions[1],
        webhook=hooks[0],
        webhook_to_remove=hooks[1],
        dead_delivery=f"{hooks[0]}/deliveries/{dead_delivery(world.service, hooks[0])}",
    )


def dead_delivery(service: Service, webhook_id: str) -> str:
    """A delivery to the webhook that ran out of attempts, made without sending anything."""
    outbox.make_deliveries(service, escalate_from_sends=3)

    def work(tx: Transaction) -> str:
        (first, *_) = tx.webhooks.deliveries_of(
            webhook_id, states=[DeliveryState.PENDING], after=None, limit=1
        )
        tx.webhooks.put_delivery(failed(first, 503, "HTTP 503", None, service.clock.now()))
        return first.id

    return service.write(work)


# Where an overlap region lies: its bounding box, heights and window.

Box = tuple[float, float, float, float]


def bounds(region: dict[str, Any]) -> Box:
    points: list[list[float]] = []

    def walk(node: Any) -> None:
        if isinstance(node, list) and node and isinstance(node[0], int | float):
            points.append(node)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(region["footprint"]["coordinates"])
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def inside(inner: Box, outer: Box, slack: float = 1e-6) -> bool:
    return (
        inner[0] >= outer[0] - slack
        and inner[1] >= outer[1] - slack
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


def within(
    region: dict[str, Any], box: Box, band: tuple[float, float], hours: tuple[int, int]
) -> bool:
    return (
        inside(bounds(region), box)
        and band[0] <= region["altitude_lower_m"] <= region["altitude_upper_m"] <= band[1]
        and at(hours[0]) <= region["start"][:19] + "Z"
        and region["end"][:19] + "Z" <= at(hours[1])
    )


# What a party can reach by GET, and which ids it may find there.


@dataclass
class Truth:
    """Every id in the store, whose it is, and which parties may see it."""

    owner_of: dict[str, str] = field(default_factory=dict)  # id -> description
    allowed: dict[str, set[str]] = field(default_factory=dict)  # party id -> ids


def find_truth(served: Served) -> Truth:
    def work(tx: Transaction) -> Truth:
        truth = Truth()
        parties = tx.parties.all()
        for p in parties:
            mine = truth.allowed.setdefault(p.id, set())
            found: list[tuple[str, str]] = [(p.id, "party id")]
            found += [(m.id, "member") for m in tx.members.of_party(p.id)]
            found += [(z.id, "zone") for z in tx.zones.of_party(p.id, after=None, limit=10_000)]
            ops = tx.operations.of_party(p.id, after=None, limit=10_000)
            found += [(o.id, "operation") for o in ops]
            found += [
                (w.id, "warning") for w in tx.warnings.raised_by(p.id, after=None, limit=10_000)
            ]
            found += [(x.id, "subscription") for x in tx.subscriptions.of_party(p.id)]
            hooks = tx.webhooks.of_party(p.id)
            found += [(h.id, "webhook") for h in hooks]
            for h in hooks:
                deliveries = tx.webhooks.deliveries_of(
                    h.id, states=list(DeliveryState), after=None, limit=10_000
                )
                found += [(d.id, "delivery") for d in deliveries]
            # Subscriptions and webhooks it removed live on in its own record only.
            own_config = tx.audit.for_party(p.id, after_seq=-1, limit=10_000)
            found += [
                (link.entry.subject.split(":", 1)[1], "removed configuration")
                for link in own_config
                if link.entry.kind is AuditKind.SUBSCRIPTION and link.entry.party_id == p.id
            ]
            for o in ops:  # the record of its own operations: who was asked stays hidden
                found += [(c.id, "consultation") for c in tx.consultations.of_operation(o.id)]
                found += [(n.id, "notice") for n in tx.consultations.notices_of_operation(o.id)]
            for entity, what in found:
                truth.owner_of[entity] = f"{what} of {p.name}"
                mine.add(entity)
            for c in tx.consultations.of_party(p.id, after=None, limit=10_000):
                mine |= {c.id, c.operation_id}
            for n in tx.consultations.notices_of_party(p.id, after=None, limit=10_000):
                mine |= {n.id, n.operation_id}
            mine |= {w.id for w in tx.warnings.alerting(p.id, after=None, limit=10_000)}
        return truth

    return served.store.read(work)


def crawl(client: httpx.Client) -> list[tuple[str, Any]]:
    """Every GET body the party can reach by following its own lists."""
    got: list[tuple[str, Any]] = []

    def get(path: str, **params: Any) -> Any:
        response = client.get(path, params=params)
        assert response.status_code == 200, (path, response.text)
        got.append((f"GET {path}", response.json()))
        return response.json()

    get("/v1/me")
    get("/v1/agreements")
    for zone in get("/v1/zones", limit=500)["items"]:
        get(f"/v1/zones/{zone['id']}")
    for op in get("/v1/operations", limit=500)["items"]:
        get(f"/v1/operations/{op['id']}")
    for item in (
        get("/v1/consultations", limit=500)["items"] + get("/v1/notices", limit=500)["items"]
    ):
        if "kind" not in item:
            get(f"/v1/consultations/{item['id']}")
        get(f"/v1/operations/{item['operation']['operation_id']}")
    for scope in ("raised", "received"):
        for warning in get("/v1/warnings", scope=scope, limit=500)["items"]:
            get(f"/v1/warnings/{warning['id']}")
    for subscription in get("/v1/subscriptions", limit=500)["items"]:
        get(f"/v1/subscriptions/{subscription['id']}")
    for hook in get("/v1/webhooks", limit=500)["items"]:
        get(f"/v1/webhooks/{hook['id']}")
        get(f"/v1/webhooks/{hook['id']}/deliveries", limit=500)
    after = -1
    while after is not None:
        after = get("/v1/audit", after=after, limit=500)["next_after"]
    return got


def strings(node: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from strings(v, f"{pointer}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from strings(v, f"{pointer}/{i}")
    elif isinstance(node, str):
        yield pointer, node


def general_pointer(pointer: str, body: Any) -> str:
    """The pointer with list positions left out; an audit entry's kind is named."""
    parts = pointer.split("/")
    if len(parts) > 3 and parts[1] == "items" and isinstance(body, dict) and "next_after" in body:
        parts[2] = f"*(kind={body['items'][int(parts[2])]['kind']})"
    return "/".join("*" if p.isdigit() else p for p in parts)
