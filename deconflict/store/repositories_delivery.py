"""Repositories of delivery — subscriptions, webhooks and their deliveries — in domain terms."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from deconflict.domain.event import Event
from deconflict.domain.ids import PartyId
from deconflict.domain.subscription import Subscription
from deconflict.domain.webhook import Delivery, DeliveryState, Webhook


class SubscriptionRecords(Protocol):
    def put(self, subscription: Subscription) -> None: ...

    def get(self, subscription_id: str) -> Subscription | None: ...

    def get_of_party(self, subscription_id: str, party_id: PartyId) -> Subscription | None:
        """The subscription if the party holds it; another party's reads as unknown."""

    def delete(self, subscription_id: str) -> bool: ...

    def of_party(
        self, party_id: PartyId, *, after: str | None = None, limit: int = 1000
    ) -> list[Subscription]: ...

    def count_of_party(self, party_id: PartyId) -> int: ...


class WebhookRecords(Protocol):
    def add(self, webhook: Webhook) -> None:
        """Store a new webhook; it receives its party's events from now on."""

    def get(self, webhook_id: str) -> Webhook | None: ...

    def get_of_party(self, webhook_id: str, party_id: PartyId) -> Webhook | None:
        """The webhook if the party registered it; another party's reads as unknown."""

    def delete(self, webhook_id: str) -> bool:
        """Drop the webhook and its deliveries; False when there was none."""

    def of_party(
        self, party_id: PartyId, *, after: str | None = None, limit: int = 1000
    ) -> list[Webhook]: ...

    def count_of_party(self, party_id: PartyId) -> int: ...

    def undelivered_events(self, *, limit: int) -> list[tuple[Webhook, Event]]:
        """Events at or after each webhook's cursor, oldest first per webhook."""

    def advance(self, webhook_id: str, next_event_id: int) -> None:
        """Move the webhook's cursor forward (never back)."""

    def put_delivery(self, delivery: Delivery) -> None:
        """Store a delivery as it now is, ending any lease on it."""

    def get_delivery(self, delivery_id: str) -> Delivery | None: ...

    def get_delivery_to(self, delivery_id: str, webhook_id: str) -> Delivery | None:
        """The delivery if it is one to the webhook; one to another reads as unknown."""

    def lease_due(self, *, now: datetime, lease_until: datetime, limit: int) -> list[Delivery]:
        """Take pending deliveries due by `now` that nobody holds, until `lease_until`."""

    def holds_lease(self, delivery_id: str, lease_until: datetime) -> bool:
        """Whether the lease that `lease_due` gave until `lease_until` is still the delivery's
        last: nobody has taken it since, and it has not been settled."""

    def next_due(self) -> datetime | None:
        """When the earliest pending delivery can next be taken."""

    def purge_settled(self, *, delivered_before: datetime, dead_before: datetime) -> int:
        """Forget deliveries that arrived before `delivered_before`, and dead ones last tried
        before `dead_before`; returns how many."""

    def deliveries_of(
        self,
        webhook_id: str,
        *,
        states: Sequence[DeliveryState],
        after: str | None,
        limit: int,
    ) -> list[Delivery]: ...
