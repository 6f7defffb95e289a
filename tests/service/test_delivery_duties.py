"""The delivery loop's duties as use cases: deadlines, re-sends, events, areas, deliveries."""

from __future__ import annotations

from datetime import timedelta

from deconflict.domain.audit import AuditKind
from deconflict.domain.consultation import Closure, ResponseKind, Status
from deconflict.domain.event import Event
from deconflict.domain.ids import WarningId
from deconflict.domain.lifecycle import OperationState
from deconflict.domain.operation import Plan
from deconflict.domain.subscription import Channel
from deconflict.domain.warning import Severity
from deconflict.domain.webhook import DeliveryState, Purpose, new_webhook
from deconflict.domain.zone import Validity
from deconflict.geometry import Buffer
from deconflict.service import (
    deadlines,
    events,
    operations,
    outbox,
    resending,
    responses,
    subscriptions,
    views,
    warnings,
    zones,
)
from deconflict.service.context import Principal, Service
from deconflict.service.maintenance import DEAD_RETENTION, DELIVERED_RETENTION, purge
from deconflict.service.resending import ResendPolicy
from deconflict.service.webhooks import replay
from tests.service.conftest import Cast, volume

POLICY = ResendPolicy(schedule_s=(120, 300), escalate_from_sends=3)


def _events(cast: Cast, who: Principal) -> list[Event]:
    return list(events.events_after(cast.svc, who, -1, limit=1000).events)


def test_a_deadline_is_applied_once_and_told_to_both_sides(cast: Cast) -> None:
    svc = cast.svc
    operations.submit_operation(svc, cast.south_planner, Plan((volume(23.42, 41.88, 1500),)))
    op = operations.submit_operation(svc, cast.north_planner, Plan((volume(23.43, 41.885, 1200),)))
    assert op.state is OperationState.IN_CONSULTATION
    assert deadlines.apply_due_deadlines(svc) == 0
    cast.clock.advance(timedelta(seconds=1799))
    assert deadlines.apply_due_deadlines(svc) == 0
    assert deadlines.next_deadline(svc) == cast.clock.now() + timedelta(seconds=1)
    cast.clock.advance(timedelta(seconds=1))
    assert deadlines.apply_due_deadlines(svc) == 1
    assert deadlines.apply_due_deadlines(svc) == 0  # once, however often the loop runs
    assert deadlines.next_deadline(svc) is None

    seen = views.operation_for_planner(svc, cast.north_planner, op.id)
    assert seen.operation.state is OperationState.OBJECTED  # silence blocks under this agreement
    consultation = svc.read(lambda tx: tx.consultations.of_operation(op.id))[0]
    assert consultation.closure is Closure.EXPIRED
    assert consultation.closed_at == consultation.deadline
    assert consultation.status(cast.clock.now()) is Status.EXPIRED_BLOCK

    for who in (cast.south_liaison, cast.north_planner):
        expired = [e for e in _events(cast, who) if e.data.get("event") == "expired"]
        assert len(expired) == 1
        assert expired[0].data["status"] == "expired_block"
    moved = [e for e in _events(cast, cast.north_planner) if e.data.get("cause") == "deadline"]
    assert [(m.data["from"], m.data["to"]) for m in moved] == [("in_consultation", "objected")]


def test_an_answered_consultation_awaits_no_deadline(cast: Cast) -> None:
    svc = cast.svc
    operations.submit_operation(svc, cast.south_planner, Plan((volume(23.42, 41.88, 1500),)))
    operations.submit_operation(svc, cast.north_planner, Plan((volume(23.43, 41.885, 1200),)))
    item = views.inbox(svc, cast.south_liaison, after=None, limit=5)[0]
    responses.respond_to_consultation(
        svc, cast.south_liaison, item.consultation.id, ResponseKind.ACKNOWLEDGE
    )
    assert deadlines.next_deadline(svc) is None
    cast.clock.advance(timedelta(hours=2))
    assert deadlines.apply_due_deadlines(svc) == 0


def _shelter_and_warning(cast: Cast) -> str:
    zones.protect(
        cast.svc,
        cast.relief_planner,
        "Shelter",
        [volume(23.70, 41.75, 300, hours=24, start_h=0)],
        Buffer(),
        Validity.TIME_LIMITED,
    )
    raised = warnings.raise_hazard(
        cast.svc,
        cast.north_liaison,
        volume(23.71, 41.75, 3000, start_h=0, hours=3),
        Severity.DANGER,
        "expect hostile drones within 2 hours",
    )
    return raised.id


def test_silent_alerts_are_resent_on_schedule_and_escalated(cast: Cast) -> None:
    svc = cast.svc
    warning_id = _shelter_and_warning(cast)
    assert resending.resend_due_warnings(svc, POLICY) == 0
    cast.clock.advance(timedelta(seconds=119))
    assert resending.resend_due_warnings(svc, POLICY) == 0
    cast.clock.advance(timedelta(seconds=1))
    assert resending.resend_due_warnings(svc, POLICY) == 1
    assert resending.resend_due_warnings(svc, POLICY) == 0
    cast.clock.advance(timedelta(seconds=300))
    assert resending.resend_due_warnings(svc, POLICY) == 1
    alerts = [e for e in _events(cast, cast.relief_liaison) if e.type is AuditKind.ALERT]
    assert [(a.data["sends"], a.data.get("escalated", False)) for a in alerts] == [
        (1, False),
        (2, False),
        (3, True),
    ]
    warnings.acknowledge_hazard(svc, cast.relief_liaison, warning_id)  # type: ignore[arg-type]
    cast.clock.advance(timedelta(hours=1))
    assert resending.resend_due_warnings(svc, POLICY) == 0
    acks = [e for e in _events(cast, cast.north_liaison) if e.type is AuditKind.ACKNOWLEDGEMENT]
    assert [a.data["seconds_to_acknowledge"] for a in acks] == [420]


def test_nothing_is_resent_once_the_warning_is_over(cast: Cast) -> None:
    _shelter_and_warning(cast)
    cast.clock.advance(timedelta(hours=3))
    assert resending.resend_due_warnings(cast.svc, POLICY) == 0


def test_a_resend_that_is_due_is_found_behind_older_alerts_that_are_not(cast: Cast) -> None:
    svc = cast.svc
    _shelter_and_warning(cast)
    older = [_shelter_and_warning(cast) for _ in range(3)]
    cast.clock.advance(timedelta(seconds=120))
    assert resending.resend_due_warnings(svc, POLICY) == 4  # each now waits 300 s
    cast.clock.advance(timedelta(seconds=10))
    newer = _shelter_and_warning(cast)  # first re-send due 120 s on, before the older ones
    cast.clock.advance(timedelta(seconds=120))
    # A batch smaller than the older alerts, as 500 is smaller than a busy day's warnings.
    assert resending.any_due(svc, POLICY)
    assert resending.resend_due_warnings(svc, POLICY, limit=2) == 1
    assert [_sends(svc, w) for w in [*older, newer]] == [2, 2, 2, 2]
    assert not resending.any_due(svc, POLICY)


def _sends(svc: Service, warning_id: str) -> int:
    """How many times the warning's one alert was sent."""
    warning = svc.read(lambda tx: tx.warnings.get(WarningId(warning_id)))
    assert warning is not None
    return warning.alerts[0].sends


def test_an_area_of_interest_is_alerted_and_reveals_no_operation(cast: Cast) -> None:
    svc = cast.svc
    area = volume(24.20, 41.40, 2000, start_h=0, hours=24)
    subscriptions.subscribe(
        svc, cast.relief_liaison, "Mobile clinic route", [area], [], [Channel.STREAM]
    )
    # Another party's operation there: no zone of Valecrest's is touched, so it is not told.
    op = operations.submit_operation(svc, cast.north_planner, Plan((volume(24.20, 41.40, 500),)))
    assert op.state is OperationState.CLEARED
    assert views.inbox(svc, cast.relief_liaison, after=None, limit=5) == []
    assert views.notices(svc, cast.relief_liaison, after=None, limit=5) == []
    raised = warnings.raise_hazard(
        svc,
        cast.south_liaison,
        volume(24.21, 41.40, 1000, start_h=0, hours=2),
        Severity.CAUTION,
        "unexploded ordnance reported on the road",
    )
    # Valecrest by its area of interest, Northmere by its operation there.
    assert {a.party_id for a in raised.alerts} == {
        cast.relief_liaison.party_id,
        cast.north_planner.party_id,
    }


def test_the_stream_carries_every_event_until_subscriptions_route_it(cast: Cast) -> None:
    svc = cast.svc
    _shelter_and_warning(cast)
    everything = _events(cast, cast.relief_liaison)
    assert {e.type for e in everything} >= {AuditKind.STATE_CHANGE, AuditKind.ALERT}
    assert [e.id for e in everything] == list(range(len(everything)))
    subscriptions.subscribe(
        svc, cast.relief_liaison, "alerts only", [], [AuditKind.ALERT], [Channel.STREAM]
    )
    routed = _events(cast, cast.relief_liaison)
    assert {e.type for e in routed} == {AuditKind.ALERT}
    page = events.events_after(svc, cast.relief_liaison, -1, limit=1)
    assert page.last_id == 0


def _webhook(cast: Cast, who: Principal, purpose: Purpose = Purpose.PRIMARY) -> str:
    hook = new_webhook(
        cast.svc.new_id(),
        who.party_id,
        "https://hooks.valecrest.example/deconflict",
        "whsec_dGVzdC1zZWNyZXQtZm9yLXRlc3RzLW9ubHk=",
        purpose,
        "",
        cast.clock.now(),
    )
    cast.svc.write(lambda tx: tx.webhooks.add(hook))
    return hook.id


def test_deliveries_follow_the_cursor_the_routing_and_the_escalation(cast: Cast) -> None:
    svc = cast.svc
    zones.protect(
        svc,
        cast.relief_planner,
        "Depot",
        [volume(23.0, 41.0, 100)],
        Buffer(),
        Validity.TIME_LIMITED,
    )  # before any webhook: never delivered
    primary = _webhook(cast, cast.relief_liaison)
    escalation = _webhook(cast, cast.relief_liaison, Purpose.ESCALATION)
    _shelter_and_warning(cast)
    made = outbox.make_deliveries(svc, escalate_from_sends=3)
    assert outbox.make_deliveries(svc, escalate_from_sends=3) == 0  # the cursor moved
    since = events.events_after(svc, cast.relief_liaison, -1, limit=100).events
    depot = next(e.id for e in since if e.subject.startswith("zone:"))
    to_primary = svc.read(
        lambda tx: tx.webhooks.deliveries_of(
            primary, states=list(DeliveryState), after=None, limit=100
        )
    )
    assert made == len(to_primary)
    # Every event since the webhooks came, none before: the depot zone was made earlier.
    assert {d.event_id for d in to_primary} == {e.id for e in since if e.id > depot}
    for _ in range(2):
        cast.clock.advance(timedelta(seconds=300))
        resending.resend_due_warnings(svc, POLICY)
    outbox.make_deliveries(svc, escalate_from_sends=3)
    escalated = svc.read(
        lambda tx: tx.webhooks.deliveries_of(
            escalation, states=list(DeliveryState), after=None, limit=100
        )
    )
    assert len(escalated) == 1  # only the third send


def test_a_leased_delivery_is_sent_by_one_taker_then_retried_dead_and_replayed(cast: Cast) -> None:
    svc = cast.svc
    hook = _webhook(cast, cast.relief_liaison)
    _shelter_and_warning(cast)
    outbox.make_deliveries(svc, escalate_from_sends=3)
    taken = outbox.take_due(svc, lease_s=30, limit=100)
    assert taken
    assert outbox.take_due(svc, lease_s=30, limit=100) == []  # leased
    cast.clock.advance(timedelta(seconds=30))
    again = outbox.take_due(svc, lease_s=30, limit=100)  # the taker died: the lease ran out
    assert {p.delivery.id for p in again} == {p.delivery.id for p in taken}

    parcel = again[0]
    first = outbox.settle(
        svc, parcel, status=500, ok=False, error="HTTP 500", retry_after=lambda n: 10.0
    )
    assert first is not None
    assert (first.state, first.attempts, first.last_status) == (DeliveryState.PENDING, 1, 500)
    assert first.next_attempt_at == cast.clock.now() + timedelta(seconds=10)
    cast.clock.advance(timedelta(seconds=10))
    retry = _taken(svc, parcel.delivery.id)
    dead = outbox.settle(
        svc, retry, status=None, ok=False, error="connection refused", retry_after=lambda n: None
    )
    assert dead is not None
    assert dead.state is DeliveryState.DEAD
    replayed = replay(svc, cast.relief_liaison, hook, dead.id)
    assert (replayed.state, replayed.attempts) == (DeliveryState.PENDING, 0)
    last = _taken(svc, dead.id)
    done = outbox.settle(svc, last, status=204, ok=True, error="", retry_after=lambda n: 1.0)
    assert done is not None
    assert (done.state, done.attempts) == (DeliveryState.DELIVERED, 1)
    # A second settlement of the same attempt (a slow duplicate taker) changes nothing.
    assert (
        outbox.settle(svc, last, status=204, ok=True, error="", retry_after=lambda n: 1.0) is None
    )


def _taken(svc: Service, delivery_id: str) -> outbox.Parcel:
    taken = outbox.take_due(svc, lease_s=30, limit=100)
    return next(p for p in taken if p.delivery.id == delivery_id)


def test_delivered_deliveries_are_purged_after_a_week_and_the_others_stay(cast: Cast) -> None:
    svc = cast.svc
    hook = _webhook(cast, cast.relief_liaison)
    _shelter_and_warning(cast)
    outbox.make_deliveries(svc, escalate_from_sends=3)
    first, *rest = outbox.take_due(svc, lease_s=30, limit=100)
    assert rest, "two events at least: the zone and the alert"
    outbox.settle(svc, first, status=200, ok=True, error="", retry_after=lambda n: None)
    outbox.settle(svc, rest[0], status=500, ok=False, error="HTTP 500", retry_after=lambda n: None)
    cast.clock.advance(DELIVERED_RETENTION - timedelta(seconds=1))
    assert purge(svc).deliveries == 0
    cast.clock.advance(timedelta(seconds=1))
    assert purge(svc).deliveries == 1
    left = svc.read(
        lambda tx: tx.webhooks.deliveries_of(hook, states=list(DeliveryState), after=None, limit=9)
    )
    assert DeliveryState.DELIVERED not in {d.state for d in left}
    assert DeliveryState.DEAD in {d.state for d in left}


def test_dead_deliveries_are_purged_a_month_after_their_last_attempt(cast: Cast) -> None:
    svc = cast.svc
    hook = _webhook(cast, cast.relief_liaison)
    _shelter_and_warning(cast)
    outbox.make_deliveries(svc, escalate_from_sends=3)
    first, second, *_ = outbox.take_due(svc, lease_s=30, limit=100)
    outbox.settle(svc, first, status=500, ok=False, error="HTTP 500", retry_after=lambda n: None)
    cast.clock.advance(timedelta(days=1))
    outbox.settle(svc, second, status=None, ok=False, error="refused", retry_after=lambda n: None)

    def dead() -> set[str]:
        return {
            d.id
            for d in svc.read(
                lambda tx: tx.webhooks.deliveries_of(
                    hook, states=[DeliveryState.DEAD], after=None, limit=9
                )
            )
        }

    assert dead() == {first.delivery.id, second.delivery.id}
    cast.clock.advance(DEAD_RETENTION - timedelta(days=1))
    assert purge(svc).deliveries == 1  # the first died a day earlier: its month is up
    assert dead() == {second.delivery.id}
    cast.clock.advance(timedelta(days=1))
    assert purge(svc).deliveries == 1
    assert dead() == set()


def test_an_answer_under_a_lease_taken_over_since_is_dropped(cast: Cast) -> None:
    svc = cast.svc
    _webhook(cast, cast.relief_liaison)
    _shelter_and_warning(cast)
    outbox.make_deliveries(svc, escalate_from_sends=3)
    slow = outbox.take_due(svc, lease_s=30, limit=1)[0]
    cast.clock.advance(timedelta(seconds=30))
    again = _taken(svc, slow.delivery.id)  # the first taker is late: the lease ran out
    late = outbox.settle(
        svc, slow, status=None, ok=False, error="no answer", retry_after=lambda n: 10.0
    )
    assert late is None  # not counted: the delivery is someone else's now
    done = outbox.settle(svc, again, status=200, ok=True, error="", retry_after=lambda n: 10.0)
    assert done is not None
    assert (done.state, done.attempts) == (DeliveryState.DELIVERED, 1)
