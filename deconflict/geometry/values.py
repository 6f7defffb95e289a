"""Immutable 4D volume values: footprint, altitude band, time window, buffer.

Constructing these directly trusts the caller; untrusted input goes through
`deconflict.geometry.parse`, which validates against `limits` and explains refusals.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

import shapely
from shapely.geometry.base import BaseGeometry

Position = tuple[float, float]
Ring = tuple[Position, ...]


class AltitudeReference(enum.StrEnum):
    """What an altitude is measured from."""

    WGS84 = "WGS84"  # height above the WGS84 ellipsoid
    AMSL = "AMSL"  # above mean sea level (the geoid)
    AGL = "AGL"  # above ground level


@dataclass(frozen=True, slots=True)
class AltitudeBand:
    """A closed altitude interval `[lower_m, upper_m]`; touching bands share a height."""

    lower_m: float
    upper_m: float
    reference: AltitudeReference = AltitudeReference.WGS84

    def inflated(self, vertical_m: float) -> AltitudeBand:
        if vertical_m == 0.0:  # most reaches carry no vertical buffer; the band is immutable
            return self
        return AltitudeBand(self.lower_m - vertical_m, self.upper_m + vertical_m, self.reference)


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """A half-open UTC interval `[start, end)`: windows meeting end-to-start do not overlap."""

    start: datetime
    end: datetime

    def overlaps(self, other: TimeWindow) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, instant: datetime) -> bool:
        return self.start <= instant < self.end


@dataclass(frozen=True, slots=True)
class CircleFootprint:
    """Every point within `radius_m` geodesic metres of a centre."""

    center_lon: float
    center_lat: float
    radius_m: float
    #: The centre as a geometry, made once: distances are measured from it, the radius is
    #: added as margin (and a shapely Point costs microseconds to build).
    core: BaseGeometry = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "core", shapely.Point(self.center_lon, self.center_lat))

    @classmethod
    def around(cls, core: shapely.Point, radius_m: float) -> CircleFootprint:
        """The circle about a centre already made as a Point (a stored core, decoded):
        building it again would cost more than the rest of the footprint."""
        circle = object.__new__(cls)
        for name, value in (("center_lon", core.x), ("center_lat", core.y)):
            object.__setattr__(circle, name, value)
        object.__setattr__(circle, "radius_m", radius_m)
        object.__setattr__(circle, "core", core)
        return circle

    @property
    def margin_m(self) -> float:
        return self.radius_m

    @property
    def continuous_bounds(self) -> tuple[float, float, float, float]:
        return (self.center_lon, self.center_lat, self.center_lon, self.center_lat)


@dataclass(frozen=True, slots=True)
class PolygonFootprint:
    """A GeoJSON polygon (RFC 7946: edges are straight lines in lon/lat), holes allowed.

    `rings` keep the positions as given; `shape` is the canonical form, cut at the
    antimeridian into pieces inside [-180, 180], which is what overlaps are computed on.
    """

    rings: tuple[Ring, ...]
    shape: BaseGeometry = field(compare=False, repr=False)
    unwrapped: BaseGeometry = field(compare=False, repr=False)

    @property
    def core(self) -> BaseGeometry:
        return self.shape

    @property
    def margin_m(self) -> float:
        return 0.0

    @property
    def continuous_bounds(self) -> tuple[float, float, float, float]:
        """Bounds with longitudes continuous across the antimeridian (may pass ±180)."""
        return self.unwrapped.bounds  # type: ignore[no-any-return]


Footprint = CircleFootprint | PolygonFootprint


@dataclass(frozen=True, slots=True)
class Volume4D:
    """A footprint, an altitude band and a time window: the unit of deconfliction."""

    footprint: Footprint
    altitude: AltitudeBand
    time: TimeWindow


@dataclass(frozen=True, slots=True)
class Buffer:
    """A zone's deconfliction buffer: how far around it counts as running into it."""

    horizontal_m: float = 0.0
    vertical_m: float = 0.0


NO_BUFFER = Buffer()


@dataclass(frozen=True, slots=True)
class Reach:
    """A volume together with the buffer it carries: the space it must keep to itself.

    Two reaches conflict when their cores come within the sum of their margins, their
    inflated altitude bands share a height, and their time windows share an instant.
    """

    volume: Volume4D
    buffer: Buffer = NO_BUFFER

    @property
    def core(self) -> BaseGeometry:
        return self.volume.footprint.core

    @property
    def margin_m(self) -> float:
        return self.volume.footprint.margin_m + self.buffer.horizontal_m

    @property
    def band(self) -> AltitudeBand:
        return self.volume.altitude.inflated(self.buffer.vertical_m)

    @property
    def time(self) -> TimeWindow:
        return self.volume.time
