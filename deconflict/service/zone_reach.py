"""Operations a zone comes to meet after they were checked: their planners and its owner told.

An operation is checked when it is submitted or revised; a zone created, revised or renewed
later over it would otherwise go unseen by both sides. Each such operation's current
version is checked again, as far as the zone is concerned, in the zone's own transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from deconflict.domain.agreement import Mode
from deconflict.domain.audit import AuditKind
from deconflict.domain.conflict import Conflict, TargetKind
from deconflict.domain.consultation import involvements
from deconflict.domain.entities import EntityKind, EntityRef
from deconflict.domain.ids import OperationId
from deconflict.domain.operation import Operation
from deconflict.domain.zone import Zone
from deconflict.service.checking import entities_met, find_conflicts, refreshed
from deconflict.service.consulting import (
    AWAITING_ANSWERS,
    apply_deadlines,
    consult,
    follow_answers,
    involved_in_version,
    notify,
)
from deconflict.service.context import Service
from deconflict.service.recording import record
from deconflict.store.interface import Transaction


def tell_operations_met(
    svc: Service, tx: Transaction, zone: Zone, now: datetime, *, renewal: bool = False
) -> None:
    """Tell the planners of other parties' operations in play that the zone (already
    indexed) now meets, and its owner as their agreement says: consulted while the
    operation awaits answers, notified once it is cleared or under `notify`.

    The entries are the service's (no actor): the zone's member must not become a reader
    of the planner's entries, nor the planner of the owner's.
    """
    for met in entities_met(tx, zone.reaches, now, EntityKind.OPERATION, other_than=zone.party_id):
        operation = tx.operations.get(OperationId(met))
        if operation is not None and operation.is_in_play:
            _met(svc, tx, operation, zone, now, renewal)


def _met(
    svc: Service, tx: Transaction, operation: Operation, zone: Zone, now: datetime, renewal: bool
) -> None:
    # Deadlines first: whether the owner is consulted or notified depends on where the
    # operation stands now, not where it stood when last read.
    operation = apply_deadlines(tx, operation, now)
    number = operation.version.number
    stored = tx.conflicts.of_operation(operation.id, number)
    before = _with_zone(stored, zone)
    fresh = find_conflicts(tx, operation, now, svc.model)
    after = _with_zone(fresh, zone)
    if after is None:
        return
    # Only the conflict with this zone changes: the rest stay as the planner was told.
    conflicts = refreshed(stored, fresh, EntityRef(EntityKind.ZONE, zone.id))
    tx.conflicts.replace(operation.id, number, conflicts)
    # A renewal only carries windows on: a past part dropped is no change to report.
    changed = not renewal and before is not None and before.overlaps != after.overlaps
    if before is None or changed:
        record(
            tx,
            now,
            AuditKind.NOTICE,
            None,
            f"operation:{operation.id}",
            {
                "event": "conflict_found" if before is None else "conflict_changed",
                "kind": str(TargetKind.ZONE),
                "version": number,
            },
            [operation.party_id],
        )
    involved = involvements(
        operation.party_id, conflicts, tx.agreements.of_party(operation.party_id)
    )
    owner = next((i for i in involved if i.party_id == zone.party_id), None)
    if owner is None or owner.party_id in involved_in_version(tx, operation):
        return  # nothing agreed, or told already: its view of the version shows the rest
    if owner.mode is Mode.CONSULT and operation.state in AWAITING_ANSWERS:
        consult(svc, tx, None, operation, owner, now)
        # A fresh question keeps the operation waiting; this records any move it makes.
        follow_answers(tx, None, operation, now, cause="consulted")
    else:
        notify(svc, tx, None, operation, owner, now)


def _with_zone(conflicts: Sequence[Conflict], zone: Zone) -> Conflict | None:
    return next(
        (c for c in conflicts if c.target.kind is TargetKind.ZONE and c.target.id == zone.id),
        None,
    )
