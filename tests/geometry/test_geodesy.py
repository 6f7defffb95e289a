"""WGS84 radii, the conservative metre-to-degree spans, and the edge densification step."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deconflict.geometry.geodesy import (
    A_M,
    M_MIN_M,
    edge_step_deg,
    geodesic_distance_m,
    lat_span_deg,
    lon_span_deg,
    meridional_radius_m,
    normal_radius_m,
)
from deconflict.geometry.limits import MAX_ABS_LATITUDE_DEG
from tests.specimens import GEOD
from tests.strategies import DETERMINISTIC, centres

# WGS84 polar radius of curvature, a / sqrt(1 - e²).
POLAR_RADIUS_M = 6_399_593.6258


def test_radii_of_curvature() -> None:
    assert float(meridional_radius_m(0.0)) == pytest.approx(M_MIN_M)
    assert pytest.approx(6_335_439.327, abs=0.001) == M_MIN_M
    assert float(normal_radius_m(0.0)) == A_M
    assert float(normal_radius_m(90.0)) == pytest.approx(POLAR_RADIUS_M, abs=0.001)
    assert float(meridional_radius_m(90.0)) == pytest.approx(POLAR_RADIUS_M, abs=0.001)
    assert float(normal_radius_m(-45.0)) == float(normal_radius_m(45.0))


def test_geodesic_distance_of_a_degree_on_the_equator() -> None:
    assert float(geodesic_distance_m(23.0, 0.0, 24.0, 0.0)) == pytest.approx(111_319.491, abs=0.001)
    assert float(geodesic_distance_m(179.5, 0.0, -179.5, 0.0)) == pytest.approx(
        111_319.491, abs=0.001
    )


@DETERMINISTIC
@given(centres(), st.floats(0.0, 360.0), st.floats(0.0, 1_200_000.0))
def test_lat_span_covers_any_direction(
    centre: tuple[float, float], azimuth: float, distance_m: float
) -> None:
    lon, lat = centre
    _, lat2, _ = GEOD.fwd(lon, lat, azimuth, distance_m)
    assert abs(float(lat2) - lat) <= lat_span_deg(distance_m)


@DETERMINISTIC
@given(centres(), st.floats(0.0, 360.0), st.floats(0.0, 1_200_000.0))
def test_lon_span_covers_any_direction(
    centre: tuple[float, float], azimuth: float, distance_m: float
) -> None:
    """As the index uses it: up to the highest latitude the distance can reach."""
    lon, lat = centre
    lon2, _, _ = GEOD.fwd(lon, lat, azimuth, distance_m)
    top = abs(lat) + lat_span_deg(distance_m)
    if top > MAX_ABS_LATITUDE_DEG + 5.0:
        return
    dlon = abs((float(lon2) - lon + 180.0) % 360.0 - 180.0)
    assert dlon <= lon_span_deg(distance_m, top)


def test_lon_span_of_nothing_is_nothing() -> None:
    assert lon_span_deg(0.0, 60.0) == 0.0


@pytest.mark.parametrize("lat", [0.0, 1.0, 30.0, 60.0, 75.0, 84.9])
def test_edge_step_keeps_a_parallel_within_two_centimetres_of_the_geodesic(lat: float) -> None:
    step = edge_step_deg(lat)
    lon1, lon2 = 23.0, 23.0 + step
    az, _, dist = GEOD.inv(lon1, lat, lon2, lat)
    mid_lon, mid_lat, _ = GEOD.fwd(lon1, lat, az, dist / 2.0)
    bow_m = GEOD.inv(mid_lon, mid_lat, (lon1 + lon2) / 2.0, lat)[2]
    assert bow_m <= 0.02
    assert math.isfinite(step)
