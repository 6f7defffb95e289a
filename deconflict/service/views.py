"""What a party may read: its own records in full, others' only as need to know allows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deconflict.domain.agreement import Agreement
from deconflict.domain.audit import PartyEntry
from deconflict.domain.consultation import Consultation, Notice, Status, involved_in
from deconflict.domain.ids import ConsultationId, OperationId, WarningId
from deconflict.domain.operation import Operation
from deconflict.domain.party import Action
from deconflict.domain.visibility import (
    AlertSeen,
    ConflictSeen,
    Identity,
    OperationSeen,
    WarningSeen,
    alerts_seen_by_raiser,
    conflict_seen_by_planner,
    identity_seen,
    operation_seen_by,
    warning_seen_by,
)
from deconflict.domain.warning import HazardWarning
from deconflict.service.consulting import AWAITING_ANSWERS
from deconflict.service.context import Principal, Service, not_found
from deconflict.service.operations import own_operation
from deconflict.store.interface import Transaction


@dataclass(frozen=True, slots=True)
class OwnOperationView:
    operation: Operation
    conflicts: tuple[ConflictSeen, ...]
    consultations: tuple[Consultation, ...]  # of the current version
    notified: int  # how many parties were told of the current version
    now: datetime
    #: Who each consultation went to, as the planner may name them (same order).
    consulted: tuple[Identity, ...] = ()


@dataclass(frozen=True, slots=True)
class ConsultationView:
    """A consultation addressed to the viewer's party, with what it may see of the operation."""

    consultation: Consultation
    status: Status
    operation: OperationSeen


@dataclass(frozen=True, slots=True)
class NoticeView:
    notice: Notice
    operation: OperationSeen


@dataclass(frozen=True, slots=True)
class RaisedWarningView:
    warning: HazardWarning
    alerts: tuple[AlertSeen, ...]


def operation_for_planner(
    svc: Service, by: Principal, operation_id: OperationId
) -> OwnOperationView:
    by.require(Action.VIEW)
    operation = own_operation(svc, by, operation_id)
    return svc.read(lambda tx: planner_view(svc, tx, operation))


def planner_view(svc: Service, tx: Transaction, operation: Operation) -> OwnOperationView:
    """The planner's view of its own operation, inside a transaction the caller holds.

    The API renders a write's answer with this in the write's own transaction, so the
    answer stored under an Idempotency-Key is the one that committed with the work.
    """
    version = operation.version.number
    conflicts = tx.conflicts.of_operation(operation.id, version)
    consultations = tx.consultations.of_operation(operation.id, version=version)
    notified = sum(
        1
        for n in tx.consultations.notices_of_operation(operation.id)
        if n.operation_version == version
    )
    agreements = tx.agreements.of_party(operation.party_id)
    consulted = []
    for c in consultations:
        party = tx.parties.get(c.party_id)
        assert party is not None, "a consultation names an enrolled party"
        consulted.append(identity_seen(operation.party_id, party, agreements, svc.pseudonym_secret))
    return OwnOperationView(
        operation,
        tuple(conflict_seen_by_planner(c) for c in conflicts),
        tuple(consultations),
        notified,
        svc.clock.now(),
        tuple(consulted),
    )


@dataclass(frozen=True, slots=True)
class OperationCounts:
    """An own operation with how much its current version met, for a lean answer."""

    operation: Operation
    conflicts: int
    consulted: int
    notified: int


def operation_counts(tx: Transaction, operation: Operation) -> OperationCounts:
    """What a bulk submitter needs back: nothing is drawn or named, only counted."""
    version = operation.version.number
    consulted, notified = tx.consultations.count_of_version(operation.id, version)
    return OperationCounts(
        operation, tx.conflicts.count_of_operation(operation.id, version), consulted, notified
    )


def own_operations(
    svc: Service, by: Principal, *, after: str | None, limit: int
) -> list[Operation]:
    by.require(Action.VIEW)
    listed = svc.read(lambda tx: tx.operations.of_party(by.party.id, after=after, limit=limit))
    # Deadlines take effect on reading a list too: only operations still awaiting answers
    # can have moved, and each is brought up to date (and recorded) on its own.
    return [own_operation(svc, by, op.id) if op.state in AWAITING_ANSWERS else op for op in listed]


def operation_for_involved(svc: Service, by: Principal, operation_id: OperationId) -> OperationSeen:
    """Another party's operation, as far as a consultation or notice about it reveals."""
    by.require(Action.VIEW)
    return svc.read(lambda tx: _seen(svc, tx, by, operation_id))


def inbox(svc: Service, by: Principal, *, after: str | None, limit: int) -> list[ConsultationView]:
    """Consultations addressed to the caller's party, newest state at `now`."""
    by.require(Action.VIEW)

    def work(tx: Transaction) -> list[ConsultationView]:
        now = svc.clock.now()
        return [
            ConsultationView(c, c.status(now), _seen(svc, tx, by, c.operation_id))
            for c in tx.consultations.of_party(by.party.id, after=after, limit=limit)
        ]

    return svc.read(work)


def consultation_for_party(
    svc: Service, by: Principal, consultation_id: ConsultationId
) -> ConsultationView:
    by.require(Action.VIEW)

    def work(tx: Transaction) -> ConsultationView:
        c = tx.consultations.get_of_party(consultation_id, by.party.id)
        if c is None:
            raise not_found("consultation")
        return consultation_view(svc, tx, by, c)

    return svc.read(work)


def consultation_view(
    svc: Service, tx: Transaction, by: Principal, consultation: Consultation
) -> ConsultationView:
    """A consultation addressed to the caller's party, inside a transaction the caller holds."""
    c = consultation
    return ConsultationView(c, c.status(svc.clock.now()), _seen(svc, tx, by, c.operation_id))


def notices(svc: Service, by: Principal, *, after: str | None, limit: int) -> list[NoticeView]:
    by.require(Action.VIEW)

    def work(tx: Transaction) -> list[NoticeView]:
        return [
            NoticeView(n, _seen(svc, tx, by, n.operation_id))
            for n in tx.consultations.notices_of_party(by.party.id, after=after, limit=limit)
        ]

    return svc.read(work)


def warnings_raised(
    svc: Service, by: Principal, *, after: str | None, limit: int
) -> list[RaisedWarningView]:
    by.require(Action.VIEW)

    def work(tx: Transaction) -> list[RaisedWarningView]:
        return [
            _raised_view(svc, tx, w)
            for w in tx.warnings.raised_by(by.party.id, after=after, limit=limit)
        ]

    return svc.read(work)


def warnings_received(
    svc: Service, by: Principal, *, after: str | None, limit: int
) -> list[WarningSeen]:
    by.require(Action.VIEW)

    def work(tx: Transaction) -> list[WarningSeen]:
        seen = []
        for w in tx.warnings.alerting(by.party.id, after=after, limit=limit):
            view = _received_view(svc, tx, by, w)
            if view is not None:
                seen.append(view)
        return seen

    return svc.read(work)


def warning_view(
    svc: Service, by: Principal, warning_id: WarningId
) -> RaisedWarningView | WarningSeen:
    by.require(Action.VIEW)

    def work(tx: Transaction) -> RaisedWarningView | WarningSeen:
        warning = tx.warnings.get_seen_by(warning_id, by.party.id)
        if warning is None:
            raise not_found("warning")
        return warning_seen(svc, tx, by, warning)

    return svc.read(work)


def warning_seen(
    svc: Service, tx: Transaction, by: Principal, warning: HazardWarning
) -> RaisedWarningView | WarningSeen:
    """A warning as the caller may see it, inside a transaction the caller holds."""
    if warning.party_id == by.party.id:
        return _raised_view(svc, tx, warning)
    view = _received_view(svc, tx, by, warning)
    if view is None:
        raise not_found("warning")
    return view


@dataclass(frozen=True, slots=True)
class AgreementView:
    """One of the caller's agreements, the other party named as the agreement allows."""

    agreement: Agreement
    other: Identity


def agreements_seen(svc: Service, by: Principal) -> list[AgreementView]:
    by.require(Action.VIEW)

    def work(tx: Transaction) -> list[AgreementView]:
        agreements = tx.agreements.of_party(by.party.id)
        seen = []
        for agreement in agreements:
            other_id = agreement.party_b if agreement.party_a == by.party.id else agreement.party_a
            other = tx.parties.get(other_id)
            if other is not None:
                identity = identity_seen(by.party.id, other, agreements, svc.pseudonym_secret)
                seen.append(AgreementView(agreement, identity))
        return seen

    return svc.read(work)


def audit_entries(svc: Service, by: Principal, *, after_seq: int, limit: int) -> list[PartyEntry]:
    by.require(Action.VIEW)
    return svc.read(lambda tx: tx.audit.for_party(by.party.id, after_seq=after_seq, limit=limit))


def _seen(svc: Service, tx: Transaction, by: Principal, operation_id: OperationId) -> OperationSeen:
    # Found only when the caller was told of it: a stranger's id costs what an unknown one
    # does, one query that reads nothing of the operation.
    operation = tx.operations.get_told_to(operation_id, by.party.id)
    if operation is None:
        raise not_found("operation")
    version = operation.version.number
    consultations = tx.consultations.of_operation(operation.id)
    notices = tx.consultations.notices_of_operation(operation.id)
    planner = tx.parties.get(operation.party_id)
    seen = None
    if planner is not None and by.party.id in involved_in(consultations, notices, version):
        seen = operation_seen_by(
            by.party.id,
            operation,
            planner,
            tx.conflicts.of_operation(operation.id, version),
            is_involved=True,
            agreements=tx.agreements.of_party(by.party.id),
            secret=svc.pseudonym_secret,
        )
    # Told of an earlier version only, or told since that the current one no longer
    # concerns it: that version is not the viewer's to know, even where it runs into the
    # viewer's data under an agreement that tells nobody.
    return seen if seen is not None else OperationSeen(())


def _raised_view(svc: Service, tx: Transaction, warning: HazardWarning) -> RaisedWarningView:
    parties = {p.id: p for p in tx.parties.all()}
    alerts = alerts_seen_by_raiser(
        warning, parties, tx.agreements.of_party(warning.party_id), svc.pseudonym_secret
    )
    return RaisedWarningView(warning, alerts)


def _received_view(
    svc: Service, tx: Transaction, by: Principal, warning: HazardWarning
) -> WarningSeen | None:
    raiser = tx.parties.get(warning.party_id)
    if raiser is None:
        return None
    return warning_seen_by(
        by.party.id, warning, raiser, tx.agreements.of_party(by.party.id), svc.pseudonym_secret
    )
