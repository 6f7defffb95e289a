"""Subscriptions of parties; their areas of interest live in the volume index beside them."""

from __future__ import annotations

from deconflict.domain.ids import PartyId
from deconflict.domain.subscription import Subscription
from deconflict.store.documents import dumps, loads
from deconflict.store.documents_delivery import subscription_from_json, subscription_to_json
from deconflict.store.records.paging import page
from deconflict.store.sql_session import SqlSession


class SqlSubscriptionRecords:
    def __init__(self, session: SqlSession) -> None:
        self._session = session

    def put(self, subscription: Subscription) -> None:
        self._session.execute(
            "INSERT INTO subscriptions (id, party_id, document) VALUES (?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET document = excluded.document",
            (subscription.id, subscription.party_id, dumps(subscription_to_json(subscription))),
        )

    def get(self, subscription_id: str) -> Subscription | None:
        rows = self._session.execute(
            "SELECT document FROM subscriptions WHERE id = ?", (subscription_id,)
        )
        return subscription_from_json(loads(rows[0][0])) if rows else None

    def get_of_party(self, subscription_id: str, party_id: PartyId) -> Subscription | None:
        rows = self._session.execute(
            "SELECT document FROM subscriptions WHERE id = ? AND party_id = ?",
            (subscription_id, party_id),
        )
        return subscription_from_json(loads(rows[0][0])) if rows else None

    def delete(self, subscription_id: str) -> bool:
        return bool(
            self._session.execute(
                "DELETE FROM subscriptions WHERE id = ? RETURNING id", (subscription_id,)
            )
        )

    def of_party(
        self, party_id: PartyId, *, after: str | None = None, limit: int = 1000
    ) -> list[Subscription]:
        rows = page(
            self._session,
            "SELECT document FROM subscriptions",
            "party_id = ?",
            (party_id,),
            key="id",
            after=after,
            limit=limit,
        )
        return [subscription_from_json(loads(row[0])) for row in rows]

    def count_of_party(self, party_id: PartyId) -> int:
        rows = self._session.execute(
            "SELECT count(*) FROM subscriptions WHERE party_id = ?", (party_id,)
        )
        return int(rows[0][0])
