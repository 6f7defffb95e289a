"""Subscriptions, webhooks and their deliveries, as the API takes and shows them."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from deconflict import errors
from deconflict.api.schemas.bounds import chars, items
from deconflict.api.schemas.common import Instant, Model
from deconflict.api.schemas.volumes import Volume, volumes_to_domain
from deconflict.delivery.targets import MAX_URL_CHARS
from deconflict.domain.audit import AuditKind
from deconflict.domain.subscription import Channel, Subscription
from deconflict.domain.webhook import (
    MAX_DESCRIPTION_CHARS,
    Delivery,
    DeliveryState,
    Purpose,
    Webhook,
)
from deconflict.domain.zone import MAX_NAME_CHARS, MAX_VOLUMES
from deconflict.geometry import VerticalModel, Volume4D


class SubscriptionIn(Model):
    name: Annotated[str, chars(0, MAX_NAME_CHARS)] = ""
    volumes: Annotated[list[Volume], items(0, MAX_VOLUMES)] = Field(
        default_factory=list,
        description=(
            "Areas and times of interest: a warning over any of them alerts your party. "
            "They reveal nothing else: others' operations are shown only where they run "
            "into your own zones and operations."
        ),
    )
    event_types: list[AuditKind] = Field(
        default_factory=list, description="The event types this routes; empty: every type."
    )
    channels: list[Channel] = Field(
        description=(
            "Where the event types go. A channel with no subscription carries every event; "
            "once it has some, it carries the types they name."
        )
    )

    def volumes_to_domain(self, model: VerticalModel) -> tuple[Volume4D, ...]:
        if len(self.volumes) > MAX_VOLUMES:
            raise errors.InvalidInput(f"at most {MAX_VOLUMES} volumes are allowed", "/volumes")
        return volumes_to_domain(self.volumes, model)


class SubscriptionOut(Model):
    id: str
    name: str
    volumes: list[Volume]
    event_types: list[AuditKind]
    channels: list[Channel]
    created_at: Instant

    @classmethod
    def from_domain(cls, subscription: Subscription) -> SubscriptionOut:
        return cls(
            id=subscription.id,
            name=subscription.name,
            volumes=[Volume.from_domain(v) for v in subscription.volumes],
            event_types=sorted(subscription.event_types),
            channels=sorted(subscription.channels),
            created_at=subscription.created_at,
        )


class WebhookIn(Model):
    url: Annotated[str, chars(1, MAX_URL_CHARS)] = Field(
        description="An https URL of a public address; it receives each event as a signed POST."
    )
    purpose: Purpose = Field(
        default=Purpose.PRIMARY,
        description=(
            "primary: the events your subscriptions route to webhooks; escalation: warnings "
            "still unacknowledged after re-sends."
        ),
    )
    description: Annotated[str, chars(0, MAX_DESCRIPTION_CHARS)] = ""


class WebhookOut(Model):
    id: str
    url: str
    purpose: Purpose
    description: str
    created_at: Instant

    @classmethod
    def from_domain(cls, webhook: Webhook) -> WebhookOut:
        return cls(
            id=webhook.id,
            url=webhook.url,
            purpose=webhook.purpose,
            description=webhook.description,
            created_at=webhook.created_at,
        )


class RegisteredWebhookOut(WebhookOut):
    secret: str = Field(
        description=(
            "Signs every delivery (see docs/webhooks.md). Shown this once: keep it; to change "
            "it, register a new webhook and remove this one."
        )
    )

    @classmethod
    def registered(cls, webhook: Webhook) -> RegisteredWebhookOut:
        return cls(**WebhookOut.from_domain(webhook).model_dump(), secret=webhook.secret)


class DeliveryOut(Model):
    id: str = Field(description="Also the `webhook-id` header of every attempt.")
    event_id: int
    state: DeliveryState
    attempts: int
    next_attempt_at: Instant | None
    last_attempt_at: Instant | None
    last_status: int | None = Field(description="The endpoint's last HTTP status, if any.")
    last_error: str
    delivered_at: Instant | None
    created_at: Instant

    @classmethod
    def from_domain(cls, delivery: Delivery) -> DeliveryOut:
        return cls(
            id=delivery.id,
            event_id=delivery.event_id,
            state=delivery.state,
            attempts=delivery.attempts,
            next_attempt_at=delivery.next_attempt_at,
            last_attempt_at=delivery.last_attempt_at,
            last_status=delivery.last_status,
            last_error=delivery.last_error,
            delivered_at=delivery.delivered_at,
            created_at=delivery.created_at,
        )
