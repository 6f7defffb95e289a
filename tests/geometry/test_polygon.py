"""Building canonical polygon footprints: continuity across the antimeridian, and refusals."""

from __future__ import annotations

import pytest
import shapely

from deconflict import errors
from deconflict.geometry.polygon import polygon_footprint, right_hand_rings, unwrapped_polygon
from deconflict.geometry.values import Ring
from tests.specimens import (
    DATELINE_ISLAND,
    FIELD,
    HOLE_TOUCH_POINT,
    RANGE_HOLE,
    RANGE_SHELL,
    RANGE_TOUCHING_HOLE,
    destination,
)


def _rings(*rings: list[list[float]]) -> tuple[Ring, ...]:
    return tuple(tuple((float(x), float(y)) for x, y in r) for r in rings)


def test_a_plain_polygon_keeps_its_shape() -> None:
    footprint = polygon_footprint(_rings(RANGE_SHELL, RANGE_HOLE))
    assert footprint.shape.geom_type == "Polygon"
    assert footprint.shape is footprint.unwrapped
    assert footprint.continuous_bounds == (21.10, 38.40, 21.40, 38.52)
    assert not footprint.shape.contains(shapely.Point(21.25, 38.46))


def test_rings_are_closed_exactly_after_unwrapping() -> None:
    # Summing these longitude steps in floating point does not return to the start.
    lons = [0.14075, -0.2318, -0.06526, 0.01004, 0.14075]
    ring = [[lon, lat] for lon, lat in zip(lons, [-1.2, -1.23, -1.05, -1.01, -1.2], strict=True)]
    polygon = unwrapped_polygon(_rings(ring), "/c")
    assert len(polygon.exterior.coords) == len(ring)


def test_a_polygon_across_the_antimeridian_is_continuous_and_cut() -> None:
    footprint = polygon_footprint(_rings(DATELINE_ISLAND))
    lon_lo, _, lon_hi, _ = footprint.continuous_bounds
    assert lon_hi - lon_lo == pytest.approx(0.5)
    assert footprint.shape.geom_type == "MultiPolygon"
    assert footprint.shape.area == pytest.approx(footprint.unwrapped.area)


def test_a_hole_given_on_the_other_side_of_the_antimeridian_follows_its_shell() -> None:
    shell = [[179.0, 10.0], [-178.5, 10.0], [-178.5, 11.2], [179.0, 11.2], [179.0, 10.0]]
    hole = [[-179.6, 10.4], [179.6, 10.4], [179.6, 10.9], [-179.6, 10.9], [-179.6, 10.4]]
    footprint = polygon_footprint(_rings(shell, hole))
    assert footprint.shape.area == pytest.approx(2.5 * 1.2 - 0.8 * 0.5)
    assert not footprint.shape.intersects(shapely.Point(179.9, 10.5))
    assert footprint.shape.contains(shapely.Point(-178.6, 11.1))


def test_the_default_pointer_names_the_coordinates() -> None:
    bow_tie = [[23.7, 41.2], [23.8, 41.26], [23.8, 41.2], [23.7, 41.26], [23.7, 41.2]]
    with pytest.raises(errors.SelfIntersection) as caught:
        polygon_footprint(_rings(bow_tie))
    assert caught.value.pointer == "/coordinates/0"


def test_refusals_explain_themselves() -> None:
    tiny = [[23.7, 41.2], [23.7 + 1e-9, 41.2], [23.7 + 1e-9, 41.2 + 2e-9], [23.7, 41.2]]
    with pytest.raises(errors.DegenerateFootprint, match="less than 1 m²"):
        polygon_footprint(_rings(tiny))
    with pytest.raises(errors.SelfIntersection, match="outside the polygon's outer ring"):
        polygon_footprint(_rings(FIELD, [[24.0, 41.2], [24.1, 41.2], [24.1, 41.25], [24.0, 41.2]]))


def test_a_polygon_at_the_minimum_clearance_is_accepted() -> None:
    # A wedge whose narrow end is 0.6 m across, wider than the 0.5 m minimum.
    wedge = [[23.7, 41.2], [23.71, 41.2], [23.71, 41.2 + 0.6 / 111_000.0], [23.7, 41.2001]]
    polygon_footprint(_rings([*wedge, wedge[0]]))


def test_rings_come_out_by_the_right_hand_rule() -> None:
    """RFC 7946 §3.1.6: shell counter-clockwise, holes clockwise, whatever came in."""
    right = _rings(RANGE_SHELL, RANGE_HOLE)  # given that way round
    assert right_hand_rings(right) == right
    wrong = tuple(ring[::-1] for ring in right)
    assert right_hand_rings(wrong) == right


def test_the_way_round_is_judged_across_the_antimeridian() -> None:
    # Read with its longitudes as written (179.8 to -179.7), this shell seems clockwise.
    island = _rings(DATELINE_ISLAND)
    assert not shapely.LinearRing(island[0]).is_ccw
    assert right_hand_rings(island) == island
    assert right_hand_rings((island[0][::-1],)) == island


#: A courtyard whose west corner lies on the east edge of `RANGE_HOLE` (21.33°E), between
#: that edge's vertices: the two holes touch at one point, as OGC simple features allows.
HOLE_TOUCHING_HOLE = [[21.33, 38.46], [21.37, 38.45], [21.37, 38.47], [21.33, 38.46]]


@pytest.mark.parametrize(
    "rings",
    [
        pytest.param((RANGE_SHELL, RANGE_TOUCHING_HOLE), id="hole touching its shell mid-edge"),
        pytest.param((RANGE_SHELL, RANGE_HOLE, HOLE_TOUCHING_HOLE), id="hole touching a hole"),
    ],
)
def test_a_hole_touching_a_ring_at_one_point_is_accepted(
    rings: tuple[list[list[float]], ...],
) -> None:
    # Valid by OGC simple features and RFC 7946, and accepted when the touch point is
    # written in both rings: the same point set must not be refused for how it is written.
    footprint = polygon_footprint(_rings(*rings))
    assert shapely.is_valid(footprint.shape)
    assert footprint.shape.area < shapely.Polygon(rings[0]).area


def test_a_hole_touching_its_shell_leaves_the_touch_point_in_the_polygon() -> None:
    footprint = polygon_footprint(_rings(RANGE_SHELL, RANGE_TOUCHING_HOLE))
    assert footprint.shape.intersects(shapely.Point(*HOLE_TOUCH_POINT))
    assert not footprint.shape.intersects(shapely.Point(21.25, 38.435))


@pytest.mark.parametrize("gap_m", [0.1, 0.4])
def test_a_hole_near_its_shell_without_touching_is_a_sliver(gap_m: float) -> None:
    lon, lat = destination(*HOLE_TOUCH_POINT, 0.0, gap_m)
    hole = [[lon, lat], *RANGE_TOUCHING_HOLE[1:3], [lon, lat]]
    with pytest.raises(errors.DegenerateFootprint, match="sliver"):
        polygon_footprint(_rings(RANGE_SHELL, hole))


def test_a_hole_crossing_its_shell_is_still_refused() -> None:
    hole = [[21.25, 38.39], *RANGE_TOUCHING_HOLE[1:3], [21.25, 38.39]]
    with pytest.raises(errors.SelfIntersection):
        polygon_footprint(_rings(RANGE_SHELL, hole))
