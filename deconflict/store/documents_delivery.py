"""JSON documents of delivery: subscriptions, webhooks and webhook deliveries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from deconflict.domain.audit import AuditKind
from deconflict.domain.ids import PartyId
from deconflict.domain.subscription import Channel, Subscription
from deconflict.domain.webhook import Delivery, DeliveryState, Purpose, Webhook
from deconflict.store.codec import from_us, to_us
from deconflict.store.documents import optional_us, us_or_none
from deconflict.store.documents_geo import Document, volume_from_json, volume_to_json


def subscription_to_json(subscription: Subscription) -> Document:
    return {
        "id": subscription.id,
        "party_id": subscription.party_id,
        "name": subscription.name,
        "volumes": [volume_to_json(v) for v in subscription.volumes],
        "event_types": sorted(t.value for t in subscription.event_types),
        "channels": sorted(c.value for c in subscription.channels),
        "created_us": to_us(subscription.created_at),
    }


def subscription_from_json(data: Mapping[str, Any]) -> Subscription:
    return Subscription(
        data["id"],
        PartyId(data["party_id"]),
        data["name"],
        tuple(volume_from_json(v) for v in data["volumes"]),
        frozenset(AuditKind(t) for t in data["event_types"]),
        frozenset(Channel(c) for c in data["channels"]),
        from_us(data["created_us"]),
    )


def webhook_to_json(webhook: Webhook) -> Document:
    return {
        "id": webhook.id,
        "party_id": webhook.party_id,
        "url": webhook.url,
        "secret": webhook.secret,
        "purpose": webhook.purpose.value,
        "description": webhook.description,
        "created_us": to_us(webhook.created_at),
    }


def webhook_from_json(data: Mapping[str, Any]) -> Webhook:
    return Webhook(
        data["id"],
        PartyId(data["party_id"]),
        data["url"],
        data["secret"],
        Purpose(data["purpose"]),
        data["description"],
        from_us(data["created_us"]),
    )


def delivery_to_json(delivery: Delivery) -> Document:
    return {
        "id": delivery.id,
        "webhook_id": delivery.webhook_id,
        "party_id": delivery.party_id,
        "event_id": delivery.event_id,
        "state": delivery.state.value,
        "attempts": delivery.attempts,
        "next_attempt_us": us_or_none(delivery.next_attempt_at),
        "created_us": to_us(delivery.created_at),
        "last_attempt_us": us_or_none(delivery.last_attempt_at),
        "last_status": delivery.last_status,
        "last_error": delivery.last_error,
        "delivered_us": us_or_none(delivery.delivered_at),
    }


def delivery_from_json(data: Mapping[str, Any]) -> Delivery:
    return Delivery(
        data["id"],
        data["webhook_id"],
        PartyId(data["party_id"]),
        data["event_id"],
        DeliveryState(data["state"]),
        data["attempts"],
        optional_us(data, "next_attempt_us"),
        from_us(data["created_us"]),
        optional_us(data, "last_attempt_us"),
        data["last_status"],
        data["last_error"],
        optional_us(data, "delivered_us"),
    )
