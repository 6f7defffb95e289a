"""Geodesic distance between two footprint cores, exact to a few centimetres."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from deconflict.geometry.aeqd import AzimuthalPlane
from deconflict.geometry.antimeridian import wrap_towards
from deconflict.geometry.frame import LocalFrame
from deconflict.geometry.geodesy import (
    BOW_DEG,
    GEOD,
    abs_lat_range,
    east_m_per_deg,
    geodesic_distance_m,
    lat_span_deg,
    north_m_per_deg,
)

_REFINEMENTS = 2
_ORIGIN = shapely.Point(0.0, 0.0)
#: Radius (frame metres) of the stretch of a core that one refinement settles. Within it,
#: the azimuthal plane centred on the pair found measures a connection of up to 200 km
#: (margins at their limits) to ~2 cm, about (5 km / R)² / 6 of its length.
SPOT_RADIUS_M = 5_000.0
#: Pairs of stretches refined before the answer is left at the safe one, in reach. Two
#: 4°-tall shapes 100 km apart with 50 km buffers, the hardest specimen, take ~150 (~90
#: ms); at 200k stored, 3,000 benchmark queries refined 3 pairs in all.
MAX_SPOTS = 256


def nearest_points_lonlat(
    a: BaseGeometry, b: BaseGeometry
) -> tuple[tuple[float, float], tuple[float, float], float]:
    """The closest pair of points of two disjoint cores, and their geodesic distance (m).

    Starts from the closest pair in lon/lat (wrapped to a common side of the antimeridian),
    then twice re-centres an azimuthal plane midway between the current pair and looks
    again; near the centre that plane measures like the ellipsoid.
    """
    lon0, lat0 = shapely.get_coordinates(a)[0]
    frame = LocalFrame.at(float(lon0), float(lat0))
    start = shapely.shortest_line(frame.to_plane(a), frame.to_plane(b))
    pa, pb = frame.coords_from_plane(shapely.get_coordinates(start))
    for _ in range(_REFINEMENTS):
        mid = _geodesic_midpoint(pa, pb)
        plane = AzimuthalPlane(float(mid[0]), float(mid[1]))
        line = shapely.shortest_line(plane.to_plane(a), plane.to_plane(b))
        pa, pb = plane.coords_from_plane(shapely.get_coordinates(line))
    dist = float(geodesic_distance_m(pa[0], pa[1], pb[0], pb[1]))
    return (float(pa[0]), float(pa[1])), (float(pb[0]), float(pb[1])), dist


def core_distance_m(a: BaseGeometry, b: BaseGeometry) -> float:
    """Geodesic distance between two cores; 0 when they touch or overlap."""
    if shapely.intersects(a, b):
        return 0.0
    if isinstance(b, shapely.Point):
        a, b = b, a
    if isinstance(a, shapely.Point):
        if isinstance(b, shapely.Point):
            return float(geodesic_distance_m(a.x, a.y, b.x, b.y))
        # Centred on the point, the azimuthal plane measures every distance from it exactly.
        plane = AzimuthalPlane(a.x, a.y)
        return float(shapely.distance(_ORIGIN, plane.to_plane(b)))
    return least_distance(a, b)[2]


def cores_within_m(
    a: BaseGeometry,
    b: BaseGeometry,
    threshold_m: float,
    frame: LocalFrame,
    planes: tuple[BaseGeometry, BaseGeometry],
    least_scale: float,
) -> bool:
    """Whether two disjoint cores come within `threshold_m` of each other, geodesically.

    `planes` are both cores in `frame`, and `least_scale` bounds from below the ratio of
    true to frame length of every connection no longer than the threshold. A refinement
    (`nearest_points_lonlat`) follows the place the frame finds nearest, and where the
    cores come about as close at two places far apart the frame's distortion can pick the
    farther one: 100 km apart at 43.5°N and 100 km and 10 m at 40.6°N read as 100,010 m.
    So the cores are settled a stretch of each at a time (`SPOT_RADIUS_M` around the place
    nearest in the frame of what is left), for as long as what is left could still be in
    reach by the frame's bound; two stretches that small are measured to a few cm.
    """
    if isinstance(a, shapely.Point) or isinstance(b, shapely.Point):
        return core_distance_m(a, b) <= threshold_m  # exact from a point: no second place
    reach_in_frame = threshold_m / least_scale
    span_deg = lat_span_deg(threshold_m)
    refined = 0
    for a_stretch, b_stretch in _stretch_pairs(frame, planes, lambda: reach_in_frame):
        if not _stretches_may_meet(frame, a_stretch, b_stretch, threshold_m, span_deg):
            continue
        refined += 1
        if refined > MAX_SPOTS:
            return True
        if nearest_points_lonlat(a_stretch, b_stretch)[2] <= threshold_m:
            return True
    return False


def _stretches_may_meet(
    frame: LocalFrame,
    a_stretch: BaseGeometry,
    b_stretch: BaseGeometry,
    threshold_m: float,
    span_deg: float,
) -> bool:
    """Whether two stretches (lon/lat, continuous) may come within the threshold, bounded
    on the latitudes their connection could use and axis by axis.

    A connection no longer than the threshold lies within `span_deg` of a point of each
    stretch. Between those latitudes every step is at least the least east-west scale
    times its frame east component and the least north-south scale times its north one, so
    the stretches' distance in the frame with each axis shrunk by its least scale bounds
    the true one from below. The cores' one scale for every direction and all their
    latitudes is far looser for long shapes: two 790 km corridors 100.5 km apart left
    hundreds of pairs within it, and the refinements ran out of budget (a conflict
    reported 500 m beyond reach).
    """
    _, a_lo, _, a_hi = shapely.bounds(a_stretch)
    _, b_lo, _, b_hi = shapely.bounds(b_stretch)
    lat_lo = max(float(a_lo), float(b_lo)) - span_deg - BOW_DEG
    lat_hi = min(float(a_hi), float(b_hi)) + span_deg + BOW_DEG
    if lat_lo > lat_hi:
        return False
    abs_lo, abs_hi = abs_lat_range(lat_lo, lat_hi)
    shrink = np.array([east_m_per_deg(abs_hi) / frame.kx, north_m_per_deg(abs_lo) / frame.ky])

    def shrunk(stretch: BaseGeometry) -> BaseGeometry:
        return shapely.transform(stretch, lambda c: frame.coords_to_plane(c, wrap=False) * shrink)

    return bool(shapely.distance(shrunk(a_stretch), shrunk(b_stretch)) <= threshold_m)


def least_distance(
    a: BaseGeometry, b: BaseGeometry
) -> tuple[tuple[float, float], tuple[float, float], float]:
    """The nearest points of two cores and their geodesic distance, wherever on the cores
    they lie (longitudes continuous from `a`'s; the distance 0 where they touch).

    One refinement gives a pair of points, so a distance no shorter than the least; the
    cores are then searched stretch by stretch (as `cores_within_m` does) for any pair the
    frame's bound leaves room to be nearer, the bound tightening as nearer pairs are found.
    """
    if shapely.intersects(a, b):
        point = shapely.get_coordinates(shapely.point_on_surface(shapely.intersection(a, b)))[0]
        return (float(point[0]), float(point[1])), (float(point[0]), float(point[1])), 0.0
    if isinstance(b, shapely.Point) and not isinstance(a, shapely.Point):
        pb, pa, dist = least_distance(b, a)
        return pa, pb, dist
    if isinstance(a, shapely.Point):
        plane = AzimuthalPlane(a.x, a.y)
        line = shapely.shortest_line(_ORIGIN, plane.to_plane(b))
        near = wrap_towards(plane.coords_from_plane(shapely.get_coordinates(line)), a.x)[1]
        dist = float(geodesic_distance_m(a.x, a.y, near[0], near[1]))
        return (a.x, a.y), (float(near[0]), float(near[1])), dist
    pa, pb, best = nearest_points_lonlat(a, b)
    if _within_one_spot(a) and _within_one_spot(b):
        return pa, pb, best  # the stretches would be the cores themselves: no other place
    _, lat_lo, _, lat_hi = shapely.total_bounds([a, b])
    # Centred on `a`'s first position in longitude, so that shapes cut at the antimeridian
    # are measured whole, as `nearest_points_lonlat` measures them.
    frame = LocalFrame.at(float(shapely.get_coordinates(a)[0, 0]), (lat_lo + lat_hi) / 2.0)
    least_scale = frame.scale_range(lat_lo - BOW_DEG, lat_hi + BOW_DEG)[0]
    planes = (frame.to_plane(a), frame.to_plane(b))
    pairs = _stretch_pairs(frame, planes, lambda: best / least_scale)
    for refined, (a_stretch, b_stretch) in enumerate(pairs, start=1):
        if refined > MAX_SPOTS:
            break
        near_a, near_b, dist = nearest_points_lonlat(a_stretch, b_stretch)
        if dist < best:
            pa, pb, best = near_a, near_b, dist
    return pa, pb, best


def _within_one_spot(core: BaseGeometry) -> bool:
    """Whether a core is no wider than `SPOT_RADIUS_M`, so one stretch of it holds it all."""
    lon_lo, lat_lo, lon_hi, lat_hi = shapely.bounds(core)
    # Degrees of longitude are widest at the latitude nearest the equator; of latitude,
    # within 1.1% of the frame's anywhere.
    equatorward = 0.0 if lat_lo <= 0.0 <= lat_hi else min(abs(lat_lo), abs(lat_hi))
    frame = LocalFrame.at(lon_lo, equatorward)
    width_m = math.hypot((lon_hi - lon_lo) * frame.kx, (lat_hi - lat_lo) * frame.ky * 1.011)
    return width_m * 1.01 <= SPOT_RADIUS_M


def _stretch_pairs(
    frame: LocalFrame,
    planes: tuple[BaseGeometry, BaseGeometry],
    reach_in_frame: Callable[[], float],
) -> Iterator[tuple[BaseGeometry, BaseGeometry]]:
    """Stretches of the two cores (in lon/lat), nearest in the frame first, for as long as
    what is left comes within `reach_in_frame` (asked again before each)."""
    a_plane, b_rest = planes
    while not b_rest.is_empty:
        b_stretch, b_spot = _nearest_stretch(a_plane, b_rest, reach_in_frame())
        if b_stretch is None:
            return
        b_lonlat = _to_lonlat(frame, b_stretch)
        a_rest = a_plane
        while not a_rest.is_empty:
            a_stretch, a_spot = _nearest_stretch(b_stretch, a_rest, reach_in_frame())
            if a_stretch is None:
                break
            yield _to_lonlat(frame, a_stretch), b_lonlat
            a_rest = shapely.difference(a_rest, a_spot)
        b_rest = shapely.difference(b_rest, b_spot)


def _to_lonlat(frame: LocalFrame, geom: BaseGeometry) -> BaseGeometry:
    """A shape in the frame back in lon/lat, its longitudes kept continuous."""
    return shapely.transform(geom, lambda c: frame.coords_from_plane(c, wrap=False))


def _nearest_stretch(
    of: BaseGeometry, rest: BaseGeometry, reach: float
) -> tuple[BaseGeometry | None, BaseGeometry]:
    """The part of `rest` around its point nearest to `of`, and the disc that cut it; None
    when even that point lies beyond `reach` (all in frame units)."""
    line = shapely.shortest_line(of, rest)
    spot = shapely.buffer(shapely.get_point(line, 1), SPOT_RADIUS_M)
    if shapely.length(line) > reach:
        return None, spot
    return shapely.intersection(rest, spot), spot


def _geodesic_midpoint(pa: np.ndarray, pb: np.ndarray) -> np.ndarray:
    az, _, dist = GEOD.inv(pa[0], pa[1], pb[0], pb[1])
    lon, lat, _ = GEOD.fwd(pa[0], pa[1], az, dist / 2.0)
    return np.array([lon, lat])
