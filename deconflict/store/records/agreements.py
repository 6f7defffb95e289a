"""Agreements, one row per unordered pair of parties."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from deconflict.domain.agreement import Agreement
from deconflict.domain.ids import PartyId
from deconflict.store.codec import to_us
from deconflict.store.documents import agreement_from_json, agreement_to_json, dumps, loads
from deconflict.store.sql_session import SqlSession


class SqlAgreementRecords:
    def __init__(self, session: SqlSession) -> None:
        self._session = session

    def put(self, agreement: Agreement, *, now: datetime) -> None:
        # The document keeps the pair in the order it was given, so it reads back equal.
        lo, hi = sorted((agreement.party_a, agreement.party_b))
        self._session.execute(
            "INSERT INTO agreements (party_lo, party_hi, updated_us, document) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (party_lo, party_hi) DO UPDATE "
            "SET updated_us = excluded.updated_us, document = excluded.document",
            (lo, hi, to_us(now), dumps(agreement_to_json(agreement))),
        )

    def between(self, a: PartyId, b: PartyId) -> Agreement | None:
        lo, hi = sorted((a, b))
        rows = self._session.execute(
            "SELECT document FROM agreements WHERE party_lo = ? AND party_hi = ?", (lo, hi)
        )
        return _agreement(rows[0][0]) if rows else None

    def of_party(self, party_id: PartyId) -> list[Agreement]:
        rows = self._session.execute(
            "SELECT document FROM agreements WHERE party_lo = ? OR party_hi = ? "
            "ORDER BY party_lo, party_hi",
            (party_id, party_id),
        )
        return [_agreement(row[0]) for row in rows]


@lru_cache(maxsize=4096)
def _agreement(document: str) -> Agreement:
    """An agreement from its stored document. Cached by the text: every submission reads
    all of its party's agreements, which seldom change, and an `Agreement` is immutable."""
    return agreement_from_json(loads(document))
