"""Untrusted JSON to volume values: every refusal names its error and a JSON pointer.

Checks run cheapest first and are bounded by the vertex limits, so rejecting a bad
footprint never costs more than accepting a good one.

The API form of a volume::

    {"footprint": {"type": "Polygon", "coordinates": [[[lon, lat], ...]]}
                | {"type": "Circle", "center": [lon, lat], "radius_m": 500},
     "altitude_lower_m": 0, "altitude_upper_m": 120, "altitude_reference": "WGS84",
     "start": "2026-12-01T10:00:00Z", "end": "2026-12-01T12:00:00Z"}
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from deconflict import errors
from deconflict.geometry import limits
from deconflict.geometry.altitude import DEFAULT_VERTICAL_MODEL, VerticalModel
from deconflict.geometry.bbox import check_bbox
from deconflict.geometry.polygon import polygon_footprint
from deconflict.geometry.values import (
    AltitudeBand,
    AltitudeReference,
    Buffer,
    CircleFootprint,
    Footprint,
    Reach,
    TimeWindow,
    Volume4D,
)
from deconflict.geometry.volume_checks import check_reach, check_volume

_VOLUME_KEYS = frozenset(
    {"footprint", "altitude_lower_m", "altitude_upper_m", "altitude_reference", "start", "end"}
)


def parse_volume(
    obj: object, pointer: str = "", model: VerticalModel = DEFAULT_VERTICAL_MODEL
) -> Volume4D:
    """A volume from the API's JSON form, fully validated."""
    data = _object(
        obj, pointer, required=_VOLUME_KEYS - {"altitude_reference"}, allowed=_VOLUME_KEYS
    )
    footprint = parse_footprint(data["footprint"], f"{pointer}/footprint")
    altitude = parse_altitude(data, pointer, model)
    time = parse_time_window(data["start"], data["end"], pointer)
    volume = Volume4D(footprint, altitude, time)
    check_volume(volume, f"{pointer}/footprint")
    return volume


def parse_footprint(obj: object, pointer: str) -> Footprint:
    data = _object(obj, pointer, required={"type"})
    kind = data["type"]
    if kind == "Polygon":
        return parse_polygon(data, pointer)
    if kind == "Circle":
        return parse_circle(data, pointer)
    raise errors.MalformedValue(
        f"footprint type must be 'Polygon' or 'Circle', not {kind!r}", f"{pointer}/type"
    )


def parse_polygon(obj: object, pointer: str) -> Footprint:
    """A GeoJSON Polygon geometry object (RFC 7946 §3.1.6)."""
    data = _object(
        obj, pointer, required={"type", "coordinates"}, allowed={"type", "coordinates", "bbox"}
    )
    if data["type"] != "Polygon":
        raise errors.MalformedValue("geometry type must be 'Polygon'", f"{pointer}/type")
    rings_obj = data["coordinates"]
    where = f"{pointer}/coordinates"
    if not isinstance(rings_obj, list) or not rings_obj:
        raise errors.MalformedValue("coordinates must be a non-empty array of rings", where)
    if len(rings_obj) > limits.MAX_HOLES + 1:
        raise errors.TooManyVertices(f"a polygon may have at most {limits.MAX_HOLES} holes", where)
    total = 0
    rings = []
    for i, ring_obj in enumerate(rings_obj):
        ring = _ring(ring_obj, f"{where}/{i}")
        total += len(ring)
        if total > limits.MAX_VERTICES_PER_FOOTPRINT:
            raise errors.TooManyVertices(
                f"a footprint may have at most {limits.MAX_VERTICES_PER_FOOTPRINT} vertices",
                where,
            )
        rings.append(ring)
    footprint = polygon_footprint(tuple(rings), where)
    if "bbox" in data:
        check_bbox(data["bbox"], footprint.continuous_bounds, f"{pointer}/bbox")
    return footprint


def parse_circle(obj: object, pointer: str) -> CircleFootprint:
    data = _object(
        obj,
        pointer,
        required={"type", "center", "radius_m"},
        allowed={"type", "center", "radius_m"},
    )
    lon, lat = _position(data["center"], f"{pointer}/center")
    return CircleFootprint(lon, lat, _radius(data["radius_m"], f"{pointer}/radius_m"))


def _radius(obj: object, pointer: str) -> float:
    radius = _number(obj, pointer)
    if not limits.MIN_RADIUS_M <= radius <= limits.MAX_RADIUS_M:
        raise errors.InvalidRadius(
            f"radius_m must be between {limits.MIN_RADIUS_M:g} and {limits.MAX_RADIUS_M:g} m",
            pointer,
        )
    return radius


def parse_altitude(
    data: Mapping[str, Any], pointer: str, model: VerticalModel = DEFAULT_VERTICAL_MODEL
) -> AltitudeBand:
    lower = _number(data["altitude_lower_m"], f"{pointer}/altitude_lower_m")
    upper = _number(data["altitude_upper_m"], f"{pointer}/altitude_upper_m")
    ref_obj = data.get("altitude_reference", AltitudeReference.WGS84.value)
    try:
        reference = AltitudeReference(ref_obj)
    except ValueError:
        names = ", ".join(r.value for r in AltitudeReference)
        raise errors.InvalidAltitudeBand(
            f"altitude_reference must be one of {names}", f"{pointer}/altitude_reference"
        ) from None
    for name, value in (("altitude_lower_m", lower), ("altitude_upper_m", upper)):
        if not limits.MIN_ALTITUDE_M <= value <= limits.MAX_ALTITUDE_M:
            raise errors.InvalidAltitudeBand(
                f"{name} must be between {limits.MIN_ALTITUDE_M:g} and {limits.MAX_ALTITUDE_M:g} m",
                f"{pointer}/{name}",
            )
    if lower > upper:
        raise errors.InvalidAltitudeBand(
            f"altitude_lower_m ({lower:g}) is above altitude_upper_m ({upper:g})",
            f"{pointer}/altitude_lower_m",
        )
    band = AltitudeBand(lower, upper, reference)
    model.check_supported(band, f"{pointer}/altitude_reference")
    return band


def parse_time_window(start_obj: object, end_obj: object, pointer: str) -> TimeWindow:
    start = parse_instant(start_obj, f"{pointer}/start")
    end = parse_instant(end_obj, f"{pointer}/end", round_up=True)
    if end <= start:
        raise errors.InvalidTimeWindow(
            "end must be after start (time windows are [start, end))", f"{pointer}/end"
        )
    if end - start > limits.MAX_DURATION:
        raise errors.VolumeTooLarge(
            f"a time window may last at most {limits.MAX_DURATION.days} days", f"{pointer}/end"
        )
    return TimeWindow(start, end)


#: RFC 3339's date-time (section 5.6): full date, "T", full time with seconds, an optional
#: fraction of any length, and an offset. `fromisoformat` alone also reads week dates
#: (2026-W48-2), the basic format (20261201T100000Z), a space or a comma, and silently
#: drops fraction digits past the microsecond.
_RFC3339 = re.compile(
    r"(\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})?\Z",
    re.ASCII,
)
_ONE_MICROSECOND = timedelta(microseconds=1)


def parse_instant(obj: object, pointer: str, *, round_up: bool = False) -> datetime:
    """An RFC 3339 timestamp with an explicit offset, as UTC, to the microsecond.

    Finer fractions are cut to the microsecond, or, with `round_up`, taken to the next one
    when anything was cut: a window's end rounded up can only grow the window, so that two
    windows sharing less than a microsecond still overlap.
    """
    if not isinstance(obj, str):
        raise errors.MalformedValue("must be an RFC 3339 timestamp string", pointer)
    match = _RFC3339.match(obj)
    if match is None:
        raise errors.InvalidTimeWindow(
            f"{obj!r} is not an RFC 3339 timestamp such as 2026-12-01T10:00:00Z", pointer
        )
    whole, fraction, offset = match.groups()
    if offset is not None and offset not in "Zz" and not _is_offset_in_range(offset):
        # fromisoformat reads minutes 60-99 as extra hours: +02:60 would be 09:00Z.
        raise errors.InvalidTimeWindow(
            f"{obj!r} has a UTC offset out of range: hours run 00-23, minutes 00-59", pointer
        )
    digits = fraction or ""
    # A leap second (RFC 3339 §5.7) has no place in a datetime: read as second 59, then
    # moved to where it only grows the window (see `_leap_second`).
    is_leap = whole[17:19] == "60"
    if is_leap:
        whole = whole[:17] + "59"
    try:
        instant = datetime.fromisoformat(
            f"{whole[:10]}T{whole[11:]}.{digits[:6].ljust(6, '0')}"
            + ("" if offset is None else "+00:00" if offset in "Zz" else offset)
        )
    except ValueError:
        raise errors.InvalidTimeWindow(
            f"{obj!r} is not an RFC 3339 timestamp such as 2026-12-01T10:00:00Z", pointer
        ) from None
    if instant.tzinfo is None:
        raise errors.InvalidTimeWindow(
            "timestamp needs a UTC offset (for example a trailing Z)", pointer
        )
    try:
        instant = instant.astimezone(UTC)
    except OverflowError:
        # An offset that pushes year 1 or year 9999 off the calendar: far out of range.
        instant = limits.EARLIEST_TIME - limits.MAX_DURATION
    if is_leap:
        instant = _leap_second(instant, obj, pointer, round_up=round_up)
    elif round_up and digits[6:].strip("0"):
        instant += _ONE_MICROSECOND
    if not limits.EARLIEST_TIME <= instant <= limits.LATEST_TIME:
        raise errors.InvalidTimeWindow(
            f"timestamp must lie between {limits.EARLIEST_TIME:%Y} and {limits.LATEST_TIME:%Y}",
            pointer,
        )
    return instant


def _leap_second(second_59: datetime, obj: str, pointer: str, *, round_up: bool) -> datetime:
    """The UTC instant to read second 60 as, given second 59 of the same minute (in UTC).

    Only the last minute of a UTC day can hold a leap second. An end in it is taken to the
    second after it (00:00:00), a start to the last microsecond before it: either way the
    window can only grow.
    """
    if (second_59.hour, second_59.minute) != (23, 59):
        raise errors.InvalidTimeWindow(
            f"{obj!r} has second 60, a leap second, which only 23:59 UTC can have", pointer
        )
    last = second_59.replace(microsecond=0)
    if round_up:
        return last + timedelta(seconds=1)
    return last.replace(microsecond=999_999)


def _is_offset_in_range(offset: str) -> bool:
    """RFC 3339's time-numoffset: `time-hour` 00-23 and `time-minute` 00-59."""
    return int(offset[1:3]) <= 23 and int(offset[4:6]) <= 59


def parse_buffer(obj: object, pointer: str) -> Buffer:
    data = _object(obj, pointer, required=set(), allowed={"horizontal_m", "vertical_m"})
    horizontal = _number(data.get("horizontal_m", 0.0), f"{pointer}/horizontal_m")
    vertical = _number(data.get("vertical_m", 0.0), f"{pointer}/vertical_m")
    if not 0.0 <= horizontal <= limits.MAX_HORIZONTAL_BUFFER_M:
        raise errors.InvalidRadius(
            f"horizontal_m must be between 0 and {limits.MAX_HORIZONTAL_BUFFER_M:g} m",
            f"{pointer}/horizontal_m",
        )
    if not 0.0 <= vertical <= limits.MAX_VERTICAL_BUFFER_M:
        raise errors.InvalidRadius(
            f"vertical_m must be between 0 and {limits.MAX_VERTICAL_BUFFER_M:g} m",
            f"{pointer}/vertical_m",
        )
    return Buffer(horizontal, vertical)


def parse_reach(
    volume_obj: object,
    buffer_obj: object,
    pointer: str,
    buffer_pointer: str,
    model: VerticalModel = DEFAULT_VERTICAL_MODEL,
) -> Reach:
    """A buffered volume (a zone's), validated with its buffer included."""
    reach = Reach(
        parse_volume(volume_obj, pointer, model), parse_buffer(buffer_obj, buffer_pointer)
    )
    check_reach(reach, pointer)
    return reach


def volume_from_geojson_feature(
    obj: object, pointer: str = "", model: VerticalModel = DEFAULT_VERTICAL_MODEL
) -> Volume4D:
    """A GeoJSON Feature: Polygon geometry, or Point geometry with a `radius_m` property.

    Altitude and time come from the properties; a feature that lacks them is refused
    rather than read as unbounded, since silently dropping limits is how imports fail.
    """
    data = _object(obj, pointer, required={"type", "geometry", "properties"})
    if data["type"] != "Feature":
        raise errors.MalformedValue("must be a GeoJSON Feature", f"{pointer}/type")
    props = _object(
        data["properties"],
        f"{pointer}/properties",
        required={"altitude_lower_m", "altitude_upper_m", "start", "end"},
    )
    geometry = _object(data["geometry"], f"{pointer}/geometry", required={"type"})
    footprint: Footprint
    if geometry["type"] == "Point":
        if "radius_m" not in props:
            raise errors.MalformedValue(
                "a Point feature needs a radius_m property", f"{pointer}/properties/radius_m"
            )
        point = _object(
            geometry,
            f"{pointer}/geometry",
            required={"type", "coordinates"},
            allowed={"type", "coordinates", "bbox"},
        )
        lon, lat = _position(point["coordinates"], f"{pointer}/geometry/coordinates")
        if "bbox" in point:
            check_bbox(point["bbox"], (lon, lat, lon, lat), f"{pointer}/geometry/bbox")
        radius = _radius(props["radius_m"], f"{pointer}/properties/radius_m")
        footprint = CircleFootprint(lon, lat, radius)
    else:
        footprint = parse_polygon(geometry, f"{pointer}/geometry")
    altitude = parse_altitude(props, f"{pointer}/properties", model)
    time = parse_time_window(props["start"], props["end"], f"{pointer}/properties")
    volume = Volume4D(footprint, altitude, time)
    check_volume(volume, f"{pointer}/geometry")
    return volume


def _object(
    obj: object,
    pointer: str,
    required: set[str] | frozenset[str],
    allowed: set[str] | frozenset[str] | None = None,
) -> Mapping[str, Any]:
    if not isinstance(obj, Mapping):
        raise errors.MalformedValue("must be a JSON object", pointer)
    for key in sorted(required):
        if key not in obj:
            raise errors.MalformedValue(f"{key!r} is required", f"{pointer}/{key}")
    if allowed is not None:
        for key in obj:
            if key not in allowed:
                raise errors.MalformedValue(f"unknown field {key!r}", f"{pointer}/{key}")
    return obj


def _number(obj: object, pointer: str) -> float:
    """A JSON number; NaN and infinities are left to the caller's range check to refuse."""
    if isinstance(obj, bool) or not isinstance(obj, int | float):
        raise errors.MalformedValue("must be a number", pointer)
    try:
        return float(obj)
    except OverflowError:
        # An integer too large for a float is as far out of range as infinity.
        return math.inf if obj > 0 else -math.inf


def _position(obj: object, pointer: str) -> tuple[float, float]:
    if not isinstance(obj, Sequence) or isinstance(obj, str):
        raise errors.MalformedValue("a position must be an array [longitude, latitude]", pointer)
    if len(obj) != 2:
        raise errors.InvalidCoordinate(
            "a position must have exactly two values [longitude, latitude]; give altitudes "
            "in altitude_lower_m and altitude_upper_m",
            pointer,
        )
    lon = _coordinate(obj[0], f"{pointer}/0")
    lat = _coordinate(obj[1], f"{pointer}/1")
    if not -180.0 <= lon <= 180.0:
        raise errors.InvalidCoordinate("longitude must be between -180 and 180", f"{pointer}/0")
    if not -90.0 <= lat <= 90.0:
        raise errors.InvalidCoordinate("latitude must be between -90 and 90", f"{pointer}/1")
    if abs(lat) > limits.MAX_ABS_LATITUDE_DEG:
        raise errors.NearPole(
            f"latitudes beyond ±{limits.MAX_ABS_LATITUDE_DEG:g}° are not supported",
            f"{pointer}/1",
        )
    return lon, lat


def _coordinate(obj: object, pointer: str) -> float:
    if isinstance(obj, bool) or not isinstance(obj, int | float):
        raise errors.InvalidCoordinate("a coordinate must be a number", pointer)
    try:
        value = float(obj)
    except OverflowError:
        value = math.inf
    if not math.isfinite(value):
        raise errors.InvalidCoordinate("a coordinate must be finite (not NaN or infinity)", pointer)
    return value


def _ring(obj: object, pointer: str) -> tuple[tuple[float, float], ...]:
    if not isinstance(obj, list):
        raise errors.MalformedValue("a ring must be an array of positions", pointer)
    if len(obj) > limits.MAX_VERTICES_PER_RING:
        raise errors.TooManyVertices(
            f"a ring may have at most {limits.MAX_VERTICES_PER_RING} positions", pointer
        )
    if len(obj) < 4:
        raise errors.DegenerateFootprint(
            "a ring needs at least four positions (three corners and the closing one)",
            pointer,
        )
    ring = tuple(_position(p, f"{pointer}/{i}") for i, p in enumerate(obj))
    if ring[0] != ring[-1]:
        raise errors.UnclosedRing(
            "the last position of a ring must repeat the first", f"{pointer}/{len(ring) - 1}"
        )
    return ring
