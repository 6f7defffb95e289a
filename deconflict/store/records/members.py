"""Members of parties, found by id or by the hash of the API key they hold."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from deconflict import errors
from deconflict.domain.ids import MemberId, PartyId
from deconflict.domain.party import Member
from deconflict.store.codec import to_us
from deconflict.store.documents import dumps, loads, member_from_json, member_to_json
from deconflict.store.sql_session import SqlSession


class SqlMemberRecords:
    def __init__(self, session: SqlSession) -> None:
        self._session = session

    def add(self, member: Member, *, now: datetime) -> None:
        """Store a new member; a taken id or key hash raises `errors.AlreadyExists`."""
        revoked_us = to_us(now) if member.is_revoked else None
        inserted = self._session.execute(
            "INSERT INTO members (id, party_id, api_key_sha256, created_us, revoked_us, document) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
            (
                member.id,
                member.party_id,
                member.api_key_sha256,
                to_us(now),
                revoked_us,
                dumps(member_to_json(member)),
            ),
        )
        if not inserted:
            raise errors.AlreadyExists("a member with this id or API key exists already")

    def get(self, member_id: MemberId) -> Member | None:
        return self._one("SELECT document FROM members WHERE id = ?", member_id)

    def get_of_party(self, member_id: MemberId, party_id: PartyId) -> Member | None:
        rows = self._session.execute(
            "SELECT document FROM members WHERE id = ? AND party_id = ?", (member_id, party_id)
        )
        return member_from_json(loads(rows[0][0])) if rows else None

    def by_key_hash(self, api_key_sha256: str) -> Member | None:
        return self._one("SELECT document FROM members WHERE api_key_sha256 = ?", api_key_sha256)

    def of_party(self, party_id: PartyId) -> list[Member]:
        rows = self._session.execute(
            "SELECT document FROM members WHERE party_id = ? ORDER BY id", (party_id,)
        )
        return [member_from_json(loads(row[0])) for row in rows]

    def revoke(self, member_id: MemberId, *, now: datetime) -> bool:
        """Revoke the member's key, keeping the time of the first revocation."""
        member = self.get(member_id)
        if member is None:
            return False
        self._session.execute(
            "UPDATE members SET revoked_us = coalesce(revoked_us, ?), document = ? WHERE id = ?",
            (to_us(now), dumps(member_to_json(replace(member, is_revoked=True))), member_id),
        )
        return True

    def _one(self, sql: str, value: str) -> Member | None:
        rows = self._session.execute(sql, (value,))
        return member_from_json(loads(rows[0][0])) if rows else None
