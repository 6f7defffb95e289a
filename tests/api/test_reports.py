"""The coordination report over HTTP: its figures, its period, and what it does not reveal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from deconflict.api.schemas.common import Page
from deconflict.api.schemas.consultations import ConsultationOut
from deconflict.api.schemas.operations import OperationOut
from deconflict.api.schemas.reports import CoordinationReportOut
from deconflict.api.schemas.warnings import RaisedWarningOut
from deconflict.domain.audit import rfc3339
from tests.api.helpers import START, World, assert_problem, rectangle, validated, volume

PATH = "/v1/reports/coordination"
DAY = {"from": "2026-12-01T08:00:00Z", "to": "2026-12-02T08:00:00Z"}
NO_TIMES = {"median_s": None, "p90_s": None}
ZEROS: dict[str, Any] = {
    "operations": {
        "submitted": 0,
        "conflicted": 0,
        "objected": 0,
        "revised_after_objection": 0,
        "cleared_over_objection": 0,
    },
    "consultations": {
        "asked": 0,
        "answered": 0,
        "closed_unanswered": 0,
        "expired": 0,
        "pending": 0,
        "time_to_answer": NO_TIMES,
    },
    "alerts": {
        "received": 0,
        "acknowledged": 0,
        "unacknowledged": 0,
        "escalated": 0,
        "time_to_acknowledge": NO_TIMES,
    },
    "warnings": {
        "raised": 0,
        "alerts_sent": 0,
        "alerts_acknowledged": 0,
        "alerts_unacknowledged": 0,
        "time_to_acknowledge": NO_TIMES,
    },
}


def report(client: httpx.Client, params: dict[str, str] = DAY) -> dict[str, Any]:
    got = client.get(PATH, params=params)
    validated(CoordinationReportOut, got)
    body: dict[str, Any] = got.json()
    return body


def pending(client: httpx.Client) -> str:
    inbox = validated(Page[ConsultationOut], client.get("/v1/consultations"))
    return next(c.id for c in inbox.items if c.status == "pending")


def play(world: World) -> None:
    """North plans into South's patrol, is objected to, revises, is cleared; North warns."""
    north = world.parties["Northland Army"]
    south = world.parties["Southmark Defence Force"]
    patrol = {"volumes": [volume(rectangle(10.20, 45.30, 10.30, 45.36))]}
    assert south.planner.post("/v1/operations", json=patrol).status_code == 201
    plan = {"volumes": [volume(rectangle(10.25, 45.28, 10.50, 45.34))]}
    op = validated(OperationOut, north.planner.post("/v1/operations", json=plan), 201)
    world.advance(60)
    objection = {"kind": "object", "text": "Fictional: our patrol is there"}
    posted = south.liaison.post(
        f"/v1/consultations/{pending(south.viewer)}/responses", json=objection
    )
    assert posted.status_code == 201
    world.advance(60)
    objected = validated(OperationOut, north.planner.get(f"/v1/operations/{op.id}"))
    assert objected.state == "objected"
    higher = {"volumes": [volume(rectangle(10.25, 45.28, 10.50, 45.34), lower_m=300)]}
    revised = north.planner.put(
        f"/v1/operations/{op.id}", json=higher, headers={"If-Match": f'"{objected.ovn}"'}
    )
    assert validated(OperationOut, revised).state == "in_consultation"
    world.advance(30)
    consent = {"kind": "acknowledge"}
    posted = south.liaison.post(
        f"/v1/consultations/{pending(south.viewer)}/responses", json=consent
    )
    assert posted.status_code == 201
    world.advance(100)
    hazard = {
        "volume": volume(rectangle(10.15, 45.25, 10.55, 45.40)),
        "severity": "danger",
        "message": "Fictional: expect drones",
    }
    warning = validated(RaisedWarningOut, north.liaison.post("/v1/warnings", json=hazard), 201)
    world.advance(120)
    assert south.liaison.post(f"/v1/warnings/{warning.id}/acknowledge").status_code == 200
    world.advance(10)


def test_each_party_reads_its_own_figures(world: World) -> None:
    play(world)
    north = report(world.parties["Northland Army"].viewer)
    assert (north["start"], north["end"]) == (
        "2026-12-01T08:00:00.000000Z",
        "2026-12-02T08:00:00.000000Z",
    )
    assert north["operations"] == {
        "submitted": 1,
        "conflicted": 1,
        "objected": 1,
        "revised_after_objection": 1,
        "cleared_over_objection": 0,
    }
    assert north["consultations"] == ZEROS["consultations"]
    assert north["warnings"] == {
        "raised": 1,
        "alerts_sent": 1,
        "alerts_acknowledged": 1,
        "alerts_unacknowledged": 0,
        "time_to_acknowledge": {"median_s": 120.0, "p90_s": 120.0},
    }
    south = report(world.parties["Southmark Defence Force"].liaison)
    assert south["consultations"] == {
        "asked": 2,
        "answered": 2,
        "closed_unanswered": 0,
        "expired": 0,
        "pending": 0,
        "time_to_answer": {"median_s": 30.0, "p90_s": 60.0},
    }
    assert south["alerts"] == {
        "received": 1,
        "acknowledged": 1,
        "unacknowledged": 0,
        "escalated": 0,
        "time_to_acknowledge": {"median_s": 120.0, "p90_s": 120.0},
    }
    assert south["operations"]["submitted"] == 1


def test_an_unrelated_party_learns_nothing_of_the_others(world: World) -> None:
    quiet = world.parties["Westmoor Border Guard"].viewer
    before = report(quiet)
    play(world)
    after = report(quiet)
    assert after == before == {"start": before["start"], "end": before["end"], **ZEROS}


def test_the_period_defaults_to_the_last_30_days_ending_now(world: World) -> None:
    world.advance(3600)
    now = START + timedelta(hours=1)
    got = report(world.parties["Northland Army"].viewer, {})
    assert (got["start"], got["end"]) == (rfc3339(now - timedelta(days=30)), rfc3339(now))
    only_to = report(world.parties["Northland Army"].viewer, {"to": "2026-11-30T00:00:00+02:00"})
    assert (only_to["start"], only_to["end"]) == (
        "2026-10-30T22:00:00.000000Z",
        "2026-11-29T22:00:00.000000Z",
    )


@pytest.mark.parametrize(
    ("params", "pointer"),
    [
        ({"from": "yesterday"}, "/query/from"),
        ({"from": "2026-12-01T08:00:00"}, "/query/from"),  # no offset
        ({"to": "2026-13-01T00:00:00Z"}, "/query/to"),
        ({"from": "2026-12-01T08:00:00Z", "to": "2026-12-01T08:00:00Z"}, "/query/to"),
        ({"from": "2026-12-02T08:00:00Z", "to": "2026-12-01T08:00:00Z"}, "/query/to"),
        ({"from": "2025-11-30T07:59:59Z", "to": "2026-12-01T08:00:00Z"}, "/query/from"),
    ],
    ids=["not a time", "no offset", "no such month", "empty", "backwards", "over 366 days"],
)
def test_an_unusable_period_is_a_problem_with_a_pointer(
    world: World, params: dict[str, str], pointer: str
) -> None:
    got = world.parties["Northland Army"].viewer.get(PATH, params=params)
    problem = assert_problem(got, 422, "invalid-time-window")
    assert problem["errors"][0]["pointer"] == pointer, problem
