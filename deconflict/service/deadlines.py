"""The deadline scheduler's work: consultations whose deadline passed unanswered expire.

Driven by the database (the deadline column of open, unanswered consultations), not by
timers in memory, so deadlines that passed while no process ran are applied at the next
start. Each batch is one write transaction: the store serialises writers (on PostgreSQL
across processes too), and an expired consultation no longer awaits its deadline, so when
several processes run, exactly one of them applies each deadline.
"""

from __future__ import annotations

from datetime import datetime

from deconflict.domain.audit import AuditKind
from deconflict.domain.consultation import expire
from deconflict.service.consulting import follow_answers
from deconflict.service.context import Service
from deconflict.service.recording import record
from deconflict.store.interface import Transaction

#: Deadlines applied per transaction, so that one busy moment cannot hold the writer long.
BATCH = 100


def apply_due_deadlines(svc: Service, *, limit: int = BATCH) -> int:
    """Expire consultations whose deadline has passed; returns how many expired."""

    def work(tx: Transaction) -> int:
        now = svc.clock.now()
        due = tx.consultations.past_deadline(now=now, limit=limit)
        for consultation in due:
            expired = expire(consultation)
            tx.consultations.put(expired)
            operation = tx.operations.get(consultation.operation_id)
            planner = [operation.party_id] if operation is not None else []
            record(
                tx,
                now,
                AuditKind.CONSULTATION,
                None,
                f"consultation:{consultation.id}",
                {
                    "event": "expired",
                    "status": str(expired.status(now)),
                    "operation": consultation.operation_id,
                    "version": consultation.operation_version,
                },
                [consultation.party_id, *planner],
            )
            if operation is not None:
                follow_answers(tx, None, operation, now, cause="deadline")
        return len(due)

    return svc.write(work)


def next_deadline(svc: Service) -> datetime | None:
    """When the earliest open, unanswered consultation's deadline falls."""
    return svc.read(lambda tx: tx.consultations.next_deadline())
