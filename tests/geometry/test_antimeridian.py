"""Unwrapping longitudes across the antimeridian and cutting shapes back into range."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import assume, given
from hypothesis import strategies as st

from deconflict.geometry.antimeridian import (
    cut_at_antimeridian,
    cut_region_at_antimeridian,
    in_whole_turns,
    shift_near,
    unwrap_lons,
    wrap_towards,
)
from tests.strategies import DETERMINISTIC


def test_unwrap_takes_each_step_the_short_way_round() -> None:
    assert unwrap_lons(np.array([179.5, -179.5, -178.0])).tolist() == [179.5, 180.5, 182.0]
    assert unwrap_lons(np.array([-179.5, 179.0, 178.0])).tolist() == [-179.5, -181.0, -182.0]
    assert unwrap_lons(np.array([10.0, 20.0, 15.0])).tolist() == [10.0, 20.0, 15.0]


@DETERMINISTIC
@given(
    st.floats(-180.0, 180.0),
    st.lists(st.floats(-60.0, 60.0), min_size=2, max_size=40),
)
def test_unwrap_keeps_a_closed_ring_exactly_closed(start: float, steps: list[float]) -> None:
    # A ring whose way back is also short does not go round a pole.
    assume(abs(sum(steps)) < 179.0)
    lons = (start + np.cumsum([0.0, *steps]) + 180.0) % 360.0 - 180.0
    ring = np.append(lons, lons[0])
    unwrapped = unwrap_lons(ring)
    assert unwrapped[-1] == unwrapped[0]
    assert np.all(np.abs(np.diff(unwrapped)) <= 180.0)


def test_shift_near_moves_by_whole_turns() -> None:
    lons = np.array([179.0, 181.0])
    assert shift_near(lons, -175.0).tolist() == [-181.0, -179.0]
    assert shift_near(lons, 170.0).tolist() == [179.0, 181.0]


def test_wrap_towards_a_reference() -> None:
    coords = np.array([[-179.0, 1.0], [179.0, 2.0], [5.0, 3.0]])
    assert wrap_towards(coords, 170.0)[:, 0].tolist() == [181.0, 179.0, 5.0]
    assert wrap_towards(coords, -170.0)[:, 0].tolist() == [-179.0, -181.0, 5.0]
    assert wrap_towards(coords, 170.0)[:, 1].tolist() == [1.0, 2.0, 3.0]


def test_a_shape_within_range_is_not_cut() -> None:
    shape = shapely.box(23.7, 41.2, 23.8, 41.26)
    assert cut_at_antimeridian(shape) is shape


@pytest.mark.parametrize("offset", [0.0, -360.0])
def test_a_shape_across_the_antimeridian_is_cut_into_range(offset: float) -> None:
    shape = shapely.box(179.8 + offset, -16.9, 180.3 + offset, -16.75)
    cut = cut_at_antimeridian(shape)
    assert cut.geom_type == "MultiPolygon"
    assert [p.bounds for p in sorted(cut.geoms, key=lambda p: p.bounds[0])] == [
        pytest.approx((-180.0, -16.9, -179.7, -16.75)),
        pytest.approx((179.8, -16.9, 180.0, -16.75)),
    ]
    assert cut.area == pytest.approx(shape.area)


def test_a_hole_across_the_antimeridian_is_cut_with_its_shell() -> None:
    shell = shapely.box(179.0, 10.0, 181.5, 11.2)
    shape = shell.difference(shapely.box(179.6, 10.4, 180.4, 10.9))
    cut = cut_at_antimeridian(shape)
    assert cut.area == pytest.approx(shape.area)
    assert not cut.contains(shapely.Point(179.9, 10.5))
    assert not cut.contains(shapely.Point(-179.9, 10.5))
    assert cut.contains(shapely.Point(-179.0, 11.0))


def test_in_whole_turns_keeps_a_shape_whole_near_the_reference() -> None:
    # A ring across 180° seen from lon0 = 0: one piece near -180 (or 180), never split.
    ring = np.array([[179.5, 84.3], [-179.5, 84.3], [-179.5, 84.4], [179.5, 84.4]])
    moved = in_whole_turns(ring, 179.5, 0.0)
    assert moved[:, 0].tolist() == [179.5, 180.5, 180.5, 179.5]
    # Seen from lon0 = -170, the same ring moves a whole turn west, as one piece.
    assert in_whole_turns(ring, 179.5, -170.0)[:, 0].tolist() == [-180.5, -179.5, -179.5, -180.5]
    # Positions needing no turn keep their exact values.
    near = np.array([[-16.85000000000001, 1.0], [-16.8, 2.0]])
    assert in_whole_turns(near, -16.85000000000001, 0.0).tolist() == near.tolist()


def test_a_region_is_cut_into_range_whatever_its_parts() -> None:
    seam = shapely.LineString([(180.0, -16.9), (180.0, -16.8)])
    assert cut_region_at_antimeridian(seam) is seam  # in range as it is
    beyond = shapely.MultiLineString([seam.coords, [(180.5, -16.9), (180.6, -16.9)]])
    parts = shapely.get_parts(cut_region_at_antimeridian(beyond))
    assert sorted(p.bounds for p in parts) == [  # the seam kept once, not at both ends
        (-180.0, -16.9, -180.0, -16.8),
        pytest.approx((-179.5, -16.9, -179.4, -16.9)),
    ]
    across = cut_region_at_antimeridian(shapely.LineString([(179.9, 10.0), (180.1, 10.0)]))
    assert across.geom_type == "MultiLineString"
    assert across.length == pytest.approx(0.2)
    mixed = shapely.GeometryCollection(
        [shapely.box(179.9, 0.0, 180.2, 1.0), shapely.Point(180.5, 2.0)]
    )
    cut = cut_region_at_antimeridian(mixed)
    assert cut.is_valid
    assert cut.area == pytest.approx(0.3)
    assert cut.covers(shapely.Point(-179.5, 2.0))
    lons = shapely.get_coordinates(cut)[:, 0]
    assert lons.min() >= -180.0
    assert lons.max() <= 180.0
