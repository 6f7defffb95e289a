"""Volumes, buffers and overlap regions: GeoJSON footprints with altitude band and window."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import shapely
from pydantic import ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from deconflict.api.schemas.bounds import (
    AltitudeM,
    BboxNumbers,
    HorizontalBufferM,
    Position,
    RadiusM,
    Rings,
    VerticalBufferM,
)
from deconflict.api.schemas.common import InstantText, Model
from deconflict.domain.audit import rfc3339
from deconflict.domain.visibility import Region
from deconflict.geometry import (
    AltitudeReference,
    Buffer,
    CircleFootprint,
    Footprint,
    VerticalModel,
    Volume4D,
    limits,
    parse_buffer,
    parse_volume,
)
from deconflict.geometry.polygon import right_hand_rings

#: What a footprint may be as a whole, beyond what the schema of its parts can say.
_FOOTPRINT_LIMITS = (
    f"Grown by its radius and any buffer, a footprint spans at most "
    f"{limits.MAX_EXTENT_M / 1000:,.0f} km and {limits.MAX_LONGITUDE_SPAN_DEG:g}° of "
    f"longitude and stays within ±{limits.MAX_ABS_LATITUDE_DEG:g}° of latitude."
)


class Polygon(Model):
    """A GeoJSON Polygon (RFC 7946): rings of [longitude, latitude], first the shell."""

    model_config = ConfigDict(
        json_schema_extra={
            "description": (
                "A GeoJSON Polygon (RFC 7946): rings of [longitude, latitude], first the "
                f"shell, then at most {limits.MAX_HOLES} holes; at most "
                f"{limits.MAX_VERTICES_PER_FOOTPRINT:,} positions in all. It encloses "
                f"{limits.MIN_AREA_M2:g} m² to {limits.MAX_AREA_M2 / 1e6:,.0f} km², and no "
                f"two of its vertices or edges come closer than {limits.MIN_CLEARANCE_M:g} m "
                f"(no slivers or spikes). {_FOOTPRINT_LIMITS}"
            )
        }
    )

    type: Literal["Polygon"]
    coordinates: Rings
    # RFC 7946 §5: a bbox, if present, is an array. Absent is None here, but never written
    # as null, and a null sent is refused like any other bbox that is not an array.
    bbox: BboxNumbers | SkipJsonSchema[None] = Field(
        default=None, exclude_if=lambda bbox: bbox is None
    )

    @field_validator("bbox", mode="before")
    @classmethod
    def _bbox_is_not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("bbox must be an array [west, south, east, north], or left out")
        return value


class Circle(Model):
    """Every point within `radius_m` metres of `center` ([longitude, latitude])."""

    model_config = ConfigDict(
        json_schema_extra={
            "description": (
                "Every point within `radius_m` metres of `center` ([longitude, latitude]). "
                + _FOOTPRINT_LIMITS
            )
        }
    )

    type: Literal["Circle"]
    center: Position
    radius_m: RadiusM


FootprintModel = Annotated[Polygon | Circle, Field(discriminator="type")]


class Volume(Model):
    """A footprint, an altitude band in metres and a time window `[start, end)`."""

    model_config = ConfigDict(
        json_schema_extra={
            "description": (
                "A footprint, an altitude band in metres and a time window `[start, end)`. "
                f"The window lies between {limits.EARLIEST_TIME:%Y-%m-%d} and "
                f"{limits.LATEST_TIME:%Y-%m-%d} (UTC) and lasts at most "
                f"{limits.MAX_DURATION.days} days."
            )
        }
    )

    footprint: FootprintModel
    altitude_lower_m: AltitudeM
    altitude_upper_m: AltitudeM
    altitude_reference: AltitudeReference = AltitudeReference.WGS84
    start: InstantText
    end: InstantText

    def to_domain(self, pointer: str, model: VerticalModel) -> Volume4D:
        # Our parser checks everything again, so refusals carry its precise errors.
        return parse_volume(self.model_dump(exclude_none=True), pointer, model)

    @classmethod
    def from_domain(cls, volume: Volume4D) -> Volume:
        return cls(
            footprint=footprint_model(volume.footprint),
            altitude_lower_m=volume.altitude.lower_m,
            altitude_upper_m=volume.altitude.upper_m,
            altitude_reference=volume.altitude.reference,
            start=rfc3339(volume.time.start),
            end=rfc3339(volume.time.end),
        )


def footprint_model(footprint: Footprint) -> Polygon | Circle:
    if isinstance(footprint, CircleFootprint):
        return Circle(
            type="Circle",
            center=[footprint.center_lon, footprint.center_lat],
            radius_m=footprint.radius_m,
        )
    rings = right_hand_rings(footprint.rings)
    return Polygon(type="Polygon", coordinates=[[list(p) for p in r] for r in rings])


def volumes_to_domain(volumes: list[Volume], model: VerticalModel) -> tuple[Volume4D, ...]:
    return tuple(v.to_domain(f"/volumes/{i}", model) for i, v in enumerate(volumes))


class BufferModel(Model):
    """How far around a zone counts as running into it, horizontally and vertically."""

    horizontal_m: HorizontalBufferM = 0.0
    vertical_m: VerticalBufferM = 0.0

    def to_domain(self, pointer: str = "/buffer") -> Buffer:
        return parse_buffer(self.model_dump(), pointer)

    @classmethod
    def from_domain(cls, buffer: Buffer) -> BufferModel:
        return cls(horizontal_m=buffer.horizontal_m, vertical_m=buffer.vertical_m)


#: A GeoJSON geometry of any type: an overlap can be an area, a line or a point.
Geometry = Annotated[
    dict[str, Any], Field(description="GeoJSON geometry (RFC 7946) of any type, lon/lat WGS84.")
]


def geometry(shape: BaseGeometry) -> dict[str, Any]:
    """The shape as GeoJSON, its polygons' rings by the right-hand rule (RFC 7946 §3.1.6)."""
    return _lists(mapping(shapely.orient_polygons(shape)))  # type: ignore[no-any-return]


def _lists(value: Any) -> Any:
    # shapely gives tuples; lists keep the JSON the same after a round trip through a model.
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(v) for v in value]
    return value


class RegionModel(Model):
    """Where, at what heights and when two parties' data run into each other."""

    footprint: Geometry
    altitude_lower_m: float
    altitude_upper_m: float
    altitude_reference: AltitudeReference
    start: InstantText
    end: InstantText

    @classmethod
    def from_domain(cls, region: Region) -> RegionModel:
        return cls(
            footprint=geometry(region.footprint),
            altitude_lower_m=region.altitude.lower_m,
            altitude_upper_m=region.altitude.upper_m,
            altitude_reference=region.altitude.reference,
            start=rfc3339(region.time.start),
            end=rfc3339(region.time.end),
        )
