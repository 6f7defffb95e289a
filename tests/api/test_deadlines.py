"""Deadlines crossed by moving the clock: silence means consent or block, as agreed."""

from __future__ import annotations

from typing import Any

from deconflict.api.schemas.common import Page
from deconflict.api.schemas.consultations import ConsultationOut
from deconflict.api.schemas.operations import OperationOut
from deconflict.domain.visibility import pseudonym
from tests.api.helpers import (
    DEADLINE_S,
    SECRET,
    Party,
    World,
    assert_problem,
    rectangle,
    validated,
    volume,
)


def protect_and_plan(world: World, owner: Party) -> OperationOut:
    north = world.parties["Northland Army"]
    zone = {"name": "Depot", "volumes": [volume(rectangle(11.0, 46.0, 11.1, 46.05), end_h=8)]}
    assert owner.planner.post("/v1/zones", json=zone).status_code == 201
    plan: dict[str, Any] = {"volumes": [volume(rectangle(11.05, 46.02, 11.2, 46.1))]}
    op = validated(OperationOut, north.planner.post("/v1/operations", json=plan), 201)
    assert op.state == "in_consultation"
    return op


def test_silence_means_consent_clears_at_the_deadline(world: World) -> None:
    north = world.parties["Northland Army"]
    op = protect_and_plan(world, world.parties["Southmark Defence Force"])
    world.advance(DEADLINE_S - 1)
    waiting = validated(OperationOut, north.planner.get(f"/v1/operations/{op.id}"))
    assert waiting.state == "in_consultation"
    world.advance(1)  # consultations are open over [opened_at, deadline)
    cleared = validated(OperationOut, north.planner.get(f"/v1/operations/{op.id}"))
    assert cleared.state == "cleared"
    assert [c.status for c in cleared.consultations] == ["expired_consent"]


def test_silence_means_block_objects_and_late_answers_are_refused(world: World) -> None:
    north = world.parties["Northland Army"]
    quiet = world.parties["Westmoor Border Guard"]
    op = protect_and_plan(world, quiet)
    world.advance(DEADLINE_S + 5)
    blocked = validated(OperationOut, north.viewer.get(f"/v1/operations/{op.id}"))
    assert blocked.state == "objected"
    asked = blocked.consultations[0]
    assert (asked.party, asked.party_is_pseudonym) == (
        pseudonym(SECRET.encode(), quiet.id, north.id),
        True,
    )
    inbox = validated(Page[ConsultationOut], quiet.liaison.get("/v1/consultations"))
    assert [c.status for c in inbox.items] == ["expired_block"]
    late = quiet.liaison.post(
        f"/v1/consultations/{inbox.items[0].id}/responses", json={"kind": "acknowledge"}
    )
    assert_problem(late, 409, "consultation-closed")


def test_clear_over_objection_needs_a_justification(world: World) -> None:
    north = world.parties["Northland Army"]
    op = protect_and_plan(world, world.parties["Westmoor Border Guard"])
    world.advance(DEADLINE_S)
    path = f"/v1/operations/{op.id}/clear-over-objection"
    named = {"If-Match": f'"{op.ovn}"'}
    empty = north.planner.post(path, json={"justification": "   "}, headers=named)
    body = assert_problem(empty, 422, "missing-justification")
    assert body["errors"] == [{"pointer": "/justification", "detail": body["detail"]}]
    why = "Medical evacuation; the border guard was called and did not answer"
    done = validated(
        OperationOut, north.planner.post(path, json={"justification": why}, headers=named)
    )
    assert done.state == "cleared_over_objection"
    assert done.override is not None
    assert done.override.justification == why
