"""The azimuthal equidistant plane: exact from its centre, invertible, and antimeridian-safe."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry.base import BaseGeometry

from deconflict.geometry.aeqd import AzimuthalPlane
from deconflict.geometry.antimeridian import cut_region_at_antimeridian, wrap_towards
from tests.specimens import GEOD
from tests.strategies import DETERMINISTIC, centres


@DETERMINISTIC
@given(centres(), st.floats(0.0, 360.0), st.floats(0.0, 1_000_000.0))
def test_range_and_bearing_from_the_centre_are_exact(
    centre: tuple[float, float], azimuth: float, distance_m: float
) -> None:
    lon, lat = centre
    lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth, distance_m)
    plane = AzimuthalPlane(lon, lat)
    x, y = plane.coords_to_plane(np.array([[float(lon2), float(lat2)]]))[0]
    assert float(np.hypot(x, y)) == pytest.approx(distance_m, abs=1e-6)
    back = plane.coords_from_plane(np.array([[x, y]]))[0]
    assert float(GEOD.inv(back[0], back[1], lon2, lat2)[2]) < 1e-6


def _back(plane: AzimuthalPlane, shape: BaseGeometry) -> BaseGeometry:
    """A shape in the plane back in lon/lat, longitudes continuous about the centre."""

    return shapely.transform(shape, lambda c: wrap_towards(plane.coords_from_plane(c), plane.lon0))


def test_the_centre_maps_to_the_origin() -> None:
    plane = AzimuthalPlane(-64.2, 31.4)
    assert plane.coords_to_plane(np.array([[-64.2, 31.4]])).tolist() == [[0.0, 0.0]]
    assert plane.coords_to_plane(np.zeros((0, 2))).shape == (0, 2)


def test_a_shape_across_the_antimeridian_comes_back_cut_into_range() -> None:
    plane = AzimuthalPlane(180.0, -16.8)
    shape = shapely.MultiPolygon(
        [shapely.box(179.8, -16.9, 180.0, -16.75), shapely.box(-180.0, -16.9, -179.7, -16.75)]
    )
    there = plane.to_plane(shape)
    assert shapely.is_valid(there)
    assert there.geom_type == "Polygon"
    back = cut_region_at_antimeridian(_back(plane, there))
    assert back.geom_type == "MultiPolygon"
    lon_lo, _, lon_hi, _ = back.bounds
    assert (lon_lo, lon_hi) == pytest.approx((-180.0, 180.0))
    assert back.symmetric_difference(shape).area < 1e-9


def test_straight_lon_lat_edges_keep_their_shape() -> None:
    # The parallel 60°N: densified, its image bows like the parallel, not like the geodesic.
    plane = AzimuthalPlane(10.2, 60.0)
    edge = shapely.LineString([(10.0, 60.0), (10.4, 60.0)])
    image = plane.to_plane(edge)
    assert len(shapely.get_coordinates(image)) > 2
    back = _back(plane, image)
    assert shapely.hausdorff_distance(back, edge) < 1e-7
