"""JSON pointers from pydantic locations follow the body that was sent."""

from __future__ import annotations

from typing import Any

import pytest

from deconflict.api.handlers import pointer

BODY: dict[str, Any] = {
    "volumes": [{"footprint": {"type": "Circle", "center": [1, 2]}}],
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
        (("body", "a/b", "c~d"), "/a~1b/c~0d"),
        (("body",), "/"),
        (("query", "limit"), "/query/limit"),
        (("header", "if-match"), "/headers/if-match"),
        ((), "/"),
    ],
)
def test_pointer(loc: tuple[Any, ...], expected: str) -> None:
    assert pointer(loc, BODY) == expected
