"""The region two conflicting reaches share, drawn on the ellipsoid for the map and the
parties told of it: never inside the true outline, at most `REGION_EXCESS_M` beyond it.

A compact pair is grown and met in one azimuthal plane centred on it, where that plane
measures every offset to a few centimetres. A spread-out pair is grown a stretch of outline
at a time, each stretch in a plane centred on it, and only the stretches that can come
within reach of the other core: one plane for such a pair shrank or shifted parts of the
region far from its centre (85 m at 640 km). The grown shapes meet in continuous longitudes
and the result is cut at the antimeridian.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from deconflict.geometry.aeqd import AzimuthalPlane
from deconflict.geometry.antimeridian import (
    cut_region_at_antimeridian,
    in_whole_turns,
    wrap_towards,
)
from deconflict.geometry.distance import least_distance
from deconflict.geometry.frame import LocalFrame
from deconflict.geometry.geodesy import (
    A_M,
    BOW_DEG,
    FloatArray,
    edge_step_deg,
    lat_span_deg,
)
from deconflict.geometry.values import CircleFootprint, Reach

#: The least length of outline (metres) grown in one plane (see `_stretch_m`): within
#: ~5 km of its centre, the plane measures offsets of 100 km to ~2 cm
#: (`distance.SPOT_RADIUS_M`).
STRETCH_M = 10_000.0
#: Most a plane centred on a stretch may misjudge an offset from it (metres).
_PLANE_ERROR_M = 0.05
#: Most a lon/lat chord between two drawn positions may stray from the geodesic (metres).
_CHORD_M = 0.1
#: Added to every margin for what the plane and the chords may take off (metres).
_DISTORTION_M = _PLANE_ERROR_M + _CHORD_M
#: How far a drawn arc may stand outside its true arc (metres): it sets the segments.
_ARC_EXCESS_M = 0.4
#: Most the drawn outline lies beyond the true one (metres).
REGION_EXCESS_M = _DISTORTION_M + _ARC_EXCESS_M + _CHORD_M
#: Degrees of longitude or latitude an outline is cut into before it is split in stretches.
_SEGMENT_DEG = 0.02


def shared_region(a: Reach, b: Reach) -> BaseGeometry:
    """Where two reaches that meet overlap, in lon/lat cut at the antimeridian: an area, or
    a line or point where they only touch."""
    core_a, core_b = continuous_cores(a, b)
    if a.margin_m == 0.0 and b.margin_m == 0.0:
        region = shapely.intersection(core_a, core_b)
    elif (plane := _one_plane(core_a, core_b, max(a.margin_m, b.margin_m))) is not None:
        # A compact pair (the common case): grown in one plane, and where both are grown
        # (so both have the room `_DISTORTION_M` gives) met there, so that only what they
        # share is taken back to lon/lat; a core with no margin is met as it is.
        near_lon = float(shapely.get_coordinates(core_a)[0, 0])

        def grown(core: BaseGeometry, r: Reach) -> BaseGeometry:
            return _grown_in_plane(plane.to_plane(core), r.margin_m)

        if a.margin_m == 0.0:
            region = shapely.intersection(core_a, _to_lonlat(plane, grown(core_b, b), near_lon))
        elif b.margin_m == 0.0:
            region = shapely.intersection(_to_lonlat(plane, grown(core_a, a), near_lon), core_b)
        else:
            shared = shapely.intersection(grown(core_a, a), grown(core_b, b))
            region = _to_lonlat(plane, shared, near_lon)
    else:
        near = _NearTest(core_a, core_b, a.margin_m + b.margin_m)
        region = shapely.intersection(
            _grown(core_a, a.margin_m, near.to_b), _grown(core_b, b.margin_m, near.to_a)
        )
    if region.is_empty:
        # Cores within the distance tolerance of each other but not touching meet at a
        # point between them (a margin grows by more than that tolerance).
        pa, pb, _ = least_distance(core_a, core_b)
        region = shapely.Point((pa[0] + pb[0]) / 2.0, (pa[1] + pb[1]) / 2.0)
    return cut_region_at_antimeridian(region)


def continuous_cores(a: Reach, b: Reach) -> tuple[BaseGeometry, BaseGeometry]:
    """Both cores whole, with continuous longitudes, `b`'s moved by whole turns near `a`'s."""
    core_a = _continuous_core(a, None)
    return core_a, _continuous_core(b, float(shapely.get_coordinates(core_a)[0, 0]))


def _continuous_core(r: Reach, near_lon: float | None) -> BaseGeometry:
    footprint = r.volume.footprint
    core = footprint.core if isinstance(footprint, CircleFootprint) else footprint.unwrapped
    if near_lon is None:
        return core
    first = float(shapely.get_coordinates(core)[0, 0])
    return shapely.transform(core, lambda c: in_whole_turns(c, first, near_lon))


def _one_plane(a: BaseGeometry, b: BaseGeometry, margin_m: float) -> AzimuthalPlane | None:
    """A plane centred on the pair that measures every offset of either core to within
    `_PLANE_ERROR_M` (see `_stretch_m`: an offset from a point x from the centre is off by
    about margin·x²/(6R²)), or None when the cores reach too far from any one centre."""
    lon_lo, lat_lo, lon_hi, lat_hi = shapely.total_bounds([a, b])
    plane = AzimuthalPlane((lon_lo + lon_hi) / 2.0, (lat_lo + lat_hi) / 2.0)
    # The farthest point of a lon/lat box from its centre is one of its corners.
    corners = np.array([[lon_lo, lat_lo], [lon_lo, lat_hi], [lon_hi, lat_lo], [lon_hi, lat_hi]])
    farthest_m = float(np.hypot(*plane.coords_to_plane(corners).T).max()) * 1.01
    if margin_m * farthest_m**2 / (6.0 * A_M**2) > _PLANE_ERROR_M:
        return None
    return plane


class _NearTest:
    """Whether a stretch of one core can come within the two margins of the other: its
    distance in one frame at the pair, times the frame's least scale over their latitudes,
    bounds the true one from below."""

    def __init__(self, a: BaseGeometry, b: BaseGeometry, margins_m: float) -> None:
        lon_lo, lat_lo, lon_hi, lat_hi = shapely.total_bounds([a, b])
        self._frame = LocalFrame.at((lon_lo + lon_hi) / 2.0, (lat_lo + lat_hi) / 2.0)
        slack = lat_span_deg(margins_m) + BOW_DEG
        self._least = self._frame.scale_range(lat_lo - slack, lat_hi + slack)[0]
        self._reach_m = margins_m + 2.0 * (_DISTORTION_M + _ARC_EXCESS_M)
        self._a = self._frame.to_plane(a, wrap=False)
        self._b = self._frame.to_plane(b, wrap=False)

    def to_a(self, stretch: BaseGeometry) -> bool:
        return self._near(stretch, self._a)

    def to_b(self, stretch: BaseGeometry) -> bool:
        return self._near(stretch, self._b)

    def _near(self, stretch: BaseGeometry, other: BaseGeometry) -> bool:
        frame_m = shapely.distance(self._frame.to_plane(stretch, wrap=False), other)
        return bool(frame_m * self._least <= self._reach_m)


def _grown(
    core: BaseGeometry, margin_m: float, is_near: Callable[[BaseGeometry], bool]
) -> BaseGeometry:
    """The core and every point within `margin_m` of it (of its near stretches)."""
    if margin_m == 0.0:
        return core
    if isinstance(core, shapely.Point):
        # Distances from the plane's centre are exact: one disc is the whole circle.
        plane = AzimuthalPlane(core.x, core.y)
        return _to_lonlat(plane, _grown_in_plane(shapely.Point(0.0, 0.0), margin_m), core.x)
    stretches = _stretches(core, _stretch_m(margin_m))
    if len(stretches) == 1:
        lon_lo, lat_lo, lon_hi, lat_hi = core.bounds
        plane = AzimuthalPlane((lon_lo + lon_hi) / 2.0, (lat_lo + lat_hi) / 2.0)
        return _to_lonlat(plane, _grown_in_plane(plane.to_plane(core), margin_m), plane.lon0)
    pieces = [core]
    for stretch in stretches:
        if not is_near(stretch):
            continue
        centre = shapely.get_coordinates(
            shapely.line_interpolate_point(stretch, 0.5, normalized=True)
        )[0]
        plane = AzimuthalPlane(float(centre[0]), float(centre[1]))
        grown = _grown_in_plane(plane.to_plane(stretch), margin_m)
        pieces.append(_to_lonlat(plane, grown, plane.lon0))
    return shapely.union_all(pieces)


def _stretch_m(margin_m: float) -> float:
    """Length of outline grown in one plane. Across the plane, lengths stretch by up to
    (ρ/R)²/6 at range ρ, but an offset leaves its stretch nearly along the plane's radii:
    from a point x along the stretch from its centre, the part of each step across the
    radius is x/ρ of it, and the offset's length is misjudged by about margin·x²/(6R²),
    whatever its range. Stretches of 2x keep that under `_PLANE_ERROR_M`: 31 km for a
    50 km buffer, 312 km for 500 m."""
    half_m = A_M * math.sqrt(6.0 * _PLANE_ERROR_M / margin_m)
    return max(STRETCH_M, 2.0 * half_m)


def _grown_in_plane(shape: BaseGeometry, margin_m: float) -> BaseGeometry:
    """`shape` grown by the margin (and `_DISTORTION_M`), its arcs drawn with enough
    segments to stand at most `_ARC_EXCESS_M` outside the true ones."""
    if margin_m == 0.0:
        return shape
    radius = margin_m + _DISTORTION_M
    half_angle = math.acos(radius / (radius + _ARC_EXCESS_M))
    quad_segs = max(1, math.ceil(math.pi / (4.0 * half_angle)))
    return shapely.buffer(shape, radius + _ARC_EXCESS_M, quad_segs=quad_segs)


def _to_lonlat(plane: AzimuthalPlane, shape: BaseGeometry, near_lon: float) -> BaseGeometry:
    """A shape drawn in the plane, back in lon/lat with longitudes continuous near
    `near_lon`. Straight in the plane is geodesic near it; lon/lat chords between the
    positions must be short enough to follow (`edge_step_deg` at the latitude nearest the
    pole)."""
    if shape.is_empty:
        return shape
    steepest = min(abs(plane.lat0) + math.degrees(_reach_in_plane_m(shape) / A_M), 89.0)
    shape = shapely.segmentize(shape, math.radians(edge_step_deg(steepest, _CHORD_M)) * A_M)

    return shapely.transform(shape, lambda c: wrap_towards(plane.coords_from_plane(c), near_lon))


def _reach_in_plane_m(shape: BaseGeometry) -> float:
    """How far from the plane's centre `shape` reaches, with room."""
    corners = np.abs(np.asarray(shapely.bounds(shape)))
    return float(np.hypot(corners[[0, 2]].max(), corners[[1, 3]].max())) * 1.01


def _stretches(core: BaseGeometry, length_m: float) -> list[BaseGeometry]:
    """The core's outline (every ring) in pieces about `length_m` long."""
    pieces: list[BaseGeometry] = []
    for polygon in shapely.get_parts(core):
        for ring in [polygon.exterior, *polygon.interiors]:
            coords = shapely.get_coordinates(shapely.segmentize(ring, _SEGMENT_DEG))
            pieces.extend(_split(coords, length_m))
    return pieces


def _split(coords: FloatArray, length_m: float) -> list[BaseGeometry]:
    step = np.diff(coords, axis=0)
    # Lengths on a sphere are near enough: the stretches only need to be about that long.
    mid_lat = np.radians((coords[:-1, 1] + coords[1:, 1]) / 2.0)
    length = np.hypot(step[:, 0] * np.cos(mid_lat), step[:, 1]) * (A_M * math.pi / 180.0)
    starts = np.concatenate(([0.0], np.cumsum(length)[:-1]))
    group = np.floor(starts / length_m).astype(np.int64)
    cuts = np.flatnonzero(np.diff(group)) + 1
    bounds = [0, *cuts.tolist(), len(coords) - 1]
    return [shapely.LineString(coords[lo : hi + 1]) for lo, hi in itertools.pairwise(bounds)]
