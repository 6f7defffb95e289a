"""Index boxes: asymmetric specimens pin lon and lat, and boxes always cover the whole reach."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from deconflict.errors import InvalidInput
from deconflict.geometry import (
    Box4D,
    Buffer,
    Reach,
    Volume4D,
    index_box_columns,
    index_boxes,
    reaches_meet,
    search_boxes,
)
from deconflict.geometry.altitude import GEOID_UNDULATION_MAX_M, GEOID_UNDULATION_MIN_M
from deconflict.geometry.distance import core_distance_m
from deconflict.geometry.envelope import FEW, footprint_bounds, hilbert_keys, lon_ranges
from deconflict.geometry.values import AltitudeBand, AltitudeReference, CircleFootprint
from tests.specimens import (
    DATELINE_EAST_SHORE,
    DATELINE_ISLAND,
    FIELD,
    GEOD,
    PAIRS,
    circle_json,
    polygon_json,
    reach,
)
from tests.strategies import DETERMINISTIC, buffers, centres, nearby_pairs, reaches, volumes

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def _boxes_meet(a: Box4D, b: Box4D) -> bool:
    return (
        a.lon_min <= b.lon_max
        and b.lon_min <= a.lon_max
        and a.lat_min <= b.lat_max
        and b.lat_min <= a.lat_max
        and a.alt_min_m <= b.alt_max_m
        and b.alt_min_m <= a.alt_max_m
        and a.t_min_s <= b.t_max_s
        and b.t_min_s <= a.t_max_s
    )


def _any_boxes_meet(a: Reach, b: Reach) -> bool:
    """Whether a search for either reach meets the other's stored boxes, as each must when
    the two conflict."""
    return _search_meets(a, b) and _search_meets(b, a)


def _search_meets(query: Reach, stored: Reach) -> bool:
    return any(
        _boxes_meet(x, y) for x in search_boxes(query, EPOCH) for y in index_boxes(stored, EPOCH)
    )


#: pyproj's round-off on a zero-length step (degrees, about 0.1 mm).
_ROUND_OFF_DEG = 1e-9


def _covered(boxes: tuple[Box4D, ...], lon: float, lat: float) -> bool:
    e = _ROUND_OFF_DEG
    return any(
        b.lon_min - e <= lon <= b.lon_max + e and b.lat_min - e <= lat <= b.lat_max + e
        for b in boxes
    )


def test_an_unbuffered_polygon_has_its_own_bounds() -> None:
    (box,) = index_boxes(reach(polygon_json(FIELD)), EPOCH)
    assert (box.lon_min, box.lon_max) == (23.70, 23.80)
    assert (box.lat_min, box.lat_max) == (41.20, 41.26)
    assert (box.alt_min_m, box.alt_max_m) == (0.0, 120.0)
    start = (datetime(2026, 12, 1, 10, tzinfo=UTC) - EPOCH).total_seconds()
    assert (box.t_min_s, box.t_max_s) == (start, start + 7_200.0)


def test_a_buffer_grows_the_box_more_in_longitude_than_latitude() -> None:
    (box,) = index_boxes(reach(polygon_json(FIELD), horizontal_m=1_000.0, vertical_m=20.0), EPOCH)
    grown_lat = 41.20 - box.lat_min
    grown_lon = 23.70 - box.lon_min
    # 1 km is about 0.009° of latitude and, at 41°N, about 0.012° of longitude.
    assert 0.0090 < grown_lat < 0.0092
    assert 0.0119 < grown_lon < 0.0125
    assert (box.alt_min_m, box.alt_max_m) == (-20.0, 140.0)


def test_a_box_across_the_antimeridian_is_split() -> None:
    boxes = index_boxes(reach(polygon_json(DATELINE_ISLAND)), EPOCH)
    spans = sorted((b.lon_min, b.lon_max) for b in boxes)
    assert spans == [(-180.0, pytest.approx(-179.7)), (pytest.approx(179.8), 180.0)]
    assert all((b.lat_min, b.lat_max) == (-16.90, -16.75) for b in boxes)


@pytest.mark.parametrize("name", ["dateline_shores_touching", "lot_3cm_east"])
def test_search_boxes_reach_footprints_whose_own_bounds_do_not_meet(name: str) -> None:
    """Footprints touching along the antimeridian, or a few centimetres apart, conflict:
    their exact bounds are disjoint, and only the search's tolerance brings them together."""
    pair = PAIRS[name]
    assert pair.conflict
    own = [(b.lon_min, b.lon_max) for r in (pair.a, pair.b) for b in index_boxes(r, EPOCH)]
    assert not any(
        _boxes_meet(x, y) for x in index_boxes(pair.a, EPOCH) for y in index_boxes(pair.b, EPOCH)
    ), own
    assert _any_boxes_meet(pair.a, pair.b)


def test_a_search_box_touching_the_antimeridian_gets_its_twin() -> None:
    (east,) = index_boxes(reach(polygon_json(DATELINE_EAST_SHORE)), EPOCH)
    assert east.lon_max == 180.0
    boxes = sorted(search_boxes(reach(polygon_json(DATELINE_EAST_SHORE)), EPOCH), key=_lon)
    assert [(b.lon_min, b.lon_max) for b in boxes] == [
        (-180.0, pytest.approx(-180.0, abs=1e-6)),
        (pytest.approx(179.90, abs=1e-6), 180.0),
    ]
    assert boxes[0].lon_max > -180.0


def test_search_boxes_grow_by_the_tolerance_only() -> None:
    (own,) = index_boxes(reach(polygon_json(FIELD)), EPOCH)
    (searched,) = search_boxes(reach(polygon_json(FIELD)), EPOCH)
    # 5 cm is about 4.5e-7° of latitude and 6e-7° of longitude at 41°N.
    assert 0.0 < own.lat_min - searched.lat_min < 1e-6
    assert 0.0 < own.lon_min - searched.lon_min < 1e-6
    assert (searched.alt_min_m, searched.t_min_s) == (own.alt_min_m, own.t_min_s)


def _lon(box: Box4D) -> float:
    return box.lon_min


def test_an_amsl_band_is_widened_by_the_geoid() -> None:
    r = reach(polygon_json(FIELD))
    amsl = Reach(
        type(r.volume)(r.volume.footprint, AltitudeBand(0, 120, AltitudeReference.AMSL), r.time)
    )
    (box,) = index_boxes(amsl, EPOCH)
    assert box.alt_min_m == GEOID_UNDULATION_MIN_M
    assert box.alt_max_m == 120.0 + GEOID_UNDULATION_MAX_M


@pytest.mark.parametrize(
    ("lo", "hi", "ranges"),
    [
        (10.0, 20.0, [(10.0, 20.0)]),
        (170.0, 190.0, [(170.0, 180.0), (-180.0, -170.0)]),
        (-190.0, -170.0, [(170.0, 180.0), (-180.0, -170.0)]),
        (190.0, 200.0, [(-170.0, -160.0)]),
        (-180.0, 180.0, [(-180.0, 180.0)]),
        (-200.0, 200.0, [(-180.0, 180.0)]),
    ],
)
def test_lon_ranges(lo: float, hi: float, ranges: list[tuple[float, float]]) -> None:
    assert lon_ranges(lo, hi) == [pytest.approx(r) for r in ranges]


def test_footprint_bounds_without_margin_are_the_core_bounds() -> None:
    bounds = footprint_bounds((23.7, 41.2, 23.8, 41.26), 0.0)
    assert bounds[:4] == (23.7, 41.2, 23.8, 41.26)
    assert bounds[4] == pytest.approx(0.1)


@pytest.mark.parametrize("name", sorted(n for n, p in PAIRS.items() if p.conflict))
def test_conflicting_specimens_have_meeting_boxes(name: str) -> None:
    pair = PAIRS[name]
    assert _any_boxes_meet(pair.a, pair.b)


@DETERMINISTIC
@given(nearby_pairs())
def test_conflicting_pairs_have_meeting_boxes(pair: tuple[Reach, Reach]) -> None:
    a, b = pair
    if reaches_meet(a, b):
        assert _any_boxes_meet(a, b)


@DETERMINISTIC
@given(nearby_pairs(), st.floats(0.0, 1.0))
def test_pairs_that_just_meet_have_meeting_boxes(pair: tuple[Reach, Reach], extra_m: float) -> None:
    """Pairs made to meet by at most a metre, so that every example checks (of random
    pairs, one in eight meets): a's buffer set from the cores' distance."""
    a, b = pair
    b = Reach(Volume4D(b.volume.footprint, a.volume.altitude, a.volume.time), b.buffer)
    gap = core_distance_m(a.core, b.core) - a.volume.footprint.margin_m - b.margin_m
    a = Reach(a.volume, Buffer(max(gap, 0.0) + extra_m, a.buffer.vertical_m))
    assume(reaches_meet(a, b))
    assert _any_boxes_meet(a, b)


@DETERMINISTIC
@given(centres(), st.floats(0.0, 360.0), st.floats(2.0, 900_000.0), st.floats(0.05, 0.95))
def test_touching_circles_have_meeting_boxes(
    centre: tuple[float, float], azimuth: float, distance_m: float, split: float
) -> None:
    """Circles exactly touching, at any bearing: east-west at high latitude is the hard case."""
    lon, lat = centre
    lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth, distance_m)
    r1, r2 = split * distance_m, (1.0 - split) * distance_m
    assume(min(r1, r2) >= 1.0 and max(r1, r2) <= 500_000.0)
    try:
        a = reach(circle_json(lon, lat, r1))
        b = reach(circle_json(float(lon2), float(lat2), r2))
    except InvalidInput:
        assume(False)
        raise
    assert _any_boxes_meet(a, b)


def _reach_edge_points(r: Reach) -> np.ndarray:
    """Points exactly one margin away from the core's boundary, in many directions."""
    footprint = r.volume.footprint
    if isinstance(footprint, CircleFootprint):
        base = np.array([[footprint.center_lon, footprint.center_lat]])
    else:
        base = np.concatenate([np.array(ring) for ring in footprint.rings])
    azimuths = np.arange(0.0, 360.0, 1.5)
    lon = np.repeat(base[:, 0], len(azimuths))
    lat = np.repeat(base[:, 1], len(azimuths))
    az = np.tile(azimuths, len(base))
    out_lon, out_lat, _ = GEOD.fwd(lon, lat, az, np.full(len(az), r.margin_m))
    return np.column_stack((out_lon, out_lat))


@DETERMINISTIC
@given(reaches())
def test_boxes_cover_every_point_within_reach(r: Reach) -> None:
    boxes = index_boxes(r, EPOCH)
    points = _reach_edge_points(r)
    for lon, lat in points:
        assert _covered(boxes, float(lon), float(lat)), (lon, lat, boxes)


@DETERMINISTIC
@given(centres(), st.floats(1.0, 500_000.0), st.floats(0.0, 100_000.0))
def test_boxes_cover_large_circles_with_buffers(
    centre: tuple[float, float], radius_m: float, buffer_m: float
) -> None:
    lon, lat = centre
    try:
        r = reach(circle_json(lon, lat, radius_m), horizontal_m=buffer_m)
    except InvalidInput:
        assume(False)
        raise
    boxes = index_boxes(r, EPOCH)
    for p_lon, p_lat in _reach_edge_points(r):
        assert _covered(boxes, float(p_lon), float(p_lat)), (p_lon, p_lat, boxes)


@settings(DETERMINISTIC, max_examples=30)
@given(volumes(max_size_m=300_000.0), buffers(max_horizontal_m=100_000.0))
def test_boxes_cover_large_buffered_polygons(v: Volume4D, buffer: Buffer) -> None:
    r = Reach(v, buffer)
    boxes = index_boxes(r, EPOCH)
    for lon, lat in _reach_edge_points(r):
        assert _covered(boxes, float(lon), float(lat)), (lon, lat, boxes)


@DETERMINISTIC
@given(st.lists(reaches(), min_size=1, max_size=2 * FEW))
def test_boxes_of_a_batch_are_each_reachs_own(drawn: list[Reach]) -> None:
    assert index_box_columns(drawn, EPOCH).boxes() == [index_boxes(r, EPOCH) for r in drawn]


def test_boxes_of_a_batch_across_the_antimeridian_and_unbuffered() -> None:
    drawn = [
        reach(polygon_json(DATELINE_ISLAND), horizontal_m=800.0),
        reach(polygon_json(FIELD)),
        reach(circle_json(179.999, -16.8, 400.0)),
    ] * FEW  # enough to be worked out together
    columns = index_box_columns(drawn, EPOCH)
    boxes = columns.boxes()
    assert boxes == [index_boxes(r, EPOCH) for r in drawn]
    assert [len(b) for b in boxes] == [2, 1, 2] * FEW
    # Each reach's boxes are adjacent rows, and `first` points at the first of them.
    assert columns.owner.tolist() == [j for j, b in enumerate(boxes) for _ in b]
    assert all(columns.owner[columns.first[j]] == j for j in range(len(drawn)))
    assert columns.first[1:].tolist() == np.cumsum([len(b) for b in boxes])[:-1].tolist()


def test_the_hilbert_curve_walks_the_grid_one_cell_at_a_time() -> None:
    # The curve's first 4^k steps fill the 2^k square at the origin, each next to the last.
    side = 16
    xs, ys = np.meshgrid(np.arange(side, dtype=np.int64), np.arange(side, dtype=np.int64))
    keys = hilbert_keys(xs.ravel(), ys.ravel())
    assert sorted(keys.tolist()) == list(range(side * side))
    walk = np.column_stack((xs.ravel(), ys.ravel()))[np.argsort(keys)]
    assert np.abs(np.diff(walk, axis=0)).sum(axis=1).tolist() == [1] * (side * side - 1)


def test_spatial_order_visits_neighbours_together() -> None:
    # Two clusters far apart, interleaved: in spatial order each is visited in one run.
    west = [reach(circle_json(20.0 + 0.001 * i, 40.0, 300.0)) for i in range(FEW)]
    east = [reach(circle_json(25.0 + 0.001 * i, 41.0, 300.0)) for i in range(FEW)]
    drawn = [r for pair in zip(west, east, strict=True) for r in pair]
    order = index_box_columns(drawn, EPOCH).spatial_order().tolist()
    assert sorted(order) == list(range(len(drawn)))
    sides = [i % 2 for i in order]
    assert sum(a != b for a, b in pairwise(sides)) == 1
