"""The conflict check of an operation version: store search, then the domain's exact word."""

from __future__ import annotations

from datetime import datetime

from deconflict.domain.conflict import (
    Conflict,
    Target,
    TargetKind,
    conflict_with_area,
    conflict_with_volumes,
)
from deconflict.domain.entities import EntityKind, EntityRef, VolumeOwner
from deconflict.domain.operation import Operation
from deconflict.geometry import Reach
from deconflict.store.interface import Transaction


def find_conflicts(tx: Transaction, operation: Operation, now: datetime) -> list[Conflict]:
    """Every zone, operation and authority area the operation's current version runs into.

    Run in the same transaction as the write that records the result, so an operation
    submitted at the same moment elsewhere is either seen here or sees this one. Only the
    volume pairs the search found are measured: the index holds live entities only
    (retired zones and finished operations leave it), so no record needs loading.
    """
    own = EntityRef(EntityKind.OPERATION, operation.id)
    found: dict[EntityRef, tuple[VolumeOwner, list[tuple[int, int, Reach]]]] = {}
    for i, reach in enumerate(operation.version.reaches):
        for hit in tx.volumes.search(reach, now=now, exclude=own):
            pairs = found.setdefault(hit.owner.entity, (hit.owner, []))[1]
            pairs.append((i, hit.index, hit.reach))
    conflicts: list[Conflict] = []
    for entity in sorted(found, key=lambda e: (e.kind.value, e.entity_id)):
        owner, pairs = found[entity]
        target = Target(
            TargetKind(entity.kind.value), entity.entity_id, owner.party_id, owner.version
        )
        conflict = conflict_with_volumes(operation, target, pairs, decided=True)
        if conflict is not None:
            conflicts.append(conflict)
    for authority in tx.parties.authorities():
        if authority.id != operation.party_id:
            area_conflict = conflict_with_area(operation, authority)
            if area_conflict is not None:
                conflicts.append(area_conflict)
    return conflicts


def index_operation(tx: Transaction, operation: Operation) -> None:
    """Keep the conflict index in step: in-play operations are found, others are not."""
    entity = EntityRef(EntityKind.OPERATION, operation.id)
    if operation.is_in_play:
        owner = VolumeOwner(entity, operation.party_id, operation.version.number)
        tx.volumes.replace(owner, operation.version.reaches)
    else:
        tx.volumes.remove(entity)
