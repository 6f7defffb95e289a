"""JSON pointers follow the body that was sent; an answered error lets go of the body."""

from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import Any

import pytest

from deconflict.api.handlers import MAX_LISTED_ERRORS, pointer
from deconflict.api.schemas.common import Problem
from tests.api.conftest import MAX_BODY_BYTES
from tests.api.helpers import World, assert_problem

BODY: dict[str, Any] = {
    "volumes": [
        {"footprint": {"type": "Circle", "center": [1, 2]}},
        {"footprint": {"type": "Polygon", "coordinates": [], "bbox": "10,45"}},
    ],
    "a/b": {"c~d": 1},
}


@pytest.mark.parametrize(
    ("loc", "expected"),
    [
        (
            ("body", "volumes", 0, "footprint", "Circle", "radius_m"),
            "/volumes/0/footprint/radius_m",
        ),
        (
            ("body", "volumes", 0, "footprint", "Circle", "center", 1),
            "/volumes/0/footprint/center/1",
        ),
        (
            ("body", "volumes", 1, "footprint", "Polygon", "bbox", "list[float]"),
            "/volumes/1/footprint/bbox",
        ),
        (("body", "a/b", "c~d"), "/a~1b/c~0d"),
        (("body",), "/"),
        (("query", "limit"), "/query/limit"),
        (("header", "if-match"), "/headers/if-match"),
        ((), "/"),
    ],
)
def test_pointer(loc: tuple[Any, ...], expected: str) -> None:
    assert pointer(loc, BODY) == expected


#: Under the tests' body limit, and larger than any other text a request leaves behind:
#: whatever holds a text this long holds the body.
_LARGE = MAX_BODY_BYTES - 100


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{" + b"x" * _LARGE, 400, "malformed-json"),
        (b'{"volumes": "' + b"x" * _LARGE + b'"}', 422, "malformed-value"),
    ],
    ids=["malformed", "wrong-type"],
)
def test_an_answered_body_is_held_by_no_garbage(
    world: World, body: bytes, status: int, code: str
) -> None:
    """Server processes collect cycles rarely (`YOUNG_GENERATION_THRESHOLD`): a cycle that
    kept each refused body would let a flood of them pin hundreds of megabytes."""
    client = world.parties["Northland Army"].planner
    headers = {"content-type": "application/json"}
    client.post("/v1/operations", content=b"{", headers=headers)  # first-use caches
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        response = client.post("/v1/operations", content=body, headers=headers)
        # The server thread finishes with the request after its answer is sent.
        assert client.get("/healthz").status_code == 200
        time.sleep(0.2)
        gc.collect()
        holders = [
            type(o).__name__
            for o in gc.garbage
            if any(isinstance(r, str | bytes) and len(r) >= _LARGE for r in gc.get_referents(o))
        ]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert_problem(response, status, code)
    assert holders == []


def test_a_body_wrong_everywhere_answers_with_the_first_errors_and_a_count(world: World) -> None:
    """Pydantic reports every bad item: 1 MiB of them was a 19 MB answer."""
    planner = world.parties["Northland Army"].planner
    bad = 1000
    footprint = {"type": "Polygon", "coordinates": [["x"] * bad]}
    volume = {"footprint": footprint, "altitude_lower_m": 0, "altitude_upper_m": 1}
    response = planner.post("/v1/operations", json={"volumes": [volume]})
    problem = Problem.model_validate(assert_problem(response, 422, "malformed-value"))
    assert problem.errors is not None
    assert len(problem.errors) == MAX_LISTED_ERRORS
    assert problem.errors[0].pointer == "/volumes/0/footprint/coordinates/0/0"
    assert problem.errors_omitted is not None
    assert problem.errors_omitted >= bad - MAX_LISTED_ERRORS
    assert len(response.content) < 5_000


def test_the_error_list_limit_is_documented() -> None:
    text = (Path(__file__).parents[2] / "docs" / "problems.md").read_text()
    assert f"`errors` lists at most {MAX_LISTED_ERRORS} fields" in text
    assert "`errors_omitted`" in text
