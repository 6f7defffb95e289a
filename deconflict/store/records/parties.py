"""Parties: unique names, and the airspace authorities among them."""

from __future__ import annotations

from datetime import datetime

from deconflict import errors
from deconflict.domain.ids import PartyId
from deconflict.domain.party import Party
from deconflict.store.codec import to_us
from deconflict.store.documents import dumps, loads, party_from_json, party_to_json
from deconflict.store.sql_session import SqlSession


class SqlPartyRecords:
    def __init__(self, session: SqlSession) -> None:
        self._session = session

    def add(self, party: Party, *, now: datetime) -> None:
        inserted = self._session.execute(
            "INSERT INTO parties (id, name, is_authority, created_us, document) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
            (
                party.id,
                party.name,
                int(party.is_airspace_authority),
                to_us(now),
                dumps(party_to_json(party)),
            ),
        )
        if inserted:
            return
        if self.by_name(party.name) is not None:
            raise errors.AlreadyExists(f"a party named {party.name!r} exists already")
        raise errors.AlreadyExists(f"a party with id {party.id!r} exists already")

    def get(self, party_id: PartyId) -> Party | None:
        return self._one("SELECT document FROM parties WHERE id = ?", party_id)

    def by_name(self, name: str) -> Party | None:
        return self._one("SELECT document FROM parties WHERE name = ?", name)

    def all(self) -> list[Party]:
        rows = self._session.execute("SELECT document FROM parties ORDER BY id")
        return [party_from_json(loads(row[0])) for row in rows]

    def authorities(self) -> list[Party]:
        rows = self._session.execute(
            "SELECT document FROM parties WHERE is_authority = ? ORDER BY id", (1,)
        )
        return [party_from_json(loads(row[0])) for row in rows]

    def _one(self, sql: str, value: str) -> Party | None:
        rows = self._session.execute(sql, (value,))
        return party_from_json(loads(rows[0][0])) if rows else None
