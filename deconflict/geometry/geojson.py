"""Shapes written out as GeoJSON (RFC 7946), as the parties are shown them."""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry


def to_geojson(shape: BaseGeometry) -> dict[str, Any]:
    """The shape as GeoJSON, its polygons' rings by the right-hand rule (RFC 7946 §3.1.6),
    in lists rather than tuples, so that it reads the same after a round trip through JSON."""
    return _lists(mapping(shapely.orient_polygons(shape)))  # type: ignore[no-any-return]


def _lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(v) for v in value]
    return value
