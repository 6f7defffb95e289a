"""Operations: plans, versions named by OVN, actions, clearance over objection."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest

from deconflict import errors
from deconflict.domain.ids import MemberId, OperationId, Ovn, ovn_for
from deconflict.domain.lifecycle import OperationAction, OperationState
from deconflict.domain.operation import (
    MAX_JUSTIFICATION_CHARS,
    MAX_PRIORITY,
    MAX_PURPOSE_CHARS,
    Operation,
    Plan,
    act,
    clear_over_objection,
    draft_operation,
    revise,
)
from deconflict.geometry import TimeWindow

from . import NORTHMERE, T0, circle, operation

S = OperationState
A = OperationAction
LATER = T0 + timedelta(hours=1)
PLANNER = MemberId("m-tamsin")


def objected() -> Operation:
    submitted = operation("op-kessmoor-survey", NORTHMERE)
    return act(act(submitted, A.CONSULT), A.OBJECT)


OBJECTED_OVN = objected().ovn


def test_a_draft_is_version_one_with_its_ovn() -> None:
    plan = Plan((circle(),), priority=3, purpose="Bridge survey")
    draft = draft_operation(OperationId("op-kessmoor-survey"), NORTHMERE, plan, T0)
    assert draft.state is S.DRAFT
    assert draft.version.number == 1
    assert draft.ovn == ovn_for(OperationId("op-kessmoor-survey"), 1)
    assert draft.version.plan == plan
    assert draft.version.created_at == T0


def test_act_moves_the_state_and_keeps_the_version() -> None:
    submitted = operation("op-kessmoor-survey", NORTHMERE)
    consulting = act(submitted, A.CONSULT)
    assert consulting.state is S.IN_CONSULTATION
    assert consulting.version == submitted.version


def test_act_refuses_an_illegal_action() -> None:
    with pytest.raises(errors.IllegalTransition, match="submitted cannot activate"):
        act(operation("op-kessmoor-survey", NORTHMERE), A.ACTIVATE)


@pytest.mark.parametrize("action", [A.REVISE, A.CLEAR_OVER_OBJECTION])
def test_act_will_not_do_what_needs_more_than_a_state(action: OperationAction) -> None:
    with pytest.raises(ValueError, match="use"):
        act(objected(), action)


def test_revising_with_the_current_ovn_makes_the_next_version() -> None:
    current = objected()
    plan = Plan((circle(lon=23.50),))
    revised = revise(current, named_ovn=current.ovn, plan=plan, now=LATER)
    assert revised.state is S.SUBMITTED
    assert revised.version.number == 2
    assert revised.ovn == ovn_for(current.id, 2) != current.ovn
    assert revised.version.plan == plan
    assert revised.version.created_at == LATER


def test_revising_with_a_stale_ovn_is_refused_with_both_ovns() -> None:
    first = objected()
    second = revise(first, named_ovn=first.ovn, plan=Plan((circle(),)), now=LATER)
    with pytest.raises(errors.StaleVersion) as caught:
        revise(second, named_ovn=first.ovn, plan=Plan((circle(),)), now=LATER)
    assert caught.value.named_ovn == first.ovn
    assert caught.value.current_ovn == second.ovn
    assert caught.value.code == "stale-version"


def test_a_final_operation_cannot_be_revised_whatever_ovn_is_named() -> None:
    withdrawn = act(objected(), A.WITHDRAW)
    with pytest.raises(errors.IllegalTransition):
        revise(withdrawn, named_ovn=Ovn("not-even-an-ovn"), plan=Plan((circle(),)), now=LATER)


def test_clearing_over_objection_records_the_justification() -> None:
    current = objected()
    cleared = clear_over_objection(
        current,
        named_ovn=current.ovn,
        justification="  Medical evacuation cannot wait.  ",
        by=PLANNER,
        now=LATER,
    )
    assert cleared.state is S.CLEARED_OVER_OBJECTION
    assert cleared.override is not None
    assert cleared.override.justification == "Medical evacuation cannot wait."
    assert (cleared.override.by, cleared.override.at) == (PLANNER, LATER)
    assert cleared.override.ovn == current.ovn


@pytest.mark.parametrize("justification", ["", "   \n\t"])
def test_clearing_over_objection_needs_a_written_justification(justification: str) -> None:
    with pytest.raises(errors.MissingJustification) as caught:
        clear_over_objection(
            objected(), named_ovn=OBJECTED_OVN, justification=justification, by=PLANNER, now=LATER
        )
    assert caught.value.pointer == "/justification"


def test_a_justification_is_bounded() -> None:
    with pytest.raises(errors.InvalidInput):
        clear_over_objection(
            objected(),
            named_ovn=OBJECTED_OVN,
            justification="x" * (MAX_JUSTIFICATION_CHARS + 1),
            by=PLANNER,
            now=LATER,
        )


def test_clearing_over_objection_only_when_objected() -> None:
    with pytest.raises(errors.IllegalTransition):
        clear_over_objection(
            operation("op-kessmoor-survey", NORTHMERE),
            named_ovn=OBJECTED_OVN,
            justification="Urgent",
            by=PLANNER,
            now=T0,
        )


def test_clearing_over_objection_names_the_version_it_clears() -> None:
    """A justification answers the objections to one version, never a later one's."""
    first = objected()
    second = revise(first, named_ovn=first.ovn, plan=Plan((circle(),)), now=LATER)
    objected_again = act(act(second, A.CONSULT), A.OBJECT)
    with pytest.raises(errors.StaleVersion):
        clear_over_objection(
            objected_again, named_ovn=first.ovn, justification="Urgent", by=PLANNER, now=LATER
        )


def test_a_revision_drops_an_earlier_override() -> None:
    cleared = clear_over_objection(
        objected(), named_ovn=OBJECTED_OVN, justification="Urgent", by=PLANNER, now=T0
    )
    revised = revise(cleared, named_ovn=cleared.ovn, plan=Plan((circle(),)), now=LATER)
    assert revised.override is None


@pytest.mark.parametrize(
    ("field", "make"),
    [
        ("volumes", lambda: Plan(())),
        ("priority", lambda: Plan((circle(),), priority=-1)),
        ("priority", lambda: Plan((circle(),), priority=MAX_PRIORITY + 1)),
        ("purpose", lambda: Plan((circle(),), purpose="x" * (MAX_PURPOSE_CHARS + 1))),
    ],
)
def test_a_plan_is_validated(field: str, make: Callable[[], Plan]) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        make()
    assert caught.value.pointer == f"/{field}"


def test_plan_limits_are_inclusive() -> None:
    plan = Plan((circle(),), priority=MAX_PRIORITY, purpose="x" * MAX_PURPOSE_CHARS)
    assert plan.priority == MAX_PRIORITY


@pytest.mark.parametrize(
    ("purpose", "share", "shared"),
    [("Bridge survey", True, "Bridge survey"), ("Bridge survey", False, None), ("", True, None)],
)
def test_the_purpose_is_shared_only_when_the_planner_says_so(
    purpose: str, share: bool, shared: str | None
) -> None:
    assert Plan((circle(),), purpose=purpose, share_purpose=share).shared_purpose == shared


def test_the_window_spans_all_volumes() -> None:
    early = circle(start=T0, hours=1.0)
    late = circle(start=T0 + timedelta(hours=5), hours=2.0)
    plan = Plan((late, early))
    version = draft_operation(OperationId("op-two-legs"), NORTHMERE, plan, T0).version
    assert version.window == TimeWindow(T0, T0 + timedelta(hours=7))


@pytest.mark.parametrize(
    ("state", "in_play"),
    [
        (S.DRAFT, False),
        (S.SUBMITTED, True),
        (S.OBJECTED, True),
        (S.ACTIVE, True),
        (S.COMPLETED, False),
        (S.WITHDRAWN, False),
        (S.CANCELLED, False),
    ],
)
def test_only_submitted_unfinished_operations_are_in_play(
    state: OperationState, in_play: bool
) -> None:
    assert replace(objected(), state=state).is_in_play is in_play
