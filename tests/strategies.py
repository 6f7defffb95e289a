"""Hypothesis strategies for valid volumes and reaches, anywhere the limits allow.

Shapes are laid out in geodesic metres around a centre with pyproj, then written as the
GeoJSON a client would send and parsed, so every value drawn is one the service accepts.
Centres range over the whole globe, with extra weight near the antimeridian and near the
latitude limit, where longitude and metre scales part ways.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st

from deconflict.errors import InvalidInput
from deconflict.geometry import Buffer, Reach, Volume4D, parse_volume
from deconflict.geometry.limits import MAX_ABS_LATITUDE_DEG
from tests.specimens import GEOD, JSON

#: Centres stay this far inside the latitude limit so that shapes fit below it.
_LAT_ROOM_DEG = 1.5
_BASE = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)

#: Settings for every geometry property: the same examples on every run, so CI is stable,
#: and no per-example deadline, since geodesic oracles are slow by design.
DETERMINISTIC = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow],
)


def _wrap(lon: float) -> float:
    return (lon + 180.0) % 360.0 - 180.0


@st.composite
def centres(draw: st.DrawFn) -> tuple[float, float]:
    """A point anywhere, often near the antimeridian or the latitude limit."""
    top = MAX_ABS_LATITUDE_DEG - _LAT_ROOM_DEG
    lon = draw(
        st.one_of(
            st.floats(-180.0, 180.0),
            st.floats(179.0, 180.0),
            st.floats(-180.0, -179.0),
        )
    )
    lat = draw(
        st.one_of(st.floats(-top, top), st.floats(top - 8.0, top), st.floats(-top, 8.0 - top))
    )
    return lon, lat


def _ring_around(
    lon: float, lat: float, azimuths_deg: list[float], distances_m: list[float]
) -> list[list[float]]:
    lons, lats, _ = GEOD.fwd(
        [lon] * len(azimuths_deg), [lat] * len(azimuths_deg), azimuths_deg, distances_m
    )
    ring = [[_wrap(float(x)), float(y)] for x, y in zip(lons, lats, strict=True)]
    return [*ring, ring[0]]


@st.composite
def star_rings(draw: st.DrawFn, lon: float, lat: float, size_m: float) -> list[list[list[float]]]:
    """A star-shaped shell around (lon, lat), with up to three holes round the centre."""
    count = draw(st.integers(3, 12))
    gaps = draw(st.lists(st.floats(0.5, 1.0), min_size=count, max_size=count))
    turn = draw(st.floats(0.0, 360.0))
    total = sum(gaps)
    azimuths = [turn + 360.0 * sum(gaps[:i]) / total for i in range(count)]
    # No gap over 120° keeps the centre at least half the shortest radius from every edge.
    assume(max(gaps) / total * 360.0 <= 120.0)
    radii = draw(st.lists(st.floats(0.5 * size_m, size_m), min_size=count, max_size=count))
    rings = [_ring_around(lon, lat, azimuths, radii)]
    inner = 0.5 * min(radii)
    holes = draw(st.integers(0, 3))
    for k in range(holes):
        # Holes nest in sectors of their own so they never touch one another.
        sector = 360.0 / holes
        base = turn + k * sector
        hole_az = [base + sector * f for f in (0.2, 0.5, 0.8)]
        hole_d = [inner * f for f in draw(st.lists(st.floats(0.3, 0.9), min_size=3, max_size=3))]
        rings.append(_ring_around(lon, lat, hole_az, hole_d)[::-1])
    return rings


@st.composite
def corridor_rings(
    draw: st.DrawFn, lon: float, lat: float, size_m: float
) -> list[list[list[float]]]:
    """A long thin four-sided corridor: up to `size_m` long and 5 to 200 m wide."""
    azimuth = draw(st.floats(0.0, 180.0))
    length_m = draw(st.floats(0.2 * size_m, size_m))
    width_m = draw(st.floats(5.0, 200.0))
    far_lon, far_lat, back = GEOD.fwd(lon, lat, azimuth, length_m)
    corners = [
        GEOD.fwd(lon, lat, azimuth - 90.0, width_m / 2.0),
        GEOD.fwd(far_lon, far_lat, back + 90.0, width_m / 2.0),
        GEOD.fwd(far_lon, far_lat, back - 90.0, width_m / 2.0),
        GEOD.fwd(lon, lat, azimuth + 90.0, width_m / 2.0),
    ]
    ring = [[_wrap(float(c[0])), float(c[1])] for c in corners]
    return [[*ring, ring[0]]]


@st.composite
def footprints(draw: st.DrawFn, max_size_m: float = 50_000.0) -> JSON:
    """A circle, a star polygon (maybe with holes) or a long thin corridor, as JSON."""
    lon, lat = draw(centres())
    return draw(footprints_at(lon, lat, max_size_m))


@st.composite
def footprints_at(draw: st.DrawFn, lon: float, lat: float, max_size_m: float) -> JSON:
    size_m = draw(st.floats(20.0, max_size_m))
    kind = draw(st.sampled_from(["circle", "star", "corridor"]))
    if kind == "circle":
        return {"type": "Circle", "center": [lon, lat], "radius_m": size_m}
    rings = draw(
        star_rings(lon, lat, size_m) if kind == "star" else corridor_rings(lon, lat, size_m)
    )
    return {"type": "Polygon", "coordinates": rings}


Band = tuple[float, float, str]


@st.composite
def bands(draw: st.DrawFn) -> Band:
    """(lower_m, upper_m, reference), zero thickness included; one in four above mean sea
    level rather than the ellipsoid, so that pairs in different references are compared
    (AGL needs a deployment's terrain range, which the default model has not)."""
    lower = draw(st.sampled_from([0.0, 120.0]) | st.floats(-100.0, 3_000.0))
    thickness = draw(st.sampled_from([0.0, 50.0]) | st.floats(0.0, 1_000.0))
    reference = draw(st.sampled_from(["WGS84", "WGS84", "WGS84", "AMSL"]))
    return lower, lower + thickness, reference


@st.composite
def windows(draw: st.DrawFn) -> tuple[str, str]:
    """(start, end) as RFC 3339 strings, minutes to days long, on a few shared days."""
    start = _BASE + timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))
    end = start + timedelta(minutes=draw(st.integers(1, 2 * 24 * 60)))
    return start.isoformat(), end.isoformat()


def volume_from(footprint: JSON, band: Band, window: tuple[str, str]) -> Volume4D:
    """Parse a drawn volume; draws the parser refuses (rare slivers) are discarded."""
    data: dict[str, Any] = {
        "footprint": footprint,
        "altitude_lower_m": band[0],
        "altitude_upper_m": band[1],
        "altitude_reference": band[2],
        "start": window[0],
        "end": window[1],
    }
    try:
        return parse_volume(data)
    except InvalidInput:
        assume(False)
        raise


@st.composite
def buffers(draw: st.DrawFn, max_horizontal_m: float = 5_000.0) -> Buffer:
    horizontal = draw(st.just(0.0) | st.floats(0.0, max_horizontal_m))
    vertical = draw(st.just(0.0) | st.floats(0.0, 200.0))
    return Buffer(horizontal, vertical)


@st.composite
def volumes(draw: st.DrawFn, max_size_m: float = 50_000.0) -> Volume4D:
    return volume_from(draw(footprints(max_size_m)), draw(bands()), draw(windows()))


@st.composite
def reaches(draw: st.DrawFn, max_size_m: float = 50_000.0) -> Reach:
    return Reach(draw(volumes(max_size_m)), draw(buffers()))


@st.composite
def nearby_pairs(draw: st.DrawFn, max_size_m: float = 20_000.0) -> tuple[Reach, Reach]:
    """Two reaches whose centres lie about as far apart as their sizes, so both answers occur."""
    lon, lat = draw(centres())
    size_m = draw(st.floats(50.0, max_size_m))
    a_fp = draw(footprints_at(lon, lat, size_m))
    distance_m = draw(st.floats(0.0, 3.0 * size_m))
    lon_b, lat_b, _ = GEOD.fwd(lon, lat, draw(st.floats(0.0, 360.0)), distance_m)
    lat_b = float(lat_b)
    assume(abs(lat_b) < MAX_ABS_LATITUDE_DEG - _LAT_ROOM_DEG)
    b_fp = draw(footprints_at(_wrap(float(lon_b)), lat_b, size_m))
    a = Reach(volume_from(a_fp, draw(bands()), draw(windows())), draw(buffers(size_m / 4.0)))
    b = Reach(volume_from(b_fp, draw(bands()), draw(windows())), draw(buffers(size_m / 4.0)))
    return a, b


def same_time_and_band(volume: Volume4D, like: Volume4D) -> Volume4D:
    """`volume`'s footprint with `like`'s band and window: only space decides then."""
    return Volume4D(volume.footprint, like.altitude, like.time)
