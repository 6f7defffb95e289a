"""Webhooks, and the delivery of each event of their party's record to each of them.

A webhook's `next_event_id` is its cursor in the party's record: the events before it have
been made into deliveries, in the same transaction that moved the cursor, so an event is
never skipped and never made into two deliveries for one webhook.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from deconflict.domain.audit import AuditKind
from deconflict.domain.event import Event
from deconflict.domain.ids import PartyId
from deconflict.domain.webhook import Delivery, DeliveryState, Webhook
from deconflict.store.codec import from_us, to_us
from deconflict.store.documents import dumps, loads, us_or_none
from deconflict.store.documents_delivery import (
    delivery_from_json,
    delivery_to_json,
    webhook_from_json,
    webhook_to_json,
)
from deconflict.store.records.paging import check_limit, page
from deconflict.store.sql_session import SqlSession


class SqlWebhookRecords:
    def __init__(
        self, session: SqlSession, before_reading_audit: Callable[[], None] = lambda: None
    ) -> None:
        self._session = session
        # The party's record is read here too (the cursors): entries still held back by
        # the audit records of this transaction must be written first.
        self._before_reading_audit = before_reading_audit

    def add(self, webhook: Webhook) -> None:
        """Store a new webhook; it receives the events of its party from now on."""
        self._before_reading_audit()
        self._session.execute(
            "INSERT INTO webhooks (id, party_id, next_event_id, document) VALUES (?, ?, "
            "(SELECT coalesce(max(party_seq), -1) + 1 FROM audit_audience WHERE party_id = ?), ?)",
            (webhook.id, webhook.party_id, webhook.party_id, dumps(webhook_to_json(webhook))),
        )

    def get(self, webhook_id: str) -> Webhook | None:
        rows = self._session.execute("SELECT document FROM webhooks WHERE id = ?", (webhook_id,))
        return webhook_from_json(loads(rows[0][0])) if rows else None

    def get_of_party(self, webhook_id: str, party_id: PartyId) -> Webhook | None:
        rows = self._session.execute(
            "SELECT document FROM webhooks WHERE id = ? AND party_id = ?", (webhook_id, party_id)
        )
        return webhook_from_json(loads(rows[0][0])) if rows else None

    def delete(self, webhook_id: str) -> bool:
        """Drop the webhook and every delivery to it."""
        self._session.execute("DELETE FROM webhook_deliveries WHERE webhook_id = ?", (webhook_id,))
        return bool(
            self._session.execute("DELETE FROM webhooks WHERE id = ? RETURNING id", (webhook_id,))
        )

    def of_party(
        self, party_id: PartyId, *, after: str | None = None, limit: int = 1000
    ) -> list[Webhook]:
        rows = page(
            self._session,
            "SELECT document FROM webhooks",
            "party_id = ?",
            (party_id,),
            key="id",
            after=after,
            limit=limit,
        )
        return [webhook_from_json(loads(row[0])) for row in rows]

    def count_of_party(self, party_id: PartyId) -> int:
        rows = self._session.execute(
            "SELECT count(*) FROM webhooks WHERE party_id = ?", (party_id,)
        )
        return int(rows[0][0])

    def undelivered_events(self, *, limit: int) -> list[tuple[Webhook, Event]]:
        """Events of each webhook's party at or after its cursor, oldest first per webhook."""
        check_limit(limit)
        self._before_reading_audit()
        rows = self._session.execute(
            "SELECT w.document, a.party_seq, e.at_us, e.kind, e.subject, e.data "
            "FROM webhooks w "
            "JOIN audit_audience a ON a.party_id = w.party_id AND a.party_seq >= w.next_event_id "
            "JOIN audit_entries e ON e.seq = a.seq "
            "ORDER BY w.id, a.party_seq LIMIT ?",
            (limit,),
        )
        hooks: dict[str, Webhook] = {}
        found = []
        for document, party_seq, at_us, kind, subject, data in rows:
            hook = webhook_from_json(loads(document))
            hook = hooks.setdefault(hook.id, hook)
            event = Event(int(party_seq), AuditKind(kind), from_us(at_us), subject, loads(data))
            found.append((hook, event))
        return found

    def advance(self, webhook_id: str, next_event_id: int) -> None:
        self._session.execute(
            "UPDATE webhooks SET next_event_id = ? WHERE id = ? AND next_event_id < ?",
            (next_event_id, webhook_id, next_event_id),
        )

    def put_delivery(self, delivery: Delivery) -> None:
        """Store a delivery as it now is; storing it also ends any lease on it."""
        pending = delivery.state is DeliveryState.PENDING and delivery.next_attempt_at
        dead = delivery.state is DeliveryState.DEAD
        self._session.execute(
            "INSERT INTO webhook_deliveries (id, webhook_id, event_id, state, "
            "next_attempt_us, lease_until_us, delivered_us, dead_us, document) "
            "VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "state = excluded.state, next_attempt_us = excluded.next_attempt_us, "
            "lease_until_us = NULL, delivered_us = excluded.delivered_us, "
            "dead_us = excluded.dead_us, document = excluded.document",
            (
                delivery.id,
                delivery.webhook_id,
                delivery.event_id,
                delivery.state.value,
                to_us(pending) if pending else None,
                us_or_none(delivery.delivered_at),
                us_or_none(delivery.last_attempt_at) if dead else None,
                dumps(delivery_to_json(delivery)),
            ),
        )

    def get_delivery(self, delivery_id: str) -> Delivery | None:
        rows = self._session.execute(
            "SELECT document FROM webhook_deliveries WHERE id = ?", (delivery_id,)
        )
        return delivery_from_json(loads(rows[0][0])) if rows else None

    def get_delivery_to(self, delivery_id: str, webhook_id: str) -> Delivery | None:
        rows = self._session.execute(
            "SELECT document FROM webhook_deliveries WHERE id = ? AND webhook_id = ?",
            (delivery_id, webhook_id),
        )
        return delivery_from_json(loads(rows[0][0])) if rows else None

    def lease_due(self, *, now: datetime, lease_until: datetime, limit: int) -> list[Delivery]:
        """Pending deliveries due by `now` and leased by nobody, leased until `lease_until`.

        A process that dies while sending leaves its lease to run out, and another process
        (or itself, restarted) takes the delivery up again then.
        """
        check_limit(limit)
        now_us = to_us(now)
        rows = self._session.execute(
            "SELECT id, document FROM webhook_deliveries WHERE state = 'pending' "
            "AND next_attempt_us <= ? AND (lease_until_us IS NULL OR lease_until_us <= ?) "
            "ORDER BY next_attempt_us, id LIMIT ?",
            (now_us, now_us, limit),
        )
        self._session.executemany(
            "UPDATE webhook_deliveries SET lease_until_us = ? WHERE id = ?",
            [(to_us(lease_until), row[0]) for row in rows],
        )
        return [delivery_from_json(loads(row[1])) for row in rows]

    def holds_lease(self, delivery_id: str, lease_until: datetime) -> bool:
        """Whether the lease taken until `lease_until` is still the delivery's last one.

        The end of a lease serves as its token: a delivery is taken again only once its lease
        has run out, so each new lease ends later than the one before, and settling clears it."""
        rows = self._session.execute(
            "SELECT 1 FROM webhook_deliveries WHERE id = ? AND lease_until_us = ?",
            (delivery_id, to_us(lease_until)),
        )
        return bool(rows)

    def next_due(self) -> datetime | None:
        """When the earliest pending delivery falls due, leases aside."""
        rows = self._session.execute(
            "SELECT min(coalesce(lease_until_us, next_attempt_us)) FROM webhook_deliveries "
            "WHERE state = 'pending'"
        )
        return None if rows[0][0] is None else from_us(rows[0][0])

    def purge_settled(self, *, delivered_before: datetime, dead_before: datetime) -> int:
        """Forget deliveries that arrived before `delivered_before`, and dead ones whose last
        attempt was before `dead_before`; the events stay in the record."""
        rows = self._session.execute(
            "DELETE FROM webhook_deliveries WHERE (state = 'delivered' AND delivered_us <= ?) "
            "OR (state = 'dead' AND dead_us <= ?) RETURNING id",
            (to_us(delivered_before), to_us(dead_before)),
        )
        return len(rows)

    def deliveries_of(
        self,
        webhook_id: str,
        *,
        states: Sequence[DeliveryState],
        after: str | None,
        limit: int,
    ) -> list[Delivery]:
        marks = ", ".join("?" for _ in states)
        rows = page(
            self._session,
            "SELECT document FROM webhook_deliveries",
            f"webhook_id = ? AND state IN ({marks})",
            (webhook_id, *(s.value for s in states)),
            key="id",
            after=after,
            limit=limit,
        )
        return [delivery_from_json(loads(row[0])) for row in rows]
