"""The operation state machine: one explicit transition table, and nothing outside it."""

from __future__ import annotations

import enum
from collections.abc import Mapping

from deconflict import errors


class OperationState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_CONSULTATION = "in_consultation"
    CLEARED = "cleared"
    OBJECTED = "objected"
    CLEARED_OVER_OBJECTION = "cleared_over_objection"
    ACTIVE = "active"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"


class OperationAction(enum.StrEnum):
    """What moves an operation; the planner asks for some, consultations decide the rest."""

    SUBMIT = "submit"
    REVISE = "revise"
    CONSULT = "consult"  # decided: somebody must answer before clearance
    CLEAR = "clear"  # decided: every consultation consented (or there were none)
    OBJECT = "object"  # decided: an objection stands
    RECONSIDER = "reconsider"  # decided: the objections were lifted, answers still awaited
    CLEAR_OVER_OBJECTION = "clear_over_objection"
    ACTIVATE = "activate"
    COMPLETE = "complete"
    WITHDRAW = "withdraw"
    CANCEL = "cancel"


S = OperationState
A = OperationAction

FINAL_STATES = frozenset({S.COMPLETED, S.WITHDRAWN, S.CANCELLED})

#: (state, action) -> next state. Anything not listed is illegal.
TRANSITIONS: Mapping[tuple[OperationState, OperationAction], OperationState] = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.DRAFT, A.REVISE): S.DRAFT,
    (S.SUBMITTED, A.REVISE): S.SUBMITTED,
    (S.SUBMITTED, A.CONSULT): S.IN_CONSULTATION,
    (S.SUBMITTED, A.CLEAR): S.CLEARED,
    (S.IN_CONSULTATION, A.REVISE): S.SUBMITTED,
    (S.IN_CONSULTATION, A.CLEAR): S.CLEARED,
    (S.IN_CONSULTATION, A.OBJECT): S.OBJECTED,
    (S.OBJECTED, A.REVISE): S.SUBMITTED,
    (S.OBJECTED, A.CLEAR): S.CLEARED,
    (S.OBJECTED, A.RECONSIDER): S.IN_CONSULTATION,
    (S.OBJECTED, A.CLEAR_OVER_OBJECTION): S.CLEARED_OVER_OBJECTION,
    # A cleared plan that changes must be cleared again.
    (S.CLEARED, A.REVISE): S.SUBMITTED,
    (S.CLEARED, A.ACTIVATE): S.ACTIVE,
    (S.CLEARED_OVER_OBJECTION, A.REVISE): S.SUBMITTED,
    (S.CLEARED_OVER_OBJECTION, A.ACTIVATE): S.ACTIVE,
    (S.ACTIVE, A.COMPLETE): S.COMPLETED,
    **{
        (state, action): final
        for state in S
        if state not in FINAL_STATES
        for action, final in ((A.WITHDRAW, S.WITHDRAWN), (A.CANCEL, S.CANCELLED))
    },
}


def is_final(state: OperationState) -> bool:
    return state in FINAL_STATES


#: The actions a planner asks for; consultations decide the rest.
ASKED_FOR = frozenset(
    {A.SUBMIT, A.REVISE, A.CLEAR_OVER_OBJECTION, A.ACTIVATE, A.COMPLETE, A.WITHDRAW, A.CANCEL}
)


def allowed_actions(state: OperationState) -> tuple[OperationAction, ...]:
    """The actions the state allows, in table order."""
    return tuple(action for (source, action) in TRANSITIONS if source is state)


def actions_to_ask(state: OperationState) -> tuple[OperationAction, ...]:
    """What a planner may ask for in this state: never a move only answers can make."""
    return tuple(a for a in allowed_actions(state) if a in ASKED_FOR)


def transition(state: OperationState, action: OperationAction) -> OperationState:
    try:
        return TRANSITIONS[state, action]
    except KeyError:
        allowed = tuple(str(a) for a in actions_to_ask(state))
        raise errors.IllegalTransition(str(state), str(action), allowed) from None
