"""JSON documents of parties, members, agreements, zones, operations and conflicts.

Records keep one document column beside the few columns their lookups need. Enums are
stored by value and times as integer microseconds, so a document reads back as a value
equal to the one written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial
from typing import Any

from deconflict.domain.agreement import Agreement, Disclosure, Mode, Silence
from deconflict.domain.conflict import Conflict, Target, TargetKind, VolumeOverlap
from deconflict.domain.ids import MemberId, OperationId, Ovn, PartyId, ZoneId
from deconflict.domain.lifecycle import OperationState
from deconflict.domain.operation import Operation, OperationVersion, Override, Plan
from deconflict.domain.party import Member, Party, Role
from deconflict.domain.zone import Validity, Zone
from deconflict.geometry import Reach
from deconflict.store.codec import footprint_to_json, from_us, to_us
from deconflict.store.documents_geo import (
    Document,
    buffer_from_json,
    buffer_to_json,
    footprint_from_json,
    overlap_from_json,
    overlap_to_json,
    volume_from_json,
    volume_to_json,
)

#: NaN and infinity are not JSON; they never pass validation, so meeting one is a bug.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def dumps(document: Mapping[str, Any]) -> str:
    return _ENCODER.encode(document)


def loads(text: str) -> Document:
    loaded: Document = json.loads(text)
    return loaded


def loads_list(text: str) -> list[Document]:
    """A JSON array of documents, such as an operation version's conflicts."""
    loaded: list[Document] = json.loads(text)
    return loaded


def us_or_none(instant: datetime | None) -> int | None:
    return None if instant is None else to_us(instant)


def optional_us(data: Mapping[str, Any], key: str) -> datetime | None:
    """The instant under `key`, or None; absent and null both mean none."""
    value = data.get(key)
    return None if value is None else from_us(value)


def party_to_json(party: Party) -> Document:
    area = party.authority_area
    return {
        "id": party.id,
        "name": party.name,
        "authority_area": None if area is None else footprint_to_json(area),
    }


def party_from_json(data: Mapping[str, Any]) -> Party:
    area = data["authority_area"]
    return Party(
        PartyId(data["id"]), data["name"], None if area is None else footprint_from_json(area)
    )


def member_to_json(member: Member) -> Document:
    return {
        "id": member.id,
        "party_id": member.party_id,
        "name": member.name,
        "role": member.role.value,
        "api_key_sha256": member.api_key_sha256,
        "is_revoked": member.is_revoked,
    }


def member_from_json(data: Mapping[str, Any]) -> Member:
    return Member(
        MemberId(data["id"]),
        PartyId(data["party_id"]),
        data["name"],
        Role(data["role"]),
        data["api_key_sha256"],
        data["is_revoked"],
    )


def agreement_to_json(agreement: Agreement) -> Document:
    return {
        "party_a": agreement.party_a,
        "party_b": agreement.party_b,
        "mode": agreement.mode.value,
        "response_deadline_s": agreement.response_deadline_s,
        "silence": agreement.silence.value,
        "disclosure": agreement.disclosure.value,
    }


def agreement_from_json(data: Mapping[str, Any]) -> Agreement:
    return Agreement(
        PartyId(data["party_a"]),
        PartyId(data["party_b"]),
        Mode(data["mode"]),
        data["response_deadline_s"],
        Silence(data["silence"]),
        Disclosure(data["disclosure"]),
    )


def zone_to_json(zone: Zone) -> Document:
    return {
        "id": zone.id,
        "party_id": zone.party_id,
        "version": zone.version,
        "name": zone.name,
        "volumes": [volume_to_json(v) for v in zone.volumes],
        "buffer": buffer_to_json(zone.buffer),
        "validity": zone.validity.value,
        "revised_us": to_us(zone.revised_at),
        "retired_us": us_or_none(zone.retired_at),
    }


def zone_from_json(data: Mapping[str, Any]) -> Zone:
    return Zone(
        ZoneId(data["id"]),
        PartyId(data["party_id"]),
        data["version"],
        data["name"],
        tuple(volume_from_json(v) for v in data["volumes"]),
        buffer_from_json(data["buffer"]),
        Validity(data["validity"]),
        from_us(data["revised_us"]),
        optional_us(data, "retired_us"),
    )


def version_to_json(version: OperationVersion) -> Document:
    plan = version.plan
    return {
        "number": version.number,
        "ovn": version.ovn,
        "created_us": to_us(version.created_at),
        "volumes": [volume_to_json(v) for v in plan.volumes],
        "priority": plan.priority,
        "purpose": plan.purpose,
        "share_purpose": plan.share_purpose,
    }


def version_from_json(data: Mapping[str, Any]) -> OperationVersion:
    plan = Plan(
        tuple(volume_from_json(v) for v in data["volumes"]),
        data["priority"],
        data["purpose"],
        data["share_purpose"],
    )
    return OperationVersion(data["number"], Ovn(data["ovn"]), plan, from_us(data["created_us"]))


def override_to_json(override: Override) -> Document:
    return {
        "justification": override.justification,
        "by": override.by,
        "at_us": to_us(override.at),
        "ovn": override.ovn,
    }


def override_from_json(data: Mapping[str, Any]) -> Override:
    return Override(
        data["justification"], MemberId(data["by"]), from_us(data["at_us"]), Ovn(data["ovn"])
    )


def operation_to_json(operation: Operation) -> Document:
    """The operation without its version's plan: that lives once, in the version history."""
    override = operation.override
    return {
        "id": operation.id,
        "party_id": operation.party_id,
        "state": operation.state.value,
        "version": operation.version.number,
        "override": None if override is None else override_to_json(override),
    }


def operation_from_json(data: Mapping[str, Any], version: OperationVersion) -> Operation:
    """The operation in `version`, its current one, read from the version history."""
    found = data["override"]
    override = None if found is None else override_from_json(found)
    return Operation(
        OperationId(data["id"]),
        PartyId(data["party_id"]),
        OperationState(data["state"]),
        version,
        override,
    )


#: Targets whose every version is kept as a record: an undrawn overlap with one of them is
#: stored as the pair of version volumes it lies between, not as two copies of them.
KEPT_VERSIONS = frozenset({TargetKind.ZONE, TargetKind.OPERATION})
#: The `drawn_from` of an overlap whose reaches are the version records it names.
FROM_RECORDS = "records"
#: Rebuilds an overlap's reaches from records: (operation volume, target volume) -> (a, b).
ReachPair = Callable[[int, int], tuple[Reach, Reach]]


def conflict_to_json(conflict: Conflict) -> Document:
    """Undrawn overlaps with zones and operations name the versions' volumes they lie
    between: at a busy spot a submission meets a hundred targets, and two reaches
    written out per conflict were a third of the submission's time."""
    target = conflict.target
    by_reference = target.kind in KEPT_VERSIONS
    return {
        "operation_id": conflict.operation_id,
        "operation_party_id": conflict.operation_party_id,
        "operation_version": conflict.operation_version,
        "target": {
            "kind": target.kind.value,
            "id": target.id,
            "party_id": target.party_id,
            "version": target.version,
        },
        "overlaps": [
            {
                "operation_volume": o.operation_volume,
                "target_volume": o.target_volume,
                "overlap": overlap_to_json(o.overlap, FROM_RECORDS if by_reference else None),
            }
            for o in conflict.overlaps
        ],
    }


def conflict_from_json(data: Mapping[str, Any], reaches: ReachPair | None = None) -> Conflict:
    """`reaches` resolves overlaps stored by reference (see `conflict_to_json`)."""
    target = data["target"]
    return Conflict(
        OperationId(data["operation_id"]),
        PartyId(data["operation_party_id"]),
        data["operation_version"],
        Target(
            TargetKind(target["kind"]), target["id"], PartyId(target["party_id"]), target["version"]
        ),
        tuple(
            VolumeOverlap(
                o["operation_volume"],
                o["target_volume"],
                overlap_from_json(
                    o["overlap"],
                    partial(_resolved, reaches, o["operation_volume"], o["target_volume"]),
                ),
            )
            for o in data["overlaps"]
        ),
    )


def _resolved(reaches: ReachPair | None, i: int, j: int) -> tuple[Reach, Reach]:
    if reaches is None:
        raise ValueError("this conflict names version records: read it with a resolver")
    return reaches(i, j)
