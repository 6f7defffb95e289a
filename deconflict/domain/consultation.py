"""Consultations and notices: who is asked or told, their answers, and what silence means.

Deadlines are evaluated against `now` whenever an operation is read or acted on, so an
answer never depends on a timer having run: an unanswered consultation is pending strictly
before its deadline and expired from that instant on (consultations are open over
`[opened_at, deadline)`). The deadline scheduler then closes it as expired at its deadline,
so that its party and the planner are told even if nobody reads the operation.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from deconflict import errors
from deconflict.domain.agreement import Agreement, Mode, Silence, agreement_between
from deconflict.domain.conflict import Conflict, TargetKind
from deconflict.domain.ids import ConsultationId, MemberId, NoticeId, OperationId, PartyId
from deconflict.domain.lifecycle import OperationAction, OperationState
from deconflict.domain.operation import Operation, act
from deconflict.geometry import Volume4D

MAX_TEXT_CHARS = 4_000


class ResponseKind(enum.StrEnum):
    ACKNOWLEDGE = "acknowledge"
    OBJECT = "object"
    COMMENT = "comment"  # says something without changing the answer


@dataclass(frozen=True, slots=True)
class Response:
    """An answer from the consulted party; an objection needs a reason in `text`."""

    kind: ResponseKind
    party_id: PartyId
    member_id: MemberId
    at: datetime
    text: str = ""
    suggested_change: str = ""  # "stay 10 km east of the base", "not before 18:00"
    suggested_volume: Volume4D | None = None

    def __post_init__(self) -> None:
        needs_text = self.kind is not ResponseKind.ACKNOWLEDGE
        if needs_text and not self.text.strip():
            raise errors.InvalidResponse(f"a response of kind {self.kind} needs text", "/text")
        for field, value in (("text", self.text), ("suggested_change", self.suggested_change)):
            if len(value) > MAX_TEXT_CHARS:
                raise errors.InvalidResponse(
                    f"{field} may have at most {MAX_TEXT_CHARS} characters", f"/{field}"
                )
        suggests = bool(self.suggested_change.strip()) or self.suggested_volume is not None
        if suggests and self.kind is not ResponseKind.OBJECT:
            raise errors.InvalidResponse(
                "only an objection may suggest a change", "/suggested_change"
            )


class Status(enum.StrEnum):
    PENDING = "pending"
    ACKNOWLEDGED = "acknowledged"
    OBJECTED = "objected"
    EXPIRED_CONSENT = "expired_consent"
    EXPIRED_BLOCK = "expired_block"
    CLOSED = "closed"  # superseded, no longer concerned, or withdrawn before an answer


class Closure(enum.StrEnum):
    """Why a consultation stopped taking responses before its deadline."""

    SETTLED = "settled"  # the operation left consultation; the answer stands as it was
    SUPERSEDED = "superseded"  # a revision is consulted afresh
    NO_LONGER_CONCERNED = "no_longer_concerned"  # a revision no longer runs into its data
    EXPIRED = "expired"  # its deadline passed unanswered: closed at the deadline, silence decides


@dataclass(frozen=True, slots=True)
class Consultation:
    """A request to one party about one operation version."""

    id: ConsultationId
    operation_id: OperationId
    operation_version: int
    party_id: PartyId
    opened_at: datetime
    deadline: datetime
    silence: Silence
    responses: tuple[Response, ...] = ()
    closed_at: datetime | None = None
    closure: Closure | None = None

    def is_open(self, now: datetime) -> bool:
        return self.closed_at is None and now < self.deadline

    def status(self, now: datetime) -> Status:
        if self.closure in {Closure.SUPERSEDED, Closure.NO_LONGER_CONCERNED}:
            return Status.CLOSED
        answer = self.answer
        # A settled consultation keeps the answer it had when it was closed; one closed
        # unanswered before its deadline (the operation was withdrawn) awaits nothing more.
        if self.closed_at is not None:
            if answer is None and self.closed_at < self.deadline:
                return Status.CLOSED
            now = min(now, self.closed_at)
        if answer is ResponseKind.ACKNOWLEDGE:
            return Status.ACKNOWLEDGED
        if answer is ResponseKind.OBJECT:
            return Status.OBJECTED
        if now < self.deadline:
            return Status.PENDING
        return Status.EXPIRED_CONSENT if self.silence is Silence.CONSENT else Status.EXPIRED_BLOCK

    @property
    def answer(self) -> ResponseKind | None:
        """The latest acknowledgement or objection: a party may change its mind while open."""
        for response in reversed(self.responses):
            if response.kind is not ResponseKind.COMMENT:
                return response.kind
        return None


def open_consultation(
    consultation_id: ConsultationId,
    operation: Operation,
    party_id: PartyId,
    agreement: Agreement,
    now: datetime,
) -> Consultation:
    deadline = now + timedelta(seconds=agreement.response_deadline_s)
    return Consultation(
        consultation_id,
        operation.id,
        operation.version.number,
        party_id,
        now,
        deadline,
        agreement.silence,
    )


def respond(consultation: Consultation, response: Response) -> Consultation:
    """The consultation with `response` added, if it is the consulted party's and in time."""
    if response.party_id != consultation.party_id:
        raise errors.Forbidden("only the consulted party may respond")
    if not consultation.is_open(response.at):
        raise errors.ConsultationClosed(
            "this consultation no longer takes responses: its deadline has passed or the "
            "operation has moved on"
        )
    return replace(consultation, responses=(*consultation.responses, response))


def close(consultation: Consultation, closure: Closure, now: datetime) -> Consultation:
    """Stop taking responses; a consultation already closed stays as it was."""
    if consultation.closed_at is not None:
        return consultation
    return replace(consultation, closed_at=now, closure=closure)


def involved_in(
    consultations: Iterable[Consultation], notices: Iterable[Notice], version: int
) -> frozenset[PartyId]:
    """The parties consulted or notified about `version`, less those told since that it no
    longer concerns them (their data went away).

    A party told of an earlier version only has been told it is no longer concerned, or
    that the version was superseded and asked afresh: it has no more need to know.
    """
    consulted = {
        c.party_id
        for c in consultations
        if c.operation_version == version and c.closure is not Closure.NO_LONGER_CONCERNED
    }
    return frozenset(consulted | {n.party_id for n in notices if n.operation_version == version})


def no_longer_concerned(consultation: Consultation, now: datetime) -> Consultation:
    """Closed because the party's data the version ran into is gone: whatever it answered,
    or its silence decided, no longer stands. One closed already keeps when it closed."""
    return replace(
        consultation,
        closed_at=consultation.closed_at or now,
        closure=Closure.NO_LONGER_CONCERNED,
    )


def awaits_deadline(consultation: Consultation) -> bool:
    """Open and unanswered: its deadline will decide, by its silence rule."""
    return consultation.closed_at is None and consultation.answer is None


def expire(consultation: Consultation) -> Consultation:
    """Closed as expired at its deadline; only an unanswered open one expires."""
    if not awaits_deadline(consultation):
        return consultation
    return close(consultation, Closure.EXPIRED, consultation.deadline)


def close_for_revision(
    consultations: Iterable[Consultation], still_concerned: Iterable[PartyId], now: datetime
) -> tuple[Consultation, ...]:
    """Close the previous version's consultations: superseded, or no longer concerned."""
    concerned = frozenset(still_concerned)
    return tuple(
        close(
            c, Closure.SUPERSEDED if c.party_id in concerned else Closure.NO_LONGER_CONCERNED, now
        )
        for c in consultations
    )


class Outcome(enum.StrEnum):
    """What an operation version's consultations add up to."""

    IN_CONSULTATION = "in_consultation"
    CLEARED = "cleared"
    OBJECTED = "objected"


_STANDING_OBJECTION = frozenset({Status.OBJECTED, Status.EXPIRED_BLOCK})
_CONSENT = frozenset({Status.ACKNOWLEDGED, Status.EXPIRED_CONSENT, Status.CLOSED})


def outcome(consultations: Iterable[Consultation], now: datetime) -> Outcome:
    """Objected while any objection stands, cleared once all consent (or none were needed).

    Pass the consultations of the current version only.
    """
    statuses = [c.status(now) for c in consultations]
    if any(s in _STANDING_OBJECTION for s in statuses):
        return Outcome.OBJECTED
    if all(s in _CONSENT for s in statuses):
        return Outcome.CLEARED
    return Outcome.IN_CONSULTATION


def objectors(consultations: Iterable[Consultation], now: datetime) -> frozenset[PartyId]:
    """Parties whose objection stands: they are sent a clearance-over-objection's reasons."""
    return frozenset(c.party_id for c in consultations if c.status(now) in _STANDING_OBJECTION)


S = OperationState
A = OperationAction
#: The steps that bring a state awaiting answers in line with the outcome.
_STEPS: Mapping[tuple[OperationState, Outcome], tuple[OperationAction, ...]] = {
    (S.SUBMITTED, Outcome.IN_CONSULTATION): (A.CONSULT,),
    (S.SUBMITTED, Outcome.CLEARED): (A.CLEAR,),
    (S.SUBMITTED, Outcome.OBJECTED): (A.CONSULT, A.OBJECT),
    (S.IN_CONSULTATION, Outcome.IN_CONSULTATION): (),
    (S.IN_CONSULTATION, Outcome.CLEARED): (A.CLEAR,),
    (S.IN_CONSULTATION, Outcome.OBJECTED): (A.OBJECT,),
    (S.OBJECTED, Outcome.IN_CONSULTATION): (A.RECONSIDER,),
    (S.OBJECTED, Outcome.CLEARED): (A.CLEAR,),
    (S.OBJECTED, Outcome.OBJECTED): (),
}


def follow_outcome(operation: Operation, result: Outcome) -> Operation:
    """The operation moved to match its consultations; other states are left as they are."""
    for action in _STEPS.get((operation.state, result), ()):
        operation = act(operation, action)
    return operation


def evaluate(
    operation: Operation, consultations: Iterable[Consultation], now: datetime
) -> Operation:
    """The operation as its current version's consultations stand at `now`.

    Run whenever an operation is read or acted on: this is where deadlines take effect.
    """
    current = [
        c
        for c in consultations
        if c.operation_id == operation.id and c.operation_version == operation.version.number
    ]
    return follow_outcome(operation, outcome(current, now))


class NoticeReason(enum.StrEnum):
    CONFLICT = "conflict"  # the operation runs into the party's zones or operations
    AUTHORITY_AREA = "authority_area"  # it reaches into the authority's declared area


@dataclass(frozen=True, slots=True)
class Notice:
    """A party told of an operation version; no answer is needed."""

    id: NoticeId
    operation_id: OperationId
    operation_version: int
    party_id: PartyId
    at: datetime
    reason: NoticeReason


@dataclass(frozen=True, slots=True)
class Involvement:
    """How one other party takes part in an operation version, and the conflicts why."""

    party_id: PartyId
    mode: Mode  # CONSULT or NOTIFY, never NONE
    agreement: Agreement
    conflicts: tuple[Conflict, ...]

    @property
    def notice_reason(self) -> NoticeReason:
        if all(c.target.kind is TargetKind.AUTHORITY_AREA for c in self.conflicts):
            return NoticeReason.AUTHORITY_AREA
        return NoticeReason.CONFLICT


def involvements(
    planner: PartyId, conflicts: Sequence[Conflict], agreements: Iterable[Agreement]
) -> tuple[Involvement, ...]:
    """Who is consulted or notified about a version, by agreement; own conflicts concern none.

    An airspace authority is notified of anything in its area even under mode `none`, and
    consulted when its agreement says so.
    """
    agreements = tuple(agreements)
    by_party: dict[PartyId, list[Conflict]] = {}
    for conflict in conflicts:
        if not conflict.is_own:
            by_party.setdefault(conflict.concerned_party_id, []).append(conflict)
    involved = []
    for party_id, found in by_party.items():
        agreement = agreement_between(planner, party_id, agreements)
        mode = agreement.mode
        if mode is Mode.NONE and any(c.target.kind is TargetKind.AUTHORITY_AREA for c in found):
            mode = Mode.NOTIFY
        if mode is not Mode.NONE:
            involved.append(Involvement(party_id, mode, agreement, tuple(found)))
    return tuple(involved)
