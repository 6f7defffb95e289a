"""Stored rows rebuild the very reach and owner they were made from; µs times are exact."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from deconflict.domain.entities import EntityKind, EntityRef, VolumeOwner
from deconflict.domain.ids import PartyId
from deconflict.geometry import Buffer, Reach, Volume4D, parse_reach, parse_volume
from deconflict.geometry.altitude import DEFAULT_VERTICAL_MODEL
from deconflict.geometry.envelope import FEW
from deconflict.store.codec import (
    from_us,
    owner_from_columns,
    reach_from_columns,
    rebuilt_from_core,
    rebuilt_from_core_many,
    to_row,
    to_us,
    to_value_rows,
)
from tests.strategies import DETERMINISTIC, buffers, volumes

WINDOW = {"start": "2026-12-01T10:00:00.000001Z", "end": "2026-12-01T11:59:59.999999Z"}
ALTITUDE = {"altitude_lower_m": 12.5, "altitude_upper_m": 130.0, "altitude_reference": "AMSL"}

FOOTPRINTS: dict[str, dict[str, object]] = {
    "circle": {"type": "Circle", "center": [23.7, 37.9], "radius_m": 750.0},
    "polygon with a hole": {
        "type": "Polygon",
        "coordinates": [
            [[23.70, 37.90], [23.80, 37.90], [23.80, 37.95], [23.70, 37.95], [23.70, 37.90]],
            [[23.72, 37.91], [23.72, 37.93], [23.75, 37.93], [23.75, 37.91], [23.72, 37.91]],
        ],
    },
    "antimeridian polygon": {
        "type": "Polygon",
        "coordinates": [[[179.8, -16.9], [-179.7, -16.9], [-179.7, -16.7], [179.8, -16.9]]],
    },
}


def row_round_trip(reach: Reach) -> Reach:
    who = VolumeOwner(EntityRef(EntityKind.ZONE, "zone-7"), PartyId("party-b"), 3)
    row = to_row(who, 2, reach)
    assert owner_from_columns(row.kind, row.entity_id, row.party_id, row.version) == who
    assert row.idx == 2
    return reach_from_columns(
        row.footprint_json,
        row.core_wkb,
        row.margin_m,
        row.h_buffer_m,
        row.v_buffer_m,
        row.alt_lower_m,
        row.alt_upper_m,
        row.alt_ref,
        row.start_us,
        row.end_us,
    )


@pytest.mark.parametrize("name", sorted(FOOTPRINTS))
def test_row_rebuilds_the_reach(name: str) -> None:
    volume = {"footprint": FOOTPRINTS[name], **ALTITUDE, **WINDOW}
    reach = parse_reach(volume, {"horizontal_m": 250.5, "vertical_m": 30.0}, "", "/buffer")
    rebuilt = row_round_trip(reach)
    assert rebuilt == reach
    assert shapely.equals_exact(rebuilt.core, reach.core, tolerance=0.0)
    assert rebuilt.margin_m == reach.margin_m


@pytest.mark.parametrize(
    ("name", "keeps_json"),
    [("circle", False), ("polygon with a hole", False), ("antimeridian polygon", True)],
)
def test_only_footprints_the_core_cannot_give_back_keep_json(name: str, keeps_json: bool) -> None:
    volume = parse_volume({"footprint": FOOTPRINTS[name], **ALTITUDE, **WINDOW})
    owner = VolumeOwner(EntityRef(EntityKind.OPERATION, "op-1"), PartyId("party-a"), 1)
    row = to_row(owner, 0, Reach(volume, Buffer(250.5, 30.0)))
    assert (row.footprint_json is not None) is keeps_json


def test_a_radius_its_buffer_would_round_keeps_json() -> None:
    # 333.3 + 250.5 - 250.5 is not 333.3 in binary floating point: the margin cannot say it.
    circle = {"type": "Circle", "center": [23.7, 37.9], "radius_m": 333.3}
    reach = Reach(parse_volume({"footprint": circle, **ALTITUDE, **WINDOW}), Buffer(250.5, 0.0))
    assert reach.margin_m - reach.buffer.horizontal_m != 333.3
    row = to_row(VolumeOwner(EntityRef(EntityKind.ZONE, "z"), PartyId("p"), 1), 0, reach)
    assert row.footprint_json is not None
    assert row_round_trip(reach) == reach


def test_row_keeps_conservative_ellipsoid_bounds_of_the_inflated_band() -> None:
    volume = parse_volume({"footprint": FOOTPRINTS["circle"], **ALTITUDE, **WINDOW})
    row = to_row(
        VolumeOwner(EntityRef(EntityKind.OPERATION, "op-1"), PartyId("party-a"), 1),
        0,
        Reach(volume),
    )
    # AMSL 12.5–130 m: the geoid lies between 107 m below and 86 m above the ellipsoid.
    assert (row.ell_lower_m, row.ell_upper_m) == (12.5 - 107.0, 130.0 + 86.0)
    assert row.margin_m == 750.0


@pytest.mark.parametrize(
    "instant",
    [
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(2000, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
        datetime(2026, 12, 1, 11, 59, 59, 999_999, tzinfo=UTC),
        datetime(2199, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
    ],
)
def test_microsecond_times_round_trip_exactly(instant: datetime) -> None:
    assert from_us(to_us(instant)) == instant
    assert to_us(instant + timedelta(microseconds=1)) == to_us(instant) + 1


def test_microseconds_count_from_the_unix_epoch_in_any_offset() -> None:
    assert to_us(datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)) == 1_000_000
    athens = datetime.fromisoformat("2026-12-01T12:00:00.000001+02:00")
    assert to_us(athens) == to_us(datetime(2026, 12, 1, 10, 0, 0, 1, tzinfo=UTC))
    assert from_us(to_us(athens)).tzinfo == UTC


@DETERMINISTIC
@given(st.lists(st.tuples(volumes(), buffers()), min_size=FEW, max_size=2 * FEW))
def test_a_batch_is_judged_rebuilt_as_each_would_be(drawn: list[tuple[Volume4D, Buffer]]) -> None:
    reaches = [Reach(volume, buffer) for volume, buffer in drawn]
    assert rebuilt_from_core_many(reaches) == [rebuilt_from_core(r) for r in reaches]


def test_a_batch_tells_cut_polygons_from_whole_ones() -> None:
    named = [*FOOTPRINTS.values(), FOOTPRINTS["antimeridian polygon"], FOOTPRINTS["circle"]]
    reaches = [Reach(parse_volume({"footprint": f, **ALTITUDE, **WINDOW})) for f in named] * FEW
    # Cut at the antimeridian, a polygon's core is not its rings as given.
    assert rebuilt_from_core_many(reaches) == [True, True, False, False, True] * FEW


@DETERMINISTIC
@given(st.lists(st.tuples(volumes(), buffers()), min_size=1, max_size=2 * FEW))
def test_value_rows_are_the_rows_each_volume_makes(drawn: list[tuple[Volume4D, Buffer]]) -> None:
    batch = [
        (VolumeOwner(EntityRef(EntityKind.ZONE, f"zone-{i}"), PartyId("party-b"), 2), i, r)
        for i, r in enumerate(Reach(volume, buffer) for volume, buffer in drawn)
    ]
    bounds = [DEFAULT_VERTICAL_MODEL.ellipsoid_bounds(r.band) for _, _, r in batch]
    expected = [dataclasses.astuple(to_row(o, i, r)) for o, i, r in batch]
    assert to_value_rows(batch, bounds) == expected
