"""Responses kept under Idempotency-Keys, per member, until purged."""

from __future__ import annotations

from datetime import datetime

from deconflict.domain.ids import MemberId
from deconflict.store.codec import from_us, to_us
from deconflict.store.repositories import StoredResponse
from deconflict.store.sql_session import SqlSession


class SqlIdempotencyRecords:
    def __init__(self, session: SqlSession) -> None:
        self._session = session

    def get(self, member_id: MemberId, key: str) -> StoredResponse | None:
        rows = self._session.execute(
            "SELECT request_sha256, status, body, created_us FROM idempotency_keys "
            "WHERE member_id = ? AND idempotency_key = ?",
            (member_id, key),
        )
        if not rows:
            return None
        request_sha256, status, body, created_us = rows[0]
        return StoredResponse(request_sha256, status, body, from_us(created_us))

    def put(self, member_id: MemberId, key: str, response: StoredResponse) -> None:
        """Keep the response; a key already used keeps its first one, as the client saw it."""
        self._session.execute(
            "INSERT INTO idempotency_keys "
            "(member_id, idempotency_key, request_sha256, status, body, created_us) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (member_id, idempotency_key) DO NOTHING",
            (
                member_id,
                key,
                response.request_sha256,
                response.status,
                response.body,
                to_us(response.created_at),
            ),
        )

    def purge(self, *, before: datetime) -> int:
        """Forget responses stored before `before`; returns how many."""
        rows = self._session.execute(
            "DELETE FROM idempotency_keys WHERE created_us < ? RETURNING status",
            (to_us(before),),
        )
        return len(rows)
