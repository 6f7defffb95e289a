"""Subscription use cases: areas and times of interest, and which events go to which channel."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from deconflict import errors
from deconflict.domain.audit import AuditKind
from deconflict.domain.entities import EntityKind, EntityRef, VolumeOwner
from deconflict.domain.party import Action
from deconflict.domain.subscription import (
    MAX_SUBSCRIPTIONS_PER_PARTY,
    Channel,
    Subscription,
    new_subscription,
)
from deconflict.geometry import Reach, Volume4D
from deconflict.geometry.volume_checks import check_reach
from deconflict.service.context import Principal, Service, not_found
from deconflict.service.recording import record
from deconflict.service.warnings import alert_on_arrival
from deconflict.store.interface import Transaction


def subscribe(
    svc: Service,
    by: Principal,
    name: str,
    volumes: Sequence[Volume4D],
    event_types: Iterable[AuditKind],
    channels: Iterable[Channel],
) -> Subscription:
    by.require(Action.MANAGE_SUBSCRIPTIONS)

    def work(tx: Transaction) -> Subscription:
        now = svc.clock.now()
        subscription = new_subscription(
            svc.new_id(), by.party_id, name, volumes, event_types, channels, now
        )
        reaches = [Reach(v) for v in subscription.volumes]
        for i, reach in enumerate(reaches):
            check_reach(reach, f"/volumes/{i}")
        if tx.subscriptions.count_of_party(by.party_id) >= MAX_SUBSCRIPTIONS_PER_PARTY:
            raise errors.LimitReached(
                f"a party may hold {MAX_SUBSCRIPTIONS_PER_PARTY} subscriptions"
            )
        tx.subscriptions.put(subscription)
        # Areas of interest sit in the volume index so that a warning over them finds them.
        tx.volumes.replace(_owner(subscription), reaches)
        alert_on_arrival(tx, now, by.party_id, reaches)
        record(
            tx,
            now,
            AuditKind.SUBSCRIPTION,
            by,
            f"subscription:{subscription.id}",
            {
                "event": "subscribed",
                "volumes": len(subscription.volumes),
                "event_types": sorted(t.value for t in subscription.event_types),
                "channels": sorted(c.value for c in subscription.channels),
            },
        )
        return subscription

    return svc.write(work)


def unsubscribe(svc: Service, by: Principal, subscription_id: str) -> None:
    by.require(Action.MANAGE_SUBSCRIPTIONS)

    def work(tx: Transaction) -> None:
        subscription = _own(tx, by, subscription_id)
        tx.subscriptions.delete(subscription.id)
        tx.volumes.remove(_owner(subscription).entity)
        record(
            tx,
            svc.clock.now(),
            AuditKind.SUBSCRIPTION,
            by,
            f"subscription:{subscription.id}",
            {"event": "unsubscribed"},
        )

    svc.write(work)


def own_subscription(svc: Service, by: Principal, subscription_id: str) -> Subscription:
    by.require(Action.VIEW)
    return svc.read(lambda tx: _own(tx, by, subscription_id))


def own_subscriptions(
    svc: Service, by: Principal, *, after: str | None, limit: int
) -> list[Subscription]:
    by.require(Action.VIEW)
    return svc.read(lambda tx: tx.subscriptions.of_party(by.party_id, after=after, limit=limit))


def _own(tx: Transaction, by: Principal, subscription_id: str) -> Subscription:
    subscription = tx.subscriptions.get_of_party(subscription_id, by.party_id)
    if subscription is None:
        raise not_found("subscription")
    return subscription


def _owner(subscription: Subscription) -> VolumeOwner:
    return VolumeOwner(
        EntityRef(EntityKind.SUBSCRIPTION, subscription.id), subscription.party_id, 1
    )
