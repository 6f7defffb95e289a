"""The world bench/id_timing.py asks about: a caller, and others' entities it may not see.

The Northmere Army makes every request. Southmark plans near Lakeside Relief's and
Highmoor Rescue's zones, so its operations consult Relief and notify Highmoor; it raises
warnings over them, subscribes, and registers webhooks that hold deliveries, dead ones
among them. Northmere has an entity of each kind of its own, far from everyone, and is
told of nothing. Parties, members and agreements are made through the service, the rest
over HTTP as a client would; polygons have `vertices` positions, as drawn zones do.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bench import api_server
from deconflict.api.pagination import encode_cursor
from deconflict.domain.agreement import Agreement, Disclosure, Mode, Silence
from deconflict.domain.ids import PartyId
from deconflict.domain.party import Role
from deconflict.domain.webhook import DeliveryState, failed
from deconflict.service import outbox, parties
from deconflict.service.context import Service
from deconflict.store.interface import Transaction

Json = dict[str, Any]
DEADLINE_S = 3600


def ring(lon: float, lat: float, radius_deg: float, vertices: int) -> list[list[float]]:
    """A closed ring of `vertices` positions on an ellipse (longitude axis the longer)."""
    corners = max(vertices, 4) - 1
    points = [
        [
            lon + radius_deg * math.cos(2 * math.pi * k / corners),
            lat + 0.6 * radius_deg * math.sin(2 * math.pi * k / corners),
        ]
        for k in range(corners)
    ]
    return [*points, points[0]]


def volume(lon: float, lat: float, radius_deg: float, vertices: int, hours: float = 1) -> Json:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=hours)
    return {
        "footprint": {"type": "Polygon", "coordinates": [ring(lon, lat, radius_deg, vertices)]},
        "altitude_lower_m": 0,
        "altitude_upper_m": 1500,
        "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end": (start + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def sibling(entity_id: str) -> str:
    """An id nobody holds, beside `entity_id`: its last hex digit moved by 8."""
    return entity_id[:-1] + format((int(entity_id[-1], 16) + 8) % 16, "x")


@dataclass
class World:
    keys: dict[Role, str]  # the caller's members
    own_webhook: str
    others: dict[str, list[str]] = field(default_factory=dict)  # kind -> ids
    ovns: dict[str, str] = field(default_factory=dict)  # others' operation -> its OVN
    deliveries: list[tuple[str, str]] = field(default_factory=list)  # (webhook, delivery)


@dataclass(frozen=True)
class Probe:
    """One endpoint, asked as the caller's `key`; pairs of (another party's, unknown) path."""

    name: str
    method: str
    template: str
    key: str
    pairs: list[tuple[str, str]]
    status: int = 404
    body: Json | None = None
    headers: dict[str, str] = field(default_factory=dict)


def _made(answer: httpx.Response) -> Json:
    if answer.status_code not in (200, 201):
        raise RuntimeError(f"seeding failed: {answer.status_code} {answer.text[:300]}")
    made: Json = answer.json()
    return made


def _members(svc: Service, party: PartyId, roles: list[Role]) -> dict[Role, str]:
    return {role: parties.create_member(svc, party, f"{role} desk", role)[1] for role in roles}


def seed(base_url: str, database: str, schema: str | None, *, vertices: int, count: int) -> World:
    store = api_server.open_store(database, schema)
    try:
        svc = api_server.service_over(store)
        north, south, relief, highmoor = (
            parties.create_party(svc, name).id
            for name in (
                "Northmere Army",
                "Southmark Defence Force",
                "Lakeside Relief Corps",
                "Highmoor Mountain Rescue",
            )
        )
        for a, b, mode in (
            (south, relief, Mode.CONSULT),
            (south, highmoor, Mode.NOTIFY),
            (north, south, Mode.CONSULT),
            (north, relief, Mode.NOTIFY),
        ):
            agreement = Agreement(a, b, mode, DEADLINE_S, Silence.CONSENT, Disclosure.NAME)
            parties.set_agreement(svc, agreement)
        keys = _members(svc, north, [Role.PLANNER, Role.LIAISON, Role.ADMIN, Role.VIEWER])
        theirs = _members(svc, south, [Role.PLANNER, Role.LIAISON, Role.ADMIN])
        relief_keys = _members(svc, relief, [Role.PLANNER, Role.LIAISON])
        highmoor_keys = _members(svc, highmoor, [Role.PLANNER, Role.LIAISON])
        with httpx.Client(base_url=base_url, timeout=60) as http:

            def post(key: str, path: str, body: Json) -> Json:
                return _made(http.post(path, json=body, headers={"Authorization": f"Bearer {key}"}))

            def get(key: str, path: str) -> Json:
                return _made(http.get(path, headers={"Authorization": f"Bearer {key}"}))

            world = World(keys, own_webhook="")
            world.others["member"] = [
                str(get(k, "/v1/me")["member"]["id"]) for k in theirs.values()
            ]
            near: Callable[[float], Json] = lambda r: volume(10.0, 45.0, r, vertices)  # noqa: E731
            post(relief_keys[Role.PLANNER], "/v1/zones", {"name": "Camp", "volumes": [near(0.3)]})
            post(highmoor_keys[Role.PLANNER], "/v1/zones", {"name": "Base", "volumes": [near(0.3)]})
            for k in range(count):
                at = volume(10.6 + 0.05 * k, 45.6, 0.02, vertices)
                zone = post(
                    theirs[Role.PLANNER], "/v1/zones", {"name": f"Depot {k}", "volumes": [at, at]}
                )
                world.others.setdefault("zone", []).append(zone["id"])
                plan = {"volumes": [near(0.05), near(0.04)], "purpose": "Fictional convoy"}
                op = post(theirs[Role.PLANNER], "/v1/operations", plan)
                world.others.setdefault("operation", []).append(op["id"])
                world.ovns[op["id"]] = op["ovn"]
                hazard = {"volume": near(0.1), "severity": "danger", "message": "Fictional mines"}
                warning = post(theirs[Role.LIAISON], "/v1/warnings", hazard)
                world.others.setdefault("warning", []).append(warning["id"])
                interest = {"name": f"Area {k}", "volumes": [near(0.2)], "channels": ["webhook"]}
                sub = post(theirs[Role.LIAISON], "/v1/subscriptions", interest)
                world.others.setdefault("subscription", []).append(sub["id"])
            for k in range(min(count, 10)):
                hook = {"url": f"https://hooks.southmark.example/in/{k}"}
                made = post(theirs[Role.LIAISON], "/v1/webhooks", hook)
                world.others.setdefault("webhook", []).append(made["id"])
            listed = get(relief_keys[Role.LIAISON], "/v1/consultations?limit=500")["items"]
            world.others["consultation"] = [c["id"] for c in listed]
            told = get(highmoor_keys[Role.LIAISON], "/v1/notices?limit=500")["items"]
            world.others["notice"] = [n["id"] for n in told]
            # Northmere's own, far from everyone: its lists and its webhook are not empty.
            far = volume(12.0, 47.0, 0.02, vertices)
            post(keys[Role.PLANNER], "/v1/zones", {"name": "Barracks", "volumes": [far]})
            post(keys[Role.PLANNER], "/v1/operations", {"volumes": [far]})
            post(
                keys[Role.LIAISON],
                "/v1/warnings",
                {"volume": far, "severity": "advisory", "message": "Drill"},
            )
            post(
                keys[Role.LIAISON], "/v1/subscriptions", {"volumes": [far], "channels": ["webhook"]}
            )
            hook = post(
                keys[Role.LIAISON], "/v1/webhooks", {"url": "https://hooks.northmere.example/in"}
            )
            world.own_webhook = hook["id"]
        world.deliveries = _dead_deliveries(svc, world.others["webhook"], count)
        world.others["delivery"] = [d for _, d in world.deliveries]
    finally:
        store.close()
    return world


def _dead_deliveries(svc: Service, webhooks: list[str], count: int) -> list[tuple[str, str]]:
    """Deliveries of the others' events to their webhooks, `count` of them made dead."""
    outbox.make_deliveries(svc, escalate_from_sends=3)

    def work(tx: Transaction) -> list[tuple[str, str]]:
        dead = []
        for webhook in webhooks:
            for delivery in tx.webhooks.deliveries_of(
                webhook, states=[DeliveryState.PENDING], after=None, limit=count
            ):
                tx.webhooks.put_delivery(failed(delivery, 503, "HTTP 503", None, svc.clock.now()))
                dead.append((webhook, delivery.id))
        return dead[: count * 2]

    found = svc.write(work)
    if not found:
        raise RuntimeError("seeding made no deliveries to the others' webhooks")
    return found


def probes(world: World) -> list[Probe]:
    """Every endpoint that takes an id in its path or as a cursor, with its pairs."""
    keys = world.keys
    ids = world.others
    found: list[Probe] = []

    def by_id(name: str, method: str, kind: str, path: str, role: Role, **extra: Any) -> None:
        pairs = [(path.format(id=i), path.format(id=sibling(i))) for i in ids[kind]]
        found.append(Probe(name, method, path, keys[role], pairs, **extra))

    far = volume(12.5, 47.5, 0.01, 16)
    revision = {"volumes": [far]}
    by_id("GET zone", "GET", "zone", "/v1/zones/{id}", Role.VIEWER)
    by_id(
        "PUT zone",
        "PUT",
        "zone",
        "/v1/zones/{id}",
        Role.PLANNER,
        body=revision,
        headers={"If-Match": '"1"'},
    )
    by_id("DELETE zone", "DELETE", "zone", "/v1/zones/{id}", Role.PLANNER)
    by_id("GET operation", "GET", "operation", "/v1/operations/{id}", Role.VIEWER)
    ovn = next(iter(world.ovns.values()))
    by_id(
        "PUT operation",
        "PUT",
        "operation",
        "/v1/operations/{id}",
        Role.PLANNER,
        body=revision,
        headers={"If-Match": f'"{ovn}"'},
    )
    by_id(
        "POST operation withdraw", "POST", "operation", "/v1/operations/{id}/withdraw", Role.PLANNER
    )
    by_id(
        "POST clear-over-objection",
        "POST",
        "operation",
        "/v1/operations/{id}/clear-over-objection",
        Role.PLANNER,
        body={"justification": "Fictional"},
        headers={"If-Match": f'"{ovn}"'},
    )
    by_id("GET consultation", "GET", "consultation", "/v1/consultations/{id}", Role.VIEWER)
    by_id(
        "POST consultation response",
        "POST",
        "consultation",
        "/v1/consultations/{id}/responses",
        Role.LIAISON,
        body={"kind": "acknowledge"},
    )
    by_id("GET warning", "GET", "warning", "/v1/warnings/{id}", Role.VIEWER)
    by_id(
        "POST warning acknowledge", "POST", "warning", "/v1/warnings/{id}/acknowledge", Role.LIAISON
    )
    by_id("GET subscription", "GET", "subscription", "/v1/subscriptions/{id}", Role.VIEWER)
    by_id("DELETE subscription", "DELETE", "subscription", "/v1/subscriptions/{id}", Role.LIAISON)
    by_id("GET webhook", "GET", "webhook", "/v1/webhooks/{id}", Role.VIEWER)
    by_id("DELETE webhook", "DELETE", "webhook", "/v1/webhooks/{id}", Role.LIAISON)
    by_id("GET webhook deliveries", "GET", "webhook", "/v1/webhooks/{id}/deliveries", Role.VIEWER)
    replay = "/v1/webhooks/{hook}/deliveries/{delivery}/replay"
    found.append(
        Probe(
            "POST replay (their webhook)",
            "POST",
            replay,
            keys[Role.LIAISON],
            [
                (
                    replay.format(hook=h, delivery=d),
                    replay.format(hook=sibling(h), delivery=sibling(d)),
                )
                for h, d in world.deliveries
            ],
        )
    )
    own = world.own_webhook
    found.append(
        Probe(
            "POST replay (own webhook, their delivery)",
            "POST",
            replay,
            keys[Role.LIAISON],
            [
                (replay.format(hook=own, delivery=d), replay.format(hook=own, delivery=sibling(d)))
                for _, d in world.deliveries
            ],
        )
    )
    by_id("DELETE member key", "DELETE", "member", "/v1/members/{id}/key", Role.ADMIN)
    for kind, path in (
        ("zone", "/v1/zones?cursor={c}"),
        ("operation", "/v1/operations?cursor={c}"),
        ("consultation", "/v1/consultations?cursor={c}"),
        ("notice", "/v1/notices?cursor={c}"),
        ("warning", "/v1/warnings?scope=raised&cursor={c}"),
        ("warning", "/v1/warnings?scope=received&cursor={c}"),
        ("subscription", "/v1/subscriptions?cursor={c}"),
        ("webhook", "/v1/webhooks?cursor={c}"),
        ("delivery", f"/v1/webhooks/{own}/deliveries?cursor={{c}}"),
    ):
        pairs = [
            (path.format(c=encode_cursor(i)), path.format(c=encode_cursor(sibling(i))))
            for i in ids[kind]
        ]
        name = (
            "GET "
            + path.split("?")[0].replace(own, "{own}")
            + " ?"
            + path.split("?")[1].split("=")[0]
        )
        if "scope" in path:
            name = f"GET /v1/warnings ?scope={path.split('scope=')[1].split('&')[0]}&cursor"
        found.append(Probe(name, "GET", path, keys[Role.VIEWER], pairs, status=200))
    return found
