"""The demo's play over the HTTP API: submit, conflict, consult, object, revise, clear, warn.

Each step is what a party's own system sends; after it, the narrator is told what each
party now sees through the API, and what it does not see.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

import httpx
from shapely.geometry import shape

from deconflict.demo import (
    LOWFEN,
    NORTHMERE,
    SOUTHVALE,
    VALECREST,
    Enrolled,
    Played,
    circle,
    corridor,
    hour,
    shelter,
    volume,
)
from deconflict.domain.party import Role

Json = Any


class Narrator(Protocol):
    def step(self, number: int, title: str) -> None: ...

    def sees(self, party: str, lines: list[str]) -> None: ...

    def hidden(self, party: str, lines: list[str]) -> None: ...


ClientFor = Callable[[str], httpx.Client]


class DemoFailed(RuntimeError):
    """The API answered something the scenario did not expect."""


def play(client_for: ClientFor, cast: Enrolled, anchor: datetime, say: Narrator) -> Played:
    """Play the scenario; `anchor` is the start of the morning's window (UTC)."""
    scene = _Scene(client_for, cast, anchor, say)
    scene.protect()
    scene.patrol()
    flight = scene.submit()
    south_item = scene.inboxes(flight)
    flight = scene.object(flight, south_item)
    flight = scene.revise(flight, south_item)
    scene.acknowledge(flight)
    scene.warn()
    scene.audit()
    return scene.played


class _Scene:
    """The cast's clients and what has happened so far; one method a step."""

    def __init__(
        self, client_for: ClientFor, cast: Enrolled, anchor: datetime, say: Narrator
    ) -> None:
        self.north = client_for(cast.key(NORTHMERE, Role.PLANNER))
        self.north_desk = client_for(cast.key(NORTHMERE, Role.LIAISON))
        self.south = client_for(cast.key(SOUTHVALE, Role.PLANNER))
        self.south_desk = client_for(cast.key(SOUTHVALE, Role.LIAISON))
        self.relief = client_for(cast.key(VALECREST, Role.PLANNER))
        self.relief_desk = client_for(cast.key(VALECREST, Role.LIAISON))
        self.authority = client_for(cast.key(LOWFEN, Role.LIAISON))
        self.anchor = anchor
        self.say = say
        self.played = Played()

    def at(self, hours: float) -> datetime:
        return hour(self.anchor, hours)

    def protect(self) -> None:
        self.say.step(1, f"{VALECREST} protects its field hospital and the Amberford shelter")
        hospital = _ok(
            self.relief.post(
                "/v1/zones",
                json={
                    "name": "Kessmoor field hospital",
                    "volumes": [
                        volume(circle(23.458, 41.912, 150), 0, 150, self.at(-1), self.at(72))
                    ],
                    "buffer": {"horizontal_m": 1500, "vertical_m": 100},
                    "validity": "standing",
                },
            ),
            201,
        )
        _ok(
            self.relief.post(
                "/v1/zones",
                json={
                    "name": "Amberford school shelter",
                    "volumes": [volume(shelter(), 0, 60, self.at(-1), self.at(72))],
                    "buffer": {"horizontal_m": 300, "vertical_m": 50},
                },
            ),
            201,
        )
        self.say.sees(
            VALECREST,
            [
                f"its zone {hospital['name']!r}, version "
                f"{hospital['version']}, buffer 1,500 m / 100 m"
            ],
        )
        self.say.hidden(SOUTHVALE, ["that these zones exist: nothing has run into them yet"])
        self.played.steps.append("protect")

    def patrol(self) -> None:
        self.say.step(2, f"{SOUTHVALE} files a patrol along the valley floor")
        patrol = _ok(
            self.south.post(
                "/v1/operations",
                json={
                    "volumes": [volume(corridor(), 0, 600, self.at(0), self.at(2))],
                    "purpose": "valley patrol",
                },
            ),
            201,
        )
        self.say.sees(
            SOUTHVALE,
            [
                f"its patrol is {patrol['state']}: nobody else's data in "
                "the way, only the authority told"
            ],
        )
        self.played.states["patrol"] = patrol["state"]
        self.played.steps.append("patrol")

    def submit(self) -> Json:
        self.say.step(3, f"{NORTHMERE} submits a training flight that runs into both")
        flight = _ok(
            self.north.post(
                "/v1/operations",
                json={
                    "volumes": [
                        volume(circle(23.44, 41.895, 2500), 200, 900, self.at(0.5), self.at(1.5))
                    ],
                    "purpose": "instrument training flight",
                    "share_purpose": True,
                },
            ),
            201,
        )
        self.say.sees(
            NORTHMERE,
            [
                f"its flight is {flight['state']}, version {flight['version']}",
                *[
                    f"conflict with another party's {c['kind']}: {_region(r)}"
                    for c in flight["conflicts"]
                    for r in c["regions"]
                ],
                *[
                    f"consulted {c.get('party', 'a party')}: {c['status']}, answer by "
                    f"{c['deadline'][11:16]}Z"
                    for c in flight["consultations"]
                ],
                f"{flight['notified']} party notified",
            ],
        )
        self.say.hidden(
            NORTHMERE,
            [
                "the patrol's route or the hospital's position",
                "anything of the others beyond the overlaps",
            ],
        )
        self.played.states["flight_v1"] = flight["state"]
        self.played.steps.append("submit")
        return flight

    def inboxes(self, flight: Json) -> Json:
        self.say.step(4, "Each concerned party finds it in its inbox, as its agreement allows")
        south_item = _only(_ok(self.south_desk.get("/v1/consultations"), 200)["items"])
        relief_item = _only(_ok(self.relief_desk.get("/v1/consultations"), 200)["items"])
        for party, item in ((SOUTHVALE, south_item), (VALECREST, relief_item)):
            seen = item["operation"]
            named = " (a pseudonym)" if seen["planner_is_pseudonym"] else ""
            self.say.sees(
                party,
                [
                    f"a consultation, {item['status']}, answer by {item['deadline'][11:16]}Z",
                    f"planned by {seen['planner']}{named}",
                    f"purpose: {seen['purpose']}",
                    *[f"where it meets its own data: {_region(r)}" for r in seen["regions"]],
                ],
            )
            self.say.hidden(party, ["the flight's full volume", "who else was consulted"])
        notices = _ok(self.authority.get("/v1/notices"), 200)["items"]
        notice = _only([n for n in notices if n["operation"]["operation_id"] == flight["id"]])
        self.say.sees(
            LOWFEN,
            [
                f"a notice ({notice['reason']}) from "
                f"{notice['operation']['planner']}: "
                f"{_region(notice['operation']['regions'][0])}"
            ],
        )
        self.played.steps.append("inbox")
        return south_item

    def object(self, flight: Json, south_item: Json) -> Json:
        self.say.step(5, f"{SOUTHVALE} objects, with a reason and a suggestion")
        _ok(
            self.south_desk.post(
                f"/v1/consultations/{south_item['id']}/responses",
                json={
                    "kind": "object",
                    "text": "our patrol transits the valley at those heights until two hours in",
                    "suggested_change": "stay 2 km north-east, or start after the patrol",
                },
            ),
            201,
        )
        flight = _ok(self.north.get(f"/v1/operations/{flight['id']}"), 200)
        self.say.sees(
            NORTHMERE,
            [
                f"its flight is {flight['state']}",
                *[
                    f"{r['kind']}: {r['text']!r}; suggests {r['suggested_change']!r}"
                    for c in flight["consultations"]
                    for r in c["responses"]
                ],
            ],
        )
        self.played.states["flight_objected"] = flight["state"]
        self.played.steps.append("object")
        return flight

    def revise(self, flight: Json, south_item: Json) -> Json:
        self.say.step(6, f"{NORTHMERE} revises: later and north-east (If-Match: its OVN)")
        flight = _ok(
            self.north.put(
                f"/v1/operations/{flight['id']}",
                headers={"If-Match": f'"{flight["ovn"]}"'},
                json={
                    "volumes": [
                        volume(circle(23.47, 41.915, 1200), 200, 900, self.at(2.5), self.at(3.5))
                    ],
                    "purpose": "instrument training flight, moved after the patrol",
                    "share_purpose": True,
                },
            ),
            200,
        )
        closed = _ok(self.south_desk.get(f"/v1/consultations/{south_item['id']}"), 200)
        kinds = ", ".join(sorted(c["kind"] for c in flight["conflicts"]))
        self.say.sees(
            NORTHMERE,
            [f"version {flight['version']} is {flight['state']}", f"conflicts left: {kinds}"],
        )
        self.say.sees(
            SOUTHVALE,
            [f"its consultation is now {closed['status']}: the revision no longer concerns it"],
        )
        self.played.states["flight_v2"] = flight["state"]
        self.played.steps.append("revise")
        return flight

    def acknowledge(self, flight: Json) -> None:
        self.say.step(7, f"{VALECREST} acknowledges the revised flight")
        items = _ok(self.relief_desk.get("/v1/consultations"), 200)["items"]
        pending = _only([i for i in items if i["status"] == "pending"])
        _ok(
            self.relief_desk.post(
                f"/v1/consultations/{pending['id']}/responses", json={"kind": "acknowledge"}
            ),
            201,
        )
        flight = _ok(self.north.get(f"/v1/operations/{flight['id']}"), 200)
        self.say.sees(NORTHMERE, [f"its flight is {flight['state']}"])
        self.played.states["flight_cleared"] = flight["state"]
        self.played.steps.append("acknowledge")

    def warn(self) -> None:
        self.say.step(8, f"{SOUTHVALE} warns: hostile drones expected over Amberford")
        warning = _ok(
            self.south_desk.post(
                "/v1/warnings",
                json={
                    "volume": volume(circle(23.50, 41.88, 6000), 0, 3000, self.at(0), self.at(4)),
                    "severity": "danger",
                    "message": "expect hostile drones over the Amberford valley within 2 hours; "
                    "move people under cover",
                },
            ),
            201,
        )
        for party, desk in ((VALECREST, self.relief_desk), (NORTHMERE, self.north_desk)):
            received = _only(
                _ok(desk.get("/v1/warnings", params={"scope": "received"}), 200)["items"]
            )
            self.say.sees(
                party,
                [
                    f"a {received['severity']} warning from "
                    f"{received['raiser']}: {received['message']!r}"
                ],
            )
            _ok(desk.post(f"/v1/warnings/{received['id']}/acknowledge"), 200)
        unaffected = _ok(self.authority.get("/v1/warnings", params={"scope": "received"}), 200)
        if unaffected["items"]:
            raise DemoFailed("the authority has nothing inside the warning, yet was alerted")
        warning = _ok(self.south_desk.get(f"/v1/warnings/{warning['id']}"), 200)
        acks = [a for a in warning["alerts"] if a["acknowledged_at"]]
        self.say.sees(SOUTHVALE, [f"acknowledged by {a['party']}" for a in acks])
        self.say.hidden(LOWFEN, ["the warning: nothing of Lowfen's is inside it"])
        self.played.states["warning_acks"] = str(len(acks))
        self.played.steps.append("warn")

    def audit(self) -> None:
        self.say.step(9, "The record: each party's own audit trail")
        for party, client in (
            (NORTHMERE, self.north),
            (SOUTHVALE, self.south),
            (VALECREST, self.relief),
            (LOWFEN, self.authority),
        ):
            entries = _ok(client.get("/v1/audit", params={"limit": 500}), 200)["items"]
            self.say.sees(party, [f"{len(entries)} audit entries, hash-chained"])
        self.played.steps.append("audit")


def _ok(response: httpx.Response, status: int) -> Json:
    if response.status_code != status:
        raise DemoFailed(
            f"{response.request.method} {response.request.url.path} answered "
            f"{response.status_code}: {response.text}"
        )
    return response.json()


def _only(items: list[Json]) -> Json:
    if len(items) != 1:
        raise DemoFailed(f"expected exactly one item, got {len(items)}")
    return items[0]


def _region(region: Json) -> str:
    footprint = shape(region["footprint"])
    lon0, lat0, lon1, lat1 = footprint.bounds
    return (
        f"{footprint.geom_type.lower()} within lon {lon0:.3f}..{lon1:.3f}, "
        f"lat {lat0:.3f}..{lat1:.3f}, {region['altitude_lower_m']:.0f}–"
        f"{region['altitude_upper_m']:.0f} m, {region['start'][11:16]}–{region['end'][11:16]}Z"
    )
