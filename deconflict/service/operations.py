"""Operation use cases: submit, revise, withdraw, cancel, activate, complete, override."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from deconflict import errors
from deconflict.domain.audit import AuditKind, JsonValue, rfc3339
from deconflict.domain.consultation import Status, objectors
from deconflict.domain.entities import EntityKind, EntityRef
from deconflict.domain.ids import OperationId, Ovn
from deconflict.domain.lifecycle import OperationAction, OperationState
from deconflict.domain.operation import (
    Operation,
    Plan,
    act,
    clear_over_objection,
    draft_operation,
    revise,
)
from deconflict.domain.party import Action
from deconflict.service.checking import Presearch, index_operation, presearch
from deconflict.service.consulting import (
    apply_deadlines,
    check_and_consult,
    release,
    settle,
    tell_involved,
)
from deconflict.service.context import Principal, Service, not_found
from deconflict.service.recording import record
from deconflict.service.warnings import alert_on_arrival
from deconflict.store.interface import Transaction

#: Actions a planner asks for by name; the rest are decided by consultations.
PLANNER_ACTIONS = frozenset(
    {
        OperationAction.SUBMIT,
        OperationAction.WITHDRAW,
        OperationAction.CANCEL,
        OperationAction.ACTIVATE,
        OperationAction.COMPLETE,
    }
)


def submit_operation(svc: Service, by: Principal, plan: Plan, *, draft: bool = False) -> Operation:
    """A new operation: checked, consulted and notified at once unless kept as a draft."""
    by.require(Action.PLAN_OPERATIONS)
    prior = None if draft else _presearch(svc, plan, None)

    def work(tx: Transaction) -> Operation:
        now = svc.clock.now()
        operation = draft_operation(OperationId(svc.new_id()), by.party.id, plan, now)
        record(
            tx,
            now,
            AuditKind.STATE_CHANGE,
            by,
            f"operation:{operation.id}",
            {"from": None, "to": str(operation.state), "version": 1, "ovn": operation.ovn},
        )
        if not draft:
            operation = _submit(svc, tx, by, operation, prior)
        tx.operations.put(operation)
        index_operation(tx, operation)
        return operation

    return svc.write(work)


def revise_operation(
    svc: Service, by: Principal, operation_id: OperationId, *, ovn: Ovn, plan: Plan
) -> Operation:
    """The next version, checked again; the writer names the version it changes."""
    by.require(Action.PLAN_OPERATIONS)
    prior = svc.read(lambda tx: _revision_presearch(svc, tx, by, operation_id, ovn, plan))

    def step(tx: Transaction, current: Operation, now: datetime) -> Operation:
        previous = tx.consultations.of_operation(current.id, version=current.version.number)
        revised = revise(current, named_ovn=ovn, plan=plan, now=now)
        _record_move(tx, by, current, revised, now)
        if revised.state is OperationState.DRAFT:
            return revised
        decided = check_and_consult(svc, tx, by, revised, now, previous, prior)
        _record_move(tx, by, revised, decided, now)
        # Cleared at once too, as when it waited for answers: the timing of this entry must
        # not tell a notified party whether anybody else was asked.
        tell_involved(tx, revised, decided, now)
        alert_on_arrival(tx, now, decided.party_id, decided.version.reaches)
        return decided

    return _change_own(svc, by, operation_id, step)


def act_on_operation(
    svc: Service, by: Principal, operation_id: OperationId, action: OperationAction
) -> Operation:
    """Submit a draft, withdraw, cancel, activate or complete."""
    by.require(Action.PLAN_OPERATIONS)
    if action not in PLANNER_ACTIONS:
        raise ValueError(f"{action} is not asked for by a planner")

    def step(tx: Transaction, current: Operation, now: datetime) -> Operation:
        if action is OperationAction.SUBMIT:
            return _submit(svc, tx, by, current)
        moved = act(current, action)
        _record_move(tx, by, current, moved, now)
        tell_involved(tx, current, moved, now)
        return settle(tx, by, moved, tx.consultations.of_operation(current.id), now)

    return _change_own(svc, by, operation_id, step)


def clear_operation_over_objection(
    svc: Service, by: Principal, operation_id: OperationId, justification: str, *, ovn: Ovn
) -> Operation:
    """Clear despite standing objections; the justification is recorded and sent to objectors.

    Only once every consulted party has answered or its deadline has passed: consulting
    means an answer is needed before clearance, and a clearance overrides the objections
    given, not the answers still to come.
    """
    by.require(Action.CLEAR_OVER_OBJECTION)

    def step(tx: Transaction, current: Operation, now: datetime) -> Operation:
        consultations = tx.consultations.of_operation(current.id, version=current.version.number)
        standing = objectors(consultations, now)
        cleared = clear_over_objection(
            current, named_ovn=ovn, justification=justification, by=by.member.id, now=now
        )
        awaited = [c for c in consultations if c.status(now) is Status.PENDING]
        if awaited:
            raise errors.AnswersAwaited(
                f"{len(awaited)} consulted "
                f"{'party has' if len(awaited) == 1 else 'parties have'} not answered yet; "
                "an objection can be overridden once every answer is in or its deadline has "
                f"passed (the last at {rfc3339(max(c.deadline for c in awaited))})"
            )
        assert cleared.override is not None
        _record_move(
            tx,
            by,
            current,
            cleared,
            now,
            extra={"justification": cleared.override.justification, "objectors": len(standing)},
        )
        tell_involved(tx, current, cleared, now, objectors=standing)
        return settle(tx, by, cleared, consultations, now)

    return _change_own(svc, by, operation_id, step)


def own_operation(svc: Service, by: Principal, operation_id: OperationId) -> Operation:
    """The caller's own operation, deadlines applied (recorded if they moved it)."""

    def peek(tx: Transaction) -> tuple[Operation, bool]:
        operation = _own(tx, by, operation_id)
        return operation, operation.state in _MAY_MOVE_BY_DEADLINE

    operation, may_move = svc.read(peek)
    if not may_move:
        return operation
    return svc.write(lambda tx: apply_deadlines(tx, _own(tx, by, operation_id), svc.clock.now()))


_MAY_MOVE_BY_DEADLINE = frozenset({OperationState.IN_CONSULTATION, OperationState.OBJECTED})


def _change_own(
    svc: Service,
    by: Principal,
    operation_id: OperationId,
    step: Callable[[Transaction, Operation, datetime], Operation],
) -> Operation:
    """One change to the caller's own operation, in one transaction: deadlines applied
    first, then `step`, then the result stored and the conflict index kept in step."""

    def work(tx: Transaction) -> Operation:
        now = svc.clock.now()
        current = apply_deadlines(tx, _own(tx, by, operation_id), now)
        changed = step(tx, current, now)
        tx.operations.put(changed)
        index_operation(tx, changed)
        if current.is_in_play and (
            not changed.is_in_play or changed.version.number != current.version.number
        ):
            # What others were consulted about because of it may be over.
            gone = EntityRef(EntityKind.OPERATION, current.id)
            release(svc, tx, by, gone, current.party_id, current.version.reaches, now)
        return changed

    return svc.write(work)


def _presearch(svc: Service, plan: Plan, exclude: EntityRef | None) -> Presearch:
    """The plan's conflict search, done before the write so the write only tops it up."""
    now = svc.clock.now()
    return svc.read(lambda tx: presearch(tx, plan.volumes, now, exclude, svc.model))


def _revision_presearch(
    svc: Service, tx: Transaction, by: Principal, operation_id: OperationId, ovn: Ovn, plan: Plan
) -> Presearch | None:
    """A revision's search, once the operation is known to be the caller's.

    Another party's id must not set the service searching (nor take longer to refuse than
    an unknown one), and a revision the write will refuse (a stale version) or keep as a
    draft (no conflicts checked) needs no search: the OVN is the version's, so deadlines
    that settle the operation before the write do not change it.
    """
    current = _own(tx, by, operation_id)
    if current.ovn != ovn or current.state is OperationState.DRAFT:
        return None
    exclude = EntityRef(EntityKind.OPERATION, operation_id)
    return presearch(tx, plan.volumes, svc.clock.now(), exclude, svc.model)


def _submit(
    svc: Service,
    tx: Transaction,
    by: Principal,
    operation: Operation,
    prior: Presearch | None = None,
) -> Operation:
    now = svc.clock.now()
    submitted = act(operation, OperationAction.SUBMIT)
    _record_move(tx, by, operation, submitted, now)
    decided = check_and_consult(svc, tx, by, submitted, now, prior=prior)
    _record_move(tx, by, submitted, decided, now)
    tell_involved(tx, submitted, decided, now)
    alert_on_arrival(tx, now, decided.party_id, decided.version.reaches)
    return decided


def _own(tx: Transaction, by: Principal, operation_id: OperationId) -> Operation:
    operation = tx.operations.get_of_party(operation_id, by.party.id)
    if operation is None:
        raise not_found("operation")
    return operation


def _record_move(
    tx: Transaction,
    by: Principal,
    before: Operation,
    after: Operation,
    now: datetime,
    *,
    extra: dict[str, JsonValue] | None = None,
) -> None:
    """The planner's own entry for a move: the parties it involves are told apart, with
    less (`tell_involved`)."""
    if before.state is after.state and before.ovn == after.ovn:
        return
    data: dict[str, JsonValue] = {
        "from": str(before.state),
        "to": str(after.state),
        "version": after.version.number,
        "ovn": after.ovn,
        **(extra or {}),
    }
    record(tx, now, AuditKind.STATE_CHANGE, by, f"operation:{after.id}", data)
