"""Another party's id answers exactly like an id that does not exist, and 401s say nothing."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from deconflict.domain.party import Role
from tests.api.helpers import Party, World, assert_problem, circle, rectangle, volume

#: The day of the scenario, as a report's period.
DAY = {"from": "2026-12-01T08:00:00Z", "to": "2026-12-02T08:00:00Z"}
#: Headers that differ between two answers only by the moment they were sent.
_MOMENT = {"date"}


def same_answer(a: httpx.Response, b: httpx.Response) -> None:
    assert a.status_code == b.status_code == 404
    assert {k: v for k, v in a.headers.items() if k not in _MOMENT} == {
        k: v for k, v in b.headers.items() if k not in _MOMENT
    }
    assert a.content == b.content


def _others(world: World) -> dict[str, str]:
    """Ids of the Westmoor Border Guard's entities, none of them Northland's business."""
    quiet = world.parties["Westmoor Border Guard"]
    zone = {"name": "Post", "volumes": [volume(circle(9.2, 46.8, 300))]}
    ids = {"zones": quiet.planner.post("/v1/zones", json=zone).json()["id"]}
    plan = {"volumes": [volume(circle(9.25, 46.8, 400))], "draft": True}
    ids["operations"] = quiet.planner.post("/v1/operations", json=plan).json()["id"]
    hazard = {
        "volume": volume(circle(9.2, 46.8, 2000), start_h=0, end_h=3),
        "severity": "caution",
        "message": "Mines reported near the post",
    }
    ids["warnings"] = quiet.liaison.post("/v1/warnings", json=hazard).json()["id"]
    # A consultation addressed to the Southmark force, not to Northland.
    south = world.parties["Southmark Defence Force"]
    relief = world.parties["Lakeside Relief Corps"]
    depot = {"name": "Depot", "volumes": [volume(rectangle(11.0, 46.0, 11.1, 46.05))]}
    relief.planner.post("/v1/zones", json=depot)
    op = {"volumes": [volume(rectangle(11.05, 46.02, 11.2, 46.1))]}
    south.planner.post("/v1/operations", json=op)
    ids["consultations"] = relief.liaison.get("/v1/consultations").json()["items"][0]["id"]
    return ids


REQUESTS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("GET", "zones", "", {}),
    ("DELETE", "zones", "", {}),
    ("PUT", "zones", "", {"json": {"volumes": [volume(circle(9.2, 46.8, 1))]}}),
    ("GET", "operations", "", {}),
    ("POST", "operations", "/withdraw", {}),
    ("PUT", "operations", "", {"json": {"volumes": [volume(circle(9.2, 46.8, 1))]}}),
    ("GET", "warnings", "", {}),
    ("POST", "warnings", "/acknowledge", {}),
    ("GET", "consultations", "", {}),
    ("POST", "consultations", "/responses", {"json": {"kind": "acknowledge"}}),
]


@pytest.mark.parametrize(("method", "kind", "tail", "extra"), REQUESTS)
def test_other_partys_id_answers_as_an_unknown_id(
    world: World, method: str, kind: str, tail: str, extra: dict[str, Any]
) -> None:
    ids = _others(world)
    north: Party = world.parties["Northland Army"]
    client = north.liaison if kind in {"warnings", "consultations"} else north.planner
    headers = {"If-Match": '"1"'} if method == "PUT" else {}
    theirs = client.request(method, f"/v1/{kind}/{ids[kind]}{tail}", headers=headers, **extra)
    nobodys = client.request(method, f"/v1/{kind}/{uuid.uuid4()}{tail}", headers=headers, **extra)
    same_answer(theirs, nobodys)
    assert_problem(theirs, 404, "not-found")


def test_missing_unknown_and_revoked_keys_get_one_answer(world: World) -> None:
    north = world.parties["Northland Army"]
    extra = world.add_member(north, Role.PLANNER)
    revoked = north.admin.delete(f"/v1/members/{extra.id}/key")
    assert revoked.status_code == 200
    assert revoked.json()["is_revoked"] is True
    answers = [
        world.client().get("/v1/me"),
        world.client("dcf_not-a-key-anybody-holds").get("/v1/me"),
        extra.client.get("/v1/me"),
        httpx.get(f"{world.base_url}/v1/me", headers={"Authorization": "Basic dXNlcjpwYXNz"}),
    ]
    for answer in answers:
        assert_problem(answer, 401, "unauthenticated")
        assert answer.headers["www-authenticate"] == "Bearer"
    assert len({a.content for a in answers}) == 1


def test_admin_adds_a_member_whose_key_works_once_shown(world: World) -> None:
    relief = world.parties["Lakeside Relief Corps"]
    made = relief.admin.post("/v1/members", json={"name": "Night desk", "role": "liaison"})
    assert made.status_code == 201
    key = made.json()["api_key"]
    me = world.client(key).get("/v1/me").json()
    assert (me["party"]["name"], me["member"]["role"]) == ("Lakeside Relief Corps", "liaison")
    refused = relief.planner.post("/v1/members", json={"name": "Someone", "role": "admin"})
    assert_problem(refused, 403, "forbidden")
    foreign = world.parties["Northland Army"].member(Role.VIEWER).id
    same_answer(
        relief.admin.delete(f"/v1/members/{foreign}/key"),
        relief.admin.delete(f"/v1/members/{uuid.uuid4()}/key"),
    )


def test_an_uninvolved_party_cannot_see_an_operation(world: World) -> None:
    north = world.parties["Northland Army"]
    south = world.parties["Southmark Defence Force"]
    plan = {"volumes": [volume(circle(9.7, 46.3, 500))]}
    op = north.planner.post("/v1/operations", json=plan).json()["id"]
    same_answer(
        south.viewer.get(f"/v1/operations/{op}"),
        south.viewer.get(f"/v1/operations/{uuid.uuid4()}"),
    )


def test_a_party_told_of_an_earlier_version_sees_nothing_of_the_current_one(
    world: World,
) -> None:
    """Eastvale's authority is notified of what enters its area even under mode `none`;
    the revision leaves the area and runs into one of its zones, which that mode tells it
    nothing of: it must not read the planner's name, purpose or the new overlap."""
    north = world.parties["Northland Army"]
    tower = world.parties["Eastvale Air Navigation"]
    depot = {"name": "Depot", "volumes": [volume(rectangle(12.5, 47.5, 12.6, 47.55))]}
    assert tower.planner.post("/v1/zones", json=depot).status_code == 201
    plan = {
        "volumes": [volume(rectangle(10.1, 45.1, 10.2, 45.2))],
        "purpose": "Fictional strike exercise",
        "share_purpose": True,
    }
    made = north.planner.post("/v1/operations", json=plan)
    op = made.json()["id"]
    [told] = tower.viewer.get("/v1/notices").json()["items"]
    assert (told["operation_version"], told["reason"]) == (1, "authority_area")
    assert tower.viewer.get(f"/v1/operations/{op}").json()["planner"] is not None
    moved = {**plan, "volumes": [volume(rectangle(12.55, 47.52, 12.8, 47.6))]}
    revised = north.planner.put(
        f"/v1/operations/{op}", json=moved, headers={"If-Match": made.headers["ETag"]}
    ).json()
    assert [c["kind"] for c in revised["conflicts"]] == ["zone"]
    assert revised["notified"] == 0
    seen = tower.viewer.get(f"/v1/operations/{op}").json()
    assert seen["regions"] == []
    assert (seen["planner"], seen["purpose"], seen["operation_id"]) == (None, None, None)


def test_a_probe_warning_tells_its_raiser_nothing_of_who_is_inside(world: World) -> None:
    """Two parties that know the North by a pseudonym have zones inside its warning and do
    not answer: its record (so its events) and its report read as over an empty area."""
    north = world.parties["Northland Army"]
    for name, lon in (("Lakeside Relief Corps", 10.0), ("Westmoor Border Guard", 10.02)):
        zone = {"name": "Site", "volumes": [volume(rectangle(lon, 45.0, lon + 0.01, 45.01))]}
        assert world.parties[name].planner.post("/v1/zones", json=zone).status_code == 201

    def probe(lon: float) -> tuple[list[str], dict[str, Any], list[Any]]:
        last = north.liaison.get("/v1/audit", params={"limit": 500}).json()["items"]
        after = last[-1]["seq"] if last else -1
        hazard = {
            "volume": volume(rectangle(lon - 0.01, 44.99, lon + 0.04, 45.02)),
            "severity": "advisory",
            "message": "Probe",
        }
        raised = north.liaison.post("/v1/warnings", json=hazard)
        assert raised.status_code == 201
        new = north.liaison.get("/v1/audit", params={"after": after}).json()["items"]
        report = north.viewer.get("/v1/reports/coordination", params=DAY).json()
        return [e["kind"] for e in new], report["warnings"], raised.json()["alerts"]

    kinds, occupied, alerts = probe(10.0)
    assert (kinds, alerts) == (["warning"], [])
    assert occupied["alerts_sent"] == occupied["alerts_unacknowledged"] == 0
    kinds, empty, alerts = probe(11.5)
    assert (kinds, alerts) == (["warning"], [])
    assert {k: v for k, v in empty.items() if k != "raised"} == {
        k: v for k, v in occupied.items() if k != "raised"
    }
