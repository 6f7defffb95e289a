"""The coordination report, folded from hand-built records: every figure on known entries."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from deconflict.domain.agreement import Agreement, Disclosure, Mode
from deconflict.domain.audit import AuditEntry, AuditKind, JsonValue, rfc3339
from deconflict.domain.ids import MemberId, PartyId, WarningId
from deconflict.domain.report import (
    AlertFigures,
    ConsultationFigures,
    Durations,
    OperationFigures,
    WarningFigures,
    coordination_report,
    nearest_rank,
)
from deconflict.domain.warning import Severity, raise_warning
from deconflict.domain.warning import acknowledge as acknowledge_warning
from deconflict.domain.warning import alert as alert_parties

from . import LOWFEN, NORTHMERE, OSTERBY, T0, VALECREST, circle

START = T0
END = T0 + timedelta(days=1)
S = timedelta(seconds=1)
H = timedelta(hours=1)


@dataclass
class Record:
    """Northmere's record as the store would hand it over, built entry by entry."""

    entries: list[AuditEntry] = field(default_factory=list)

    def add(
        self,
        at: datetime,
        kind: AuditKind,
        subject: str,
        data: dict[str, JsonValue],
        by: PartyId | str = NORTHMERE,
    ) -> AuditEntry:
        seq = len(self.entries)
        entry = AuditEntry(seq, at, kind, by, "", subject, data, f"p{seq}", f"h{seq}")
        self.entries.append(entry)
        return entry

    def move(
        self,
        at: datetime,
        op: str,
        before: str | None,
        after: str,
        by: PartyId | str = NORTHMERE,
        cause: str | None = None,
    ) -> None:
        data: dict[str, JsonValue] = {"from": before, "to": after, "version": 1}
        if cause is not None:
            data["cause"] = cause
        self.add(at, AuditKind.STATE_CHANGE, f"operation:{op}", data, by)

    def opened(
        self, at: datetime, consultation: str, deadline: datetime, by: PartyId = OSTERBY
    ) -> None:
        data: dict[str, JsonValue] = {
            "event": "opened",
            "operation": "op-x",
            "version": 1,
            "deadline": rfc3339(deadline),
        }
        self.add(at, AuditKind.CONSULTATION, f"consultation:{consultation}", data, by)

    def respond(self, at: datetime, consultation: str, kind: str, by: PartyId = NORTHMERE) -> None:
        data: dict[str, JsonValue] = {"operation": "op-x", "version": 1, "kind": kind}
        self.add(at, AuditKind.RESPONSE, f"consultation:{consultation}", data, by)


def test_nearest_rank_on_known_samples() -> None:
    ten = [float(n) for n in range(10, 0, -1)]
    assert (nearest_rank(ten, 50), nearest_rank(ten, 90), nearest_rank(ten, 100)) == (5, 9, 10)
    # An even count: the median is the lower middle sample, never an average of two.
    assert nearest_rank([4.0, 1.0, 3.0, 2.0], 50) == 2
    assert nearest_rank([4.0, 1.0, 3.0, 2.0], 90) == 4
    assert nearest_rank([7.5], 50) == nearest_rank([7.5], 90) == 7.5
    assert nearest_rank([], 50) is None
    # ⌈90·20/100⌉ = 18 exactly: no float rounding pushes it to 19.
    assert nearest_rank([float(n) for n in range(1, 21)], 90) == 18
    with pytest.raises(ValueError, match="percentile"):
        nearest_rank([1.0], 0)
    assert Durations.of([]) == Durations(None, None)


def test_an_empty_record_reports_zeros_and_no_durations() -> None:
    report = coordination_report(NORTHMERE, [], START, END)
    assert report.operations == OperationFigures(0, 0, 0, 0, 0)
    assert report.consultations == ConsultationFigures(0, 0, 0, 0, 0, Durations(None, None))
    assert report.alerts == AlertFigures(0, 0, 0, 0, Durations(None, None))
    assert report.warnings == WarningFigures(0, 0, 0, 0, Durations(None, None))
    assert (report.party_id, report.start, report.end) == (NORTHMERE, START, END)


def operations_record() -> Record:
    r = Record()
    # op-old: created and submitted the day before; an objection in the period objects it.
    r.move(START - 5 * H, "op-old", None, "draft")
    r.move(START - 5 * H, "op-old", "draft", "submitted")
    r.move(START - 5 * H, "op-old", "submitted", "in_consultation")
    r.move(START + H, "op-old", "in_consultation", "objected", by=OSTERBY, cause="response")
    # op-new: submitted in the period, consulted, objected by silence, revised twice.
    r.move(START, "op-new", None, "draft")  # exactly at the start: inside
    r.move(START, "op-new", "draft", "submitted")
    r.add(START, AuditKind.DISCLOSURE, "operation:op-new", {"version": 1, "regions": 1})
    r.add(START, AuditKind.DISCLOSURE, "operation:op-new", {"version": 1, "regions": 2})
    r.move(START, "op-new", "submitted", "in_consultation")
    r.move(START + 2 * H, "op-new", "in_consultation", "objected", by="", cause="deadline")
    r.move(START + 3 * H, "op-new", "objected", "submitted")
    r.move(START + 3 * H + S, "op-new", "submitted", "objected", by=OSTERBY, cause="response")
    r.move(START + 4 * H, "op-new", "objected", "submitted")
    r.move(START + 4 * H, "op-new", "submitted", "cleared")
    # op-override: created long before, cleared over the objection in the period.
    r.move(START - 30 * H, "op-override", None, "draft")
    r.move(START + 5 * H, "op-override", "objected", "cleared_over_objection")
    # op-late: its events fall at the end of the period, which is outside it.
    r.move(END - S, "op-late", None, "draft")
    r.move(END, "op-late", "draft", "submitted")
    r.add(END, AuditKind.DISCLOSURE, "operation:op-late", {"version": 1, "regions": 1})
    # op-theirs: Osterby's; Northmere was consulted, and its objection moved it.
    r.add(START, AuditKind.DISCLOSURE, "operation:op-theirs", {"version": 1}, by=OSTERBY)
    r.move(START + H, "op-theirs", "in_consultation", "objected", cause="response")
    r.move(START + 2 * H, "op-theirs", "objected", "submitted", by=OSTERBY)
    r.move(START + 3 * H, "op-theirs", "objected", "cleared_over_objection", by=OSTERBY)
    return r


def test_operation_figures_count_own_operations_once_per_event_in_the_period() -> None:
    report = coordination_report(NORTHMERE, operations_record().entries, START, END)
    assert report.operations == OperationFigures(
        submitted=1,  # op-new, revisions included; op-late's submission is at the end
        conflicted=1,  # op-new, whatever the number of parties told
        objected=2,  # op-old by an answer, op-new by silence (twice: counted once)
        revised_after_objection=1,  # op-new, revised twice after objections
        cleared_over_objection=1,  # op-override
    )


def test_the_entry_that_told_a_party_marks_the_operation_conflicted() -> None:
    # Since 2026-12-03 the notice or consultation entry says what it disclosed; the
    # separate disclosure entries of older records count as before (above).
    r = Record()
    shown: dict[str, JsonValue] = {"regions": 1, "identity": "pseudonym", "purpose_shared": False}
    for op in ("op-noticed", "op-consulted", "op-theirs"):
        r.move(START, op, None, "draft", by=OSTERBY if op == "op-theirs" else NORTHMERE)
    told: dict[str, JsonValue] = {
        "operation": "op-noticed",
        "version": 1,
        "reason": "conflict",
        "disclosed": shown,
    }
    r.add(START + H, AuditKind.NOTICE, "notice:n-1", told)
    opened: dict[str, JsonValue] = {
        "event": "opened",
        "operation": "op-consulted",
        "version": 1,
        "disclosed": shown,
    }
    r.add(START + H, AuditKind.CONSULTATION, "consultation:c-1", opened)
    # Northmere told of Osterby's operation, and a consultation closing: neither counts.
    theirs: dict[str, JsonValue] = {
        "operation": "op-theirs",
        "version": 1,
        "reason": "conflict",
        "disclosed": shown,
    }
    r.add(START + H, AuditKind.NOTICE, "notice:n-2", theirs, by=OSTERBY)
    closed: dict[str, JsonValue] = {"event": "closed", "operation": "op-noticed", "version": 1}
    r.add(START + 2 * H, AuditKind.CONSULTATION, "consultation:c-0", closed)
    report = coordination_report(NORTHMERE, r.entries, START, END)
    assert report.operations.conflicted == 2


def test_an_operation_whose_creation_is_not_given_is_not_taken_for_own() -> None:
    r = operations_record()
    without = [e for e in r.entries if not (e.subject == "operation:op-old" and e.at < START)]
    assert coordination_report(NORTHMERE, without, START, END).operations.objected == 1


def test_entries_in_any_order_and_repeated_give_the_same_report() -> None:
    r = operations_record()
    shuffled = [*r.entries, *r.entries[:5]]
    random.Random(7).shuffle(shuffled)
    assert coordination_report(NORTHMERE, shuffled, START, END) == coordination_report(
        NORTHMERE, r.entries, START, END
    )


def test_consultation_figures_follow_those_opened_in_the_period_to_its_end() -> None:
    r = Record()
    deadline = START + 12 * H
    # c-ack: a comment first (no answer), then acknowledged 90 s after opening.
    r.opened(START + H, "c-ack", deadline)
    r.respond(START + H + 10 * S, "c-ack", "comment")
    r.respond(START + H + 90 * S, "c-ack", "acknowledge")
    r.respond(START + H + 95 * S, "c-ack", "object")  # a change of mind is not a first answer
    # c-obj: objected to after 30 s.
    r.opened(START + 2 * H, "c-obj", deadline)
    r.respond(START + 2 * H + 30 * S, "c-obj", "object")
    # c-silent: never answered; its deadline passed inside the period.
    r.opened(START + 3 * H, "c-silent", deadline)
    r.add(
        deadline + 5 * S,
        AuditKind.CONSULTATION,
        "consultation:c-silent",
        {"event": "expired", "status": "expired_block", "operation": "op-x", "version": 1},
        by="",
    )
    # c-unseen: expired too, though the scheduler has not recorded it yet.
    r.opened(START + 3 * H, "c-unseen", deadline)
    # c-revised: closed when the planner revised, before anyone answered.
    r.opened(START + 4 * H, "c-revised", deadline)
    r.add(
        START + 5 * H,
        AuditKind.CONSULTATION,
        "consultation:c-revised",
        {"event": "closed", "closure": "superseded", "operation": "op-x", "version": 1},
        by=OSTERBY,
    )
    # c-open: still open at the end; its answer comes at the end, which is too late.
    r.opened(END - H, "c-open", END + H)
    r.respond(END, "c-open", "acknowledge")
    # c-before: opened before the period, answered in it: not in this report.
    r.opened(START - H, "c-before", START + H)
    r.respond(START + 10 * S, "c-before", "acknowledge")
    # c-mine: Northmere asked Valecrest; Valecrest's answer is not Northmere's.
    r.opened(START + H, "c-mine", deadline, by=NORTHMERE)
    r.respond(START + 2 * H, "c-mine", "acknowledge", by=VALECREST)
    report = coordination_report(NORTHMERE, r.entries, START, END)
    assert report.consultations == ConsultationFigures(
        asked=6,
        answered=2,
        closed_unanswered=1,
        expired=2,
        pending=1,
        time_to_answer=Durations(median_s=30.0, p90_s=90.0),
    )


def test_a_consultation_closed_after_its_deadline_went_unanswered() -> None:
    r = Record()
    r.opened(START, "c-late-close", START + H)
    r.add(
        START + 2 * H,
        AuditKind.CONSULTATION,
        "consultation:c-late-close",
        {"event": "closed", "closure": "settled", "operation": "op-x", "version": 1},
        by=OSTERBY,
    )
    figures = coordination_report(NORTHMERE, r.entries, START, END).consultations
    assert (figures.expired, figures.closed_unanswered) == (1, 0)


def alert(r: Record, at: datetime, warning: str, sends: int = 1, by: str = OSTERBY) -> None:
    data: dict[str, JsonValue] = {"sends": sends}
    if sends > 1:
        data["escalated"] = sends >= 3
    r.add(at, AuditKind.ALERT, f"warning:{warning}", data, by=by)


def acknowledge(r: Record, at: datetime, warning: str, seconds: int, by: str = NORTHMERE) -> None:
    data: dict[str, JsonValue] = {"seconds_to_acknowledge": seconds}
    r.add(at, AuditKind.ACKNOWLEDGEMENT, f"warning:{warning}", data, by=by)


def test_alerts_received_and_acknowledged() -> None:
    r = Record()
    alert(r, START + H, "w-acked")
    acknowledge(r, START + H + 120 * S, "w-acked", 120)
    alert(r, START + 2 * H, "w-ignored", by=LOWFEN)
    alert(r, START + 3 * H, "w-ignored", sends=2, by="")
    alert(r, START + 4 * H, "w-ignored", sends=3, by="")
    alert(r, START + 3 * H, "w-late")
    alert(r, START + 4 * H, "w-late", sends=2, by="")
    acknowledge(r, START + 5 * H, "w-late", 7200)
    alert(r, START - H, "w-before")  # first sent before the period
    alert(r, START + H, "w-before", sends=3, by="")
    acknowledge(r, START + 2 * H, "w-before", 10800)
    alert(r, START + 6 * H, "w-service", by="")  # first sends are the service's since 12-07
    report = coordination_report(NORTHMERE, r.entries, START, END)
    assert report.alerts == AlertFigures(
        received=4,
        acknowledged=2,
        unacknowledged=2,
        escalated=1,
        time_to_acknowledge=Durations(median_s=120.0, p90_s=7200.0),
    )
    assert report.warnings == WarningFigures(0, 0, 0, 0, Durations(None, None))


def test_warnings_raised_count_the_alerts_the_raiser_may_see() -> None:
    """Counted from the warnings, not the record: the raiser's record holds no alerts (it
    did hold a copy of each first send until 2026-12-07; those count for nothing)."""
    r = Record()
    raised = START + 6 * H
    r.add(raised, AuditKind.WARNING, "warning:w-mine", {"severity": "danger", "message": "m"})
    for _ in range(3):
        alert(r, raised, "w-mine", by=NORTHMERE)
    acknowledge(r, raised + 600 * S, "w-mine", 600, by=LOWFEN)
    warning = alert_parties(
        raise_warning(
            WarningId("w-mine"), NORTHMERE, circle(hours=48.0), Severity.DANGER, "m", raised
        ),
        [LOWFEN, VALECREST, OSTERBY],
        raised,
    )
    warning = acknowledge_warning(warning, LOWFEN, MemberId("m"), raised + 600 * S)
    # A later arrival, first sent an alert and acknowledged within the period.
    warning = alert_parties(warning, [PartyId("party-kessmoor-rangers")], raised + 2 * H)
    warning = acknowledge_warning(
        warning, PartyId("party-kessmoor-rangers"), MemberId("k"), raised + 2 * H + 60 * S
    )
    # One alerted as the period ends is not counted; one acknowledging as it ends had not
    # yet.
    warning = alert_parties(warning, [PartyId("party-late")], END)
    warning = acknowledge_warning(warning, OSTERBY, MemberId("o"), END)
    named = [
        Agreement(NORTHMERE, OSTERBY, Mode.NOTIFY, disclosure=Disclosure.NAME),
        Agreement(NORTHMERE, PartyId("party-late"), Mode.NOTIFY, disclosure=Disclosure.NAME),
    ]
    # A warning raised before the period, acknowledged within it: not in this report.
    r.add(START - H, AuditKind.WARNING, "warning:w-old", {"severity": "advisory"})
    report = coordination_report(NORTHMERE, r.entries, START, END, [warning], named)
    # Lowfen, Osterby and the rangers; Valecrest, silent and knowing Northmere by a
    # pseudonym only, is not counted.
    assert report.warnings == WarningFigures(
        raised=1,
        alerts_sent=3,
        alerts_acknowledged=2,
        alerts_unacknowledged=1,
        time_to_acknowledge=Durations(median_s=60.0, p90_s=600.0),
    )
    # Its own warnings never count as alerts it received.
    assert report.alerts == AlertFigures(0, 0, 0, 0, Durations(None, None))
    # Without the warning itself, its alerts are unknown: none are counted.
    assert coordination_report(NORTHMERE, r.entries, START, END).warnings == WarningFigures(
        1, 0, 0, 0, Durations(None, None)
    )
