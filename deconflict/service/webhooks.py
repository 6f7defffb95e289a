"""Webhook use cases: register an endpoint, list and remove it, see and replay its deliveries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from deconflict import errors
from deconflict.delivery.signing import new_secret
from deconflict.delivery.targets import check_webhook_url
from deconflict.domain.audit import AuditKind, JsonValue
from deconflict.domain.party import Action
from deconflict.domain.webhook import (
    MAX_WEBHOOKS_PER_PARTY,
    Delivery,
    DeliveryState,
    Purpose,
    Webhook,
    new_webhook,
    replayed,
)
from deconflict.service.context import Principal, Service, not_found
from deconflict.service.recording import record
from deconflict.store.interface import Transaction

_SECRET_BYTES = 32


@dataclass(frozen=True, slots=True)
class WebhookPolicy:
    """What the operator allows: loopback targets are for tests and local receivers only."""

    allow_loopback: bool = False


def register(
    svc: Service,
    by: Principal,
    url: str,
    purpose: Purpose,
    description: str,
    policy: WebhookPolicy,
) -> Webhook:
    """A new webhook, with its signing secret: the only time the secret is shown."""
    by.require(Action.MANAGE_SUBSCRIPTIONS)
    checked = check_webhook_url(url, allow_loopback=policy.allow_loopback)

    def work(tx: Transaction) -> Webhook:
        now = svc.clock.now()
        webhook = new_webhook(
            svc.new_id(),
            by.party_id,
            str(checked),
            new_secret(svc.entropy(_SECRET_BYTES)),
            purpose,
            description,
            now,
        )
        if tx.webhooks.count_of_party(by.party_id) >= MAX_WEBHOOKS_PER_PARTY:
            raise errors.LimitReached(f"a party may register {MAX_WEBHOOKS_PER_PARTY} webhooks")
        tx.webhooks.add(webhook)
        _record(tx, by, webhook, {"event": "webhook_registered", "purpose": purpose.value}, now)
        return webhook

    return svc.write(work)


def remove(svc: Service, by: Principal, webhook_id: str) -> None:
    by.require(Action.MANAGE_SUBSCRIPTIONS)

    def work(tx: Transaction) -> None:
        webhook = _own(tx, by, webhook_id)
        tx.webhooks.delete(webhook.id)
        _record(tx, by, webhook, {"event": "webhook_removed"}, svc.clock.now())

    svc.write(work)


def own_webhook(svc: Service, by: Principal, webhook_id: str) -> Webhook:
    by.require(Action.VIEW)
    return svc.read(lambda tx: _own(tx, by, webhook_id))


def own_webhooks(svc: Service, by: Principal, *, after: str | None, limit: int) -> list[Webhook]:
    by.require(Action.VIEW)
    return svc.read(lambda tx: tx.webhooks.of_party(by.party_id, after=after, limit=limit))


def deliveries(
    svc: Service,
    by: Principal,
    webhook_id: str,
    states: Sequence[DeliveryState],
    *,
    after: str | None,
    limit: int,
) -> list[Delivery]:
    by.require(Action.VIEW)

    def work(tx: Transaction) -> list[Delivery]:
        webhook = _own(tx, by, webhook_id)
        return tx.webhooks.deliveries_of(webhook.id, states=states, after=after, limit=limit)

    return svc.read(work)


def replay(svc: Service, by: Principal, webhook_id: str, delivery_id: str) -> Delivery:
    """Try a dead delivery again, from its first attempt."""
    by.require(Action.MANAGE_SUBSCRIPTIONS)

    def work(tx: Transaction) -> Delivery:
        now = svc.clock.now()
        webhook = _own(tx, by, webhook_id)
        delivery = tx.webhooks.get_delivery_to(delivery_id, webhook.id)
        if delivery is None:
            raise not_found("delivery")
        again = replayed(delivery, now)
        tx.webhooks.put_delivery(again)
        _record(tx, by, webhook, {"event": "delivery_replayed", "event_id": delivery.event_id}, now)
        return again

    return svc.write(work)


def _own(tx: Transaction, by: Principal, webhook_id: str) -> Webhook:
    webhook = tx.webhooks.get_of_party(webhook_id, by.party_id)
    if webhook is None:
        raise not_found("webhook")
    return webhook


def _record(
    tx: Transaction, by: Principal, webhook: Webhook, data: dict[str, JsonValue], now: datetime
) -> None:
    record(tx, now, AuditKind.SUBSCRIPTION, by, f"webhook:{webhook.id}", data)
