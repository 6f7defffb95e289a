"""Geodesic distance between cores, checked against layouts whose distance pyproj knows."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from deconflict.geometry.distance import core_distance_m, cores_within_m, nearest_points_lonlat
from deconflict.geometry.frame import LocalFrame
from deconflict.geometry.geodesy import BOW_DEG, lat_span_deg
from deconflict.geometry.limits import DISTANCE_TOLERANCE_M
from tests.specimens import GEOD, RANGE_HOLE, RANGE_SHELL
from tests.strategies import DETERMINISTIC, centres


@DETERMINISTIC
@given(centres(), st.floats(0.0, 360.0), st.floats(0.5, 1_200_000.0))
def test_point_to_point_is_the_geodesic(
    centre: tuple[float, float], azimuth: float, distance_m: float
) -> None:
    lon, lat = centre
    lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth, distance_m)
    found = core_distance_m(shapely.Point(lon, lat), shapely.Point(float(lon2), float(lat2)))
    assert found == pytest.approx(distance_m, abs=DISTANCE_TOLERANCE_M)


@DETERMINISTIC
@given(centres(), st.sampled_from([90.0, 270.0]), st.floats(0.5, 100_000.0))
def test_point_to_a_meridian_edge_is_the_perpendicular(
    centre: tuple[float, float], side: float, distance_m: float
) -> None:
    lon, lat = centre
    edge = shapely.LineString([(lon, lat - 1.5), (lon, lat + 1.2)])
    p_lon, p_lat, _ = GEOD.fwd(lon, lat, side, distance_m)
    found = core_distance_m(shapely.Point(float(p_lon), float(p_lat)), edge)
    assert found == pytest.approx(distance_m, abs=DISTANCE_TOLERANCE_M)


def test_touching_and_overlapping_cores_are_zero_apart() -> None:
    shell = shapely.Polygon(RANGE_SHELL, [RANGE_HOLE])
    assert core_distance_m(shell, shapely.box(21.39, 38.51, 21.5, 38.6)) == 0.0
    assert core_distance_m(shell, shapely.Point(21.40, 38.45)) == 0.0


def test_a_point_in_a_hole_is_measured_to_the_hole_ring() -> None:
    shell = shapely.Polygon(RANGE_SHELL, [RANGE_HOLE])
    lon, lat, _ = GEOD.fwd(21.33, 38.46, 270.0, 250.0)
    assert core_distance_m(shell, shapely.Point(lon, lat)) == pytest.approx(
        250.0, abs=DISTANCE_TOLERANCE_M
    )


def test_nearest_points_lie_on_each_core_across_the_antimeridian() -> None:
    west = shapely.box(179.5, -16.9, 179.9, -16.75)
    east = shapely.box(-179.95, -16.85, -179.6, -16.8)
    pa, pb, dist = nearest_points_lonlat(west, east)
    assert pa == pytest.approx((179.9, pa[1]))
    assert pb == pytest.approx((-179.95, pb[1]))
    assert -16.85 <= pb[1] <= -16.8
    assert dist == pytest.approx(float(GEOD.inv(*pa, *pb)[2]))
    assert 15_900.0 < dist < 16_100.0


def _sampled_point_to_edge_m(
    point: tuple[float, float], a: tuple[float, float], b: tuple[float, float]
) -> float:
    """The geodesic distance from a point to a straight lon/lat edge, by sampling the edge
    ever more finely around its nearest sample."""
    lo, hi, best = 0.0, 1.0, float("inf")
    for _ in range(7):
        t = np.linspace(lo, hi, 2001)
        lons, lats = a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])
        d = np.asarray(
            GEOD.inv(np.full(t.size, point[0]), np.full(t.size, point[1]), lons, lats)[2]
        )
        i = int(np.argmin(d))
        best = min(best, float(d[i]))
        width = (hi - lo) / 1000.0
        lo, hi = max(0.0, float(t[i]) - width), min(1.0, float(t[i]) + width)
    return best


@pytest.mark.parametrize("north_deg", [5.0, 5.3])
def test_an_edge_far_poleward_of_the_point_is_measured_to_a_centimetre(north_deg: float) -> None:
    """A 6° edge some 5° north of a point near the equator bows more than an edge at the
    point's latitude would: densified for the point's latitude, it read up to 3 cm long."""
    point = (0.04, 2.86)
    a, b = (-3.0, 2.86 + north_deg - 0.2), (3.0, 2.86 + north_deg + 0.2)
    block = shapely.Polygon([a, b, (3.0, b[1] + 0.5), (-3.0, a[1] + 0.5), a])
    found = core_distance_m(shapely.Point(point), block)
    assert found == pytest.approx(_sampled_point_to_edge_m(point, a, b), abs=0.015)


@pytest.mark.parametrize(("point_lon", "block_lon"), [(0.0, 180.0), (-30.0, 150.0)])
def test_a_shape_across_the_meridian_opposite_the_point_is_measured_whole(
    point_lon: float, block_lon: float
) -> None:
    """Near the pole, a block straddling the meridian opposite the point: wrapped position by
    position around the point, it became a ring around the world, 1,742 km read as 480."""
    west, east = block_lon - 1.0, block_lon + 1.0
    east = east - 360.0 if east > 180.0 else east
    block = shapely.Polygon([(west, 84.3), (east, 84.3), (east, 84.4), (west, 84.4)])
    ring = shapely.segmentize(
        shapely.Polygon(
            [(west, 84.3), (west + 2.0, 84.3), (west + 2.0, 84.4), (west, 84.4)]
        ).exterior,
        0.001,
    )
    xy = shapely.get_coordinates(ring)
    lons = (xy[:, 0] + 180.0) % 360.0 - 180.0
    n = len(xy)
    sampled = float(np.min(GEOD.inv(np.full(n, point_lon), np.full(n, 80.0), lons, xy[:, 1])[2]))
    found = core_distance_m(shapely.Point(point_lon, 80.0), block)
    assert found == pytest.approx(sampled, abs=1.0)


def _beyond_by(gap_m: float, lon: float, lat: float, azimuth_deg: float) -> float:
    """The degrees along a parallel (azimuth 90) or meridian (0) that lie `gap_m` from
    (lon, lat), found by bisection on pyproj's geodesic."""
    lo, hi = 0.0, 3.0
    for _ in range(60):
        mid = (lo + hi) / 2.0
        end = (lon + mid, lat) if azimuth_deg == 90.0 else (lon, lat + mid)
        if GEOD.inv(lon, lat, *end)[2] < gap_m:
            lo = mid
        else:
            hi = mid
    return hi


def _within_as_searched(a: shapely.Polygon, b: shapely.Polygon, threshold_m: float) -> bool:
    """`cores_within_m` with the frame, planes and least scale `overlap` gives it."""
    lon_lo, lat_lo, lon_hi, lat_hi = shapely.total_bounds([a, b])
    frame = LocalFrame.at((lon_lo + lon_hi) / 2.0, (lat_lo + lat_hi) / 2.0)
    slack = lat_span_deg(threshold_m) + BOW_DEG
    least = frame.scale_range(lat_lo - slack, lat_hi + slack)[0]
    return cores_within_m(a, b, threshold_m, frame, (frame.to_plane(a), frame.to_plane(b)), least)


@pytest.mark.parametrize("beyond_m", [0.0, 500.0])
@pytest.mark.parametrize("running", ["north-south", "east-west"])
def test_long_cores_just_out_of_reach_are_not_left_in_reach(running: str, beyond_m: float) -> None:
    """Two 790 km corridors side by side, their nearest approach 100 km and `beyond_m`
    apart (a zone's largest buffer): every stretch of one lies within the common bound of
    the other, so the refinement budget ran out and the pair was left in reach, a conflict
    reported half a kilometre beyond the buffer."""
    reach_m = 100_000.0
    if running == "north-south":  # meridians draw together northward: nearest at the top
        a = shapely.box(10.0, 40.0, 10.01, 47.1)
        east = 10.01 + _beyond_by(reach_m + beyond_m, 10.01, 47.1, 90.0)
        b = shapely.box(east, 40.0, east + 0.01, 47.1)
    else:  # parallels stay the same distance apart all along
        a = shapely.box(10.0, 45.0, 20.0, 45.01)
        north = 45.01 + _beyond_by(reach_m + beyond_m, 10.0, 45.01, 0.0)
        b = shapely.box(10.0, north, 20.0, north + 0.01)
    assert core_distance_m(a, b) == pytest.approx(reach_m + beyond_m, abs=DISTANCE_TOLERANCE_M)
    threshold = reach_m + DISTANCE_TOLERANCE_M
    assert _within_as_searched(a, b, threshold) is (beyond_m == 0.0)
    assert _within_as_searched(b, a, threshold) is (beyond_m == 0.0)
