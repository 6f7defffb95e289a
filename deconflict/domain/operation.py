"""Operations: planned activities as volumes, in versions named by OVN, moved by the lifecycle."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from deconflict import errors
from deconflict.domain.ids import MemberId, OperationId, Ovn, PartyId, ovn_for
from deconflict.domain.lifecycle import OperationAction, OperationState, is_final, transition
from deconflict.domain.zone import check_volumes
from deconflict.geometry import Reach, TimeWindow, Volume4D

MAX_PURPOSE_CHARS = 2_000
MAX_JUSTIFICATION_CHARS = 4_000
MAX_PRIORITY = 100


@dataclass(frozen=True, slots=True)
class Plan:
    """What a planner writes for one version: where and when, how urgent, and why."""

    volumes: tuple[Volume4D, ...]
    priority: int = 0
    purpose: str = ""
    # The purpose is shown to consulted and notified parties only when this is set.
    share_purpose: bool = False

    def __post_init__(self) -> None:
        check_volumes(self.volumes)
        if not 0 <= self.priority <= MAX_PRIORITY:
            raise errors.InvalidInput(f"priority must be between 0 and {MAX_PRIORITY}", "/priority")
        if len(self.purpose) > MAX_PURPOSE_CHARS:
            raise errors.InvalidInput(
                f"purpose may have at most {MAX_PURPOSE_CHARS} characters", "/purpose"
            )

    @property
    def shared_purpose(self) -> str | None:
        return self.purpose if self.share_purpose and self.purpose else None


@dataclass(frozen=True, slots=True)
class OperationVersion:
    number: int
    ovn: Ovn
    plan: Plan
    created_at: datetime
    #: The plan's volumes as reaches, made once: a submission at a busy spot measures its
    #: volumes against a hundred targets, and asked for them anew each time.
    reaches: tuple[Reach, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "reaches", tuple(Reach(v) for v in self.plan.volumes))

    @property
    def window(self) -> TimeWindow:
        """From the earliest start to the latest end of its volumes."""
        volumes = self.plan.volumes
        return TimeWindow(min(v.time.start for v in volumes), max(v.time.end for v in volumes))


@dataclass(frozen=True, slots=True)
class Override:
    """A clearance given over standing objections: who, when, why; sent to the objectors."""

    justification: str
    by: MemberId
    at: datetime
    ovn: Ovn


@dataclass(frozen=True, slots=True)
class Operation:
    """An operation in its current version and state."""

    id: OperationId
    party_id: PartyId
    state: OperationState
    version: OperationVersion
    override: Override | None = None

    @property
    def ovn(self) -> Ovn:
        return self.version.ovn

    @property
    def is_in_play(self) -> bool:
        """Whether others can run into it: submitted and not yet finished or called off."""
        return self.state is not OperationState.DRAFT and not is_final(self.state)


def draft_operation(
    operation_id: OperationId, party_id: PartyId, plan: Plan, now: datetime
) -> Operation:
    version = OperationVersion(1, ovn_for(operation_id, 1), plan, now)
    return Operation(operation_id, party_id, OperationState.DRAFT, version)


#: Actions that need more than a state change, and the function that does them.
_NEEDS_MORE = {
    OperationAction.REVISE: "revise",
    OperationAction.CLEAR_OVER_OBJECTION: "clear_over_objection",
}


def act(operation: Operation, action: OperationAction) -> Operation:
    """The operation after `action`, or `IllegalTransition` naming what its state allows."""
    if action in _NEEDS_MORE:
        raise ValueError(f"use {_NEEDS_MORE[action]}() to {action}")
    return replace(operation, state=transition(operation.state, action))


def revise(operation: Operation, *, named_ovn: Ovn, plan: Plan, now: datetime) -> Operation:
    """The next version; `named_ovn` must be the current one, or `StaleVersion` is raised.

    The state is checked first, so a writer learns it cannot revise at all before it learns
    its copy was stale.
    """
    state = transition(operation.state, OperationAction.REVISE)
    if named_ovn != operation.ovn:
        raise errors.StaleVersion(named_ovn, operation.ovn, kind="operation")
    number = operation.version.number + 1
    version = OperationVersion(number, ovn_for(operation.id, number), plan, now)
    return replace(operation, state=state, version=version, override=None)


def clear_over_objection(
    operation: Operation, *, named_ovn: Ovn, justification: str, by: MemberId, now: datetime
) -> Operation:
    """Clear despite standing objections: only with a written justification, kept on record.

    The writer names the version it clears, as for a revision: a justification answers the
    objections to one version, and must not clear a later one that others object to.
    """
    state = transition(operation.state, OperationAction.CLEAR_OVER_OBJECTION)
    if named_ovn != operation.ovn:
        raise errors.StaleVersion(named_ovn, operation.ovn, kind="operation")
    text = justification.strip()
    if not text:
        raise errors.MissingJustification(
            "clearing over an objection needs a written justification", "/justification"
        )
    if len(text) > MAX_JUSTIFICATION_CHARS:
        raise errors.InvalidInput(
            f"justification may have at most {MAX_JUSTIFICATION_CHARS} characters",
            "/justification",
        )
    return replace(operation, state=state, override=Override(text, by, now, operation.ovn))
