"""Consultations: responses, deadlines and silence at the boundary instants, outcomes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from deconflict import errors
from deconflict.domain.agreement import Agreement, Mode, Silence
from deconflict.domain.conflict import Conflict, conflict_with_area, conflict_with_zone
from deconflict.domain.consultation import (
    Closure,
    Consultation,
    NoticeReason,
    Outcome,
    Response,
    ResponseKind,
    Status,
    close,
    close_for_revision,
    evaluate,
    follow_outcome,
    involvements,
    objectors,
    open_consultation,
    outcome,
    respond,
)
from deconflict.domain.ids import ConsultationId, MemberId, OperationId, PartyId
from deconflict.domain.lifecycle import OperationState

from . import LOWFEN, LOWFEN_AREA, NORTHMERE, OSTERBY, T0, US, VALECREST, circle, operation
from . import party as make_party
from . import zone as make_zone

S = OperationState
DEADLINE_S = 1800
DEADLINE = T0 + timedelta(seconds=DEADLINE_S)
LIAISON = MemberId("m-oriel")
SURVEY = operation("op-survey", NORTHMERE)


def consultation(
    silence: Silence = Silence.CONSENT, party: PartyId = VALECREST, name: str = "c-1"
) -> Consultation:
    agreement = Agreement(NORTHMERE, party, Mode.CONSULT, DEADLINE_S, silence)
    return open_consultation(ConsultationId(name), SURVEY, party, agreement, T0)


def answer(
    kind: ResponseKind,
    at: datetime,
    party: PartyId = VALECREST,
    text: str | None = None,
    suggested_change: str = "",
) -> Response:
    if text is None:
        text = "" if kind is ResponseKind.ACKNOWLEDGE else "Convoy passes here"
    return Response(kind, party, LIAISON, at, text, suggested_change)


ACK = ResponseKind.ACKNOWLEDGE
OBJ = ResponseKind.OBJECT
COMMENT = ResponseKind.COMMENT


def test_a_consultation_is_about_one_version_with_the_agreed_deadline() -> None:
    made = consultation(Silence.BLOCK)
    assert (made.operation_id, made.operation_version, made.party_id) == (
        SURVEY.id,
        1,
        VALECREST,
    )
    assert (made.opened_at, made.deadline, made.silence) == (T0, DEADLINE, Silence.BLOCK)
    assert made.responses == ()


@pytest.mark.parametrize(
    ("silence", "at", "status"),
    [
        (Silence.CONSENT, T0, Status.PENDING),
        (Silence.CONSENT, DEADLINE - US, Status.PENDING),
        (Silence.CONSENT, DEADLINE, Status.EXPIRED_CONSENT),
        (Silence.BLOCK, DEADLINE - US, Status.PENDING),
        (Silence.BLOCK, DEADLINE, Status.EXPIRED_BLOCK),
        (Silence.BLOCK, DEADLINE + timedelta(days=9), Status.EXPIRED_BLOCK),
    ],
)
def test_silence_means_what_was_agreed_from_the_deadline_on(
    silence: Silence, at: datetime, status: Status
) -> None:
    assert consultation(silence).status(at) is status


def test_a_response_just_before_the_deadline_counts() -> None:
    answered = respond(consultation(Silence.BLOCK), answer(ACK, DEADLINE - US))
    assert answered.status(DEADLINE + timedelta(hours=1)) is Status.ACKNOWLEDGED


def test_a_response_at_the_deadline_is_refused() -> None:
    with pytest.raises(errors.ConsultationClosed) as caught:
        respond(consultation(), answer(ACK, DEADLINE))
    assert caught.value.code == "consultation-closed"


def test_an_objection_made_in_time_stands_after_the_deadline() -> None:
    objected = respond(consultation(Silence.CONSENT), answer(OBJ, T0 + US))
    assert objected.status(T0 + US) is Status.OBJECTED
    assert objected.status(DEADLINE) is Status.OBJECTED


def test_only_the_consulted_party_may_respond() -> None:
    with pytest.raises(errors.Forbidden):
        respond(consultation(), answer(ACK, T0, party=OSTERBY))


def test_the_latest_answer_counts_and_comments_change_nothing() -> None:
    c = respond(consultation(), answer(OBJ, T0))
    c = respond(c, answer(ACK, T0 + timedelta(minutes=5)))
    c = respond(c, answer(COMMENT, T0 + timedelta(minutes=6), text="Thanks for moving east"))
    assert c.answer is ACK
    assert c.status(T0 + timedelta(minutes=7)) is Status.ACKNOWLEDGED
    assert len(c.responses) == 3


def test_a_comment_alone_leaves_the_consultation_pending() -> None:
    c = respond(consultation(), answer(COMMENT, T0, text="Who is flying?"))
    assert c.status(T0) is Status.PENDING


@pytest.mark.parametrize(("kind", "pointer"), [(OBJ, "/text"), (COMMENT, "/text")])
def test_objections_and_comments_need_text(kind: ResponseKind, pointer: str) -> None:
    with pytest.raises(errors.InvalidResponse) as caught:
        Response(kind, VALECREST, LIAISON, T0, "  ")
    assert caught.value.pointer == pointer


def test_an_objection_may_suggest_a_change_in_words_and_as_a_volume() -> None:
    moved = circle(lon=23.55)
    response = Response(
        OBJ, VALECREST, LIAISON, T0, "Too close to the clinic", "Stay 10 km east", moved
    )
    assert (response.suggested_change, response.suggested_volume) == ("Stay 10 km east", moved)


@pytest.mark.parametrize("kind", [ACK, COMMENT])
@pytest.mark.parametrize(("change", "with_volume"), [("Not before 18:00", False), ("", True)])
def test_only_an_objection_may_suggest_a_change(
    kind: ResponseKind, change: str, with_volume: bool
) -> None:
    with pytest.raises(errors.InvalidResponse, match="only an objection"):
        Response(kind, VALECREST, LIAISON, T0, "ok", change, circle() if with_volume else None)


@pytest.mark.parametrize(
    ("text", "change", "pointer"),
    [("x" * 4_001, "", "/text"), ("Too close", "x" * 4_001, "/suggested_change")],
)
def test_response_text_is_bounded(text: str, change: str, pointer: str) -> None:
    with pytest.raises(errors.InvalidResponse) as caught:
        answer(OBJ, T0, text=text, suggested_change=change)
    assert caught.value.pointer == pointer


def test_a_settled_consultation_keeps_its_answer_and_takes_no_more() -> None:
    acknowledged = respond(consultation(Silence.BLOCK), answer(ACK, T0))
    kept = close(acknowledged, Closure.SETTLED, T0 + timedelta(minutes=1))
    assert kept.status(DEADLINE + timedelta(hours=5)) is Status.ACKNOWLEDGED
    settled = close(consultation(Silence.BLOCK), Closure.SETTLED, T0 + timedelta(minutes=1))
    assert settled.status(DEADLINE + timedelta(hours=5)) is Status.CLOSED, (
        "closed unanswered before its deadline, it awaits nothing: never pending for good"
    )
    late = close(consultation(Silence.BLOCK), Closure.SETTLED, DEADLINE + timedelta(minutes=1))
    assert late.status(DEADLINE + timedelta(hours=5)) is Status.EXPIRED_BLOCK
    assert not settled.is_open(T0 + timedelta(minutes=2))
    with pytest.raises(errors.ConsultationClosed):
        respond(settled, answer(ACK, T0 + timedelta(minutes=2)))
    assert close(settled, Closure.SUPERSEDED, DEADLINE) is settled


def test_revision_closes_each_old_consultation_by_whether_the_party_is_still_concerned() -> None:
    old = [consultation(party=VALECREST, name="c-1"), consultation(party=OSTERBY, name="c-2")]
    closed = close_for_revision(old, [VALECREST], T0 + timedelta(minutes=3))
    assert [(c.party_id, c.closure) for c in closed] == [
        (VALECREST, Closure.SUPERSEDED),
        (OSTERBY, Closure.NO_LONGER_CONCERNED),
    ]
    assert all(c.status(T0) is Status.CLOSED for c in closed)
    assert all(c.closed_at == T0 + timedelta(minutes=3) for c in closed)


def _with(status: Status) -> Consultation:
    base = consultation(Silence.BLOCK if status is Status.EXPIRED_BLOCK else Silence.CONSENT)
    if status is Status.ACKNOWLEDGED:
        return respond(base, answer(ACK, T0))
    if status is Status.OBJECTED:
        return respond(base, answer(OBJ, T0))
    if status is Status.CLOSED:
        return close(base, Closure.NO_LONGER_CONCERNED, T0)
    return base


#: Evaluated at the deadline, so the unanswered ones have expired.
AT = DEADLINE


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ((), Outcome.CLEARED),
        ((Status.ACKNOWLEDGED,), Outcome.CLEARED),
        ((Status.ACKNOWLEDGED, Status.EXPIRED_CONSENT), Outcome.CLEARED),
        ((Status.CLOSED, Status.ACKNOWLEDGED), Outcome.CLEARED),
        ((Status.ACKNOWLEDGED, Status.OBJECTED), Outcome.OBJECTED),
        ((Status.EXPIRED_CONSENT, Status.EXPIRED_BLOCK), Outcome.OBJECTED),
    ],
)
def test_outcome_at_the_deadline(statuses: tuple[Status, ...], expected: Outcome) -> None:
    consultations = [_with(s) for s in statuses]
    assert [c.status(AT) for c in consultations] == list(statuses)
    assert outcome(consultations, AT) is expected


def test_outcome_while_answers_are_awaited() -> None:
    waiting = consultation()
    assert outcome([waiting, _with(Status.ACKNOWLEDGED)], DEADLINE - US) is Outcome.IN_CONSULTATION
    assert outcome([waiting, _with(Status.OBJECTED)], DEADLINE - US) is Outcome.OBJECTED
    assert outcome([waiting], DEADLINE) is Outcome.CLEARED


def test_objectors_are_the_parties_whose_objection_stands() -> None:
    objecting = _with(Status.OBJECTED)
    blocking = consultation(Silence.BLOCK, party=OSTERBY)
    assert objectors([objecting, blocking], DEADLINE - US) == {VALECREST}
    assert objectors([objecting, blocking], DEADLINE) == {VALECREST, OSTERBY}


@pytest.mark.parametrize(
    ("state", "result", "expected"),
    [
        (S.SUBMITTED, Outcome.IN_CONSULTATION, S.IN_CONSULTATION),
        (S.SUBMITTED, Outcome.CLEARED, S.CLEARED),
        (S.SUBMITTED, Outcome.OBJECTED, S.OBJECTED),
        (S.IN_CONSULTATION, Outcome.IN_CONSULTATION, S.IN_CONSULTATION),
        (S.IN_CONSULTATION, Outcome.CLEARED, S.CLEARED),
        (S.IN_CONSULTATION, Outcome.OBJECTED, S.OBJECTED),
        (S.OBJECTED, Outcome.IN_CONSULTATION, S.IN_CONSULTATION),
        (S.OBJECTED, Outcome.CLEARED, S.CLEARED),
        (S.OBJECTED, Outcome.OBJECTED, S.OBJECTED),
        (S.DRAFT, Outcome.CLEARED, S.DRAFT),
        (S.CLEARED_OVER_OBJECTION, Outcome.OBJECTED, S.CLEARED_OVER_OBJECTION),
        (S.CLEARED, Outcome.OBJECTED, S.CLEARED),
        (S.ACTIVE, Outcome.OBJECTED, S.ACTIVE),
        (S.WITHDRAWN, Outcome.CLEARED, S.WITHDRAWN),
    ],
)
def test_follow_outcome(state: OperationState, result: Outcome, expected: OperationState) -> None:
    assert follow_outcome(replace(SURVEY, state=state), result).state is expected


def _conflict_with(owner: PartyId) -> Conflict:
    found = conflict_with_zone(SURVEY, make_zone(f"zone-{owner}", owner))
    assert found is not None
    return found


def _area_conflict() -> Conflict:
    found = conflict_with_area(SURVEY, make_party(LOWFEN, LOWFEN_AREA))
    assert found is not None
    return found


def test_involvement_follows_each_agreement() -> None:
    agreements = [
        Agreement(NORTHMERE, VALECREST, Mode.CONSULT, 600, Silence.BLOCK),
        Agreement(OSTERBY, NORTHMERE, Mode.NONE),
    ]
    conflicts = [_conflict_with(VALECREST), _conflict_with(OSTERBY), _conflict_with(NORTHMERE)]
    (valecrest,) = involvements(NORTHMERE, conflicts, agreements)
    assert (valecrest.party_id, valecrest.mode) == (VALECREST, Mode.CONSULT)
    assert valecrest.agreement is agreements[0]
    assert valecrest.conflicts == (conflicts[0],)
    assert valecrest.notice_reason is NoticeReason.CONFLICT


def test_without_an_agreement_a_party_is_notified() -> None:
    (osterby,) = involvements(NORTHMERE, [_conflict_with(OSTERBY)], [])
    assert osterby.mode is Mode.NOTIFY


def test_own_conflicts_involve_nobody() -> None:
    assert involvements(NORTHMERE, [_conflict_with(NORTHMERE)], []) == ()


@pytest.mark.parametrize(
    ("mode", "expected"),
    [(Mode.NONE, Mode.NOTIFY), (Mode.NOTIFY, Mode.NOTIFY), (Mode.CONSULT, Mode.CONSULT)],
)
def test_an_airspace_authority_is_at_least_notified(mode: Mode, expected: Mode) -> None:
    agreement = Agreement(LOWFEN, NORTHMERE, mode)
    (lowfen,) = involvements(NORTHMERE, [_area_conflict()], [agreement])
    assert lowfen.mode is expected
    assert lowfen.notice_reason is NoticeReason.AUTHORITY_AREA


def test_an_authority_with_a_zone_hit_too_is_told_of_a_conflict() -> None:
    (lowfen,) = involvements(NORTHMERE, [_area_conflict(), _conflict_with(LOWFEN)], [])
    assert lowfen.notice_reason is NoticeReason.CONFLICT
    assert len(lowfen.conflicts) == 2


def test_evaluate_lets_the_deadline_decide_when_the_operation_is_read() -> None:
    consulting = replace(SURVEY, state=S.IN_CONSULTATION)
    blocking = consultation(Silence.BLOCK)
    assert evaluate(consulting, [blocking], DEADLINE - US).state is S.IN_CONSULTATION
    assert evaluate(consulting, [blocking], DEADLINE).state is S.OBJECTED
    assert evaluate(consulting, [consultation(Silence.CONSENT)], DEADLINE).state is S.CLEARED


def test_evaluate_ignores_consultations_about_other_versions() -> None:
    consulting = replace(SURVEY, state=S.IN_CONSULTATION)
    old_objection = replace(respond(consultation(), answer(OBJ, T0)), operation_version=0)
    elsewhere = replace(
        respond(consultation(), answer(OBJ, T0)), operation_id=OperationId("op-other")
    )
    waiting = consultation(name="c-2")
    evaluated = evaluate(consulting, [old_objection, elsewhere, waiting], T0)
    assert evaluated.state is S.IN_CONSULTATION
