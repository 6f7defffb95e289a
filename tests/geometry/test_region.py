"""The region two conflicting reaches share, as drawn for the map and the other party.

Checked against distances measured from each sampled point, which are exact on the
ellipsoid (an azimuthal plane centred on the point): every point of the drawn outline lies
within both reaches or at most `REGION_EXCESS_M` beyond them, and every point inside both
is covered.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import assume, given, settings
from shapely.geometry.base import BaseGeometry

from deconflict.geometry import Reach, Volume4D, overlap
from deconflict.geometry.aeqd import AzimuthalPlane
from deconflict.geometry.distance import core_distance_m
from deconflict.geometry.region import REGION_EXCESS_M
from tests.specimens import (
    DATELINE_ISLAND,
    PAIRS,
    TWO_PLACES_GAP_M,
    box,
    circle_json,
    destination,
    polygon_json,
    reach,
)
from tests.strategies import DETERMINISTIC, nearby_pairs

_ORIGIN = shapely.Point(0.0, 0.0)


def _beyond_m(r: Reach, lon: float, lat: float) -> float:
    """How far a point lies beyond a reach (negative inside it)."""
    lon = (lon + 180.0) % 360.0 - 180.0
    return core_distance_m(shapely.Point(lon, lat), r.core) - r.margin_m


def _outline_points(region: BaseGeometry, per_part: int = 120) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for part in shapely.get_parts(region):
        if isinstance(part, shapely.Point):
            points.append((part.x, part.y))
            continue
        lines = [part.exterior, *part.interiors] if isinstance(part, shapely.Polygon) else [part]
        for line in lines:
            for t in np.linspace(0.0, 1.0, per_part):
                p = line.interpolate(float(t), normalized=True)
                points.append((p.x, p.y))
    return points


def _uncovered_m(region: BaseGeometry, lon: float, lat: float) -> float:
    """How far a point lies from the drawn region, measured on the ellipsoid."""
    lon = (lon + 180.0) % 360.0 - 180.0
    if region.covers(shapely.Point(lon, lat)):
        return 0.0
    return float(shapely.distance(_ORIGIN, AzimuthalPlane(lon, lat).to_plane(region)))


def _assert_drawn_within(a: Reach, b: Reach, region: BaseGeometry, per_part: int = 120) -> None:
    assert region.is_valid, shapely.is_valid_reason(region)
    assert not region.is_empty
    lons = shapely.get_coordinates(region)[:, 0]
    assert lons.min() >= -180.0
    assert lons.max() <= 180.0
    outline = _outline_points(region, per_part)
    worst = max(max(_beyond_m(a, *p), _beyond_m(b, *p)) for p in outline)
    assert worst <= REGION_EXCESS_M


def _assert_covers(
    a: Reach, b: Reach, region: BaseGeometry, points: list[tuple[float, float]]
) -> int:
    inside = 0
    for lon, lat in points:
        if _beyond_m(a, lon, lat) <= 0.0 and _beyond_m(b, lon, lat) <= 0.0:
            inside += 1
            assert _uncovered_m(region, lon, lat) <= 0.01, (lon, lat)
    return inside


def _grid(
    lon_lo: float, lat_lo: float, lon_hi: float, lat_hi: float, n: int = 24
) -> list[tuple[float, float]]:
    return [
        (float(x), float(y))
        for x in np.linspace(lon_lo, lon_hi, n)
        for y in np.linspace(lat_lo, lat_hi, n)
    ]


def _zone_and_lot(buffer_m: float, gap_m: float) -> tuple[Reach, Reach]:
    """A zone with a buffer and a lot whose west edge lies `gap_m` east of the zone's."""
    lon, _ = destination(23.80, 41.23, 90.0, gap_m)
    zone = reach(polygon_json(box(23.70, 41.20, 23.80, 41.26)), horizontal_m=buffer_m)
    return zone, reach(polygon_json(box(lon, 41.22, lon + 0.05, 41.24)))


@pytest.mark.parametrize(
    ("buffer_m", "gap_m"), [(1_000.0, 900.0), (50_000.0, 49_900.0), (50_000.0, 50_000.0)]
)
def test_a_buffer_is_drawn_no_wider_than_it_is(buffer_m: float, gap_m: float) -> None:
    # Drawn as a polygon circumscribing its arcs, the buffer grew along straight edges too,
    # by 0.12% of its width: 60 m beyond a 50 km buffer.
    zone, lot = _zone_and_lot(buffer_m, gap_m)
    found = overlap(zone, lot)
    assert found is not None
    _assert_drawn_within(zone, lot, found.footprint)
    lon_lo, _lat_lo, lon_hi, _lat_hi = found.footprint.bounds
    inside = _assert_covers(
        zone, lot, found.footprint, _grid(lon_lo - 0.002, 41.215, lon_hi + 0.002, 41.245, 12)
    )
    assert inside or gap_m == buffer_m


def test_a_part_far_from_the_nearest_place_is_drawn_where_it_lies() -> None:
    # A tall strip with a 50 km buffer, an operation crossing it at 40.1°N and a tooth
    # 20 m inside the buffer 640 km north: drawn in one plane centred on the crossing, the
    # tooth's part of the region was lost or shifted by ~85 m.
    zone = reach(polygon_json(box(19.8, 40.0, 20.0, 46.0)), horizontal_m=50_000.0)
    tooth_lon, _ = destination(20.0, 45.9, 90.0, 50_000.0 - 20.0)
    ring = [[19.9, 40.1], [21.6, 40.1], [21.6, 45.95], [tooth_lon, 45.95], [tooth_lon, 45.85],
            [21.5, 45.85], [21.5, 40.2], [19.9, 40.2], [19.9, 40.1]]  # fmt: skip
    operation = reach(polygon_json(ring))
    found = overlap(zone, operation)
    assert found is not None
    _assert_drawn_within(zone, operation, found.footprint)
    tooth_edge = [(tooth_lon + 1e-7, float(lat)) for lat in np.linspace(45.851, 45.949, 25)]
    assert _assert_covers(zone, operation, found.footprint, tooth_edge) >= 15


def test_two_near_places_are_measured_and_drawn_at_the_nearer() -> None:
    # The comb comes 100 km from the block at 43.5°N and 100 km + 10 m at 40.6°N: the
    # separation was read at the farther place, and with 50 km buffers the region was
    # drawn there, 330 km from where the buffers meet.
    pair = PAIRS["two_near_places_touching"]
    found = overlap(pair.a, pair.b)
    assert found is not None
    assert found.separation_m == pytest.approx(TWO_PLACES_GAP_M, abs=0.05)
    north = destination(20.0, 43.5, 90.0, TWO_PLACES_GAP_M / 2.0)
    assert _uncovered_m(found.footprint, *north) <= 0.01
    _assert_drawn_within(pair.a, pair.b, found.footprint)


def test_an_operation_near_the_far_place_is_drawn_there_not_at_the_first_found() -> None:
    # A zone with a 50 km buffer, an operation (no buffer) whose comb comes 50 km from it at
    # 48.4°N and 50 km + 20 m at 40.6°N: the region must lie at 48.4°N.
    north = destination(20.0, 48.4, 90.0, 50_000.0)
    south = destination(20.0, 40.6, 90.0, 50_020.0)
    comb = [list(south), [south[0] + 0.8, 44.5], list(north), [north[0] + 1.5, 48.5],
            [south[0] + 1.5, 40.5], list(south)]  # fmt: skip
    zone = reach(polygon_json(box(18.0, 40.5, 20.0, 48.5)), horizontal_m=50_000.0)
    operation = reach(polygon_json(comb))
    found = overlap(operation, zone)
    assert found is not None
    assert found.separation_m == pytest.approx(50_000.0, abs=0.05)
    assert _uncovered_m(found.footprint, *north) <= 0.01
    _assert_drawn_within(operation, zone, found.footprint)
    assert found.footprint.bounds[1] > 48.0


def test_touching_along_the_antimeridian_is_a_line_on_it() -> None:
    pair = PAIRS["dateline_shores_touching"]
    for a, b in ((pair.a, pair.b), (pair.b, pair.a)):
        found = overlap(a, b)
        assert found is not None
        region = found.footprint
        assert region.is_valid, shapely.is_valid_reason(region)
        assert region.geom_type in {"LineString", "MultiLineString"}
        assert set(np.abs(shapely.get_coordinates(region)[:, 0])) == {180.0}
        assert region.length > 0.0


@pytest.mark.parametrize("lat", [10.0, 60.0, 78.0])
def test_large_circles_are_drawn_on_their_rims(lat: float) -> None:
    centre = (5.0, lat)
    other = destination(*centre, 40.0, 598_000.0)
    a, b = reach(circle_json(*centre, 300_000.0)), reach(circle_json(*other, 300_000.0))
    found = overlap(a, b)
    assert found is not None
    _assert_drawn_within(a, b, found.footprint)
    mid = destination(*centre, 40.0, 299_000.0)
    around = [destination(*mid, az, d) for az in range(0, 360, 30) for d in (10.0, 400.0, 900.0)]
    inside = _assert_covers(a, b, found.footprint, around)
    assert inside >= 12


def test_a_buffered_zone_across_the_antimeridian_is_drawn_on_both_sides() -> None:
    zone = reach(polygon_json(DATELINE_ISLAND), horizontal_m=1_000.0)
    lot = reach(polygon_json(box(179.95, -16.95, 180.05, -16.85)))
    found = overlap(zone, lot)
    assert found is not None
    _assert_drawn_within(zone, lot, found.footprint)
    lons = shapely.get_coordinates(found.footprint)[:, 0]
    assert lons.min() < -179.9
    assert lons.max() > 179.9
    _assert_covers(zone, lot, found.footprint, _grid(179.95, -16.95, 180.05, -16.85, 12))


def test_footprints_within_the_tolerance_meet_at_a_point_between_them() -> None:
    pair = PAIRS["lot_3cm_east"]
    found = overlap(pair.a, pair.b)
    assert found is not None
    region = found.footprint
    assert isinstance(region, shapely.Point)
    assert max(_beyond_m(pair.a, region.x, region.y), _beyond_m(pair.b, region.x, region.y)) <= 0.05


def test_a_buffer_reaching_a_lot_by_4_cm_is_drawn_at_the_lot() -> None:
    # The point drawn for a region too thin to draw sat midway between the cores, half
    # the buffer outside the lot.
    zone, lot = _zone_and_lot(20.0, 20.04)
    found = overlap(zone, lot)
    assert found is not None
    _assert_drawn_within(zone, lot, found.footprint)


def test_a_region_in_a_hole_is_drawn_around_its_rim() -> None:
    # A circle 200 m across, centred 50 m inside a hole from its east rim, against the zone
    # with a 100 m buffer: the region is the circle less what lies deeper in the hole.
    hole = box(23.70, 41.20, 23.80, 41.26)
    zone = reach(polygon_json(box(23.60, 41.10, 23.90, 41.35), hole[::-1]), horizontal_m=100.0)
    lon, lat = destination(23.80, 41.23, 270.0, 50.0)
    operation = reach(circle_json(lon, lat, 200.0))
    found = overlap(zone, operation)
    assert found is not None
    _assert_drawn_within(zone, operation, found.footprint)
    inside = _assert_covers(
        zone,
        operation,
        found.footprint,
        _grid(lon - 0.003, lat - 0.002, lon + 0.003, lat + 0.002, 16),
    )
    assert inside >= 20


@settings(DETERMINISTIC, max_examples=15)
@given(nearby_pairs(max_size_m=30_000.0))
def test_any_region_drawn_lies_within_both_reaches_and_covers_what_they_share(
    pair: tuple[Reach, Reach],
) -> None:
    a, b = pair
    b = Reach(Volume4D(b.volume.footprint, a.volume.altitude, a.volume.time), b.buffer)
    found = overlap(a, b)
    assume(found is not None)
    assert found is not None
    region = found.footprint
    _assert_drawn_within(a, b, region, per_part=40)
    lon_lo, lat_lo, lon_hi, lat_hi = region.bounds
    if lon_hi - lon_lo > 180.0:  # cut at the antimeridian: sample the western piece
        lon_lo = min(x for x in shapely.get_coordinates(region)[:, 0] if x > 0.0)
        lon_hi = 180.0
    _assert_covers(a, b, region, _grid(lon_lo, lat_lo, lon_hi, lat_hi, 10))
