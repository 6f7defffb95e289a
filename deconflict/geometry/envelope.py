"""Conservative 4D boxes around a reach, for the store's prefilter index.

Every box is a superset of the true reach: spans grown from metres to degrees are bounded
from above, altitude bands are widened to ellipsoid bounds, and a box that crosses the
antimeridian is split into boxes inside [-180, 180]. The exact check decides afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deconflict.geometry.altitude import DEFAULT_VERTICAL_MODEL, VerticalModel
from deconflict.geometry.geodesy import lat_span_deg, lon_span_deg
from deconflict.geometry.values import Reach


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
