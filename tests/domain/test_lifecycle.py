"""Every (state, action) pair of the operation state machine, legal or not."""

from __future__ import annotations

import itertools

import pytest

from deconflict import errors
from deconflict.domain.lifecycle import (
    ASKED_FOR,
    TRANSITIONS,
    OperationAction,
    OperationState,
    allowed_actions,
    is_final,
    transition,
)

S = OperationState
A = OperationAction
_CALL_OFF = {A.WITHDRAW: S.WITHDRAWN, A.CANCEL: S.CANCELLED}

#: Written out from the design brief, independently of the table under test.
EXPECTED: dict[OperationState, dict[OperationAction, OperationState]] = {
    S.DRAFT: {A.SUBMIT: S.SUBMITTED, A.REVISE: S.DRAFT, **_CALL_OFF},
    S.SUBMITTED: {
        A.REVISE: S.SUBMITTED,
        A.CONSULT: S.IN_CONSULTATION,
        A.CLEAR: S.CLEARED,
        **_CALL_OFF,
    },
    S.IN_CONSULTATION: {
        A.REVISE: S.SUBMITTED,
        A.CLEAR: S.CLEARED,
        A.OBJECT: S.OBJECTED,
        **_CALL_OFF,
    },
    S.OBJECTED: {
        A.REVISE: S.SUBMITTED,
        A.CLEAR: S.CLEARED,
        A.RECONSIDER: S.IN_CONSULTATION,
        A.CLEAR_OVER_OBJECTION: S.CLEARED_OVER_OBJECTION,
        **_CALL_OFF,
    },
    S.CLEARED: {A.REVISE: S.SUBMITTED, A.ACTIVATE: S.ACTIVE, **_CALL_OFF},
    S.CLEARED_OVER_OBJECTION: {A.REVISE: S.SUBMITTED, A.ACTIVATE: S.ACTIVE, **_CALL_OFF},
    S.ACTIVE: {A.COMPLETE: S.COMPLETED, **_CALL_OFF},
    S.COMPLETED: {},
    S.WITHDRAWN: {},
    S.CANCELLED: {},
}

PAIRS = list(itertools.product(OperationState, OperationAction))
LEGAL = [(s, a) for s, a in PAIRS if a in EXPECTED[s]]
ILLEGAL = [(s, a) for s, a in PAIRS if a not in EXPECTED[s]]


def test_expectation_covers_every_state() -> None:
    assert set(EXPECTED) == set(OperationState)


def test_table_is_exactly_the_expected_one() -> None:
    assert len(TRANSITIONS) == len(LEGAL)


@pytest.mark.parametrize(("state", "action"), LEGAL, ids=str)
def test_legal_transition(state: OperationState, action: OperationAction) -> None:
    assert transition(state, action) is EXPECTED[state][action]


@pytest.mark.parametrize(("state", "action"), ILLEGAL, ids=str)
def test_illegal_transition_lists_the_allowed_actions(
    state: OperationState, action: OperationAction
) -> None:
    with pytest.raises(errors.IllegalTransition) as caught:
        transition(state, action)
    error = caught.value
    assert error.code == "illegal-transition"
    assert (error.state, error.action) == (state, action)
    asked = {str(a) for a in EXPECTED[state] if a in ASKED_FOR}
    assert set(error.allowed) == asked, "only what a planner can ask for is offered"
    for allowed in asked:
        assert allowed in error.detail
    for decided in set(EXPECTED[state]) - ASKED_FOR:
        assert f" {decided}," not in error.detail + ","


@pytest.mark.parametrize("state", list(OperationState))
def test_allowed_actions_match_the_table(state: OperationState) -> None:
    assert set(allowed_actions(state)) == set(EXPECTED[state])


@pytest.mark.parametrize("state", list(OperationState))
def test_final_states_are_the_ones_with_no_way_out(state: OperationState) -> None:
    assert is_final(state) == (not EXPECTED[state])


def test_a_final_state_says_so_in_the_error() -> None:
    with pytest.raises(errors.IllegalTransition, match="final"):
        transition(S.COMPLETED, A.CANCEL)


def test_clearing_over_objection_only_from_objected() -> None:
    sources = {s for s, a in TRANSITIONS if a is A.CLEAR_OVER_OBJECTION}
    assert sources == {S.OBJECTED}
