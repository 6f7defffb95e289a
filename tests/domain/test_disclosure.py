"""The view a party was shown of another's operation, spelt once, and its digest."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from shapely.geometry import box

from deconflict.domain.disclosure import operation_shown, region_shown, view_sha256
from deconflict.domain.ids import OperationId
from deconflict.domain.visibility import Identity, OperationSeen, Region
from deconflict.geometry import AltitudeBand, TimeWindow

from . import T0

REGION = Region(
    box(9.5, 46.25, 9.5625, 46.3),
    AltitudeBand(0, 120.5),
    TimeWindow(T0, T0 + timedelta(hours=2)),
)
SEEN = OperationSeen((REGION,), OperationId("op-survey"), Identity("party-5be1c0ffee", True), None)


def test_a_view_is_spelt_as_the_api_shows_it() -> None:
    shown = operation_shown(SEEN)
    assert shown == {
        "view": "involved",
        "operation_id": "op-survey",
        "planner": "party-5be1c0ffee",
        "planner_is_pseudonym": True,
        "purpose": None,
        "regions": [region_shown(REGION)],
    }
    region = region_shown(REGION)
    assert region["footprint"]["type"] == "Polygon"
    assert region["footprint"]["coordinates"][0][0] == [9.5625, 46.25]
    assert (region["altitude_lower_m"], region["altitude_upper_m"]) == (0.0, 120.5)
    assert (region["start"], region["end"]) == (
        "2026-12-01T10:00:00.000000Z",
        "2026-12-01T12:00:00.000000Z",
    )


def test_the_digest_takes_numbers_by_their_bits_in_the_canonical_encoding() -> None:
    shown = {"b": [120.5, 0, True, None], "a": "é"}
    spelt = '{"a":"é","b":["405e200000000000","0000000000000000",true,null]}'  # 120.5, 0.0
    assert view_sha256(shown) == hashlib.sha256(spelt.encode()).hexdigest()


def test_one_number_spelt_two_ways_gives_one_digest() -> None:
    """Python writes 1e-05 where pydantic writes 0.00001, and 120 where it writes 120.0:
    a party's parser reads either to the same double."""
    python: dict[str, Any] = json.loads('{"lat": 1e-05, "m": 120}')
    pydantic: dict[str, Any] = json.loads('{"lat": 0.00001, "m": 120.0}')
    assert view_sha256(python) == view_sha256(pydantic)
    assert view_sha256(python) != view_sha256({"lat": 1e-05, "m": 121})


def test_a_view_round_tripped_through_json_keeps_its_digest() -> None:
    shown = operation_shown(SEEN)
    assert view_sha256(json.loads(json.dumps(shown))) == view_sha256(shown)
    other = OperationSeen((REGION,), OperationId("op-survey"), Identity("Northmere", False))
    assert view_sha256(operation_shown(other)) != view_sha256(shown)
