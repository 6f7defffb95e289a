"""The coordination report of a party over a period, folded from its own audit record."""

from __future__ import annotations

from datetime import datetime, timedelta

from deconflict import errors
from deconflict.domain import report
from deconflict.domain.audit import AuditEntry, AuditKind
from deconflict.domain.ids import PartyId, WarningId
from deconflict.domain.party import Action
from deconflict.domain.report import CoordinationReport
from deconflict.domain.warning import HazardWarning
from deconflict.service.context import Principal, Service
from deconflict.store.interface import Transaction

#: The period a report covers when none is named: the last 30 days, ending now.
DEFAULT_PERIOD = timedelta(days=30)
#: The longest period one report covers: a year, leap day included.
MAX_PERIOD = timedelta(days=366)
#: Where an unusable period is pointed to: the API's query parameters `from` and `to`.
FROM_POINTER = "/query/from"
TO_POINTER = "/query/to"


def coordination_report(
    svc: Service, by: Principal, start: datetime | None = None, end: datetime | None = None
) -> CoordinationReport:
    """The caller's party's report: any member may read it, as any may read the record."""
    by.require(Action.VIEW)
    return party_coordination_report(svc, by.party.id, start, end)


def party_coordination_report(
    svc: Service, party_id: PartyId, start: datetime | None = None, end: datetime | None = None
) -> CoordinationReport:
    """Any party's report, for the operator (who reads the whole log anyway)."""
    start, end = period(svc.clock.now(), start, end)

    def work(tx: Transaction) -> CoordinationReport:
        entries = _record(tx, party_id, start, end)
        raised = _raised(tx, party_id, entries)
        agreements = tx.agreements.of_party(party_id)
        return report.coordination_report(party_id, entries, start, end, raised, agreements)

    return svc.read(work)


def period(
    now: datetime, start: datetime | None, end: datetime | None
) -> tuple[datetime, datetime]:
    """`[start, end)` with the defaults filled in: ending now, lasting `DEFAULT_PERIOD`."""
    end = now if end is None else end
    start = end - DEFAULT_PERIOD if start is None else start
    if end <= start:
        raise errors.InvalidTimeWindow(
            "the period must end after it starts: `to` after `from` (it is [from, to))",
            TO_POINTER,
        )
    if end - start > MAX_PERIOD:
        raise errors.InvalidTimeWindow(
            f"a report covers at most {MAX_PERIOD.days} days", FROM_POINTER
        )
    return start, end


def _record(tx: Transaction, party_id: PartyId, start: datetime, end: datetime) -> list[AuditEntry]:
    """The period's entries, and the party's first entry about each operation they name.

    A move that an answer or a deadline causes is recorded by the one who answered or by the
    service, so the period alone cannot tell the party's operations from those it was asked
    about; an operation's first entry in its planner's record is its creation, which can.
    """
    within = tx.audit.for_party_between(party_id, start, end)
    operations = {
        link.entry.subject for link in within if link.entry.subject.startswith("operation:")
    }
    firsts = tx.audit.first_for_party_about(party_id, sorted(operations))
    return [link.entry for link in (*firsts, *within)]


def _raised(tx: Transaction, party_id: PartyId, entries: list[AuditEntry]) -> list[HazardWarning]:
    """The warnings the party raised that `entries` record: their alerts are counted from
    the warnings, as the raiser may see them, for its record holds no alert entries."""
    ids = sorted(
        {
            WarningId(e.subject.removeprefix("warning:"))
            for e in entries
            if e.kind is AuditKind.WARNING and e.party_id == party_id
        }
    )
    return [w for w in map(tx.warnings.get, ids) if w is not None]
