"""A zone created or revised over operations already in play: their planners and its owner told."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deconflict import errors
from deconflict.domain.agreement import Agreement, Mode
from deconflict.domain.audit import AuditKind, JsonValue
from deconflict.domain.conflict import TargetKind
from deconflict.domain.consultation import NoticeReason, ResponseKind, Status
from deconflict.domain.lifecycle import OperationAction, OperationState
from deconflict.domain.operation import Operation, Plan
from deconflict.domain.zone import Validity, Zone
from deconflict.geometry import Buffer
from deconflict.service import operations, responses, views, zones
from deconflict.service.context import Principal
from deconflict.service.parties import set_agreement
from tests.service.conftest import Cast, volume

#: Outside the authority's area, so nobody else is told of an operation here.
AWAY = (23.60, 41.70)
#: Far from anything.
ELSEWHERE = (23.90, 41.60)


def _planned(cast: Cast, planner: Principal) -> Operation:
    op = operations.submit_operation(cast.svc, planner, Plan((volume(*AWAY, 500),)))
    assert op.state is OperationState.CLEARED
    return op


def _protect(cast: Cast, planner: Principal, at: tuple[float, float] = AWAY) -> Zone:
    return zones.protect(
        cast.svc,
        planner,
        "Field hospital",
        [volume(*at, 400)],
        Buffer(200, 50),
        Validity.TIME_LIMITED,
    )


def _about(cast: Cast, reader: Principal, op: Operation) -> list[dict[str, JsonValue]]:
    """The entries the reader's party reads about the operation itself."""
    return [
        dict(e.entry.data)
        for e in views.audit_entries(cast.svc, reader, after_seq=-1, limit=500)
        if e.entry.subject == f"operation:{op.id}" and e.entry.kind is AuditKind.NOTICE
    ]


def _zone_conflicts(cast: Cast, op: Operation) -> int:
    seen = views.operation_for_planner(cast.svc, cast.north_planner, op.id)
    return sum(1 for c in seen.conflicts if c.kind is TargetKind.ZONE and c.regions)


def _move(cast: Cast, zone: Zone, current: Zone, at: tuple[float, float], radius_m: float) -> Zone:
    """The South's zone revised from its `current` version to a circle at `at`."""
    return zones.revise_protection(
        cast.svc,
        cast.south_planner,
        zone.id,
        named_version=str(current.version),
        volumes=[volume(*at, radius_m)],
        buffer=Buffer(),
    )


def _state(cast: Cast, planner: Principal, op: Operation) -> OperationState:
    return operations.own_operation(cast.svc, planner, op.id).state


def test_a_zone_over_a_cleared_operation_is_told_to_both_sides(cast: Cast) -> None:
    op = _planned(cast, cast.north_planner)
    _protect(cast, cast.south_planner)
    [notice] = views.notices(cast.svc, cast.south_liaison, after=None, limit=50)
    assert notice.notice.operation_id == op.id
    assert notice.notice.reason is NoticeReason.CONFLICT
    assert notice.operation.regions, "the owner sees where the operation meets its zone"
    assert views.operation_for_involved(cast.svc, cast.south_liaison, op.id).regions
    assert views.inbox(cast.svc, cast.south_liaison, after=None, limit=50) == []
    assert _zone_conflicts(cast, op) == 1
    assert _about(cast, cast.north_planner, op) == [
        {"event": "conflict_found", "kind": "zone", "version": 1}
    ]
    assert _state(cast, cast.north_planner, op) is OperationState.CLEARED


def test_an_active_operation_is_notified_too(cast: Cast) -> None:
    op = _planned(cast, cast.north_planner)
    operations.act_on_operation(cast.svc, cast.north_planner, op.id, OperationAction.ACTIVATE)
    _protect(cast, cast.south_planner)
    assert len(views.notices(cast.svc, cast.south_liaison, after=None, limit=50)) == 1
    assert _state(cast, cast.north_planner, op) is OperationState.ACTIVE


def test_an_operation_in_consultation_consults_the_owner_too(cast: Cast) -> None:
    svc = cast.svc
    zones.protect(
        svc, cast.relief_planner, "Shelter", [volume(*AWAY, 800)], Buffer(), Validity.TIME_LIMITED
    )
    op = operations.submit_operation(svc, cast.north_planner, Plan((volume(*AWAY, 500),)))
    assert op.state is OperationState.IN_CONSULTATION
    _protect(cast, cast.south_planner)
    [asked] = views.inbox(svc, cast.south_liaison, after=None, limit=50)
    assert asked.status is Status.PENDING
    assert asked.consultation.operation_version == 1
    assert asked.operation.regions
    assert views.notices(svc, cast.south_liaison, after=None, limit=50) == []
    [relief] = views.inbox(svc, cast.relief_liaison, after=None, limit=50)
    responses.respond_to_consultation(
        svc, cast.relief_liaison, relief.consultation.id, ResponseKind.ACKNOWLEDGE
    )
    assert _state(cast, cast.north_planner, op) is OperationState.IN_CONSULTATION
    responses.respond_to_consultation(
        svc, cast.south_liaison, asked.consultation.id, ResponseKind.OBJECT, text="our hospital"
    )
    assert _state(cast, cast.north_planner, op) is OperationState.OBJECTED


def test_under_notify_the_owner_is_notified_while_answers_are_awaited(cast: Cast) -> None:
    svc = cast.svc
    south, relief = cast.south_planner.party_id, cast.relief_planner.party_id
    set_agreement(svc, Agreement(relief, south, Mode.NOTIFY))
    zones.protect(
        svc, cast.north_planner, "Base", [volume(*AWAY, 800)], Buffer(), Validity.TIME_LIMITED
    )
    op = operations.submit_operation(svc, cast.relief_planner, Plan((volume(*AWAY, 500),)))
    assert op.state is OperationState.IN_CONSULTATION  # the North is consulted
    _protect(cast, cast.south_planner)
    assert len(views.notices(svc, cast.south_liaison, after=None, limit=50)) == 1
    assert views.inbox(svc, cast.south_liaison, after=None, limit=50) == []
    assert _about(cast, cast.relief_planner, op) == [
        {"event": "conflict_found", "kind": "zone", "version": 1}
    ]
    assert _state(cast, cast.relief_planner, op) is OperationState.IN_CONSULTATION


def test_under_mode_none_the_owner_learns_nothing(cast: Cast) -> None:
    """The South and Relief agreed to tell each other nothing: the South's zone tells it
    nothing of Relief's operation, though Relief's planner sees where it meets the zone."""
    svc = cast.svc
    south, relief = cast.south_planner.party_id, cast.relief_planner.party_id
    set_agreement(svc, Agreement(relief, south, Mode.NONE))
    op = _planned(cast, cast.relief_planner)
    before = views.audit_entries(svc, cast.south_liaison, after_seq=-1, limit=500)
    _protect(cast, cast.south_planner)
    after = views.audit_entries(svc, cast.south_liaison, after_seq=-1, limit=500)
    assert [e.entry.subject.split(":")[0] for e in after[len(before) :]] == ["zone"]
    assert views.notices(svc, cast.south_liaison, after=None, limit=50) == []
    assert views.inbox(svc, cast.south_liaison, after=None, limit=50) == []
    with pytest.raises(errors.NotFound) as hidden:
        views.operation_for_involved(svc, cast.south_liaison, op.id)
    with pytest.raises(errors.NotFound) as unknown:
        views.operation_for_involved(svc, cast.south_liaison, "no-such-id")  # type: ignore[arg-type]
    assert str(hidden.value) == str(unknown.value)
    seen = views.operation_for_planner(svc, cast.relief_planner, op.id)
    assert [c.kind for c in seen.conflicts] == [TargetKind.ZONE]
    assert _about(cast, cast.relief_planner, op) == [
        {"event": "conflict_found", "kind": "zone", "version": 1}
    ]


def test_a_zone_revised_to_reach_an_operation_is_told_as_a_new_one(cast: Cast) -> None:
    svc = cast.svc
    op = _planned(cast, cast.north_planner)
    zone = _protect(cast, cast.south_planner, ELSEWHERE)
    assert views.notices(svc, cast.south_liaison, after=None, limit=50) == []
    assert _about(cast, cast.north_planner, op) == []
    reaching = _move(cast, zone, zone, AWAY, 400)
    assert len(views.notices(svc, cast.south_liaison, after=None, limit=50)) == 1
    assert _zone_conflicts(cast, op) == 1
    _move(cast, zone, reaching, AWAY, 900)
    # Reaching further still: the planner sees the wider overlap; the owner was told already.
    assert len(views.notices(svc, cast.south_liaison, after=None, limit=50)) == 1
    assert _about(cast, cast.north_planner, op) == [
        {"event": "conflict_found", "kind": "zone", "version": 1},
        {"event": "conflict_changed", "kind": "zone", "version": 1},
    ]


def test_a_zone_revised_away_and_back_asks_its_owner_afresh(cast: Cast) -> None:
    svc = cast.svc
    zone = _protect(cast, cast.south_planner)
    op = operations.submit_operation(svc, cast.north_planner, Plan((volume(*AWAY, 500),)))
    assert op.state is OperationState.IN_CONSULTATION
    away = _move(cast, zone, zone, ELSEWHERE, 400)
    assert _state(cast, cast.north_planner, op) is OperationState.CLEARED
    _move(cast, zone, away, AWAY, 400)
    [notice] = views.notices(svc, cast.south_liaison, after=None, limit=50)
    assert notice.notice.operation_version == 1


def test_a_zone_meeting_no_other_partys_operation_tells_nobody(cast: Cast) -> None:
    svc = cast.svc
    other = _planned(cast, cast.north_planner)
    own = operations.submit_operation(svc, cast.south_planner, Plan((volume(*ELSEWHERE, 500),)))
    north_before = views.audit_entries(svc, cast.north_planner, after_seq=-1, limit=500)
    _protect(cast, cast.south_planner, ELSEWHERE)
    assert views.audit_entries(svc, cast.north_planner, after_seq=-1, limit=500) == north_before
    assert _about(cast, cast.south_planner, own) == []
    assert views.notices(svc, cast.south_liaison, after=None, limit=50) == []
    assert _zone_conflicts(cast, other) == 0


def test_a_standing_zone_renewed_over_a_later_operation_tells_both_sides(cast: Cast) -> None:
    svc = cast.svc
    zones.protect(
        svc, cast.south_planner, "Depot", [volume(*AWAY, 400)], Buffer(), Validity.STANDING
    )
    later = operations.submit_operation(
        svc, cast.north_planner, Plan((volume(*AWAY, 500, start_h=5),))
    )
    assert later.state is OperationState.CLEARED, "after the depot's window: nothing met"
    assert zones.renew_standing(svc) == 1
    [notice] = views.notices(svc, cast.south_liaison, after=None, limit=50)
    assert notice.notice.operation_id == later.id
    assert _zone_conflicts(cast, later) == 1
    assert _about(cast, cast.north_planner, later) == [
        {"event": "conflict_found", "kind": "zone", "version": 1}
    ]


@pytest.mark.parametrize("change", ["protect", "retire"])
def test_a_zone_coming_or_going_shows_no_operation_the_planner_was_not_told_of(
    cast: Cast, change: str
) -> None:
    """Relief's later operation runs into the North's under an agreement that tells nobody:
    re-checking the North's for the South's zone must not bring Relief's into its view."""
    svc = cast.svc
    set_agreement(
        svc, Agreement(cast.north_planner.party_id, cast.relief_planner.party_id, Mode.NONE)
    )
    depot = _protect(cast, cast.south_planner) if change == "retire" else None
    op = operations.submit_operation(svc, cast.north_planner, Plan((volume(*AWAY, 500),)))
    operations.submit_operation(svc, cast.relief_planner, Plan((volume(*AWAY, 450),)))
    if depot is None:
        _protect(cast, cast.south_planner)
    else:
        zones.retire(svc, cast.south_planner, depot.id)
    seen = views.operation_for_planner(svc, cast.north_planner, op.id)
    assert TargetKind.OPERATION not in {c.kind for c in seen.conflicts}


def test_a_renewal_reports_no_change_for_the_past_it_drops(cast: Cast) -> None:
    svc = cast.svc
    start = cast.clock.now()
    standing = zones.protect(
        svc,
        cast.south_planner,
        "Standing depot",
        [volume(*AWAY, 400, start_h=0, hours=24 * 20)],
        Buffer(),
        Validity.STANDING,
    )
    op = operations.submit_operation(
        svc, cast.north_planner, Plan((volume(*AWAY, 500, start_h=0, hours=24 * 40),))
    )
    cast.clock.set(start + timedelta(days=5))
    assert zones.renew_standing(svc) == 1
    assert zones.own_zone(svc, cast.south_planner, standing.id).version == 2
    events = [d.get("event") for d in _about(cast, cast.north_planner, op)]
    assert "conflict_changed" not in events
