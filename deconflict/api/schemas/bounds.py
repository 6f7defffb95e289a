"""Limits shown in the served OpenAPI but enforced by our own checks, not by pydantic.

Every limit here is refused by the geometry parser or the domain with its own problem type
and pointer (`too-many-vertices`, `invalid-radius`, `invalid-input` ...), which clients and
tests rely on. A pydantic constraint would refuse first, as a generic `malformed-value`, so
the bounds are only written into the JSON schema (`json_schema_extra`): a client reads them
there, and the server refuses what lies beyond them exactly as before.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from deconflict.api.schemas.common import Number
from deconflict.geometry import limits


def shown(**keywords: Any) -> Any:
    """A `Field` adding JSON-schema keywords (`maximum=...`, `maxItems=...`) to the schema."""
    return Field(json_schema_extra=keywords)


#: [longitude, latitude]: a third value (an altitude) is refused, as are the poles.
Position = Annotated[
    list[Number],
    shown(
        minItems=2,
        maxItems=2,
        prefixItems=[
            {"type": "number", "minimum": -180.0, "maximum": 180.0, "title": "longitude"},
            {
                "type": "number",
                "minimum": -limits.MAX_ABS_LATITUDE_DEG,
                "maximum": limits.MAX_ABS_LATITUDE_DEG,
                "title": "latitude",
            },
        ],
    ),
]
#: A closed ring: at least three corners and the closing position.
Ring = Annotated[list[Position], shown(minItems=4, maxItems=limits.MAX_VERTICES_PER_RING)]
#: The shell, then the holes.
Rings = Annotated[list[Ring], shown(minItems=1, maxItems=limits.MAX_HOLES + 1)]
#: [west, south, east, north].
BboxNumbers = Annotated[list[Number], shown(minItems=4, maxItems=4)]

RadiusM = Annotated[Number, shown(minimum=limits.MIN_RADIUS_M, maximum=limits.MAX_RADIUS_M)]
AltitudeM = Annotated[Number, shown(minimum=limits.MIN_ALTITUDE_M, maximum=limits.MAX_ALTITUDE_M)]
HorizontalBufferM = Annotated[Number, shown(minimum=0.0, maximum=limits.MAX_HORIZONTAL_BUFFER_M)]
VerticalBufferM = Annotated[Number, shown(minimum=0.0, maximum=limits.MAX_VERTICAL_BUFFER_M)]


def items(minimum: int, maximum: int) -> Any:
    return shown(minItems=minimum, maxItems=maximum)


def chars(minimum: int, maximum: int) -> Any:
    return shown(minLength=minimum, maxLength=maximum)
