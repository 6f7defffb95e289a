"""The local affine frame: its scales, its inverse, its wrap, and its length-error bounds."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import assume, given
from hypothesis import strategies as st

from deconflict.geometry.frame import LocalFrame
from tests.specimens import GEOD
from tests.strategies import DETERMINISTIC, centres


def test_scales_at_the_equator() -> None:
    frame = LocalFrame.at(23.7, 0.0)
    assert frame.kx == pytest.approx(111_319.49, abs=0.01)
    assert frame.ky == pytest.approx(110_574.27, abs=0.01)


def test_scales_at_sixty_degrees() -> None:
    frame = LocalFrame.at(-71.3, 60.0)
    assert frame.kx == pytest.approx(GEOD.inv(-71.3, 60.0, -70.3, 60.0)[2], rel=1e-4)
    assert frame.ky == pytest.approx(GEOD.inv(-71.3, 59.995, -71.3, 60.005)[2] * 100, rel=1e-6)


def test_from_plane_inverts_to_plane() -> None:
    frame = LocalFrame.at(179.9, -16.8)
    coords = np.array([[179.95, -16.7], [-179.8, -16.9], [179.9, -16.8]])
    back = frame.coords_from_plane(frame.coords_to_plane(coords))
    assert back == pytest.approx(coords)


def test_a_shape_across_the_antimeridian_stays_whole() -> None:
    frame = LocalFrame.at(179.9, -16.8)
    cut = shapely.MultiPolygon(
        [shapely.box(179.8, -16.9, 180.0, -16.75), shapely.box(-180.0, -16.9, -179.7, -16.75)]
    )
    x_lo, _, x_hi, _ = frame.to_plane(cut).bounds
    assert x_hi - x_lo == pytest.approx(0.5 * frame.kx)


def test_a_shape_opposite_the_frame_stays_whole_and_far() -> None:
    # Across the meridian opposite the frame's centre: wrapping it point by point would
    # stretch it round the world and over the centre.
    frame = LocalFrame.at(10.0, 0.5)
    far = shapely.box(-171.0, 0.0, -169.0, 1.0)
    plane = frame.to_plane(far)
    x_lo, _, x_hi, _ = plane.bounds
    assert x_hi - x_lo == pytest.approx(2.0 * frame.kx)
    assert shapely.distance(plane, shapely.Point(0.0, 0.0)) > 170.0 * frame.kx


def test_each_geometry_of_an_array_is_wrapped_on_its_own() -> None:
    frame = LocalFrame.at(0.0, 10.0)
    near = shapely.box(1.0, 10.0, 2.0, 11.0)
    opposite = shapely.MultiPolygon(
        [shapely.box(179.5, 10.0, 180.0, 11.0), shapely.box(-180.0, 10.0, -179.5, 11.0)]
    )
    planes = frame.to_plane(np.array([near, opposite]))
    assert planes[0].bounds[0] == pytest.approx(frame.kx)
    assert planes[1].bounds[2] - planes[1].bounds[0] == pytest.approx(frame.kx)


@DETERMINISTIC
@given(centres(), st.floats(0.0, 360.0), st.floats(1.0, 300_000.0), st.floats(-3.0, 3.0))
def test_scale_range_bounds_true_length(
    centre: tuple[float, float], azimuth: float, distance_m: float, dlat: float
) -> None:
    """Geodesic length over frame length lies in the range for the latitudes crossed."""
    lon, lat = centre
    lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth, distance_m)
    frame = LocalFrame.at(lon, lat + dlat)
    assume(abs(lat + dlat) < 85.0)
    plane = frame.coords_to_plane(np.array([[lon, lat], [float(lon2), float(lat2)]]))
    frame_m = float(np.hypot(*(plane[1] - plane[0])))
    # Every latitude a geodesic of this length can reach from its start.
    reach_deg = np.degrees(distance_m / 6_335_439.0) * 1.001
    lo, hi = lat - reach_deg, lat + reach_deg
    s_min, s_max = frame.scale_range(lo, hi)
    assert s_min * frame_m <= distance_m * (1 + 1e-9)
    # The straight lon/lat line stays between the end points' latitudes.
    s_min_line, s_max_line = frame.scale_range(min(lat, float(lat2)), max(lat, float(lat2)))
    assert distance_m <= s_max_line * frame_m * (1 + 1e-9) + 1e-6
    assert s_min <= s_min_line <= s_max_line <= s_max
