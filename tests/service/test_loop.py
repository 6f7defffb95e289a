"""The whole coordination loop through the use cases, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deconflict import errors
from deconflict.domain.audit import AuditKind
from deconflict.domain.conflict import TargetKind
from deconflict.domain.consultation import Closure, ResponseKind, Status
from deconflict.domain.ids import ConsultationId, PartyId
from deconflict.domain.lifecycle import OperationAction, OperationState
from deconflict.domain.operation import Operation, Plan
from deconflict.domain.warning import Severity
from deconflict.domain.zone import Validity
from deconflict.geometry import Buffer
from deconflict.service import deadlines, operations, responses, views, warnings, zones
from deconflict.service.context import Principal
from deconflict.service.verification import verify_audit
from tests.service.conftest import T0, Cast, volume


def test_submit_consult_object_revise_acknowledge_clear(cast: Cast) -> None:
    svc = cast.svc
    south_op = operations.submit_operation(
        svc, cast.south_planner, Plan((volume(23.42, 41.88, 1500),), purpose="patrol")
    )
    north_op = operations.submit_operation(
        svc,
        cast.north_planner,
        Plan((volume(23.43, 41.885, 1200),), purpose="training flight", share_purpose=True),
    )
    assert north_op.state is OperationState.IN_CONSULTATION
    inbox = views.inbox(svc, cast.south_liaison, after=None, limit=50)
    assert len(inbox) == 1
    item = inbox[0]
    assert item.status is Status.PENDING
    assert item.operation.purpose == "training flight"
    assert item.operation.planner is not None
    assert item.operation.planner.label == "Northmere Air Wing"
    assert item.operation.regions, "the consulted party sees where it runs into its data"

    responses.respond_to_consultation(
        svc,
        cast.south_liaison,
        item.consultation.id,
        ResponseKind.OBJECT,
        text="our patrol is there",
        suggested_change="stay 5 km east",
    )
    seen = views.operation_for_planner(svc, cast.north_planner, north_op.id)
    assert seen.operation.state is OperationState.OBJECTED

    revised = operations.revise_operation(
        svc,
        cast.north_planner,
        north_op.id,
        ovn=north_op.ovn,
        plan=Plan((volume(23.50, 41.885, 1000),), purpose="training flight, moved east"),
    )
    # Further east it no longer meets the patrol: consultations of v1 close, nobody to ask.
    assert revised.version.number == 2
    assert revised.state is OperationState.CLEARED
    closed = views.consultation_for_party(svc, cast.south_liaison, item.consultation.id)
    assert closed.status is Status.CLOSED
    assert south_op.state is OperationState.CLEARED

    activated = operations.act_on_operation(
        svc, cast.north_planner, north_op.id, OperationAction.ACTIVATE
    )
    assert activated.state is OperationState.ACTIVE
    assert verify_audit(svc) is None


def test_revision_still_in_conflict_is_consulted_again_and_acknowledged(cast: Cast) -> None:
    svc = cast.svc
    operations.submit_operation(svc, cast.south_planner, Plan((volume(23.42, 41.88, 1500),)))
    north_op = operations.submit_operation(
        svc, cast.north_planner, Plan((volume(23.43, 41.885, 1200),))
    )
    first = views.inbox(svc, cast.south_liaison, after=None, limit=50)[0]
    responses.respond_to_consultation(
        svc, cast.south_liaison, first.consultation.id, ResponseKind.OBJECT, text="too close"
    )
    revised = operations.revise_operation(
        svc,
        cast.north_planner,
        north_op.id,
        ovn=north_op.ovn,
        plan=Plan((volume(23.43, 41.885, 1200, lower=400, upper=600),)),
    )
    assert revised.state is OperationState.CLEARED  # above the patrol's band now
    again = operations.revise_operation(
        svc,
        cast.north_planner,
        north_op.id,
        ovn=revised.ovn,
        plan=Plan((volume(23.43, 41.885, 1200, upper=250),)),
    )
    assert again.state is OperationState.IN_CONSULTATION
    pending = [
        c
        for c in views.inbox(svc, cast.south_liaison, after=None, limit=50)
        if c.status is Status.PENDING
    ]
    assert len(pending) == 1
    assert pending[0].consultation.operation_version == 3
    responses.respond_to_consultation(
        svc, cast.south_liaison, pending[0].consultation.id, ResponseKind.ACKNOWLEDGE
    )
    final = views.operation_for_planner(svc, cast.north_planner, north_op.id)
    assert final.operation.state is OperationState.CLEARED


def test_stale_ovn_is_refused(cast: Cast) -> None:
    svc = cast.svc
    op = operations.submit_operation(svc, cast.north_planner, Plan((volume(23.6, 41.7, 500),)))
    operations.revise_operation(
        svc, cast.north_planner, op.id, ovn=op.ovn, plan=Plan((volume(23.6, 41.7, 600),))
    )
    with pytest.raises(errors.StaleVersion):
        operations.revise_operation(
            svc, cast.north_planner, op.id, ovn=op.ovn, plan=Plan((volume(23.6, 41.7, 700),))
        )


def test_silence_blocks_or_consents_at_the_deadline(cast: Cast) -> None:
    svc = cast.svc
    operations.submit_operation(svc, cast.south_planner, Plan((volume(23.42, 41.88, 1500),)))
    zones.protect(
        svc,
        cast.relief_planner,
        "Field hospital",
        [volume(23.60, 41.90, 200, hours=48, start_h=0)],
        Buffer(800, 50),
        Validity.TIME_LIMITED,
    )
    blocked = operations.submit_operation(
        svc, cast.north_planner, Plan((volume(23.43, 41.885, 1200),))
    )
    consented = operations.submit_operation(
        svc, cast.north_planner, Plan((volume(23.605, 41.905, 300),))
    )
    assert blocked.state is OperationState.IN_CONSULTATION
    assert consented.state is OperationState.IN_CONSULTATION
    cast.clock.advance(timedelta(seconds=1799))
    assert (
        views.operation_for_planner(svc, cast.north_planner, blocked.id).operation.state
        is OperationState.IN_CONSULTATION
    )
    cast.clock.advance(timedelta(seconds=1))
    assert (
        views.operation_for_planner(svc, cast.north_planner, blocked.id).operation.state
        is OperationState.OBJECTED
    )
    cast.clock.advance(timedelta(seconds=1800))
    assert (
        views.operation_for_planner(svc, cast.north_planner, consented.id).operation.state
        is OperationState.CLEARED
    )


def test_authority_is_notified_and_sees_only_the_overlap(cast: Cast) -> None:
    svc = cast.svc
    op = operations.submit_operation(
        svc, cast.relief_planner, Plan((volume(23.45, 41.85, 500),), purpose="food drop")
    )
    assert op.state is OperationState.CLEARED  # notify only: no answer needed
    notices = views.notices(svc, cast.authority_viewer, after=None, limit=50)
    assert len(notices) == 1
    seen = notices[0].operation
    assert seen.purpose is None  # not shared
    assert seen.planner is not None
    assert seen.planner.is_pseudonym
    assert len(seen.regions) == 1


def test_unrelated_party_sees_nothing(cast: Cast) -> None:
    svc = cast.svc
    op = operations.submit_operation(svc, cast.north_planner, Plan((volume(24.5, 42.5, 500),)))
    with pytest.raises(errors.NotFound) as forbidden:
        views.operation_for_involved(svc, cast.south_liaison, op.id)
    with pytest.raises(errors.NotFound) as unknown:
        views.operation_for_involved(svc, cast.south_liaison, "no-such-id")  # type: ignore[arg-type]
    assert str(forbidden.value) == str(unknown.value)
    with pytest.raises(errors.NotFound):
        operations.act_on_operation(svc, cast.south_planner, op.id, OperationAction.WITHDRAW)


def test_clear_over_objection_is_recorded_for_the_objector(cast: Cast) -> None:
    svc = cast.svc
    operations.submit_operation(svc, cast.south_planner, Plan((volume(23.42, 41.88, 1500),)))
    op = operations.submit_operation(svc, cast.north_planner, Plan((volume(23.43, 41.885, 1200),)))
    item = views.inbox(svc, cast.south_liaison, after=None, limit=50)[0]
    responses.respond_to_consultation(
        svc, cast.south_liaison, item.consultation.id, ResponseKind.OBJECT, text="no"
    )
    with pytest.raises(errors.MissingJustification):
        operations.clear_operation_over_objection(svc, cast.north_planner, op.id, "  ", ovn=op.ovn)
    cleared = operations.clear_operation_over_objection(
        svc,
        cast.north_planner,
        op.id,
        "life-saving evacuation; patrol informed by radio",
        ovn=op.ovn,
    )
    assert cleared.state is OperationState.CLEARED_OVER_OBJECTION
    entries = views.audit_entries(svc, cast.south_liaison, after_seq=-1, limit=500)
    told = [e.entry for e in entries if e.entry.data.get("justification")]
    assert told
    assert told[0].data == {
        "to": "cleared_over_objection",
        "justification": "life-saving evacuation; patrol informed by radio",
    }, "the objector reads the clearance and why; not how many objected, nor the version"


def _consulting_south_and_relief(cast: Cast) -> tuple[Operation, dict[PartyId, ConsultationId]]:
    """The North's operation over a zone of the South and one of Relief: both consulted."""
    for planner, name in ((cast.south_planner, "Depot"), (cast.relief_planner, "Shelter")):
        zones.protect(
            cast.svc, planner, name, [volume(23.42, 41.88, 800)], Buffer(), Validity.TIME_LIMITED
        )
    op = operations.submit_operation(
        cast.svc, cast.north_planner, Plan((volume(23.425, 41.882, 600),))
    )
    asked = {
        liaison.party_id: views.inbox(cast.svc, liaison, after=None, limit=50)[0].consultation.id
        for liaison in (cast.south_liaison, cast.relief_liaison)
    }
    assert len(asked) == 2
    return op, asked


def _south_objects(cast: Cast, asked: dict[PartyId, ConsultationId]) -> None:
    responses.respond_to_consultation(
        cast.svc,
        cast.south_liaison,
        asked[cast.south_liaison.party_id],
        ResponseKind.OBJECT,
        text="no",
    )


def _override_and_relief_status(cast: Cast, op: Operation) -> Status:
    """Clear the operation over the South's objection; how Relief's consultation stands."""
    cleared = operations.clear_operation_over_objection(
        cast.svc, cast.north_planner, op.id, "urgent medevac", ovn=op.ovn
    )
    assert cleared.state is OperationState.CLEARED_OVER_OBJECTION
    [relief_item] = views.inbox(cast.svc, cast.relief_liaison, after=None, limit=50)
    return relief_item.status


def test_clearing_over_objection_waits_for_the_answers_still_due(cast: Cast) -> None:
    svc = cast.svc
    op, asked = _consulting_south_and_relief(cast)
    _south_objects(cast, asked)
    cast.clock.advance(timedelta(minutes=1))
    with pytest.raises(errors.AnswersAwaited, match="1 consulted party has not answered"):
        operations.clear_operation_over_objection(
            svc, cast.north_planner, op.id, "urgent medevac", ovn=op.ovn
        )
    responses.respond_to_consultation(
        svc, cast.relief_liaison, asked[cast.relief_liaison.party_id], ResponseKind.ACKNOWLEDGE
    )
    assert _override_and_relief_status(cast, op) is Status.ACKNOWLEDGED


def test_clearing_over_objection_once_the_deadline_has_answered(cast: Cast) -> None:
    op, asked = _consulting_south_and_relief(cast)
    _south_objects(cast, asked)
    cast.clock.advance(timedelta(hours=1))  # Relief's deadline: its silence consents
    assert _override_and_relief_status(cast, op) is Status.EXPIRED_CONSENT


def test_a_withdrawn_operation_leaves_no_consultation_pending(cast: Cast) -> None:
    svc = cast.svc
    op, _ = _consulting_south_and_relief(cast)
    cast.clock.advance(timedelta(minutes=5))
    operations.act_on_operation(svc, cast.north_planner, op.id, OperationAction.WITHDRAW)
    cast.clock.advance(timedelta(days=2))
    for liaison in (cast.south_liaison, cast.relief_liaison):
        [item] = views.inbox(svc, liaison, after=None, limit=50)
        assert item.status is Status.CLOSED


def _told(cast: Cast, liaison: Principal, op: Operation) -> list[dict[str, object]]:
    """What the party read of the operation's moves, in its own record."""
    entries = views.audit_entries(cast.svc, liaison, after_seq=-1, limit=500)
    return [
        dict(e.entry.data)
        for e in entries
        if e.entry.kind is AuditKind.STATE_CHANGE and e.entry.subject == f"operation:{op.id}"
    ]


def test_a_consulted_party_does_not_learn_of_another_partys_objection(cast: Cast) -> None:
    svc = cast.svc
    op, asked = _consulting_south_and_relief(cast)
    _south_objects(cast, asked)
    assert views.operation_for_planner(svc, cast.north_planner, op.id).operation.state is (
        OperationState.OBJECTED
    )
    assert _told(cast, cast.relief_liaison, op) == [], "Relief has not answered: nothing moved"
    assert _told(cast, cast.south_liaison, op) == []


def test_the_answer_that_clears_an_operation_reads_nothing_of_the_other_consultations(
    cast: Cast,
) -> None:
    svc = cast.svc
    op, asked = _consulting_south_and_relief(cast)
    relief, south = cast.relief_liaison, cast.south_liaison
    responses.respond_to_consultation(svc, relief, asked[relief.party_id], ResponseKind.ACKNOWLEDGE)
    responses.respond_to_consultation(svc, south, asked[south.party_id], ResponseKind.ACKNOWLEDGE)
    assert _state(cast, op) is OperationState.CLEARED
    read = {e.entry.subject for e in views.audit_entries(svc, south, after_seq=-1, limit=500)}
    assert f"consultation:{asked[relief.party_id]}" not in read, "Relief's consultation exists"


def test_a_clearance_over_objection_reads_as_a_clearance_to_those_who_did_not_object(
    cast: Cast,
) -> None:
    svc = cast.svc
    op, asked = _consulting_south_and_relief(cast)
    _south_objects(cast, asked)
    responses.respond_to_consultation(
        svc, cast.relief_liaison, asked[cast.relief_liaison.party_id], ResponseKind.ACKNOWLEDGE
    )
    operations.clear_operation_over_objection(
        svc, cast.north_planner, op.id, "urgent medevac", ovn=op.ovn
    )
    operations.act_on_operation(svc, cast.north_planner, op.id, OperationAction.ACTIVATE)
    assert _told(cast, cast.relief_liaison, op) == [{"to": "cleared"}, {"to": "active"}]
    assert _told(cast, cast.south_liaison, op) == [
        {"to": "cleared_over_objection", "justification": "urgent medevac"},
        {"to": "active"},
    ]
    planner = _told(cast, cast.north_planner, op)
    assert {"from": "objected", "to": "cleared_over_objection"}.items() <= planner[-2].items()
    assert planner[-2]["objectors"] == 1, "the planner knows how many it overrode"


def test_a_party_no_longer_concerned_hears_nothing_of_later_versions(cast: Cast) -> None:
    svc = cast.svc
    op, _ = _consulting_south_and_relief(cast)
    moved = operations.revise_operation(
        svc,
        cast.north_planner,
        op.id,
        ovn=op.ovn,
        plan=Plan((volume(23.60, 41.70, 500),)),
    )
    assert moved.state is OperationState.CLEARED
    operations.act_on_operation(svc, cast.north_planner, op.id, OperationAction.ACTIVATE)
    operations.act_on_operation(svc, cast.north_planner, op.id, OperationAction.COMPLETE)
    for liaison in (cast.south_liaison, cast.relief_liaison):
        assert _told(cast, liaison, op) == []
        [item] = views.inbox(svc, liaison, after=None, limit=50)
        assert item.status is Status.CLOSED


def test_a_revision_tells_those_it_no_longer_concerns_though_their_part_was_over(
    cast: Cast,
) -> None:
    """The South and Relief answered and the operation was cleared; the authority was only
    notified. A revision far away concerns none of them, and each is told so."""
    svc = cast.svc
    op, asked = _consulting_south_and_relief(cast)
    for liaison in (cast.south_liaison, cast.relief_liaison):
        responses.respond_to_consultation(
            svc, liaison, asked[liaison.party_id], ResponseKind.ACKNOWLEDGE
        )
    assert _state(cast, op) is OperationState.CLEARED
    operations.revise_operation(
        svc, cast.north_planner, op.id, ovn=op.ovn, plan=Plan((volume(23.60, 41.70, 500),))
    )
    for liaison in (cast.south_liaison, cast.relief_liaison, cast.authority_viewer):
        entries = views.audit_entries(svc, liaison, after_seq=-1, limit=500)
        dropped = [
            dict(e.entry.data)
            for e in entries
            if e.entry.kind is AuditKind.NOTICE and e.entry.subject == f"operation:{op.id}"
        ]
        assert dropped == [{"event": "no_longer_concerned", "version": 1}]


def _south_consulted_about(cast: Cast, *, zones_there: int = 1) -> Operation:
    """The North's operation, consulting the South (silence blocks) over its zones."""
    for i in range(zones_there):
        zones.protect(
            cast.svc,
            cast.south_planner,
            f"Depot {i}",
            [volume(23.42 + 0.004 * i, 41.88, 800)],
            Buffer(),
            Validity.TIME_LIMITED,
        )
    op = operations.submit_operation(
        cast.svc, cast.north_planner, Plan((volume(23.425, 41.882, 600),))
    )
    assert op.state is OperationState.IN_CONSULTATION
    return op


def _state(cast: Cast, op: Operation) -> OperationState:
    return views.operation_for_planner(cast.svc, cast.north_planner, op.id).operation.state


def test_a_retired_zone_no_longer_blocks_the_operations_it_was_consulted_on(cast: Cast) -> None:
    op = _south_consulted_about(cast)
    [depot] = zones.own_zones(cast.svc, cast.south_planner, after=None, limit=10)
    cast.clock.advance(timedelta(minutes=5))
    zones.retire(cast.svc, cast.south_planner, depot.id)
    planner = views.operation_for_planner(cast.svc, cast.north_planner, op.id)
    assert [c.kind for c in planner.conflicts] == [TargetKind.AUTHORITY_AREA], (
        "the retired depot is no longer shown as a conflict"
    )
    assert _state(cast, op) is OperationState.CLEARED
    cast.clock.advance(timedelta(hours=1))  # past the deadline whose silence would block
    assert _state(cast, op) is OperationState.CLEARED
    [item] = views.inbox(cast.svc, cast.south_liaison, after=None, limit=50)
    assert item.status is Status.CLOSED
    assert item.consultation.closure is Closure.NO_LONGER_CONCERNED
    assert item.operation.regions == (), "its data gone, the South has no more need to know"
    assert item.operation.planner is None
    operations.act_on_operation(cast.svc, cast.north_planner, op.id, OperationAction.ACTIVATE)
    assert _told(cast, cast.south_liaison, op) == [], "nor hears where it stands"


def test_a_silence_that_blocked_lapses_with_the_zone_it_was_about(cast: Cast) -> None:
    """Closed by the deadline scheduler or not, the South's blocking silence over a depot
    it has since retired no longer holds the operation objected."""
    op = _south_consulted_about(cast)
    cast.clock.advance(timedelta(hours=1))
    assert deadlines.apply_due_deadlines(cast.svc) == 1
    assert _state(cast, op) is OperationState.OBJECTED
    [depot] = zones.own_zones(cast.svc, cast.south_planner, after=None, limit=10)
    zones.retire(cast.svc, cast.south_planner, depot.id)
    assert _state(cast, op) is OperationState.CLEARED
    [item] = views.inbox(cast.svc, cast.south_liaison, after=None, limit=50)
    assert item.status is Status.CLOSED


def test_a_party_only_notified_hears_of_a_clearance_at_once_as_after_answers(
    cast: Cast,
) -> None:
    """The authority is notified of what enters its area: it reads the operation cleared
    whether or not anybody else had to answer first, so the entry tells it nothing."""
    svc = cast.svc
    at_once = operations.submit_operation(
        svc, cast.north_planner, Plan((volume(23.45, 41.85, 300),))
    )
    assert at_once.state is OperationState.CLEARED
    assert _told(cast, cast.authority_viewer, at_once) == [{"to": "cleared"}]


def test_a_move_nobody_else_is_told_of_leaves_no_entry(cast: Cast) -> None:
    svc = cast.svc
    op = operations.submit_operation(svc, cast.north_planner, Plan((volume(24.9, 42.9, 300),)))

    def head_seq() -> int:
        head = svc.read(lambda tx: tx.audit.head())
        assert head is not None
        return head.seq

    before = head_seq()
    operations.act_on_operation(svc, cast.north_planner, op.id, OperationAction.ACTIVATE)
    assert head_seq() == before + 1, "the planner's own entry, and no unread one beside it"


def test_a_planner_no_longer_sees_its_own_retired_zone_in_its_operation(cast: Cast) -> None:
    svc = cast.svc
    own = zones.protect(
        svc,
        cast.north_planner,
        "Own depot",
        [volume(24.9, 42.9, 800)],
        Buffer(),
        Validity.TIME_LIMITED,
    )
    op = operations.submit_operation(svc, cast.north_planner, Plan((volume(24.9, 42.9, 300),)))
    kinds = [c.kind for c in views.operation_for_planner(svc, cast.north_planner, op.id).conflicts]
    assert kinds == [TargetKind.ZONE]
    zones.retire(svc, cast.north_planner, own.id)
    assert views.operation_for_planner(svc, cast.north_planner, op.id).conflicts == ()


def test_a_zone_still_standing_keeps_the_consultation_open(cast: Cast) -> None:
    op = _south_consulted_about(cast, zones_there=2)
    first, second = zones.own_zones(cast.svc, cast.south_planner, after=None, limit=10)
    zones.retire(cast.svc, cast.south_planner, first.id)
    assert _state(cast, op) is OperationState.IN_CONSULTATION
    zones.retire(cast.svc, cast.south_planner, second.id)
    assert _state(cast, op) is OperationState.CLEARED


def test_a_zone_revised_out_of_the_way_no_longer_blocks(cast: Cast) -> None:
    op = _south_consulted_about(cast)
    [depot] = zones.own_zones(cast.svc, cast.south_planner, after=None, limit=10)
    zones.revise_protection(
        cast.svc,
        cast.south_planner,
        depot.id,
        named_version=str(depot.version),
        volumes=[volume(23.60, 41.70, 300)],
        buffer=Buffer(),
    )
    assert _state(cast, op) is OperationState.CLEARED


def test_a_withdrawn_operation_no_longer_blocks_those_that_ran_into_it(cast: Cast) -> None:
    svc = cast.svc
    south = operations.submit_operation(svc, cast.south_planner, Plan((volume(23.42, 41.88, 800),)))
    north = operations.submit_operation(
        svc, cast.north_planner, Plan((volume(23.425, 41.882, 600),))
    )
    assert north.state is OperationState.IN_CONSULTATION
    operations.act_on_operation(svc, cast.south_planner, south.id, OperationAction.WITHDRAW)
    assert _state(cast, north) is OperationState.CLEARED


def test_a_standing_objection_over_a_retired_zone_is_lifted(cast: Cast) -> None:
    op = _south_consulted_about(cast)
    [item] = views.inbox(cast.svc, cast.south_liaison, after=None, limit=50)
    responses.respond_to_consultation(
        cast.svc, cast.south_liaison, item.consultation.id, ResponseKind.OBJECT, text="depot"
    )
    assert _state(cast, op) is OperationState.OBJECTED
    [depot] = zones.own_zones(cast.svc, cast.south_planner, after=None, limit=10)
    zones.retire(cast.svc, cast.south_planner, depot.id)
    assert _state(cast, op) is OperationState.CLEARED


def test_warning_alerts_parties_inside_and_records_acknowledgement(cast: Cast) -> None:
    svc = cast.svc
    zones.protect(
        svc,
        cast.relief_planner,
        "Shelter",
        [volume(23.70, 41.75, 300, hours=24)],
        Buffer(),
        Validity.TIME_LIMITED,
    )
    operations.submit_operation(svc, cast.south_planner, Plan((volume(23.90, 41.60, 500),)))
    cast.clock.advance(timedelta(hours=1, minutes=5))
    warning = warnings.raise_hazard(
        svc,
        cast.north_liaison,
        volume(23.71, 41.75, 3000, start_h=1, hours=3),
        Severity.DANGER,
        "expect hostile drones within 2 hours",
    )
    alerted = {a.party_id for a in warning.alerts}
    assert alerted == {cast.relief_liaison.party_id}
    received = views.warnings_received(svc, cast.relief_liaison, after=None, limit=50)
    assert [w.warning_id for w in received] == [warning.id]
    with pytest.raises(errors.NotFound):
        warnings.acknowledge_hazard(svc, cast.south_liaison, warning.id)
    cast.clock.advance(timedelta(minutes=3))
    warnings.acknowledge_hazard(svc, cast.relief_liaison, warning.id)
    raised = views.warning_view(svc, cast.north_liaison, warning.id)
    assert isinstance(raised, views.RaisedWarningView)
    assert [a.acknowledged_at for a in raised.alerts] == [T0 + timedelta(hours=1, minutes=8)]


def test_roles_do_what_their_names_say(cast: Cast) -> None:
    svc = cast.svc
    with pytest.raises(errors.Forbidden):
        operations.submit_operation(svc, cast.north_liaison, Plan((volume(23.6, 41.7, 500),)))
    with pytest.raises(errors.Forbidden):
        warnings.raise_hazard(
            svc, cast.authority_viewer, volume(23.6, 41.7, 500), Severity.ADVISORY, "x"
        )
