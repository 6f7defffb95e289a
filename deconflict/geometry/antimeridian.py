"""Footprints that cross the antimeridian: unwrap to continuous longitudes, cut back into range.

A ring step of more than 180° of longitude is read as crossing the antimeridian (the short
way round), as RFC 7946 recommends producers avoid but many do not.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from deconflict.geometry.geodesy import FloatArray

_WORLD_STRIPS = (
    (shapely.box(-540.0, -90.0, -180.0, 90.0), 360.0),
    (shapely.box(-180.0, -90.0, 180.0, 90.0), 0.0),
    (shapely.box(180.0, -90.0, 540.0, 90.0), -360.0),
)


def unwrap_lons(lons: FloatArray) -> FloatArray:
    """Continuous longitudes: each step taken the short way round, starting at lons[0]."""
    steps = np.diff(lons)
    # Whole turns only: summing the steps themselves would round, and a closed ring would
    # no longer end exactly where it starts.
    turns = np.where(steps > 180.0, -1.0, 0.0) + np.where(steps < -180.0, 1.0, 0.0)
    return np.asarray(lons + 360.0 * np.concatenate(([0.0], np.cumsum(turns))), dtype=np.float64)


def shift_near(lons: FloatArray, reference_lon: float) -> FloatArray:
    """Shift a continuous ring by whole turns so its mean lies within 180° of a reference."""
    turns = np.round((reference_lon - float(np.mean(lons))) / 360.0)
    return np.asarray(lons + 360.0 * turns, dtype=np.float64)


def cut_at_antimeridian(unwrapped: BaseGeometry) -> BaseGeometry:
    """Pieces of a continuous-longitude shape, each moved back into [-180, 180]."""
    xmin, _, xmax, _ = unwrapped.bounds
    if xmin >= -180.0 and xmax <= 180.0:
        return unwrapped
    pieces = []
    for strip, shift in _WORLD_STRIPS:
        piece = shapely.intersection(unwrapped, strip)
        if not piece.is_empty and piece.area > 0.0:
            pieces.append(shapely.transform(piece, lambda c, s=shift: c + np.array([s, 0.0])))
    polygons = []
    for piece in pieces:
        polygons.extend(shapely.get_parts(piece).tolist())
    polygons = [p for p in polygons if isinstance(p, shapely.Polygon)]
    return shapely.MultiPolygon(polygons)


def cut_region_at_antimeridian(unwrapped: BaseGeometry) -> BaseGeometry:
    """Any shape with continuous longitudes (areas, lines, points, or a mix) moved back
    into [-180, 180], cut where it crosses; a line or point on the antimeridian itself is
    kept once, at -180. Areas are cut apart from the rest: an area's edge on the
    antimeridian is no line of its own."""
    xmin, _, xmax, _ = unwrapped.bounds
    if xmin >= -180.0 and xmax <= 180.0:
        return unwrapped
    given = shapely.get_parts(unwrapped)
    areas = [p for p in given if isinstance(p, shapely.Polygon)]
    parts = shapely.get_parts(cut_at_antimeridian(shapely.MultiPolygon(areas))).tolist()
    for strip, shift in _WORLD_STRIPS:
        for shape in given:
            if isinstance(shape, shapely.Polygon):
                continue
            piece = shapely.intersection(shape, strip)
            moved = shapely.transform(piece, lambda c, s=shift: c + np.array([s, 0.0]))
            parts.extend(
                part
                for part in shapely.get_parts(moved)
                if not np.all(shapely.get_coordinates(part)[:, 0] == 180.0)
            )
    return shapely.union_all(parts)


def in_whole_turns(coords: FloatArray, first_lons: FloatArray | float, lon0: float) -> FloatArray:
    """Positions moved by whole turns so that each shape is one continuous piece near lon0:
    each position made continuous around its shape's first longitude (`first_lons`, one
    per position or one for all), then the shape moved by the turns that bring that
    first longitude nearest lon0. Positions needing no turn keep their exact values."""
    lon = coords[:, 0]
    turns = np.round((first_lons - lon) / 360.0) + np.round((lon0 - first_lons) / 360.0)
    out = coords.copy()
    out[:, 0] = np.where(turns != 0.0, lon + 360.0 * turns, lon)
    return out


def wrap_towards(coords: FloatArray, reference_lon: float) -> FloatArray:
    """Coordinates with longitudes moved by a whole turn to lie within 180° of a reference."""
    out = coords.copy()
    lon = out[:, 0]
    lon = np.where(lon < reference_lon - 180.0, lon + 360.0, lon)
    out[:, 0] = np.where(lon >= reference_lon + 180.0, lon - 360.0, lon)
    return out
