"""The conflict check of an operation version: store search, then the domain's exact word."""

from __future__ import annotations

from datetime import datetime

from deconflict.domain.conflict import (
    Conflict,
    conflict_with_area,
    conflict_with_operation,
    conflict_with_zone,
)
from deconflict.domain.entities import EntityKind, EntityRef, VolumeOwner
from deconflict.domain.ids import OperationId, ZoneId
from deconflict.domain.operation import Operation
from deconflict.store.interface import Transaction


def find_conflicts(tx: Transaction, operation: Operation, now: datetime) -> list[Conflict]:
    """Every zone, operation and authority area the operation's current version runs into.

    Run in the same transaction as the write that records the result, so an operation
    submitted at the same moment elsewhere is either seen here or sees this one.
    """
    own = EntityRef(EntityKind.OPERATION, operation.id)
    targets: dict[EntityRef, None] = {}
    for reach in operation.version.reaches:
        for hit in tx.volumes.search(reach, now=now, exclude=own):
            targets[hit.owner.entity] = None
    conflicts: list[Conflict] = []
    for entity in sorted(targets, key=lambda e: (e.kind.value, e.entity_id)):
        found: Conflict | None = None
        if entity.kind is EntityKind.ZONE:
            zone = tx.zones.get(ZoneId(entity.entity_id))
            found = None if zone is None else conflict_with_zone(operation, zone)
        elif entity.kind is EntityKind.OPERATION:
            other = tx.operations.get(OperationId(entity.entity_id))
            found = None if other is None else conflict_with_operation(operation, other)
        if found is not None:
            conflicts.append(found)
    for authority in tx.parties.authorities():
        if authority.id != operation.party_id:
            found = conflict_with_area(operation, authority)
            if found is not None:
                conflicts.append(found)
    return conflicts


def index_operation(tx: Transaction, operation: Operation) -> None:
    """Keep the conflict index in step: in-play operations are found, others are not."""
    entity = EntityRef(EntityKind.OPERATION, operation.id)
    if operation.is_in_play:
        owner = VolumeOwner(entity, operation.party_id, operation.version.number)
        tx.volumes.replace(owner, operation.version.reaches)
    else:
        tx.volumes.remove(entity)
