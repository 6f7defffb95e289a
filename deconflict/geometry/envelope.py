"""Conservative 4D boxes around a reach, for the store's prefilter index.

Every box is a superset of the true reach: spans grown from metres to degrees are bounded
from above, altitude bands are widened to ellipsoid bounds, and a box that crosses the
antimeridian is split into boxes inside [-180, 180]. The exact check decides afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import shapely

from deconflict.geometry.altitude import DEFAULT_VERTICAL_MODEL, VerticalModel
from deconflict.geometry.geodesy import A_M, M_MIN_M, lat_span_deg, lon_span_deg
from deconflict.geometry.values import CircleFootprint, Reach


@dataclass(frozen=True, slots=True)
class Box4D:
    """Longitude, latitude (degrees), ellipsoid height (m), seconds since an epoch."""

    lon_min: float
    lon_max: float
    lat_min: float
    lat_max: float
    alt_min_m: float
    alt_max_m: float
    t_min_s: float
    t_max_s: float


def footprint_bounds(
    core_bounds: tuple[float, float, float, float], margin_m: float
) -> tuple[float, float, float, float, float]:
    """(lon_lo, lat_lo, lon_hi, lat_hi, lon_span) grown by a margin; longitudes continuous."""
    lon_lo, lat_lo, lon_hi, lat_hi = core_bounds
    dlat = lat_span_deg(margin_m) if margin_m > 0.0 else 0.0
    lat_lo, lat_hi = max(lat_lo - dlat, -90.0), min(lat_hi + dlat, 90.0)
    dlon = lon_span_deg(margin_m, max(abs(lat_lo), abs(lat_hi)))
    lon_lo, lon_hi = lon_lo - dlon, lon_hi + dlon
    return lon_lo, lat_lo, lon_hi, lat_hi, lon_hi - lon_lo


def lon_ranges(lon_lo: float, lon_hi: float) -> list[tuple[float, float]]:
    """A continuous longitude interval as intervals inside [-180, 180]."""
    if lon_hi - lon_lo >= 360.0:
        return [(-180.0, 180.0)]
    shift = 0.0
    while lon_lo + shift < -180.0:
        shift += 360.0
    while lon_lo + shift >= 180.0:
        shift -= 360.0
    lo, hi = lon_lo + shift, lon_hi + shift
    if hi <= 180.0:
        return [(lo, hi)]
    return [(lo, 180.0), (-180.0, hi - 360.0)]


def index_boxes(
    reach: Reach, epoch: datetime, model: VerticalModel = DEFAULT_VERTICAL_MODEL
) -> tuple[Box4D, ...]:
    """The one or two boxes covering a reach in the prefilter index."""
    lon_lo, lat_lo, lon_hi, lat_hi, _ = footprint_bounds(
        reach.volume.footprint.continuous_bounds, reach.margin_m
    )
    alt_lo, alt_hi = model.ellipsoid_bounds(reach.band)
    t_lo = (reach.time.start - epoch).total_seconds()
    t_hi = (reach.time.end - epoch).total_seconds()
    return tuple(
        Box4D(lo, hi, lat_lo, lat_hi, alt_lo, alt_hi, t_lo, t_hi)
        for lo, hi in lon_ranges(lon_lo, lon_hi)
    )


#: Below this many reaches, one by one is quicker than numpy's fixed cost per call.
FEW = 8


def index_boxes_many(
    reaches: Sequence[Reach], epoch: datetime, model: VerticalModel = DEFAULT_VERTICAL_MODEL
) -> list[tuple[Box4D, ...]]:
    """`index_boxes` of each reach, its spans in degrees worked out for all at once (a bulk
    load of a million volumes spent a tenth of its time on them one by one). The very same
    boxes: numpy's arithmetic here rounds as `math`'s does, and a test holds them equal."""
    count = len(reaches)
    if count < FEW:
        return [index_boxes(reach, epoch, model) for reach in reaches]
    bounds = np.empty((count, 4), dtype=np.float64)
    shaped: list[int] = []
    shapes = []
    for i, reach in enumerate(reaches):
        footprint = reach.volume.footprint
        if isinstance(footprint, CircleFootprint):
            bounds[i] = (footprint.center_lon, footprint.center_lat) * 2
        else:
            shaped.append(i)
            shapes.append(footprint.unwrapped)
    if shapes:
        bounds[shaped] = shapely.bounds(np.asarray(shapes, dtype=object))
    margins = np.fromiter((r.margin_m for r in reaches), dtype=np.float64, count=count)
    grown = margins > 0.0
    dlat = np.where(grown, np.degrees(margins / M_MIN_M) * 1.001 + 1e-7, 0.0)
    lat_lo = np.maximum(bounds[:, 1] - dlat, -90.0)
    lat_hi = np.minimum(bounds[:, 3] + dlat, 90.0)
    cos_lat = np.cos(np.radians(np.minimum(np.maximum(np.abs(lat_lo), np.abs(lat_hi)), 89.9)))
    dlon = np.where(grown, np.degrees(margins / (A_M * cos_lat)) * 1.02 + 1e-7, 0.0)
    lon_lo, lon_hi = bounds[:, 0] - dlon, bounds[:, 2] + dlon
    boxes: list[tuple[Box4D, ...]] = []
    for reach, lo, hi, south, north in zip(
        reaches, lon_lo.tolist(), lon_hi.tolist(), lat_lo.tolist(), lat_hi.tolist(), strict=True
    ):
        alt_lo, alt_hi = model.ellipsoid_bounds(reach.band)
        window = reach.volume.time
        t_lo = (window.start - epoch).total_seconds()
        t_hi = (window.end - epoch).total_seconds()
        # What `lon_ranges` gives inside [-180, 180) without its loops: nearly every box.
        ranges = [(lo, hi)] if -180.0 <= lo < 180.0 and hi <= 180.0 else lon_ranges(lo, hi)
        boxes.append(
            tuple(Box4D(a, b, south, north, alt_lo, alt_hi, t_lo, t_hi) for a, b in ranges)
        )
    return boxes
