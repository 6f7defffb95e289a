"""A GeoJSON `bbox` member (RFC 7946 §5), checked against the geometry it comes with.

A bbox is optional and adds nothing a footprint lacks, but one that disagrees with the
coordinates says the sender meant something else: a 3-D bbox carries altitude bounds that
a footprint has no place for (they belong in the altitude band), and a swapped or empty
one was built from other data. Either is refused rather than silently dropped.
"""

from __future__ import annotations

import math

from deconflict import errors

#: Rounding a client's bbox may carry when it was computed from the same coordinates.
_SLACK_DEG = 1e-9


def check_bbox(obj: object, bounds: tuple[float, float, float, float], pointer: str) -> None:
    """Refuse a bbox that is not [west, south, east, north] or does not contain `bounds`.

    `bounds` are the geometry's own (xmin, ymin, xmax, ymax), with longitudes continuous
    across the antimeridian (they may pass ±180). A bbox whose west is greater than its east
    crosses the antimeridian (§5.2).
    """
    if not isinstance(obj, list):
        raise errors.MalformedValue("bbox must be an array [west, south, east, north]", pointer)
    if len(obj) != 4:
        hint = "; give altitudes in altitude_lower_m and altitude_upper_m" if len(obj) == 6 else ""
        raise errors.InvalidCoordinate(
            f"bbox must have 4 numbers [west, south, east, north], not {len(obj)}{hint}", pointer
        )
    for i, value in enumerate(obj):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise errors.MalformedValue("must be a number", f"{pointer}/{i}")
        if not math.isfinite(value):
            raise errors.InvalidCoordinate("must be finite (not NaN or infinity)", f"{pointer}/{i}")
    west, south, east, north = (float(v) for v in obj)
    for i, lon in ((0, west), (2, east)):
        if not -180.0 <= lon <= 180.0:
            raise errors.InvalidCoordinate(
                "longitude must be between -180 and 180", f"{pointer}/{i}"
            )
    for i, lat in ((1, south), (3, north)):
        if not -90.0 <= lat <= 90.0:
            raise errors.InvalidCoordinate("latitude must be between -90 and 90", f"{pointer}/{i}")
    if south > north:
        raise errors.InvalidCoordinate("bbox south must not be north of its north", pointer)
    xmin, ymin, xmax, ymax = bounds
    if not (
        _covers_lons(west, east, xmin, xmax)
        and south - _SLACK_DEG <= ymin
        and ymax <= north + _SLACK_DEG
    ):
        raise errors.InvalidCoordinate(
            f"bbox {[west, south, east, north]} does not contain the coordinates, which span "
            f"[{_lon(xmin):g}, {ymin:g}, {_lon(xmax):g}, {ymax:g}]",
            pointer,
        )


def _covers_lons(west: float, east: float, xmin: float, xmax: float) -> bool:
    span = east - west if west <= east else east + 360.0 - west
    if span >= 360.0 - _SLACK_DEG:
        return True
    # Bring the geometry's western edge into [west, west + 360) and compare eastern edges.
    shift = math.floor((xmin - west + _SLACK_DEG) / 360.0) * 360.0
    return xmax - shift <= west + span + _SLACK_DEG


def _lon(x: float) -> float:
    """A continuous longitude as written on the map, in (-180, 180]."""
    return x - 360.0 * math.ceil((x - 180.0) / 360.0)
