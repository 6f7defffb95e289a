"""Consulting and notifying the parties an operation version runs into, and following up."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from deconflict.domain.agreement import Mode
from deconflict.domain.audit import AuditKind, JsonValue, rfc3339
from deconflict.domain.consultation import (
    Closure,
    Consultation,
    Involvement,
    Notice,
    close,
    close_for_revision,
    evaluate,
    involved_in,
    involvements,
    no_longer_concerned,
    open_consultation,
)
from deconflict.domain.entities import EntityKind, EntityRef
from deconflict.domain.ids import ConsultationId, NoticeId, OperationId, PartyId
from deconflict.domain.lifecycle import OperationState
from deconflict.domain.operation import Operation
from deconflict.geometry import Reach
from deconflict.service.checking import Presearch, entities_met, find_conflicts, refreshed
from deconflict.service.context import Principal, Service
from deconflict.service.recording import record
from deconflict.store.interface import Transaction

#: States whose outcome depends on consultations, and so on deadlines.
AWAITING_ANSWERS = frozenset(
    {OperationState.SUBMITTED, OperationState.IN_CONSULTATION, OperationState.OBJECTED}
)


def check_and_consult(
    svc: Service,
    tx: Transaction,
    by: Principal | None,
    operation: Operation,
    now: datetime,
    previous: Sequence[Consultation] = (),
    prior: Presearch | None = None,
) -> Operation:
    """Find conflicts, consult and notify by agreement, close what a revision superseded."""
    conflicts = find_conflicts(tx, operation, now, svc.model, prior)
    tx.conflicts.replace(operation.id, operation.version.number, conflicts)
    agreements = tx.agreements.of_party(operation.party_id)
    involved = involvements(operation.party_id, conflicts, agreements)
    still_concerned = [i.party_id for i in involved]
    for closed in close_for_revision(
        [c for c in previous if c.closed_at is None], still_concerned, now
    ):
        _keep_closed(tx, by, closed, now)
    _tell_dropped(tx, by, operation, previous, still_concerned, now)
    opened: list[Consultation] = []
    for involvement in involved:
        if involvement.mode is Mode.CONSULT:
            opened.append(consult(svc, tx, by, operation, involvement, now))
        else:
            notify(svc, tx, by, operation, involvement, now)
    return settle(tx, by, evaluate(operation, opened, now), opened, now)


def consult(
    svc: Service,
    tx: Transaction,
    by: Principal | None,
    operation: Operation,
    involvement: Involvement,
    now: datetime,
) -> Consultation:
    """Open a consultation of the involved party about the operation's current version."""
    consultation = open_consultation(
        ConsultationId(svc.new_id()), operation, involvement.party_id, involvement.agreement, now
    )
    tx.consultations.put(consultation)
    record(
        tx,
        now,
        AuditKind.CONSULTATION,
        by,
        f"consultation:{consultation.id}",
        {
            "event": "opened",
            "operation": operation.id,
            "version": operation.version.number,
            "deadline": rfc3339(consultation.deadline),
            "disclosed": _disclosed(operation, involvement),
        },
        [involvement.party_id],
    )
    return consultation


def notify(
    svc: Service,
    tx: Transaction,
    by: Principal | None,
    operation: Operation,
    involvement: Involvement,
    now: datetime,
) -> Notice:
    """Tell the involved party of the operation's current version; no answer is needed."""
    notice = Notice(
        NoticeId(svc.new_id()),
        operation.id,
        operation.version.number,
        involvement.party_id,
        now,
        involvement.notice_reason,
    )
    tx.consultations.add_notice(notice)
    record(
        tx,
        now,
        AuditKind.NOTICE,
        by,
        f"notice:{notice.id}",
        {
            "operation": operation.id,
            "version": operation.version.number,
            "reason": str(notice.reason),
            "disclosed": _disclosed(operation, involvement),
        },
        [involvement.party_id],
    )
    return notice


def _disclosed(operation: Operation, involvement: Involvement) -> dict[str, JsonValue]:
    """What the party is shown goes in the entry that tells it: one entry a party told."""
    return {
        "regions": sum(len(c.overlaps) for c in involvement.conflicts),
        "identity": str(involvement.agreement.disclosure),
        "purpose_shared": operation.version.plan.shared_purpose is not None,
    }


def _tell_dropped(
    tx: Transaction,
    by: Principal | None,
    operation: Operation,
    previous: Sequence[Consultation],
    still_concerned: Sequence[PartyId],
    now: datetime,
) -> None:
    """Tell the parties of the version before that the new one no longer concerns them,
    where closing an open consultation has not told them already: those only notified,
    and those whose consultation was over (answered and settled, or expired)."""
    earlier = operation.version.number - 1
    if earlier < 1:
        return
    dropped = {
        c.party_id
        for c in previous
        if c.closed_at is not None and c.closure is not Closure.NO_LONGER_CONCERNED
    }
    dropped |= {
        n.party_id
        for n in tx.consultations.notices_of_operation(operation.id)
        if n.operation_version == earlier
    }
    dropped -= {c.party_id for c in previous if c.closed_at is None}
    for party in sorted(dropped - set(still_concerned)):
        record(
            tx,
            now,
            AuditKind.NOTICE,
            by,
            f"operation:{operation.id}",
            {"event": "no_longer_concerned", "version": earlier},
            [party],
        )


def settle(
    tx: Transaction,
    by: Principal | None,
    operation: Operation,
    consultations: Sequence[Consultation],
    now: datetime,
) -> Operation:
    """Once an operation leaves consultation for good, its consultations take no more answers."""
    if operation.state in AWAITING_ANSWERS:
        return operation
    for consultation in consultations:
        if consultation.closed_at is None:
            _keep_closed(tx, by, close(consultation, Closure.SETTLED, now), now)
    return operation


def involved_in_version(tx: Transaction, operation: Operation) -> list[PartyId]:
    """The parties told of the operation's current version and still concerned by it."""
    number = operation.version.number
    return sorted(
        involved_in(
            tx.consultations.of_operation(operation.id, version=number),
            tx.consultations.notices_of_operation(operation.id),
            number,
        )
    )


#: The moves the parties consulted or notified about a version hear of: whether it goes
#: ahead, and when it starts and ends. How its consultations stand (objected, consulting
#: again) is the planner's alone: it would tell each party of the others' answers.
TOLD_STATES = frozenset(
    {
        OperationState.CLEARED,
        OperationState.CLEARED_OVER_OBJECTION,
        OperationState.ACTIVE,
        OperationState.COMPLETED,
        OperationState.WITHDRAWN,
        OperationState.CANCELLED,
    }
)


def tell_involved(
    tx: Transaction,
    before: Operation,
    after: Operation,
    now: datetime,
    *,
    objectors: frozenset[PartyId] = frozenset(),
) -> None:
    """Tell the parties involved in the current version where the operation now stands.

    They read only its new state: not the state before, the cause, the version or its
    OVN. A clearance over objection reads as one to the objectors, with its justification,
    and as a clearance to the rest, who did not object and need not learn that others did.
    """
    if after.state is before.state or after.state not in TOLD_STATES:
        return
    involved = frozenset(involved_in_version(tx, after))

    def tell(data: dict[str, JsonValue], audience: frozenset[PartyId]) -> None:
        if audience:  # an entry nobody reads would only lengthen the record
            record(tx, now, AuditKind.STATE_CHANGE, None, f"operation:{after.id}", data, audience)

    if after.state is OperationState.CLEARED_OVER_OBJECTION:
        assert after.override is not None
        justified: dict[str, JsonValue] = {
            "to": str(after.state),
            "justification": after.override.justification,
        }
        tell(justified, involved & objectors)
        tell({"to": "cleared"}, involved - objectors)
        return
    tell({"to": str(after.state)}, involved)


def apply_deadlines(tx: Transaction, operation: Operation, now: datetime) -> Operation:
    """The operation with deadlines that passed taken into account, recorded if it moved."""
    return follow_answers(tx, None, operation, now, cause="deadline")


def follow_answers(
    tx: Transaction, by: Principal | None, operation: Operation, now: datetime, *, cause: str
) -> Operation:
    """Move the operation as its current version's consultations now add up, and record
    the move for everyone involved; `cause` says what changed them (a deadline, a response).

    Every state it moves between is in play, so the conflict index needs no change.
    """
    if operation.state not in AWAITING_ANSWERS:
        return operation
    consultations = tx.consultations.of_operation(operation.id, version=operation.version.number)
    moved = evaluate(operation, consultations, now)
    if moved.state is operation.state:
        return operation
    # Recorded as the planner's acts or the service's: a responder's answer is on record
    # in its response, and acting here would make it a reader of the entries that close
    # the others' consultations and of how their answers add up.
    actor = by if by is not None and by.party_id == operation.party_id else None
    moved = settle(tx, actor, moved, consultations, now)
    tx.operations.put(moved)
    record(
        tx,
        now,
        AuditKind.STATE_CHANGE,
        actor,
        f"operation:{operation.id}",
        {
            "from": str(operation.state),
            "to": str(moved.state),
            "cause": cause,
            "version": operation.version.number,
        },
        [operation.party_id],
    )
    tell_involved(tx, operation, moved, now)
    return moved


def release(
    svc: Service,
    tx: Transaction,
    by: Principal | None,
    gone: EntityRef,
    party_id: PartyId,
    reaches: Sequence[Reach],
    now: datetime,
) -> None:
    """Bring the operations that data the party no longer has (`gone`: a retired zone, a
    withdrawn or revised operation, whose old `reaches` are already out of the index) ran
    into up to date.

    Deleted data must vanish from answers and must not go on blocking. Each operation in
    play that the gone data met has its conflict with it replaced by a fresh check (none,
    or one with its new version), its other conflicts left as they were told; and a
    consultation of the party about a version that now runs into nothing of its own closes
    as no longer concerned, whether it was still open, objected to, or expired in a silence
    that blocks. Only operations the gone data met can be concerned, so they are found
    through the index.
    """
    # The party's own operations too: they must not go on showing its own gone data.
    for met in entities_met(tx, reaches, now, EntityKind.OPERATION, other_than=None):
        operation_id = OperationId(met)
        operation = tx.operations.get(operation_id)
        if operation is None or not operation.is_in_play or operation_id == gone.entity_id:
            continue
        number = operation.version.number
        conflicts = refreshed(
            tx.conflicts.of_operation(operation_id, number),
            find_conflicts(tx, operation, now, svc.model),
            gone,
        )
        tx.conflicts.replace(operation_id, number, conflicts)
        if (
            operation.party_id == party_id
            or operation.state not in AWAITING_ANSWERS
            or any(not c.is_own and c.concerned_party_id == party_id for c in conflicts)
        ):
            continue
        lapsed = [
            no_longer_concerned(c, now)
            for c in tx.consultations.of_operation(operation_id, version=number)
            if c.party_id == party_id and c.closure is not Closure.NO_LONGER_CONCERNED
        ]
        for consultation in lapsed:
            # The planner's own consultation closed: its record says so, as its view does.
            _keep_closed(tx, by, consultation, now, also=operation.party_id)
        if lapsed:
            follow_answers(tx, None, operation, now, cause="no_longer_concerned")


def _keep_closed(
    tx: Transaction,
    by: Principal | None,
    closed: Consultation,
    now: datetime,
    also: PartyId | None = None,
) -> None:
    """Store a consultation that takes no more answers, and tell its party (and `also`,
    the planner when it did not act itself) why."""
    tx.consultations.put(closed)
    record(
        tx,
        now,
        AuditKind.CONSULTATION,
        by,
        f"consultation:{closed.id}",
        {
            "event": "closed",
            "closure": str(closed.closure),
            "operation": closed.operation_id,
            "version": closed.operation_version,
        },
        [closed.party_id] if also is None else [closed.party_id, also],
    )
