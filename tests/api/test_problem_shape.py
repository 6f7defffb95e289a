"""One problem shape for every error: RFC 9457 members, our type URIs, problem+json."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from deconflict import errors
from deconflict.api.app import create_app
from deconflict.api.problems import PROBLEM_TABLE, PROBLEM_TYPES, problem_body
from deconflict.api.settings import Settings
from deconflict.service.context import Service
from deconflict.store.sqlite import SqliteStore
from tests.api.conftest import MAX_BODY_BYTES
from tests.api.helpers import (
    DEADLINE_S,
    Party,
    RunningServer,
    World,
    assert_problem,
    circle,
    rectangle,
    volume,
)

ZONE = {"name": "Shelter", "volumes": [volume(circle(10.9, 45.9, 200))]}
Case = Callable[[World], httpx.Response]
JSON = {"content-type": "application/json"}
BAD_CENTRE = {"type": "Circle", "center": [200, 45], "radius_m": 5}


def n(world: World) -> Party:
    return world.parties["Northland Army"]


def _draft(world: World) -> str:
    plan = {"volumes": [volume(circle(9.5, 44.5, 800))], "draft": True}
    made = world.parties["Northland Army"].planner.post("/v1/operations", json=plan)
    return str(made.json()["id"])


def _stale(world: World) -> httpx.Response:
    op = _draft(world)
    plan = {"volumes": [volume(circle(9.5, 44.5, 900))]}
    return world.parties["Northland Army"].planner.put(
        f"/v1/operations/{op}", json=plan, headers={"If-Match": '"0123"'}
    )


def _closed(world: World) -> httpx.Response:
    south = world.parties["Southmark Defence Force"]
    zone = {"name": "Depot", "volumes": [volume(rectangle(11.0, 46.0, 11.1, 46.05))]}
    south.planner.post("/v1/zones", json=zone)
    plan = {"volumes": [volume(rectangle(11.05, 46.02, 11.2, 46.1))]}
    world.parties["Northland Army"].planner.post("/v1/operations", json=plan)
    world.advance(DEADLINE_S)
    consultation = south.liaison.get("/v1/consultations").json()["items"][0]["id"]
    return south.liaison.post(
        f"/v1/consultations/{consultation}/responses", json={"kind": "acknowledge"}
    )


def _awaited(world: World) -> httpx.Response:
    """The South objects while the Westmoor guard has yet to answer: no override yet."""
    south, quiet = world.parties["Southmark Defence Force"], world.parties["Westmoor Border Guard"]
    for owner in (south, quiet):
        zone = {"name": "Post", "volumes": [volume(rectangle(11.0, 46.0, 11.1, 46.05))]}
        owner.planner.post("/v1/zones", json=zone)
    plan = {"volumes": [volume(rectangle(11.05, 46.02, 11.2, 46.1))]}
    op = world.parties["Northland Army"].planner.post("/v1/operations", json=plan).json()
    consultation = south.liaison.get("/v1/consultations").json()["items"][0]["id"]
    south.liaison.post(
        f"/v1/consultations/{consultation}/responses", json={"kind": "object", "text": "no"}
    )
    return world.parties["Northland Army"].planner.post(
        f"/v1/operations/{op['id']}/clear-over-objection",
        json={"justification": "Fictional: cannot wait"},
        headers={"If-Match": f'"{op["ovn"]}"'},
    )


def _reused(world: World) -> httpx.Response:
    planner = world.parties["Lakeside Relief Corps"].planner
    planner.post("/v1/zones", json=ZONE, headers={"Idempotency-Key": "k-1"})
    other = {**ZONE, "name": "Another shelter"}
    return planner.post("/v1/zones", json=other, headers={"Idempotency-Key": "k-1"})


CASES: dict[str, tuple[int, str, Case]] = {
    "malformed json": (
        400,
        "malformed-json",
        lambda w: n(w).planner.post("/v1/zones", content=b'{"name": ', headers=JSON),
    ),
    "no key": (401, "unauthenticated", lambda w: w.client().get("/v1/me")),
    "role": (
        403,
        "forbidden",
        lambda w: n(w).viewer.post("/v1/zones", json=ZONE),
    ),
    "unknown id": (
        404,
        "not-found",
        lambda w: n(w).viewer.get(f"/v1/zones/{uuid.uuid4()}"),
    ),
    "unknown route": (
        404,
        "not-found",
        lambda w: n(w).viewer.get("/v1/nowhere"),
    ),
    "method": (
        405,
        "method-not-allowed",
        lambda w: n(w).admin.delete("/v1/me"),
    ),
    "transition": (
        409,
        "illegal-transition",
        lambda w: n(w).planner.post(f"/v1/operations/{_draft(w)}/complete"),
    ),
    "closed": (409, "consultation-closed", _closed),
    "awaited": (409, "answers-awaited", _awaited),
    "stale": (412, "stale-version", _stale),
    "too large": (
        413,
        "payload-too-large",
        lambda w: n(w).planner.post(
            "/v1/zones",
            content=b" " * (MAX_BODY_BYTES + 1),
            headers={"content-type": "application/json"},
        ),
    ),
    "media type": (
        415,
        "unsupported-media-type",
        lambda w: n(w).planner.post(
            "/v1/zones", content=b"name=Shelter", headers={"content-type": "text/plain"}
        ),
    ),
    "schema": (
        422,
        "malformed-value",
        lambda w: n(w).planner.post("/v1/zones", json={**ZONE, "colour": "red"}),
    ),
    "geometry": (
        422,
        "invalid-coordinate",
        lambda w: n(w).planner.post(
            "/v1/zones",
            json={
                "name": "x",
                "volumes": [volume({"type": "Circle", "center": [200, 45], "radius_m": 5})],
            },
        ),
    ),
    "key reused": (422, "idempotency-key-reused", _reused),
    "no if-match": (
        428,
        "precondition-required",
        lambda w: n(w).planner.put(f"/v1/zones/{uuid.uuid4()}", json=ZONE),
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_every_http_error_is_a_problem(world: World, case: str) -> None:
    status, code, make = CASES[case]
    response = make(world)
    assert_problem(response, status, code)
    if status == 405:
        assert response.headers["allow"] == "GET"


@pytest.mark.parametrize("cls", [cls for cls, _ in PROBLEM_TABLE], ids=lambda c: c.__name__)
def test_every_error_class_maps_to_a_documented_problem(cls: type[errors.DeconflictError]) -> None:
    error = _instance(cls)
    status, body = problem_body(error)
    assert set(body) >= {"type", "title", "status", "detail"}
    assert body["type"] == f"/problems/{cls.code}"
    assert PROBLEM_TYPES[cls.code].status == status == body["status"]
    # Only writers too slow for the caller are the service's side, and worth a retry: a
    # store too busy to take a write, or one whose client gave up waiting for its turn.
    assert 400 <= status < 500 or (cls in {errors.StoreBusy, errors.CallerGone} and status == 503)


def _instance(cls: type[errors.DeconflictError]) -> errors.DeconflictError:
    if cls is errors.IllegalTransition:
        return errors.IllegalTransition("draft", "activate", ("submit",))
    if cls is errors.StaleVersion:
        return errors.StaleVersion("a", "b", kind="zone")
    return cls("something is wrong")


@pytest.fixture
def broken_server(tmp_path: Path, settings: Settings) -> Iterator[RunningServer]:
    """A server whose store was closed under it: every read fails unexpectedly."""
    store = SqliteStore(f"{tmp_path}/broken.sqlite")
    app: FastAPI = create_app(settings, Service(store=store, pseudonym_secret=b"x" * 32))
    store.close()
    with RunningServer.start(app) as running:
        yield running


def test_unexpected_failure_is_a_bare_500(broken_server: RunningServer) -> None:
    with httpx.Client(base_url=broken_server.base_url) as client:
        response = client.get("/healthz")
    body = assert_problem(response, 500, "internal-error")
    assert "closed" not in response.text
    assert "Traceback" not in response.text
    assert set(body) == {"type", "title", "status", "detail"}
