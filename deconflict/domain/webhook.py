"""Webhooks: a party's HTTPS endpoints, and the delivery of each event to each of them.

A delivery is pending until the endpoint answers 2xx (delivered) or the retry policy gives
up (dead); a dead delivery stays visible and can be replayed, which makes it pending anew.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime

from deconflict import errors
from deconflict.domain.ids import PartyId

#: Webhooks one party may register.
MAX_WEBHOOKS_PER_PARTY = 10
MAX_DESCRIPTION_CHARS = 200
MAX_ERROR_CHARS = 300


class Purpose(enum.StrEnum):
    PRIMARY = "primary"  # receives the events its party's subscriptions route to webhooks
    ESCALATION = "escalation"  # receives warnings still unacknowledged after re-sends


@dataclass(frozen=True, slots=True)
class Webhook:
    id: str
    party_id: PartyId
    url: str
    secret: str  # signs each delivery; shown once, when registered
    purpose: Purpose
    description: str
    created_at: datetime


class DeliveryState(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event on its way to one webhook."""

    id: str
    webhook_id: str
    party_id: PartyId
    event_id: int
    state: DeliveryState
    attempts: int
    next_attempt_at: datetime | None  # when pending
    created_at: datetime
    last_attempt_at: datetime | None = None
    last_status: int | None = None  # the endpoint's HTTP status, None when none came back
    last_error: str = ""
    delivered_at: datetime | None = None


def new_webhook(
    webhook_id: str,
    party_id: PartyId,
    url: str,
    secret: str,
    purpose: Purpose,
    description: str,
    now: datetime,
) -> Webhook:
    description = description.strip()
    if len(description) > MAX_DESCRIPTION_CHARS:
        raise errors.InvalidInput(
            f"a description has at most {MAX_DESCRIPTION_CHARS} characters", "/description"
        )
    return Webhook(webhook_id, party_id, url, secret, purpose, description, now)


def new_delivery(delivery_id: str, webhook: Webhook, event_id: int, now: datetime) -> Delivery:
    return Delivery(
        delivery_id, webhook.id, webhook.party_id, event_id, DeliveryState.PENDING, 0, now, now
    )


def delivered(delivery: Delivery, status: int, now: datetime) -> Delivery:
    return replace(
        delivery,
        state=DeliveryState.DELIVERED,
        attempts=delivery.attempts + 1,
        next_attempt_at=None,
        last_attempt_at=now,
        last_status=status,
        last_error="",
        delivered_at=now,
    )


def failed(
    delivery: Delivery, status: int | None, error: str, retry_at: datetime | None, now: datetime
) -> Delivery:
    """After a failed attempt: pending again at `retry_at`, or dead when that is None."""
    return replace(
        delivery,
        state=DeliveryState.PENDING if retry_at is not None else DeliveryState.DEAD,
        attempts=delivery.attempts + 1,
        next_attempt_at=retry_at,
        last_attempt_at=now,
        last_status=status,
        last_error=error[:MAX_ERROR_CHARS],
    )


def replayed(delivery: Delivery, now: datetime) -> Delivery:
    """A dead delivery made pending again, with a fresh count of attempts."""
    if delivery.state is not DeliveryState.DEAD:
        raise errors.NotReplayable(
            f"only a dead delivery can be replayed; this one is {delivery.state}"
        )
    return replace(delivery, state=DeliveryState.PENDING, attempts=0, next_attempt_at=now)
