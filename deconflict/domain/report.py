"""The coordination report: a party's part in the loop over a period, from its own audit record.

Every figure is folded from entries the party may read itself (`GET /v1/audit`), so a report
can tell a party nothing of others that its record does not; the alerts of the warnings it
raised, which its record does not hold, are counted as the raiser may see them
(`alerts_raiser_may_see`, as `GET /v1/warnings/{id}` shows them). Periods are half-open
`[start, end)`: an entry at `start` counts, one at `end` does not, and the report reads
the record as it stood at `end` (an answer after `end` is not yet an answer).

Operations count each operation once per figure, when the event the figure names happened
in the period. Consultations, alerts and warnings count those that *began* in the period
(opened, first sent, raised), and follow each of them up to `end`.

Percentiles are by nearest rank: the p-th percentile of n samples is the ⌈p·n/100⌉-th
smallest, always one of the samples; the median of an even number of samples is the lower
of the two middle ones. A figure with no samples is None.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from deconflict.domain.agreement import Agreement
from deconflict.domain.audit import AuditEntry, AuditKind
from deconflict.domain.consultation import ResponseKind
from deconflict.domain.ids import PartyId
from deconflict.domain.lifecycle import OperationState
from deconflict.domain.warning import HazardWarning, alerts_raiser_may_see

#: Responses that answer a consultation; a comment says something without answering.
ANSWERS = frozenset({str(ResponseKind.ACKNOWLEDGE), str(ResponseKind.OBJECT)})


def nearest_rank(samples: Iterable[float], percent: int) -> float | None:
    """The smallest sample with at least `percent` % of the samples at or below it."""
    if not 0 < percent <= 100:
        raise ValueError("a percentile lies in (0, 100]")
    ordered = sorted(samples)
    if not ordered:
        return None
    rank = -(-percent * len(ordered) // 100)  # ⌈percent·n/100⌉ in integers: no rounding
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class Durations:
    """The median and 90th percentile of some durations, in seconds; None without samples."""

    median_s: float | None
    p90_s: float | None

    @classmethod
    def of(cls, samples_s: Sequence[float]) -> Durations:
        return cls(nearest_rank(samples_s, 50), nearest_rank(samples_s, 90))


@dataclass(frozen=True, slots=True)
class OperationFigures:
    """The party's own operations, each counted once per figure whose event fell in the period."""

    submitted: int  # moved to `submitted`: first submitted, or revised and submitted again
    conflicted: int  # another party was consulted or notified about a version of it
    objected: int  # moved to `objected`, by an objection or by silence that blocks
    revised_after_objection: int  # revised while it stood objected
    cleared_over_objection: int  # moved to `cleared_over_objection`


@dataclass(frozen=True, slots=True)
class ConsultationFigures:
    """Consultations the party was asked, opened in the period, as they stood at its end.

    `asked` = `answered` + `closed_unanswered` + `expired` + `pending`.
    """

    asked: int
    answered: int  # acknowledged or objected to before the end (comments do not answer)
    closed_unanswered: int  # closed unanswered before its deadline: revised, withdrawn, settled
    expired: int  # unanswered when its deadline passed, at or before the end
    pending: int  # unanswered, still open at the end
    time_to_answer: Durations  # from opening to the party's first answer


@dataclass(frozen=True, slots=True)
class AlertFigures:
    """Alerts of other parties' warnings sent to this party first in the period."""

    received: int
    acknowledged: int  # by this party before the end
    unacknowledged: int
    escalated: int  # re-sent as escalated before the end
    time_to_acknowledge: Durations  # from the first send to this party's acknowledgement


@dataclass(frozen=True, slots=True)
class WarningFigures:
    """Warnings this party raised in the period, and their alerts the raiser may see: those
    acknowledged, and those of parties whose agreement with the raiser names them."""

    raised: int
    alerts_sent: int  # first sent before the end, when raised or on a later arrival inside
    alerts_acknowledged: int  # by the alerted parties before the end
    alerts_unacknowledged: int
    time_to_acknowledge: Durations  # from each alert's first send to its acknowledgement


@dataclass(frozen=True, slots=True)
class CoordinationReport:
    party_id: PartyId
    start: datetime
    end: datetime
    operations: OperationFigures
    consultations: ConsultationFigures
    alerts: AlertFigures
    warnings: WarningFigures


def coordination_report(
    party_id: PartyId,
    entries: Iterable[AuditEntry],
    start: datetime,
    end: datetime,
    raised: Iterable[HazardWarning] = (),
    agreements: Iterable[Agreement] = (),
) -> CoordinationReport:
    """Fold the party's record into its report for `[start, end)`.

    `entries` are the party's own, in any order and possibly repeated: all those in the
    period and, before it, at least the creation entry of every operation of the party's
    that an entry in the period is about. Entries outside the period count for nothing;
    creation entries only say which operations are the party's own, because a move caused
    by another party's answer or by a deadline is recorded by that party or by the service.
    `raised` holds at least the warnings the party raised in the period, and `agreements`
    the party's own: with them its warnings' alerts are counted as the raiser may see them.
    """
    ordered = sorted({e.seq: e for e in entries}.values(), key=lambda e: e.seq)
    own = {_about(e)[1] for e in ordered if _creates_operation(e, party_id)}
    within = [e for e in ordered if start <= e.at < end]
    return CoordinationReport(
        party_id,
        start,
        end,
        _operations(within, own),
        _consultations(party_id, within, end),
        _alerts(party_id, within),
        _warnings(party_id, within, {w.id: w for w in raised}, tuple(agreements), end),
    )


def _about(entry: AuditEntry) -> tuple[str, str]:
    kind, _, ident = entry.subject.partition(":")
    return kind, ident


def _creates_operation(entry: AuditEntry, party_id: PartyId) -> bool:
    """An operation is made by its planner, as a draft: the one move with no state before."""
    return (
        entry.kind is AuditKind.STATE_CHANGE
        and entry.party_id == party_id
        and _about(entry)[0] == "operation"
        and "from" in entry.data
        and entry.data["from"] is None
    )


def _told_about(entry: AuditEntry) -> str | None:
    """The operation another party was consulted or notified about by this entry, if any.

    Such an entry says what it disclosed; until 2026-12-03 a separate `disclosure` entry
    about the operation said so, and records from then still hold those.
    """
    if entry.kind is AuditKind.DISCLOSURE:
        kind, ident = _about(entry)
        return ident if kind == "operation" else None
    if entry.kind in (AuditKind.NOTICE, AuditKind.CONSULTATION) and "disclosed" in entry.data:
        operation = entry.data.get("operation")
        return operation if isinstance(operation, str) else None
    return None


def _operations(within: Sequence[AuditEntry], own: set[str]) -> OperationFigures:
    submitted: set[str] = set()
    conflicted: set[str] = set()
    objected: set[str] = set()
    revised: set[str] = set()
    overridden: set[str] = set()
    for entry in within:
        told = _told_about(entry)
        if told is not None and told in own:
            conflicted.add(told)
            continue
        kind, ident = _about(entry)
        if kind != "operation" or ident not in own:
            continue
        if entry.kind is AuditKind.STATE_CHANGE:
            before, after = entry.data.get("from"), entry.data.get("to")
            if after == OperationState.SUBMITTED:
                submitted.add(ident)
                if before == OperationState.OBJECTED:
                    revised.add(ident)
            elif after == OperationState.OBJECTED:
                objected.add(ident)
            elif after == OperationState.CLEARED_OVER_OBJECTION:
                overridden.add(ident)
    return OperationFigures(
        len(submitted), len(conflicted), len(objected), len(revised), len(overridden)
    )


def _consultations(
    party_id: PartyId, within: Sequence[AuditEntry], end: datetime
) -> ConsultationFigures:
    opened: dict[str, tuple[datetime, datetime]] = {}  # id -> (opened at, deadline)
    answered: dict[str, datetime] = {}
    closed: dict[str, datetime] = {}
    for entry in within:
        kind, ident = _about(entry)
        if kind != "consultation":
            continue
        event = entry.data.get("event")
        if entry.kind is AuditKind.CONSULTATION and event == "opened":
            # The planner opens it; one the party opened itself is one it asked of another.
            until = entry.data.get("deadline")
            if entry.party_id != party_id and isinstance(until, str):
                opened[ident] = (entry.at, datetime.fromisoformat(until))
        elif ident not in opened:
            continue
        elif entry.kind is AuditKind.RESPONSE:
            if entry.party_id == party_id and entry.data.get("kind") in ANSWERS:
                answered.setdefault(ident, entry.at)
        elif entry.kind is AuditKind.CONSULTATION and event == "closed":
            closed.setdefault(ident, entry.at)
    samples: list[float] = []
    closed_unanswered = expired = pending = 0
    for ident, (opened_at, deadline) in opened.items():
        if ident in answered:
            samples.append((answered[ident] - opened_at).total_seconds())
        elif ident in closed and closed[ident] < deadline:
            closed_unanswered += 1
        elif deadline <= end:
            # Silence decided it, whether or not the scheduler had recorded it yet.
            expired += 1
        else:
            pending += 1
    return ConsultationFigures(
        len(opened), len(samples), closed_unanswered, expired, pending, Durations.of(samples)
    )


def _alerts(party_id: PartyId, within: Sequence[AuditEntry]) -> AlertFigures:
    first_sent: dict[str, datetime] = {}
    acknowledged: dict[str, datetime] = {}
    escalated: set[str] = set()
    for entry in within:
        kind, ident = _about(entry)
        if kind != "warning":
            continue
        if entry.kind is AuditKind.ALERT and _is_first_send(entry, party_id):
            first_sent.setdefault(ident, entry.at)
        elif ident not in first_sent:
            continue
        elif entry.kind is AuditKind.ALERT and entry.data.get("escalated") is True:
            escalated.add(ident)
        elif entry.kind is AuditKind.ACKNOWLEDGEMENT and entry.party_id == party_id:
            acknowledged.setdefault(ident, entry.at)
    samples = [(at - first_sent[ident]).total_seconds() for ident, at in acknowledged.items()]
    return AlertFigures(
        len(first_sent),
        len(acknowledged),
        len(first_sent) - len(acknowledged),
        len(escalated),
        Durations.of(samples),
    )


def _is_first_send(entry: AuditEntry, party_id: PartyId) -> bool:
    """An alert entry that first told the party of another's warning.

    Records until 2026-12-07 credit a first send to the raiser, who read it too: the
    raiser's own copy of it is not an alert it received.
    """
    return entry.data.get("sends", 1) == 1 and entry.party_id != party_id


def _warnings(
    party_id: PartyId,
    within: Sequence[AuditEntry],
    raised: Mapping[str, HazardWarning],
    agreements: Sequence[Agreement],
    end: datetime,
) -> WarningFigures:
    """From the warnings themselves: the raiser's record holds no alert entries (they are
    the alerted parties' alone), and counting its alerts from anything but what the raiser
    may see would tell it how many pseudonymous parties are inside."""
    mine = {_about(e)[1] for e in within if e.kind is AuditKind.WARNING and e.party_id == party_id}
    sent = 0
    samples: list[float] = []
    for ident in sorted(mine):
        warning = raised.get(ident)
        if warning is None:
            continue
        for alert in alerts_raiser_may_see(warning, agreements):
            if alert.first_sent_at >= end:
                continue
            sent += 1
            if alert.acknowledged_at is not None and alert.acknowledged_at < end:
                samples.append((alert.acknowledged_at - alert.first_sent_at).total_seconds())
    return WarningFigures(len(mine), sent, len(samples), sent - len(samples), Durations.of(samples))
