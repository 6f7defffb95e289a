"""The stored text of an operation version's conflicts, spelt field by field where it can be.

At a busy spot a submission records a conflict with each of ~100 targets inside the
writer's turn, and building each document and passing it through `json.dumps` was the
largest part of that turn (~20 µs a conflict). Nearly every one names the version records
its overlaps lie between and has drawn none of them, so its text has one shape: written
here from the values, with each string and number spelt as `json.dumps` spells it (a test
holds the two equal). Any other conflict goes through its document.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from deconflict.domain.conflict import Conflict, TargetKind, VolumeOverlap
from deconflict.geometry import AltitudeReference
from deconflict.store.codec import MICROSECOND, UNIX_EPOCH
from deconflict.store.documents import KEPT_VERSIONS, conflict_to_json, dumps

_STRING: Callable[[str], str] = json.encoder.encode_basestring
_KINDS = {kind: _STRING(kind.value) for kind in TargetKind}
_REFERENCES = {reference: _STRING(reference.value) for reference in AltitudeReference}


class _Unusual(Exception):
    """A value whose spelling is left to `json.dumps`."""


def conflicts_text(conflicts: Sequence[Conflict]) -> str:
    """The conflicts as one JSON array, in their order: how a version's are stored."""
    return "[" + ",".join(map(conflict_text, conflicts)) + "]"


def conflict_text(conflict: Conflict) -> str:
    """`dumps(conflict_to_json(conflict))`, made faster for the common shape."""
    if conflict.target.kind in KEPT_VERSIONS and not any(
        o.overlap.is_drawn for o in conflict.overlaps
    ):
        try:
            return _by_reference(conflict)
        except (_Unusual, KeyError):  # KeyError: a kind or reference that is no member
            pass
    return dumps(conflict_to_json(conflict))


def _by_reference(conflict: Conflict) -> str:
    target = conflict.target
    return (
        f'{{"operation_id":{_text(conflict.operation_id)},'
        f'"operation_party_id":{_text(conflict.operation_party_id)},'
        f'"operation_version":{_int(conflict.operation_version)},'
        f'"target":{{"kind":{_KINDS[target.kind]},"id":{_text(target.id)},'
        f'"party_id":{_text(target.party_id)},"version":{_int(target.version)}}},'
        f'"overlaps":[{",".join(map(_overlap_by_reference, conflict.overlaps))}]}}'
    )


def _overlap_by_reference(found: VolumeOverlap) -> str:
    band = found.overlap.altitude
    window = found.overlap.time
    # A window's ends are aware datetimes, so their distance from the epoch in whole
    # microseconds is an int (as `codec.to_us` computes it, spelt here without a call).
    return (
        f'{{"operation_volume":{_int(found.operation_volume)},'
        f'"target_volume":{_int(found.target_volume)},'
        f'"overlap":{{"altitude":{{"lower_m":{_number(band.lower_m)},'
        f'"upper_m":{_number(band.upper_m)},"reference":{_REFERENCES[band.reference]}}},'
        f'"time":{{"start_us":{(window.start - UNIX_EPOCH) // MICROSECOND},'
        f'"end_us":{(window.end - UNIX_EPOCH) // MICROSECOND}}},'
        '"drawn_from":"records"}}'
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
    kind = type(value)
    if kind is float:
        if value - value != 0.0:  # NaN or infinity: `dumps` refuses them with its own error
            raise _Unusual
        return float.__repr__(value)
    if kind is int:
        return int.__repr__(value)
    raise _Unusual
