"""What a party was shown of another's operation, and the digest that proves it.

A consultation or notice entry says what it disclosed (`disclosed`), and since 2026-12-07
`view_sha256`: the SHA-256 of the involved party's view of the operation as it stood when
the party was told, which is what `GET /v1/operations/{id}` answered it then. A party that
kept that answer can show it was shown exactly that, and the entry's hash (in the global
chain up to a kept head) shows the digest was recorded when it was told.

The digest is over the view's JSON in the audit log's canonical encoding (domain.audit),
each number replaced by the 16 hex digits of its IEEE 754 binary64 value (big-endian): the
canonical encoding takes no floats, since one float's decimal spellings differ across
languages and serializers (`1e-05`, `0.00001`), but any JSON parser reads the numbers the
service wrote to the same bits.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping, Sequence
from typing import Any, cast

from deconflict.domain.audit import JsonValue, canonical, rfc3339
from deconflict.domain.visibility import OperationSeen, Region
from deconflict.geometry.geojson import to_geojson


def region_shown(region: Region) -> dict[str, Any]:
    """A region as the API shows it (`RegionModel`): GeoJSON, metres and RFC 3339."""
    return {
        "footprint": to_geojson(region.footprint),
        "altitude_lower_m": float(region.altitude.lower_m),
        "altitude_upper_m": float(region.altitude.upper_m),
        "altitude_reference": str(region.altitude.reference),
        "start": rfc3339(region.time.start),
        "end": rfc3339(region.time.end),
    }


def operation_shown(seen: OperationSeen) -> dict[str, Any]:
    """Another party's operation as the API shows it (`OperationSeenOut`)."""
    planner = seen.planner
    return {
        "view": "involved",
        "operation_id": seen.operation_id,
        "planner": None if planner is None else planner.label,
        "planner_is_pseudonym": None if planner is None else planner.is_pseudonym,
        "purpose": seen.purpose,
        "regions": [region_shown(r) for r in seen.regions],
    }


def view_sha256(shown: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of a view as shown (`operation_shown`, or the JSON the API answered),
    its numbers by their bits, in the canonical encoding."""
    return hashlib.sha256(canonical(_by_bits(dict(shown)))).hexdigest()


_DOUBLE = struct.Struct(">d")


def _by_bits(value: Any) -> JsonValue:
    """The value with each number as the hex of its double. Types are checked exactly
    first: a view's footprint holds hundreds of coordinates, told in the writer's turn."""
    kind = type(value)
    if kind is float:
        return _DOUBLE.pack(value).hex()
    if kind is list or kind is tuple:
        return [_by_bits(v) for v in value]
    if kind is str or kind is bool or value is None:
        return cast(JsonValue, value)
    if kind is dict:
        return {str(k): _by_bits(v) for k, v in value.items()}
    if isinstance(value, int | float):  # bool is caught above
        return _DOUBLE.pack(float(value)).hex()
    if isinstance(value, Mapping):
        return {str(k): _by_bits(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_by_bits(v) for v in value]
    raise TypeError(f"a view holds JSON values, not {kind.__name__}")
