"""A conflict's stored text, spelt field by field when its overlaps are undrawn references.

At a busy spot a submission records a conflict with each of ~150 targets inside the
writer's turn, and building each document and passing it through `json.dumps` was the
largest part of that turn (~20 µs a conflict). Nearly every one names the version records
its overlaps lie between and has drawn none of them, so its text has one shape: written
here from the values, with each string and number spelt as `json.dumps` spells it (a test
holds the two equal). Any other conflict goes through its document.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable

from deconflict.domain.conflict import Conflict
from deconflict.store.codec import to_us
from deconflict.store.documents import KEPT_VERSIONS, conflict_to_json, dumps

_STRING: Callable[[str], str] = json.encoder.encode_basestring


class _Unusual(Exception):
    """A value whose spelling is left to `json.dumps`."""


def conflict_text(conflict: Conflict) -> str:
    """`dumps(conflict_to_json(conflict))`, made faster for the common shape."""
    if conflict.target.kind in KEPT_VERSIONS and not any(
        o.overlap.is_drawn for o in conflict.overlaps
    ):
        try:
            return _by_reference(conflict)
        except _Unusual:
            pass
    return dumps(conflict_to_json(conflict))


def _by_reference(conflict: Conflict) -> str:
    target = conflict.target
    overlaps = ",".join(
        f'{{"operation_volume":{_int(o.operation_volume)},'
        f'"target_volume":{_int(o.target_volume)},'
        f'"overlap":{{"altitude":{{"lower_m":{_number(o.overlap.altitude.lower_m)},'
        f'"upper_m":{_number(o.overlap.altitude.upper_m)},'
        f'"reference":{_text(o.overlap.altitude.reference.value)}}},'
        f'"time":{{"start_us":{_int(to_us(o.overlap.time.start))},'
        f'"end_us":{_int(to_us(o.overlap.time.end))}}},'
        '"drawn_from":"records"}}'
        for o in conflict.overlaps
    )
    return (
        f'{{"operation_id":{_text(conflict.operation_id)},'
        f'"operation_party_id":{_text(conflict.operation_party_id)},'
        f'"operation_version":{_int(conflict.operation_version)},'
        f'"target":{{"kind":{_text(target.kind.value)},"id":{_text(target.id)},'
        f'"party_id":{_text(target.party_id)},"version":{_int(target.version)}}},'
        f'"overlaps":[{overlaps}]}}'
    )


def _text(value: str) -> str:
    if type(value) is not str:
        raise _Unusual
    return _STRING(value)


def _int(value: int) -> str:
    if type(value) is not int:  # a bool, or a subclass with its own spelling
        raise _Unusual
    return int.__repr__(value)


def _number(value: float) -> str:
    if type(value) is int:
        return int.__repr__(value)
    if type(value) is not float or not math.isfinite(value):
        raise _Unusual  # `dumps` refuses NaN and infinity with its own error
    return float.__repr__(value)
