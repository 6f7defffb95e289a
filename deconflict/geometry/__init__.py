"""Pure 4D geometry: volume values, parsing, limits, buffers, exact overlap, index boxes.

No I/O, no clock, no database: everything here is a function of its arguments.
"""

from deconflict.geometry.altitude import DEFAULT_VERTICAL_MODEL, VerticalModel
from deconflict.geometry.envelope import (
    Box4D,
    BoxColumns,
    index_box_columns,
    index_boxes,
    search_boxes,
)
from deconflict.geometry.overlap import (
    Overlap,
    overlap,
    overlap_found,
    reaches_meet,
    within_reach,
)
from deconflict.geometry.parse import (
    parse_buffer,
    parse_footprint,
    parse_reach,
    parse_volume,
    volume_from_geojson_feature,
)
from deconflict.geometry.values import (
    AltitudeBand,
    AltitudeReference,
    Buffer,
    CircleFootprint,
    Footprint,
    PolygonFootprint,
    Reach,
    TimeWindow,
    Volume4D,
)

__all__ = [
    "DEFAULT_VERTICAL_MODEL",
    "AltitudeBand",
    "AltitudeReference",
    "Box4D",
    "BoxColumns",
    "Buffer",
    "CircleFootprint",
    "Footprint",
    "Overlap",
    "PolygonFootprint",
    "Reach",
    "TimeWindow",
    "VerticalModel",
    "Volume4D",
    "index_box_columns",
    "index_boxes",
    "overlap",
    "overlap_found",
    "parse_buffer",
    "parse_footprint",
    "parse_reach",
    "parse_volume",
    "reaches_meet",
    "search_boxes",
    "volume_from_geojson_feature",
    "within_reach",
]
