"""Geodesic distance between cores, checked against layouts whose distance pyproj knows."""

from __future__ import annotations

import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from deconflict.geometry.distance import core_distance_m, nearest_points_lonlat
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
