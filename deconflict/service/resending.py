"""Re-sending warnings nobody acknowledged, on a documented schedule, until acknowledged or over.

Each re-send is a new alert entry in the party's record, so it reaches the party's stream
and webhooks like the first; from the `escalate_from_sends`-th send on it is marked
escalated, and goes to the party's escalation webhooks too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from deconflict.domain.audit import AuditKind
from deconflict.domain.warning import RESEND_SCHEDULE_S, due_for_resend, resent
from deconflict.service.context import Service
from deconflict.service.recording import record
from deconflict.store.interface import Transaction

#: Warnings re-sent per transaction; those due first come first.
BATCH = 500


@dataclass(frozen=True, slots=True)
class ResendPolicy:
    schedule_s: Sequence[int] = field(default=RESEND_SCHEDULE_S)
    #: The send (counting the first) from which an alert is escalated.
    escalate_from_sends: int = 3


def resend_due_warnings(svc: Service, policy: ResendPolicy, *, limit: int = BATCH) -> int:
    """Re-send every alert due by the schedule; returns how many alerts were re-sent."""

    def work(tx: Transaction) -> int:
        now = svc.clock.now()
        sent = 0
        for warning in tx.warnings.resends_due(policy.schedule_s, now=now, limit=limit):
            # The document decides; the store's index only finds the candidates.
            due = due_for_resend(warning, now, policy.schedule_s)
            if not due:
                continue
            again = resent(warning, due, now)
            tx.warnings.put(again)
            for party_id in due:
                alert = again.alert_for(party_id)
                sends = alert.sends if alert is not None else 1
                record(
                    tx,
                    now,
                    AuditKind.ALERT,
                    None,
                    f"warning:{warning.id}",
                    {"sends": sends, "escalated": sends >= policy.escalate_from_sends},
                    [party_id],
                )
            sent += len(due)
        return sent

    return svc.write(work)


def any_due(svc: Service, policy: ResendPolicy) -> bool:
    """Whether some alert is due for a re-send: a read, to spare the writer a transaction."""

    def work(tx: Transaction) -> bool:
        now = svc.clock.now()
        due = tx.warnings.resends_due(policy.schedule_s, now=now, limit=1)
        return any(due_for_resend(w, now, policy.schedule_s) for w in due)

    return svc.read(work)
