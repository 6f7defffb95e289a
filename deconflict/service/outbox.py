"""From a party's record to its webhooks: deliveries made, taken for sending, and settled.

`make_deliveries` turns the events after each webhook's cursor into deliveries and moves
the cursor in the same transaction; `take_due` leases due deliveries so that one process
sends each; `settle` records what the endpoint answered, if the lease it was sent under is
still the delivery's last (a late answer to a lease taken over since is dropped, so one
attempt is never counted twice). A process that dies mid-way loses
nothing: events stay in the record, and a lease that runs out makes its delivery due again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from deconflict.domain.audit import AuditKind
from deconflict.domain.event import Event, alert_sends, event_of
from deconflict.domain.subscription import Channel, Subscription, carries
from deconflict.domain.webhook import (
    Delivery,
    DeliveryState,
    Purpose,
    Webhook,
    delivered,
    failed,
    new_delivery,
)
from deconflict.service.context import Service
from deconflict.store.interface import Transaction

BATCH = 500


@dataclass(frozen=True, slots=True)
class Parcel:
    """A delivery taken for sending, with what it carries and where."""

    delivery: Delivery
    webhook: Webhook
    event: Event
    lease_until: datetime  # the lease it was taken under; also its token when settling


def routes_to(
    webhook: Webhook,
    event: Event,
    subscriptions: list[Subscription],
    escalate_from_sends: int,
) -> bool:
    if webhook.purpose is Purpose.ESCALATION:
        return event.type is AuditKind.ALERT and alert_sends(event) >= escalate_from_sends
    return carries(subscriptions, Channel.WEBHOOK, event.type)


def make_deliveries(svc: Service, *, escalate_from_sends: int, limit: int = BATCH) -> int:
    """Deliveries for the events after each webhook's cursor; returns how many were made."""
    return svc.write(lambda tx: _make(tx, svc, escalate_from_sends, limit))


def _make(tx: Transaction, svc: Service, escalate_from_sends: int, limit: int) -> int:
    now = svc.clock.now()
    found = tx.webhooks.undelivered_events(limit=limit)
    subscriptions: dict[str, list[Subscription]] = {}
    cursors: dict[str, int] = {}
    made = 0
    for webhook, event in found:
        subs = subscriptions.get(webhook.party_id)
        if subs is None:
            subs = subscriptions[webhook.party_id] = tx.subscriptions.of_party(webhook.party_id)
        if routes_to(webhook, event, subs, escalate_from_sends):
            tx.webhooks.put_delivery(new_delivery(svc.new_id(), webhook, event.id, now))
            made += 1
        cursors[webhook.id] = event.id + 1
    for webhook_id, next_event_id in cursors.items():
        tx.webhooks.advance(webhook_id, next_event_id)
    return made


def take_due(svc: Service, *, lease_s: float, limit: int) -> list[Parcel]:
    """Lease up to `limit` due deliveries for `lease_s` seconds, with their events."""
    return svc.write(lambda tx: _lease(tx, svc, lease_s, limit))


def make_and_take(
    svc: Service, *, escalate_from_sends: int, lease_s: float, limit: int
) -> tuple[int, list[Parcel]]:
    """`make_deliveries` then `take_due` in one transaction: one writer turn for both."""

    def work(tx: Transaction) -> tuple[int, list[Parcel]]:
        made = _make(tx, svc, escalate_from_sends, BATCH)
        return made, (_lease(tx, svc, lease_s, limit) if limit > 0 else [])

    return svc.write(work)


def has_work(svc: Service) -> bool:
    """Whether an event awaits its deliveries or a delivery is due: a read, to spare the
    writer a transaction that would change nothing."""

    def work(tx: Transaction) -> bool:
        if tx.webhooks.undelivered_events(limit=1):
            return True
        due = tx.webhooks.next_due()
        return due is not None and due <= svc.clock.now()

    return svc.read(work)


def has_events(svc: Service) -> bool:
    """Whether an event awaits its deliveries: a read, as `has_work` is."""
    return svc.read(lambda tx: bool(tx.webhooks.undelivered_events(limit=1)))


def _lease(tx: Transaction, svc: Service, lease_s: float, limit: int) -> list[Parcel]:
    now = svc.clock.now()
    lease_until = now + timedelta(seconds=lease_s)
    taken = tx.webhooks.lease_due(now=now, lease_until=lease_until, limit=limit)
    parcels = []
    for delivery in taken:
        webhook = tx.webhooks.get(delivery.webhook_id)
        links = tx.audit.for_party(delivery.party_id, after_seq=delivery.event_id - 1, limit=1)
        if webhook is None or not links or links[0].party_seq != delivery.event_id:
            continue  # its webhook was removed meanwhile, and its deliveries with it
        parcels.append(Parcel(delivery, webhook, event_of(links[0]), lease_until))
    return parcels


@dataclass(frozen=True, slots=True)
class Attempt:
    """What the endpoint answered to one parcel: a 2xx status, or why not."""

    parcel: Parcel
    status: int | None
    ok: bool
    error: str


def settle(
    svc: Service,
    parcel: Parcel,
    *,
    status: int | None,
    ok: bool,
    error: str,
    retry_after: Callable[[int], float | None],
) -> Delivery | None:
    """Record one attempt: delivered, or failed and due again after `retry_after(attempts)`
    seconds (None: give up, dead-lettered). None when the delivery is gone or settled, or
    its lease was taken over: the attempt is then dropped."""
    return settle_all(svc, [Attempt(parcel, status, ok, error)], retry_after=retry_after)[0]


def settle_all(
    svc: Service, attempts: Sequence[Attempt], *, retry_after: Callable[[int], float | None]
) -> list[Delivery | None]:
    """Record several attempts in one transaction, as `settle` does one."""

    def work(tx: Transaction) -> list[Delivery | None]:
        now = svc.clock.now()
        return [_settle(tx, attempt, now, retry_after) for attempt in attempts]

    return svc.write(work)


def _settle(
    tx: Transaction,
    attempt: Attempt,
    now: datetime,
    retry_after: Callable[[int], float | None],
) -> Delivery | None:
    parcel = attempt.parcel
    if not tx.webhooks.holds_lease(parcel.delivery.id, parcel.lease_until):
        return None  # settled already, or taken over by a later lease: that one counts
    current = tx.webhooks.get_delivery(parcel.delivery.id)
    if current is None or current.state is not DeliveryState.PENDING:
        return None
    if attempt.ok and attempt.status is not None:
        after = delivered(current, attempt.status, now)
    else:
        wait = retry_after(current.attempts + 1)
        retry_at = None if wait is None else now + timedelta(seconds=wait)
        after = failed(current, attempt.status, attempt.error, retry_at, now)
    tx.webhooks.put_delivery(after)
    return after


def next_due(svc: Service) -> datetime | None:
    return svc.read(lambda tx: tx.webhooks.next_due())
