"""Parsing untrusted volumes: what is accepted, and every refusal's error type and JSON pointer."""

from __future__ import annotations

import copy
import math
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from deconflict import errors, geometry
from deconflict.geometry import (
    AltitudeBand,
    AltitudeReference,
    Buffer,
    CircleFootprint,
    PolygonFootprint,
    VerticalModel,
    limits,
    parse_buffer,
    parse_reach,
    parse_volume,
    volume_from_geojson_feature,
)
from deconflict.geometry.limits import (
    MAX_HOLES,
    MAX_VERTICES_PER_FOOTPRINT,
    MAX_VERTICES_PER_RING,
)
from tests.specimens import (
    DATELINE_ISLAND,
    END,
    FIELD,
    JSON,
    RANGE_HOLE,
    RANGE_SHELL,
    START,
    box,
    circle_json,
    polygon_json,
    volume_json,
)


def _field_volume(**changes: Any) -> JSON:
    data = volume_json(polygon_json(FIELD))
    data.update(changes)
    return data


def _with_position(ring: list[list[float]], index: int, position: object) -> JSON:
    changed: list[Any] = copy.deepcopy(ring)
    changed[index] = position
    return _field_volume(footprint={"type": "Polygon", "coordinates": [changed]})


def _polygon(*rings: Any) -> JSON:
    return _field_volume(footprint={"type": "Polygon", "coordinates": list(rings)})


def _bbox(bbox: object, ring: list[list[float]] = FIELD) -> JSON:
    return _field_volume(footprint={**polygon_json(ring), "bbox": bbox})


def _circle(**changes: Any) -> JSON:
    footprint = circle_json(23.74, 41.23, 500.0)
    footprint.update(changes)
    return _field_volume(footprint=footprint)


def _ring_of(count: int, lon: float = 23.7, lat: float = 41.2) -> list[list[float]]:
    """A closed convex ring with `count` positions on a small ellipse."""
    corners = count - 1
    ring = [
        [
            lon + 0.05 * math.cos(2 * math.pi * k / corners),
            lat + 0.03 * math.sin(2 * math.pi * k / corners),
        ]
        for k in range(corners)
    ]
    return [*ring, ring[0]]


# A corridor 10 m wide and 30 km long, whose edges are closer than the minimum clearance
# only at its spike: the point of the spike is 0.11 m across.
_SPIKE = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [1.000001, 2.0], [0.999999, 1.0], [0.0, 1.0]]
_SPIKE_RING = [[23.7 + x * 0.05, 41.2 + y * 0.03] for x, y in [*_SPIKE, _SPIKE[0]]]
_RETRACE = [[23.70, 41.20], [23.75, 41.20], [23.75, 41.23], [23.75, 41.26], [23.75, 41.23]]
_RETRACE_RING = [*_RETRACE, [23.70, 41.23], [23.70, 41.20]]

#: name -> (input, error type, JSON pointer)
REFUSALS: dict[str, tuple[object, type[errors.InvalidInput], str]] = {
    "not an object": ([], errors.MalformedValue, ""),
    "missing footprint": (
        {k: v for k, v in _field_volume().items() if k != "footprint"},
        errors.MalformedValue,
        "/footprint",
    ),
    "missing end": (
        {k: v for k, v in _field_volume().items() if k != "end"},
        errors.MalformedValue,
        "/end",
    ),
    "unknown volume field": (_field_volume(colour="red"), errors.MalformedValue, "/colour"),
    "unknown polygon field": (
        _field_volume(footprint={**polygon_json(FIELD), "name": "x"}),
        errors.MalformedValue,
        "/footprint/name",
    ),
    "unknown circle field": (_circle(height_m=3), errors.MalformedValue, "/footprint/height_m"),
    "footprint null": (_field_volume(footprint=None), errors.MalformedValue, "/footprint"),
    "footprint type unknown": (
        _field_volume(footprint={**polygon_json(FIELD), "type": "MultiPolygon"}),
        errors.MalformedValue,
        "/footprint/type",
    ),
    "coordinates a string": (
        _field_volume(footprint={"type": "Polygon", "coordinates": "23.7 41.2"}),
        errors.MalformedValue,
        "/footprint/coordinates",
    ),
    "empty coordinates": (_polygon(), errors.MalformedValue, "/footprint/coordinates"),
    "empty ring": (_polygon([]), errors.DegenerateFootprint, "/footprint/coordinates/0"),
    "ring not an array": (
        _polygon({"ring": FIELD}),
        errors.MalformedValue,
        "/footprint/coordinates/0",
    ),
    "ring of three positions": (
        _polygon(FIELD[:2] + FIELD[:1]),
        errors.DegenerateFootprint,
        "/footprint/coordinates/0",
    ),
    "unclosed ring": (
        _polygon([*FIELD[:4], [23.70, 41.21]]),
        errors.UnclosedRing,
        "/footprint/coordinates/0/4",
    ),
    "unclosed hole": (
        _polygon(RANGE_SHELL, [*RANGE_HOLE[:4], [21.21, 38.44]]),
        errors.UnclosedRing,
        "/footprint/coordinates/1/4",
    ),
    "NaN longitude": (
        _with_position(FIELD, 2, [math.nan, 41.26]),
        errors.InvalidCoordinate,
        "/footprint/coordinates/0/2/0",
    ),
    "infinite latitude": (
        _with_position(FIELD, 1, [23.80, math.inf]),
        errors.InvalidCoordinate,
        "/footprint/coordinates/0/1/1",
    ),
    "integer beyond float range": (
        _with_position(FIELD, 1, [10**400, 41.2]),
        errors.InvalidCoordinate,
        "/footprint/coordinates/0/1/0",
    ),
    "longitude out of range": (
        _with_position(FIELD, 1, [180.5, 41.20]),
        errors.InvalidCoordinate,
        "/footprint/coordinates/0/1/0",
    ),
    "latitude out of range": (
        _with_position(FIELD, 2, [23.80, -90.01]),
        errors.InvalidCoordinate,
        "/footprint/coordinates/0/2/1",
    ),
    "latitude beyond the pole limit": (
        _with_position(FIELD, 3, [23.70, 85.01]),
        errors.NearPole,
        "/footprint/coordinates/0/3/1",
    ),
    "position with three values": (
        _with_position(FIELD, 1, [23.80, 41.20, 120.0]),
        errors.InvalidCoordinate,
        "/footprint/coordinates/0/1",
    ),
    "position with one value": (
        _with_position(FIELD, 2, [23.80]),
        errors.InvalidCoordinate,
        "/footprint/coordinates/0/2",
    ),
    "position a string": (
        _with_position(FIELD, 2, "23.80,41.26"),
        errors.MalformedValue,
        "/footprint/coordinates/0/2",
    ),
    "coordinate a string": (
        _with_position(FIELD, 2, ["23.80", 41.26]),
        errors.InvalidCoordinate,
        "/footprint/coordinates/0/2/0",
    ),
    "coordinate a bool": (
        _with_position(FIELD, 2, [23.80, True]),
        errors.InvalidCoordinate,
        "/footprint/coordinates/0/2/1",
    ),
    "coordinate null": (
        _with_position(FIELD, 2, [None, 41.26]),
        errors.InvalidCoordinate,
        "/footprint/coordinates/0/2/0",
    ),
    "self-intersecting ring (bow tie)": (
        _polygon([[23.7, 41.2], [23.8, 41.26], [23.8, 41.2], [23.7, 41.26], [23.7, 41.2]]),
        errors.SelfIntersection,
        "/footprint/coordinates/0",
    ),
    "self-intersecting hole": (
        _polygon(
            RANGE_SHELL,
            [[21.2, 38.44], [21.3, 38.48], [21.3, 38.44], [21.2, 38.48], [21.2, 38.44]],
        ),
        errors.SelfIntersection,
        "/footprint/coordinates/1",
    ),
    "spike retracing an edge": (
        _polygon(_RETRACE_RING),
        errors.SelfIntersection,
        "/footprint/coordinates/0",
    ),
    "hole outside its shell": (
        _polygon(RANGE_SHELL, box(21.50, 38.44, 21.60, 38.48)),
        errors.SelfIntersection,
        "/footprint/coordinates/1",
    ),
    "zero area (collinear)": (
        _polygon([[23.7, 41.2], [23.75, 41.23], [23.8, 41.26], [23.7, 41.2]]),
        errors.DegenerateFootprint,
        "/footprint/coordinates",
    ),
    "tiny polygon, 1e-9 degree sides": (
        _polygon(box(23.7, 41.2, 23.7 + 1e-9, 41.2 + 2e-9)),
        errors.DegenerateFootprint,
        "/footprint/coordinates",
    ),
    "sliver spike 0.11 m across": (
        _polygon(_SPIKE_RING),
        errors.DegenerateFootprint,
        "/footprint/coordinates",
    ),
    "too many positions in a ring": (
        _polygon(_ring_of(MAX_VERTICES_PER_RING + 1)),
        errors.TooManyVertices,
        "/footprint/coordinates/0",
    ),
    "too many positions in a footprint": (
        _polygon(
            _ring_of(MAX_VERTICES_PER_RING),
            _ring_of(MAX_VERTICES_PER_RING // 2, 23.69, 41.205),
            _ring_of(MAX_VERTICES_PER_RING // 2 + 2, 23.71, 41.205),
        ),
        errors.TooManyVertices,
        "/footprint/coordinates",
    ),
    "too many holes": (
        _polygon(*[FIELD] * (MAX_HOLES + 2)),
        errors.TooManyVertices,
        "/footprint/coordinates",
    ),
    "ring all the way round a pole": (
        _polygon([[0, 80], [72, 80.5], [144, 80], [-144, 80.5], [-72, 80], [0, 80]]),
        errors.NearPole,
        "/footprint/coordinates/0",
    ),
    "circle reaching past the pole limit": (
        _field_volume(footprint=circle_json(-37.2, 84.7, 50_000.0)),
        errors.NearPole,
        "/footprint",
    ),
    "polygon spanning over 90 degrees of longitude": (
        _polygon(box(-20.0, 1.0, 71.0, 1.05)),
        errors.VolumeTooLarge,
        "/footprint/coordinates",
    ),
    "polygon over the area limit": (
        _polygon(box(10.0, -2.0, 15.0, 2.6)),
        errors.VolumeTooLarge,
        "/footprint/coordinates",
    ),
    "polygon over the extent limit": (
        _polygon(box(10.0, 3.0, 20.0, 3.05)),
        errors.VolumeTooLarge,
        "/footprint",
    ),
    "zero radius": (_circle(radius_m=0), errors.InvalidRadius, "/footprint/radius_m"),
    "negative radius": (_circle(radius_m=-5.0), errors.InvalidRadius, "/footprint/radius_m"),
    "radius below one metre": (_circle(radius_m=0.5), errors.InvalidRadius, "/footprint/radius_m"),
    "radius over the limit": (
        _circle(radius_m=500_001.0),
        errors.InvalidRadius,
        "/footprint/radius_m",
    ),
    "radius infinite": (_circle(radius_m=math.inf), errors.InvalidRadius, "/footprint/radius_m"),
    "radius NaN": (_circle(radius_m=math.nan), errors.InvalidRadius, "/footprint/radius_m"),
    "radius beyond float range": (
        _circle(radius_m=10**400),
        errors.InvalidRadius,
        "/footprint/radius_m",
    ),
    "radius a bool": (_circle(radius_m=True), errors.MalformedValue, "/footprint/radius_m"),
    "radius a string": (_circle(radius_m="500"), errors.MalformedValue, "/footprint/radius_m"),
    "centre longitude NaN": (
        _circle(center=[math.nan, 41.23]),
        errors.InvalidCoordinate,
        "/footprint/center/0",
    ),
    "centre latitude out of range": (
        _circle(center=[23.74, 91.0]),
        errors.InvalidCoordinate,
        "/footprint/center/1",
    ),
    "centre longitude out of range": (
        _circle(center=[180.5, 41.23]),
        errors.InvalidCoordinate,
        "/footprint/center/0",
    ),
    "centre with three values": (
        _circle(center=[23.74, 41.23, 0]),
        errors.InvalidCoordinate,
        "/footprint/center",
    ),
    "lower above upper": (
        _field_volume(altitude_lower_m=150.0, altitude_upper_m=120.0),
        errors.InvalidAltitudeBand,
        "/altitude_lower_m",
    ),
    "altitude below the limit": (
        _field_volume(altitude_lower_m=-1000.5),
        errors.InvalidAltitudeBand,
        "/altitude_lower_m",
    ),
    "altitude above the limit": (
        _field_volume(altitude_upper_m=50_001.0),
        errors.InvalidAltitudeBand,
        "/altitude_upper_m",
    ),
    "altitude NaN": (
        _field_volume(altitude_lower_m=math.nan),
        errors.InvalidAltitudeBand,
        "/altitude_lower_m",
    ),
    "altitude a bool": (
        _field_volume(altitude_lower_m=False),
        errors.MalformedValue,
        "/altitude_lower_m",
    ),
    "altitude a string": (
        _field_volume(altitude_upper_m="120"),
        errors.MalformedValue,
        "/altitude_upper_m",
    ),
    "altitude null": (
        _field_volume(altitude_upper_m=None),
        errors.MalformedValue,
        "/altitude_upper_m",
    ),
    "unknown altitude reference": (
        _field_volume(altitude_reference="QNH"),
        errors.InvalidAltitudeBand,
        "/altitude_reference",
    ),
    "AGL without a terrain model": (
        _field_volume(altitude_reference="AGL"),
        errors.InvalidAltitudeBand,
        "/altitude_reference",
    ),
    "end before start": (
        _field_volume(start=END, end=START),
        errors.InvalidTimeWindow,
        "/end",
    ),
    "end equal to start": (_field_volume(end=START), errors.InvalidTimeWindow, "/end"),
    "naive start": (
        _field_volume(start="2026-12-01T10:00:00"),
        errors.InvalidTimeWindow,
        "/start",
    ),
    "naive end": (
        _field_volume(end="2026-12-01T12:00:00"),
        errors.InvalidTimeWindow,
        "/end",
    ),
    "date without time": (_field_volume(end="2026-12-02"), errors.InvalidTimeWindow, "/end"),
    "not a timestamp": (_field_volume(start="tomorrow"), errors.InvalidTimeWindow, "/start"),
    "timestamp a number": (_field_volume(start=1_796_000_000), errors.MalformedValue, "/start"),
    "timestamp null": (_field_volume(end=None), errors.MalformedValue, "/end"),
    "end after 2200": (
        _field_volume(start="2199-12-31T23:00:00Z", end="2200-01-01T00:00:01Z"),
        errors.InvalidTimeWindow,
        "/end",
    ),
    "timestamp before 2000": (
        _field_volume(start="1999-12-31T23:59:59Z"),
        errors.InvalidTimeWindow,
        "/start",
    ),
    "offset pushing year 1 off the calendar": (
        _field_volume(start="0001-01-01T00:30:00+01:00"),
        errors.InvalidTimeWindow,
        "/start",
    ),
    "offset pushing year 9999 off the calendar": (
        _field_volume(end="9999-12-31T23:30:00-01:00"),
        errors.InvalidTimeWindow,
        "/end",
    ),
    # fromisoformat reads a minute past 59 as hours: +02:60 was 09:00Z, not a refusal.
    "offset minute 60": (
        _field_volume(start="2026-12-01T12:00:00+02:60"),
        errors.InvalidTimeWindow,
        "/start",
    ),
    # RFC 3339 §5.7: second 60 is a leap second, only in the last minute of a UTC day.
    "second 60 not at 23:59 UTC": (
        _field_volume(start="2026-12-01T10:59:60Z"),
        errors.InvalidTimeWindow,
        "/start",
    ),
    "second 60 at 23:59 local, not UTC": (
        _field_volume(end="2016-12-31T23:59:60+01:00"),
        errors.InvalidTimeWindow,
        "/end",
    ),
    "second 61": (
        _field_volume(end="2016-12-31T23:59:61Z"),
        errors.InvalidTimeWindow,
        "/end",
    ),
    "offset minute 99": (
        _field_volume(end="2026-12-01T12:00:00-00:99"),
        errors.InvalidTimeWindow,
        "/end",
    ),
    "offset hour 24": (
        _field_volume(start="2026-12-01T12:00:00+24:00"),
        errors.InvalidTimeWindow,
        "/start",
    ),
    "week date": (_field_volume(start="2026-W48-2T10:00Z"), errors.InvalidTimeWindow, "/start"),
    "basic format": (_field_volume(start="20261201T100000Z"), errors.InvalidTimeWindow, "/start"),
    "space for T": (_field_volume(end="2026-12-01 12:00:00Z"), errors.InvalidTimeWindow, "/end"),
    "comma fraction": (
        _field_volume(end="2026-12-01T12:00:00,5Z"),
        errors.InvalidTimeWindow,
        "/end",
    ),
    "no seconds": (_field_volume(start="2026-12-01T10:00Z"), errors.InvalidTimeWindow, "/start"),
    "day not in the month": (
        _field_volume(start="2026-02-30T10:00:00Z"),
        errors.InvalidTimeWindow,
        "/start",
    ),
    # FIELD spans [23.70, 41.20, 23.80, 41.26].
    "bbox in 3-D, carrying altitudes": (
        _bbox([23.70, 41.20, 0, 23.80, 41.26, 3000]),
        errors.InvalidCoordinate,
        "/footprint/bbox",
    ),
    "bbox with latitude and longitude swapped": (
        _bbox([41.20, 23.70, 41.26, 23.80]),
        errors.InvalidCoordinate,
        "/footprint/bbox",
    ),
    "bbox empty": (_bbox([]), errors.InvalidCoordinate, "/footprint/bbox"),
    "bbox south of its north": (
        _bbox([23.70, 41.26, 23.80, 41.20]),
        errors.InvalidCoordinate,
        "/footprint/bbox",
    ),
    "bbox west and east swapped (the long way round)": (
        _bbox([23.80, 41.20, 23.70, 41.26]),
        errors.InvalidCoordinate,
        "/footprint/bbox",
    ),
    "bbox cutting the footprint": (
        _bbox([23.70, 41.20, 23.75, 41.26]),
        errors.InvalidCoordinate,
        "/footprint/bbox",
    ),
    "bbox NaN": (
        _bbox([23.70, 41.20, math.nan, 41.26]),
        errors.InvalidCoordinate,
        "/footprint/bbox/2",
    ),
    "bbox longitude out of range": (
        _bbox([23.70, 41.20, 203.80, 41.26]),
        errors.InvalidCoordinate,
        "/footprint/bbox/2",
    ),
    "bbox a text": (_bbox("23.7,41.2,23.8,41.26"), errors.MalformedValue, "/footprint/bbox"),
    "bbox value a boolean": (
        _bbox([23.70, 41.20, True, 41.26]),
        errors.MalformedValue,
        "/footprint/bbox/2",
    ),
    "duration over the limit": (
        _field_volume(end="2028-12-02T10:00:00Z"),
        errors.VolumeTooLarge,
        "/end",
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_refusal(name: str) -> None:
    obj, error, pointer = REFUSALS[name]
    with pytest.raises(errors.InvalidInput) as caught:
        parse_volume(obj)
    assert type(caught.value) is error
    assert caught.value.pointer == pointer


#: Refusals by a documented limit, and how their detail names it: several limits share an
#: error type and a pointer (holes and vertices; area and span), and the detail tells them
#: apart.
LIMIT_DETAILS = {
    "too many positions in a ring": f"at most {limits.MAX_VERTICES_PER_RING} positions",
    "too many positions in a footprint": f"at most {limits.MAX_VERTICES_PER_FOOTPRINT} vertices",
    "too many holes": f"at most {limits.MAX_HOLES} holes",
    "latitude beyond the pole limit": f"±{limits.MAX_ABS_LATITUDE_DEG:g}° ",
    "circle reaching past the pole limit": f"±{limits.MAX_ABS_LATITUDE_DEG:g}° latitude",
    "polygon spanning over 90 degrees of longitude": (
        f"at most {limits.MAX_LONGITUDE_SPAN_DEG:g}° of longitude"
    ),
    "polygon over the area limit": f"limit of {limits.MAX_AREA_M2 / 1e6:,.0f} km²",
    "polygon over the extent limit": f"limit of {limits.MAX_EXTENT_M / 1000:,.0f} km",
    "radius over the limit": f"between {limits.MIN_RADIUS_M:g} and {limits.MAX_RADIUS_M:g} m",
    "altitude below the limit": f"between {limits.MIN_ALTITUDE_M:g} and",
    "altitude above the limit": f"and {limits.MAX_ALTITUDE_M:g} m",
    "duration over the limit": f"at most {limits.MAX_DURATION.days} days",
}


@pytest.mark.parametrize("name", sorted(LIMIT_DETAILS))
def test_a_limit_refusal_names_its_limit(name: str) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        parse_volume(REFUSALS[name][0])
    assert LIMIT_DETAILS[name] in caught.value.detail


def test_pointers_are_prefixed_with_the_volumes_place() -> None:
    obj = _field_volume(start=END, end=START)
    with pytest.raises(errors.InvalidTimeWindow) as caught:
        parse_volume(obj, "/volumes/3")
    assert caught.value.pointer == "/volumes/3/end"


def test_refusals_cover_every_input_error() -> None:
    # Every error the geometry package raises has a refusal case above: read from its
    # source, so that a new kind of refusal cannot go untested.
    raised = set()
    for module in Path(geometry.__file__).parent.glob("*.py"):
        raised |= set(re.findall(r"errors\.([A-Z][A-Za-z]+)\(", module.read_text()))
    assert raised, "no error raised in the geometry package?"
    kinds = {error.__name__ for _, error, _ in REFUSALS.values()}
    assert raised <= kinds, f"no refusal case for {sorted(raised - kinds)}"
    assert all(issubclass(getattr(errors, name), errors.InvalidInput) for name in raised)


@pytest.mark.parametrize(
    ("ring", "bbox"),
    [
        (FIELD, [23.70, 41.20, 23.80, 41.26]),
        (FIELD, [23.0, 41.0, 24.0, 42.0]),
        (FIELD, [-180, -90, 180, 90]),
        # Across the antimeridian, west > east (RFC 7946 §5.2).
        (DATELINE_ISLAND, [179.80, -16.90, -179.70, -16.75]),
        (DATELINE_ISLAND, [179.0, -17.0, -179.0, -16.0]),
    ],
)
def test_a_bbox_containing_the_footprint_is_accepted(ring: list[list[float]], bbox: Any) -> None:
    parse_volume(_bbox(bbox, ring))


def test_a_bbox_must_cross_the_antimeridian_where_its_footprint_does() -> None:
    with pytest.raises(errors.InvalidCoordinate) as caught:
        parse_volume(_bbox([-179.70, -16.90, 179.80, -16.75], DATELINE_ISLAND))
    assert caught.value.pointer == "/footprint/bbox"
    assert "[179.8, -16.9, -179.7, -16.75]" in caught.value.detail


def test_a_polygon_is_read_as_given() -> None:
    volume = parse_volume(volume_json(polygon_json(RANGE_SHELL, RANGE_HOLE), -20.0, 150.5))
    footprint = volume.footprint
    assert isinstance(footprint, PolygonFootprint)
    assert footprint.rings[0][1] == (21.40, 38.40)
    assert footprint.rings[1][2] == (21.33, 38.48)
    assert len(footprint.shape.interiors) == 1
    assert volume.altitude == AltitudeBand(-20.0, 150.5, AltitudeReference.WGS84)
    assert volume.time.start == datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert volume.time.end == datetime(2026, 12, 1, 12, tzinfo=UTC)


def test_a_circle_is_read_as_given() -> None:
    volume = parse_volume(volume_json(circle_json(23.74, 41.23, 500)))
    assert volume.footprint == CircleFootprint(23.74, 41.23, 500.0)


def test_offsets_are_converted_to_utc() -> None:
    volume = parse_volume(
        _field_volume(start="2026-12-01T12:00:00+02:00", end="2026-12-01T07:30:00-05:00")
    )
    assert volume.time.start == datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert volume.time.end == datetime(2026, 12, 1, 12, 30, tzinfo=UTC)
    assert volume.time.start.tzinfo is UTC
    widest = parse_volume(
        _field_volume(start="2026-12-01T12:00:00+23:59", end="2026-12-01T12:00:00-23:59")
    )
    assert widest.time.start == datetime(2026, 11, 30, 12, 1, tzinfo=UTC)
    assert widest.time.end == datetime(2026, 12, 2, 11, 59, tzinfo=UTC)


def test_fractions_finer_than_a_microsecond_only_ever_grow_the_window() -> None:
    """Nanoseconds, as many systems write them, are read; a start is cut to its
    microsecond, an end taken to the next one, so windows sharing 0.8 µs still overlap."""
    ends_late = parse_volume(
        _field_volume(start="2026-12-01T09:00:00Z", end="2026-12-01T10:00:00.000000900Z")
    )
    starts_early = parse_volume(
        _field_volume(start="2026-12-01T10:00:00.000000100Z", end="2026-12-01T11:00:00.5z")
    )
    assert ends_late.time.end == datetime(2026, 12, 1, 10, 0, 0, 1, tzinfo=UTC)
    assert starts_early.time.start == datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert starts_early.time.end == datetime(2026, 12, 1, 11, 0, 0, 500_000, tzinfo=UTC)
    assert ends_late.time.overlaps(starts_early.time)
    exact = parse_volume(
        _field_volume(start="2026-12-01T09:00:00Z", end="2026-12-01T10:00:00.000000000Z")
    )
    assert exact.time.end == datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert not exact.time.overlaps(starts_early.time)


def test_a_leap_second_only_ever_grows_the_window() -> None:
    """RFC 3339 allows second 60 at the end of a UTC day; UTC datetimes have no place for it.
    An end there is read as the next second, a start as the last microsecond before it."""
    ends = parse_volume(_field_volume(start="2016-12-31T23:00:00Z", end="2016-12-31T23:59:60Z"))
    assert ends.time.end == datetime(2017, 1, 1, tzinfo=UTC)
    starts = parse_volume(_field_volume(start="2016-12-31T23:59:60.5Z", end="2017-01-01T01:00:00Z"))
    assert starts.time.start == datetime(2016, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)
    assert ends.time.overlaps(starts.time)
    # 23:59 UTC is what counts: written with its offset, the same leap second.
    offset = parse_volume(
        _field_volume(start="2017-01-01T00:59:60.25+01:00", end="2017-01-01T05:29:60+05:30")
    )
    assert offset.time.start == starts.time.start
    assert offset.time.end == ends.time.end


def test_a_zero_thickness_band_is_accepted() -> None:
    volume = parse_volume(_field_volume(altitude_lower_m=120, altitude_upper_m=120))
    assert volume.altitude.lower_m == volume.altitude.upper_m == 120.0


def test_agl_is_accepted_with_a_terrain_model() -> None:
    model = VerticalModel(terrain_min_m=-10.0, terrain_max_m=2_900.0)
    volume = parse_volume(_field_volume(altitude_reference="AGL"), model=model)
    assert volume.altitude.reference is AltitudeReference.AGL


def test_a_polygon_crossing_the_antimeridian_is_accepted_and_cut() -> None:
    volume = parse_volume(volume_json(polygon_json(box(179.8, -16.9, 180.3, -16.75))))
    footprint = volume.footprint
    assert isinstance(footprint, PolygonFootprint)
    assert footprint.shape.geom_type == "MultiPolygon"
    lon_lo, _, lon_hi, _ = footprint.shape.bounds
    assert (lon_lo, lon_hi) == (-180.0, 180.0)
    assert footprint.continuous_bounds[2] - footprint.continuous_bounds[0] == pytest.approx(0.5)


def test_vertex_limits_are_inclusive() -> None:
    ring = _ring_of(MAX_VERTICES_PER_RING)
    assert len(ring) == MAX_VERTICES_PER_RING
    parse_volume(_polygon(ring))
    holes = [
        box(23.71 + 0.0004 * k, 41.21, 23.7102 + 0.0004 * k, 41.2101) for k in range(MAX_HOLES)
    ]
    parse_volume(_polygon(box(23.70, 41.20, 23.80, 41.26), *holes))


def test_vertex_limits_are_counted_before_positions_are_read() -> None:
    # Positions that would each be refused on their own: the count decides first.
    junk: list[Any] = ["not a position"] * (MAX_VERTICES_PER_RING + 1)
    with pytest.raises(errors.TooManyVertices):
        parse_volume(_polygon(junk))
    with pytest.raises(errors.TooManyVertices):
        parse_volume(_polygon(*[[]] * (MAX_HOLES + 2)))


def test_footprint_limit_is_counted_before_any_shape_is_built() -> None:
    # Rings each well formed but lying far outside one another: any geometric check would
    # refuse them as holes outside the shell, so the count must have decided first.
    far = [_ring_of(MAX_VERTICES_PER_RING, 23.7 + 0.2 * k, 41.2) for k in range(3)]
    assert sum(len(r) for r in far) > MAX_VERTICES_PER_FOOTPRINT
    with pytest.raises(errors.TooManyVertices) as caught:
        parse_volume(_polygon(*far))
    assert caught.value.pointer == "/footprint/coordinates"


# --- buffers and reaches --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("obj", "error", "pointer"),
    [
        ({"horizontal_m": -1.0}, errors.InvalidRadius, "/buffer/horizontal_m"),
        ({"horizontal_m": 100_001.0}, errors.InvalidRadius, "/buffer/horizontal_m"),
        ({"vertical_m": 5_001.0}, errors.InvalidRadius, "/buffer/vertical_m"),
        ({"vertical_m": math.inf}, errors.InvalidRadius, "/buffer/vertical_m"),
        ({"horizontal_m": math.nan}, errors.InvalidRadius, "/buffer/horizontal_m"),
        ({"vertical_m": "10"}, errors.MalformedValue, "/buffer/vertical_m"),
        ({"horizontal_m": None}, errors.MalformedValue, "/buffer/horizontal_m"),
        ({"depth_m": 3.0}, errors.MalformedValue, "/buffer/depth_m"),
        ([10.0, 5.0], errors.MalformedValue, "/buffer"),
    ],
)
def test_buffer_refusal(obj: object, error: type[errors.InvalidInput], pointer: str) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        parse_buffer(obj, "/buffer")
    assert type(caught.value) is error
    assert caught.value.pointer == pointer


def test_buffer_defaults_to_none() -> None:
    assert parse_buffer({}, "/buffer") == Buffer(0.0, 0.0)
    assert parse_buffer({"horizontal_m": 250, "vertical_m": 30.5}, "/b") == Buffer(250.0, 30.5)


def test_a_reach_is_checked_with_its_buffer() -> None:
    volume = _field_volume(footprint=circle_json(23.74, 5.23, 450_000.0))
    parse_volume(volume)
    with pytest.raises(errors.VolumeTooLarge) as caught:
        parse_reach(volume, {"horizontal_m": 100_000.0}, "/volume", "/buffer")
    assert caught.value.pointer == "/volume"
    near_pole = _field_volume(footprint=circle_json(23.74, 84.0, 50_000.0))
    parse_volume(near_pole)
    with pytest.raises(errors.NearPole):
        parse_reach(near_pole, {"horizontal_m": 70_000.0}, "/volume", "/buffer")


# --- the GeoJSON Feature form --------------------------------------------------------------

_PROPS = {"altitude_lower_m": 0, "altitude_upper_m": 120, "start": START, "end": END}


def _feature(geometry: object, **props: Any) -> JSON:
    return {"type": "Feature", "geometry": geometry, "properties": {**_PROPS, **props}}


def _point(lon: float = 23.74, lat: float = 41.23) -> JSON:
    return {"type": "Point", "coordinates": [lon, lat]}


def test_a_polygon_feature() -> None:
    volume = volume_from_geojson_feature(_feature(polygon_json(FIELD), name="North field"))
    assert isinstance(volume.footprint, PolygonFootprint)
    assert volume.altitude == AltitudeBand(0.0, 120.0)


def test_a_point_feature_with_a_radius() -> None:
    volume = volume_from_geojson_feature(_feature(_point(), radius_m=750))
    assert volume.footprint == CircleFootprint(23.74, 41.23, 750.0)


def _without(feature: JSON, key: str) -> JSON:
    out = copy.deepcopy(feature)
    del out["properties"][key]
    return out


FEATURE_REFUSALS: dict[str, tuple[object, type[errors.InvalidInput], str]] = {
    "point bbox not around the point": (
        _feature({**_point(), "bbox": [23.0, 41.0, 23.5, 41.5]}, radius_m=500),
        errors.InvalidCoordinate,
        "/geometry/bbox",
    ),
    "polygon bbox in 3-D": (
        _feature({**polygon_json(FIELD), "bbox": [23.7, 41.2, 0, 23.8, 41.26, 90]}),
        errors.InvalidCoordinate,
        "/geometry/bbox",
    ),
    "not a feature": (
        {**_feature(polygon_json(FIELD)), "type": "FeatureCollection"},
        errors.MalformedValue,
        "/type",
    ),
    "missing lower altitude": (
        _without(_feature(polygon_json(FIELD)), "altitude_lower_m"),
        errors.MalformedValue,
        "/properties/altitude_lower_m",
    ),
    "missing upper altitude": (
        _without(_feature(polygon_json(FIELD)), "altitude_upper_m"),
        errors.MalformedValue,
        "/properties/altitude_upper_m",
    ),
    "missing start": (
        _without(_feature(polygon_json(FIELD)), "start"),
        errors.MalformedValue,
        "/properties/start",
    ),
    "missing end": (
        _without(_feature(polygon_json(FIELD)), "end"),
        errors.MalformedValue,
        "/properties/end",
    ),
    "properties null": (
        {**_feature(polygon_json(FIELD)), "properties": None},
        errors.MalformedValue,
        "/properties",
    ),
    "geometry null": (_feature(None), errors.MalformedValue, "/geometry"),
    "line string": (
        _feature({"type": "LineString", "coordinates": FIELD}),
        errors.MalformedValue,
        "/geometry/type",
    ),
    "point without radius": (_feature(_point()), errors.MalformedValue, "/properties/radius_m"),
    "point with a bad radius": (
        _feature(_point(), radius_m=0),
        errors.InvalidRadius,
        "/properties/radius_m",
    ),
    "point out of range": (
        _feature(_point(lon=190.0), radius_m=10),
        errors.InvalidCoordinate,
        "/geometry/coordinates/0",
    ),
    "point without coordinates": (
        _feature({"type": "Point"}, radius_m=10),
        errors.MalformedValue,
        "/geometry/coordinates",
    ),
    "point near the pole": (
        _feature(_point(lat=84.9), radius_m=50_000),
        errors.NearPole,
        "/geometry",
    ),
    "self-intersecting polygon": (
        _feature(
            polygon_json([[23.7, 41.2], [23.8, 41.26], [23.8, 41.2], [23.7, 41.26], [23.7, 41.2]])
        ),
        errors.SelfIntersection,
        "/geometry/coordinates/0",
    ),
    "inverted band": (
        _feature(polygon_json(FIELD), altitude_lower_m=200),
        errors.InvalidAltitudeBand,
        "/properties/altitude_lower_m",
    ),
    "naive time": (
        _feature(polygon_json(FIELD), start="2026-12-01T10:00:00"),
        errors.InvalidTimeWindow,
        "/properties/start",
    ),
}


@pytest.mark.parametrize("name", sorted(FEATURE_REFUSALS))
def test_feature_refusal(name: str) -> None:
    obj, error, pointer = FEATURE_REFUSALS[name]
    with pytest.raises(errors.InvalidInput) as caught:
        volume_from_geojson_feature(obj)
    assert type(caught.value) is error
    assert caught.value.pointer == pointer
