"""Building a canonical polygon footprint from rings, refusing what is not a real area."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from deconflict import errors
from deconflict.geometry import limits
from deconflict.geometry.antimeridian import cut_at_antimeridian, shift_near, unwrap_lons
from deconflict.geometry.clearance import gap_between_rings, ring_clearance
from deconflict.geometry.frame import LocalFrame
from deconflict.geometry.values import PolygonFootprint, Ring


def polygon_footprint(rings: tuple[Ring, ...], pointer: str = "/coordinates") -> PolygonFootprint:
    """A validated footprint; the rings must already be closed, in range and within limits."""
    unwrapped = unwrapped_polygon(rings, pointer)
    _check_shape(unwrapped, rings, pointer)
    return PolygonFootprint(rings, cut_at_antimeridian(unwrapped), unwrapped)


def unwrapped_polygon(rings: tuple[Ring, ...], pointer: str) -> shapely.Polygon:
    """The polygon with continuous longitudes (possibly beyond ±180 across the antimeridian)."""
    arrays: list[np.ndarray] = []
    for i, ring in enumerate(rings):
        coords = np.array(ring, dtype=np.float64)
        lons = unwrap_lons(coords[:, 0])
        if abs(lons[-1] - lons[0]) > 1e-9:
            raise errors.NearPole(
                "this ring goes all the way round a pole; polar footprints are not supported",
                f"{pointer}/{i}",
            )
        if i > 0:
            lons = shift_near(lons, float(np.mean(arrays[0][:, 0])))
        coords[:, 0] = lons
        arrays.append(coords)
    return shapely.Polygon(arrays[0], arrays[1:])


def right_hand_rings(rings: tuple[Ring, ...]) -> tuple[Ring, ...]:
    """The rings by RFC 7946's right-hand rule: shell counter-clockwise, holes clockwise.

    Input may wind either way (§3.1.6 says not to refuse it), but output must follow the
    rule. Positions stay as given; a ring the wrong way round is reversed. Its way round
    is judged with continuous longitudes, which do not jump at the antimeridian.
    """
    turned = []
    for i, ring in enumerate(rings):
        coords = np.array(ring, dtype=np.float64)
        coords[:, 0] = unwrap_lons(coords[:, 0])
        wanted_ccw = i == 0
        turned.append(ring if shapely.LinearRing(coords).is_ccw == wanted_ccw else ring[::-1])
    return tuple(turned)


def _check_shape(polygon: shapely.Polygon, rings: tuple[Ring, ...], pointer: str) -> None:
    xmin, ymin, xmax, ymax = polygon.bounds
    if xmax - xmin > limits.MAX_LONGITUDE_SPAN_DEG:
        raise errors.VolumeTooLarge(
            f"a footprint may span at most {limits.MAX_LONGITUDE_SPAN_DEG:g}° of longitude",
            pointer,
        )
    frame = LocalFrame.at((xmin + xmax) / 2.0, (ymin + ymax) / 2.0)
    plane = _to_frame(polygon, frame)
    if not shapely.is_valid(polygon):
        if shapely.make_valid(plane).area < limits.MIN_AREA_M2:
            raise errors.DegenerateFootprint("the polygon encloses no area", pointer)
        raise errors.SelfIntersection(
            _validity_reason(polygon), _offending_ring(polygon, pointer, len(rings))
        )
    area = plane.area
    if area < limits.MIN_AREA_M2:
        raise errors.DegenerateFootprint(
            f"the polygon encloses less than {limits.MIN_AREA_M2:g} m²", pointer
        )
    clearance = ring_clearance(plane)
    if clearance < limits.MIN_CLEARANCE_M:
        raise errors.DegenerateFootprint(
            f"the polygon has a sliver or spike: two of its vertices or edges are "
            f"{clearance:.3g} m apart, less than the minimum of {limits.MIN_CLEARANCE_M:g} m",
            pointer,
        )
    gap = gap_between_rings(plane, limits.MIN_CLEARANCE_M)
    if gap < limits.MIN_CLEARANCE_M:
        # Touching at a point is valid (checked above); coming this near without touching
        # leaves a sliver of the polygon between a hole and its shell or another hole.
        raise errors.DegenerateFootprint(
            f"the polygon has a sliver: a hole comes within {gap:.3g} m of its outer ring or "
            f"another hole without touching it, less than the minimum of "
            f"{limits.MIN_CLEARANCE_M:g} m",
            pointer,
        )
    if area > limits.MAX_AREA_M2:
        raise errors.VolumeTooLarge(
            f"the polygon covers {area / 1e6:,.0f} km², more than the limit of "
            f"{limits.MAX_AREA_M2 / 1e6:,.0f} km²",
            pointer,
        )


def _to_frame(polygon: BaseGeometry, frame: LocalFrame) -> BaseGeometry:
    # The polygon is already continuous in longitude: shift only, never re-wrap.
    return shapely.transform(
        polygon,
        lambda c: (c - np.array([frame.lon0, frame.lat0])) * np.array([frame.kx, frame.ky]),
    )


def _validity_reason(polygon: BaseGeometry) -> str:
    reason = shapely.is_valid_reason(polygon)
    if reason.startswith("Hole lies outside shell"):
        return "a hole lies outside the polygon's outer ring"
    if reason.startswith("Nested holes") or reason.startswith("Interior is disconnected"):
        return "holes overlap each other or cut the polygon apart"
    return f"the polygon's rings cross themselves or each other ({reason})"


def _offending_ring(polygon: shapely.Polygon, pointer: str, count: int) -> str:
    """The first ring to blame: one crossing itself, else a hole reaching outside its shell."""
    rings = [polygon.exterior, *polygon.interiors]
    for i, ring in enumerate(rings[:count]):
        if not shapely.is_simple(ring):
            return f"{pointer}/{i}"
    shell = shapely.Polygon(polygon.exterior)
    for i, hole in enumerate(polygon.interiors, start=1):
        if not shapely.covers(shell, shapely.Polygon(hole)):
            return f"{pointer}/{i}"
    return pointer
