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
import numpy.typing as npt
import shapely

from deconflict.geometry.altitude import DEFAULT_VERTICAL_MODEL, VerticalModel
from deconflict.geometry.geodesy import A_M, M_MIN_M, lat_span_deg, lon_span_deg
from deconflict.geometry.limits import DISTANCE_TOLERANCE_M
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
    return _boxes(reach, epoch, model, reach.margin_m)


def search_boxes(
    query: Reach, epoch: datetime, model: VerticalModel = DEFAULT_VERTICAL_MODEL
) -> tuple[Box4D, ...]:
    """The boxes a search looks for stored `index_boxes` in: the query's, grown by
    `DISTANCE_TOLERANCE_M` as well.

    The exact check counts footprints that come within that tolerance as meeting (so that
    touching ones do), and exact boxes of such footprints need not meet: two squares
    touching along the antimeridian lie in [179.9, 180] and [-180, -179.8], two squares
    3 cm apart have disjoint bounds. Growing the query's side is enough, since a stored
    box holds its own margin; a box grown past ±180 gets its twin on the other side.
    """
    return _boxes(query, epoch, model, query.margin_m + DISTANCE_TOLERANCE_M)


def _boxes(reach: Reach, epoch: datetime, model: VerticalModel, grow_m: float) -> tuple[Box4D, ...]:
    lon_lo, lat_lo, lon_hi, lat_hi, _ = footprint_bounds(
        reach.volume.footprint.continuous_bounds, grow_m
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
#: Bits per axis of the Hilbert curve `BoxColumns.spatial_order` sorts along.
_HILBERT_BITS = 16


@dataclass(frozen=True, slots=True)
class BoxColumns:
    """The index boxes of many reaches as columns, the form a bulk insert takes them in.

    Row i of `bounds` holds `Box4D`'s fields, in its order and units, of a box covering
    reach `owner[i]`; a reach's boxes (one, or two across the antimeridian) are adjacent,
    and `first[j]` is the row of reach j's first box.
    """

    owner: npt.NDArray[np.intp]
    first: npt.NDArray[np.intp]
    bounds: npt.NDArray[np.float64]

    def boxes(self) -> list[tuple[Box4D, ...]]:
        grouped: list[list[Box4D]] = [[] for _ in self.first]
        for j, row in zip(self.owner.tolist(), self.bounds.tolist(), strict=True):
            grouped[j].append(Box4D(*row))
        return [tuple(group) for group in grouped]

    def ellipsoid_bounds(self) -> npt.NDArray[np.float64]:
        """Each reach's (lowest, highest) ellipsoid height, as its boxes hold them."""
        return self.bounds[self.first, 4:6]

    def spatial_order(self) -> npt.NDArray[np.intp]:
        """Reach positions sorted along a Hilbert curve through their first boxes' centres.

        Inserted in this order, neighbours go to the same R*Tree leaves one after another:
        a bulk load touches fewer nodes than in the order the reaches came.
        """
        firsts = self.bounds[self.first]
        lon = (firsts[:, 0] + firsts[:, 1]) / 2.0
        lat = (firsts[:, 2] + firsts[:, 3]) / 2.0
        keys = hilbert_keys(_grid(lon), _grid(lat))
        return np.argsort(keys, kind="stable").astype(np.intp)


def index_box_columns(
    reaches: Sequence[Reach], epoch: datetime, model: VerticalModel = DEFAULT_VERTICAL_MODEL
) -> BoxColumns:
    """`index_boxes` of each reach, worked out for all at once: one by one, a bulk load of
    a million volumes spent a fifth of its time making them. The very same boxes: numpy's
    arithmetic here rounds as `math`'s does, and a test holds them equal."""
    count = len(reaches)
    bounds = np.empty((count, 4), dtype=np.float64)
    heights = np.empty((count, 2), dtype=np.float64)
    seconds = np.empty((count, 2), dtype=np.float64)
    shaped: list[int] = []
    shapes = []
    for i, reach in enumerate(reaches):
        volume = reach.volume
        footprint = volume.footprint
        if isinstance(footprint, CircleFootprint):
            bounds[i] = (footprint.center_lon, footprint.center_lat) * 2
        else:
            shaped.append(i)
            shapes.append(footprint.unwrapped)
        heights[i] = model.ellipsoid_bounds(reach.band)
        window = volume.time
        seconds[i] = ((window.start - epoch).total_seconds(), (window.end - epoch).total_seconds())
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
    table = np.column_stack((lon_lo, lon_hi, lat_lo, lat_hi, heights, seconds))
    # What `lon_ranges` gives inside [-180, 180) without its loops: nearly every box.
    plain = (lon_lo >= -180.0) & (lon_lo < 180.0) & (lon_hi <= 180.0)
    if bool(plain.all()):
        owner = np.arange(count, dtype=np.intp)
        return BoxColumns(owner, owner, table)
    owners: list[int] = []
    rows: list[list[float]] = []
    for j, (row, simple) in enumerate(zip(table.tolist(), plain.tolist(), strict=True)):
        for lo, hi in [(row[0], row[1])] if simple else lon_ranges(row[0], row[1]):
            owners.append(j)
            rows.append([lo, hi, *row[2:]])
    owner = np.asarray(owners, dtype=np.intp)
    first = np.searchsorted(owner, np.arange(count)).astype(np.intp)
    return BoxColumns(owner, first, np.asarray(rows, dtype=np.float64))


def hilbert_keys(x: npt.NDArray[np.int64], y: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Each point's distance along the Hilbert curve filling the 2^16 x 2^16 grid."""
    last = (1 << _HILBERT_BITS) - 1
    keys = np.zeros(x.shape, dtype=np.int64)
    side = 1 << (_HILBERT_BITS - 1)
    while side > 0:
        rx = (x & side) > 0
        ry = (y & side) > 0
        keys += side * side * ((3 * rx) ^ ry)
        # Rotate the quadrant so that the curve's pieces join end to start.
        flip = ~ry & rx
        x = np.where(flip, last - x, x)
        y = np.where(flip, last - y, y)
        x, y = np.where(~ry, y, x), np.where(~ry, x, y)
        side >>= 1
    return keys


def _grid(values: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """Values spread over the Hilbert grid's cells, from their least to their greatest."""
    low, high = float(values.min()), float(values.max())
    span = high - low if high > low else 1.0
    cells = (values - low) / span * float((1 << _HILBERT_BITS) - 1)
    return cells.astype(np.int64)
