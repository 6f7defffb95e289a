"""Lifecycle over HTTP: drafts, moves by name, If-Match on revisions, illegal moves."""

from __future__ import annotations

from typing import Any

from deconflict.api.schemas.operations import OperationOut
from tests.api.helpers import World, assert_problem, circle, validated, volume

PLAN: dict[str, Any] = {"volumes": [volume(circle(9.5, 44.5, 800))], "draft": True}


def test_illegal_transition_names_the_allowed_actions(world: World) -> None:
    north = world.parties["Northland Army"]
    draft = validated(OperationOut, north.planner.post("/v1/operations", json=PLAN), 201)
    assert draft.state == "draft"
    refused = north.planner.post(f"/v1/operations/{draft.id}/activate")
    body = assert_problem(refused, 409, "illegal-transition")
    assert body["allowed_actions"] == ["submit", "revise", "withdraw", "cancel"]
    submitted = validated(OperationOut, north.planner.post(f"/v1/operations/{draft.id}/submit"))
    assert submitted.state == "cleared"  # nothing in its way but the authority, notified
    active = validated(OperationOut, north.planner.post(f"/v1/operations/{draft.id}/activate"))
    assert active.state == "active"
    done = validated(OperationOut, north.planner.post(f"/v1/operations/{draft.id}/complete"))
    assert (done.state, done.allowed_actions) == ("completed", [])
    final = north.planner.post(f"/v1/operations/{draft.id}/cancel")
    assert assert_problem(final, 409, "illegal-transition")["allowed_actions"] == []


def test_revision_needs_the_current_ovn(world: World) -> None:
    north = world.parties["Northland Army"]
    made = north.planner.post("/v1/operations", json=PLAN)
    first = validated(OperationOut, made, 201)
    path = f"/v1/operations/{first.id}"
    moved = {"volumes": [volume(circle(9.52, 44.5, 800))]}
    assert_problem(north.planner.put(path, json=moved), 428, "precondition-required")
    malformed = north.planner.put(path, json=moved, headers={"If-Match": first.ovn})
    assert_problem(malformed, 422, "malformed-value")
    revised = north.planner.put(path, json=moved, headers={"If-Match": made.headers["etag"]})
    assert validated(OperationOut, revised).version == 2
    stale = north.planner.put(path, json=moved, headers={"If-Match": made.headers["etag"]})
    assert_problem(stale, 412, "stale-version")
    withdrawn = validated(OperationOut, north.planner.post(f"{path}/withdraw"))
    assert withdrawn.state == "withdrawn"
