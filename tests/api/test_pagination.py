"""Cursor pagination: pages follow on, and a cursor this API did not give is refused."""

from __future__ import annotations

import pytest

from deconflict.api.pagination import decode_cursor, encode_cursor
from deconflict.api.schemas.common import Page
from deconflict.api.schemas.zones import ZoneOut
from deconflict.errors import MalformedValue
from tests.api.helpers import World, assert_problem, circle, validated, volume


def test_pages_follow_on_until_the_last(world: World) -> None:
    relief = world.parties["Lakeside Relief Corps"]
    for i in range(5):
        zone = {"name": f"Camp {i}", "volumes": [volume(circle(9.1 + i / 10, 44.2, 100))]}
        assert relief.planner.post("/v1/zones", json=zone).status_code == 201
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor is not None:
            params["cursor"] = cursor
        page = validated(Page[ZoneOut], relief.viewer.get("/v1/zones", params=params))
        seen += [z.name for z in page.items]
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == 3
    assert sorted(seen) == [f"Camp {i}" for i in range(5)]
    # Another party's list shows none of them.
    other = world.parties["Northland Army"].viewer.get("/v1/zones").json()
    assert other == {"items": [], "next_cursor": None}


@pytest.mark.parametrize(
    ("params", "pointer"),
    [
        ({"cursor": "not-a-cursor"}, "/query/cursor"),
        ({"cursor": encode_cursor("nope")}, "/query/cursor"),
        ({"limit": 0}, "/query/limit"),
        ({"limit": 501}, "/query/limit"),
        ({"limit": "ten"}, "/query/limit"),
    ],
)
def test_bad_page_parameters_are_422(world: World, params: dict[str, object], pointer: str) -> None:
    viewer = world.parties["Northland Army"].viewer
    response = viewer.get("/v1/operations", params=params)  # type: ignore[arg-type]
    body = assert_problem(response, 422, "malformed-value")
    assert body["errors"][0]["pointer"] == pointer


def test_cursor_round_trip() -> None:
    last = "2f0c1b7e-8a4d-4c6e-9f1a-3b5d7e9f1a2c"
    assert decode_cursor(encode_cursor(last)) == last
    with pytest.raises(MalformedValue):
        decode_cursor("%%%")
