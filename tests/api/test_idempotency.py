"""Idempotency-Key: a retried POST is answered as the first time and does the work once."""

from __future__ import annotations

from deconflict.api.schemas.common import Page
from deconflict.api.schemas.operations import OperationOut, OperationSummary
from deconflict.domain.ids import MemberId
from deconflict.domain.party import Role
from tests.api.helpers import World, assert_problem, circle, validated, volume

PLAN = {"volumes": [volume(circle(9.5, 45.5, 700))], "purpose": "Survey flight"}


def test_same_key_twice_makes_one_operation(world: World) -> None:
    planner = world.parties["Northland Army"].planner
    headers = {"Idempotency-Key": "survey-0001"}
    first = planner.post("/v1/operations", json=PLAN, headers=headers)
    again = planner.post("/v1/operations", json=PLAN, headers=headers)
    validated(OperationOut, first, 201)
    assert again.status_code == 201
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    listed = validated(Page[OperationSummary], planner.get("/v1/operations"))
    assert len(listed.items) == 1


def test_without_a_key_each_post_is_new(world: World) -> None:
    planner = world.parties["Northland Army"].planner
    planner.post("/v1/operations", json=PLAN)
    planner.post("/v1/operations", json=PLAN)
    assert len(planner.get("/v1/operations").json()["items"]) == 2


def test_same_key_for_another_request_is_refused(world: World) -> None:
    planner = world.parties["Northland Army"].planner
    headers = {"Idempotency-Key": "survey-0002"}
    planner.post("/v1/operations", json=PLAN, headers=headers)
    other = {**PLAN, "purpose": "Another flight"}
    refused = planner.post("/v1/operations", json=other, headers=headers)
    assert_problem(refused, 422, "idempotency-key-reused")
    assert len(planner.get("/v1/operations").json()["items"]) == 1


def test_keys_are_per_member_and_moves_replay_too(world: World) -> None:
    north = world.parties["Northland Army"]
    draft = north.planner.post("/v1/operations", json={**PLAN, "draft": True}).json()
    key = {"Idempotency-Key": "submit-1"}
    first = north.planner.post(f"/v1/operations/{draft['id']}/submit", headers=key)
    again = north.planner.post(f"/v1/operations/{draft['id']}/submit", headers=key)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    # Replayed rather than refused as an illegal second submit.
    assert again.headers["idempotent-replayed"] == "true"
    relief = world.parties["Lakeside Relief Corps"]
    zone = {"name": "Camp", "volumes": [volume(circle(9.9, 45.9, 100))]}
    made = relief.planner.post("/v1/zones", json=zone, headers=key)
    assert made.status_code == 201
    assert "idempotent-replayed" not in made.headers


def test_an_empty_key_is_malformed(world: World) -> None:
    planner = world.parties["Northland Army"].planner
    refused = planner.post("/v1/operations", json=PLAN, headers={"Idempotency-Key": ""})
    body = assert_problem(refused, 422, "malformed-value")
    assert body["errors"][0]["pointer"] == "/headers/Idempotency-Key"


def test_member_creation_refuses_an_idempotency_key_so_no_key_is_ever_kept(
    world: World,
) -> None:
    north = world.parties["Northland Army"]
    admin = north.member(Role.ADMIN)
    answer = admin.client.post(
        "/v1/members",
        json={"name": "Night desk", "role": "viewer"},
        headers={"Idempotency-Key": "member-1"},
    )
    assert_problem(answer, 422, "idempotency-not-supported")
    stored = world.service.read(lambda tx: tx.idempotency.get(MemberId(admin.id), "member-1"))
    assert stored is None
    members = world.service.read(lambda tx: tx.members.of_party(north.id))
    assert "Night desk" not in [m.name for m in members]
