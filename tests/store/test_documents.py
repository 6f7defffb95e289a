"""JSON documents of the domain values: every value reads back exactly as it was written."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

import pytest

from deconflict.domain.agreement import Agreement, Disclosure, Mode, Silence
from deconflict.domain.conflict import Conflict, conflict_with_area
from deconflict.domain.lifecycle import OperationAction
from deconflict.domain.operation import Operation, act
from deconflict.geometry import PolygonFootprint, Volume4D
from deconflict.store.documents import (
    agreement_from_json,
    agreement_to_json,
    conflict_from_json,
    conflict_to_json,
    dumps,
    loads,
    member_from_json,
    member_to_json,
    operation_from_json,
    operation_to_json,
    party_from_json,
    party_to_json,
    version_from_json,
    version_to_json,
    zone_from_json,
    zone_to_json,
)
from deconflict.store.documents_coordination import (
    consultation_from_json,
    consultation_to_json,
    notice_from_json,
    notice_to_json,
    warning_from_json,
    warning_to_json,
)
from deconflict.store.documents_geo import Document, volume_from_json, volume_to_json
from tests.domain import LOWFEN, LOWFEN_AREA, NORTHMERE, OSTERBY, VALECREST
from tests.domain import party as make_party
from tests.store import record_specimens as rs

T = TypeVar("T")


def through_json(encode: Callable[[T], Document], decode: Callable[[Document], T], value: T) -> T:
    """The value after a trip through JSON text, as a record column holds it."""
    return decode(loads(dumps(encode(value))))


def operation_through_json(value: Operation) -> Operation:
    version = through_json(version_to_json, version_from_json, value.version)
    return operation_from_json(loads(dumps(operation_to_json(value))), version)


def conflict_from_records(data: Document) -> Conflict:
    """As the conflict records read it: its overlaps' reaches come from version records."""
    operation, zone = rs.operation("op-ford-survey"), rs.zone("zone-hospital", VALECREST)
    assert data["target"] == {"kind": "zone", "id": zone.id, "party_id": VALECREST, "version": 1}
    return conflict_from_json(data, lambda i, j: (operation.version.reaches[i], zone.reaches[j]))


def round_trip(
    encode: Callable[[T], Document], decode: Callable[[Document], T], value: T
) -> Callable[[], tuple[object, object]]:
    return lambda: (value, through_json(encode, decode, value))


CASES: dict[str, Callable[[], tuple[object, object]]] = {
    "party": round_trip(party_to_json, party_from_json, make_party(NORTHMERE)),
    "airspace_authority": round_trip(
        party_to_json, party_from_json, make_party(LOWFEN, LOWFEN_AREA)
    ),
    "member": round_trip(member_to_json, member_from_json, rs.member(4)),
    "agreement": round_trip(
        agreement_to_json,
        agreement_from_json,
        Agreement(VALECREST, NORTHMERE, Mode.CONSULT, 5_400, Silence.BLOCK, Disclosure.NAME),
    ),
    "zone": round_trip(
        zone_to_json, zone_from_json, rs.zone("zone-a", VALECREST, *rs.VOLUMES.values())
    ),
    "operation_draft": lambda: (rs.operation("op-a"), operation_through_json(rs.operation("op-a"))),
    "operation_over_objection": lambda: (
        rs.contested_operation(),
        operation_through_json(rs.contested_operation()),
    ),
    "conflict": round_trip(conflict_to_json, conflict_from_records, rs.conflict()),
    "consultation_open": round_trip(
        consultation_to_json, consultation_from_json, rs.consultation("c-a")
    ),
    "consultation_answered": round_trip(
        consultation_to_json, consultation_from_json, rs.answered()
    ),
    "notice": round_trip(notice_to_json, notice_from_json, rs.notice("n-a", OSTERBY)),
    "warning": round_trip(warning_to_json, warning_from_json, rs.acknowledged()),
}


@pytest.mark.parametrize("name", CASES)
def test_a_value_reads_back_equal(name: str) -> None:
    written, read = CASES[name]()
    assert read == written


@pytest.mark.parametrize("name", rs.VOLUMES)
def test_a_volume_reads_back_with_the_same_shapes(name: str) -> None:
    written = rs.VOLUMES[name]
    read = through_json(volume_to_json, volume_from_json, written)
    assert read == written
    # Equality leaves out the derived shapes, and the overlap test runs on them.
    if isinstance(written.footprint, PolygonFootprint):
        assert isinstance(read.footprint, PolygonFootprint)
        assert read.footprint.shape == written.footprint.shape
        assert read.footprint.unwrapped == written.footprint.unwrapped


def test_the_antimeridian_footprint_is_still_cut_in_two() -> None:
    read: Volume4D = through_json(volume_to_json, volume_from_json, rs.VOLUMES["dateline_island"])
    assert isinstance(read.footprint, PolygonFootprint)
    assert read.footprint.shape.geom_type == "MultiPolygon"
    assert len(read.footprint.shape.geoms) == 2


def test_times_are_whole_microseconds_not_text() -> None:
    document = volume_to_json(rs.VOLUMES["field"])
    assert document["time"]["start_us"] % 1_000_000 == 1
    assert isinstance(document["time"]["end_us"], int)


def test_an_undrawn_overlap_is_stored_as_what_draws_it_and_reads_back_equal() -> None:
    conflict = rs.conflict()
    document = json.loads(dumps(conflict_to_json(conflict)))
    stored = document["overlaps"][0]["overlap"]
    assert "footprint" not in stored  # nobody has looked at it: it is not drawn yet
    # A zone keeps every version: the overlap names the volumes it lies between.
    assert stored["drawn_from"] == "records"
    with pytest.raises(ValueError, match="resolver"):
        conflict_from_json(document)
    read = conflict_from_records(document)
    assert not read.overlaps[0].overlap.is_drawn
    # Drawn from what was stored, it is the region the original draws.
    assert read == conflict
    assert read.overlaps[0].overlap.is_drawn


def test_an_undrawn_overlap_with_an_authority_area_keeps_both_reaches() -> None:
    operation = act(rs.operation("op-ford-survey"), OperationAction.SUBMIT)
    conflict = conflict_with_area(operation, make_party(LOWFEN, LOWFEN_AREA))
    assert conflict is not None
    document = json.loads(dumps(conflict_to_json(conflict)))
    # An authority's area has no versions on record, so its reach is written out.
    assert set(document["overlaps"][0]["overlap"]["drawn_from"]) == {"a", "b"}
    assert conflict_from_json(document) == conflict


def test_a_drawn_overlap_region_is_stored_as_geojson() -> None:
    conflict = rs.conflict()
    drawn = conflict.overlaps[0].overlap.footprint
    document = json.loads(dumps(conflict_to_json(conflict)))
    footprint = document["overlaps"][0]["overlap"]["footprint"]
    assert footprint["type"] == drawn.geom_type
    assert footprint["coordinates"]
    assert conflict_from_json(document) == conflict


def test_a_non_finite_number_is_refused_rather_than_stored() -> None:
    with pytest.raises(ValueError, match="JSON compliant"):
        dumps({"separation_m": float("nan")})
