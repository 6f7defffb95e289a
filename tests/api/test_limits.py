"""Request bodies are bounded and must be JSON, checked before anything parses them."""

from __future__ import annotations

from collections.abc import Iterator

from tests.api.conftest import MAX_BODY_BYTES
from tests.api.helpers import World, assert_problem, circle, volume

JSON = {"content-type": "application/json"}


def test_declared_length_over_the_limit_is_413(world: World) -> None:
    planner = world.parties["Northland Army"].planner
    body = b'{"name": "' + b"x" * MAX_BODY_BYTES + b'"}'
    assert_problem(planner.post("/v1/zones", content=body, headers=JSON), 413, "payload-too-large")


def test_chunked_body_over_the_limit_is_413(world: World) -> None:
    planner = world.parties["Northland Army"].planner

    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(MAX_BODY_BYTES // 1024 + 2):
            yield b"x" * 1024

    response = planner.post("/v1/zones", content=chunks(), headers=JSON)
    assert "content-length" not in response.request.headers
    assert_problem(response, 413, "payload-too-large")


def test_body_just_under_the_limit_is_read(world: World) -> None:
    planner = world.parties["Northland Army"].planner
    zone = {"name": "Shelter", "volumes": [volume(circle(10.9, 45.9, 200))]}
    padding = MAX_BODY_BYTES - len(str(zone)) - 200
    response = planner.post("/v1/zones", json={**zone, "name": "x" * padding})
    assert response.status_code == 422  # read and parsed: the name is too long
    assert response.json()["errors"][0]["pointer"] == "/name"


def test_a_body_that_is_not_json_is_415(world: World) -> None:
    planner = world.parties["Northland Army"].planner
    form = planner.post("/v1/zones", data={"name": "Shelter"})
    assert_problem(form, 415, "unsupported-media-type")
    bare = planner.post("/v1/zones", content=b'{"name": "Shelter"}')
    assert_problem(bare, 415, "unsupported-media-type")


def test_a_bodyless_post_needs_no_content_type(world: World) -> None:
    planner = world.parties["Northland Army"].planner
    response = planner.post("/v1/operations/00000000-0000-4000-8000-000000000000/withdraw")
    assert_problem(response, 404, "not-found")
