"""Zones in their current version, with every earlier version kept."""

from __future__ import annotations

from datetime import datetime

from deconflict.domain.ids import PartyId, ZoneId
from deconflict.domain.zone import Zone
from deconflict.store.codec import to_us
from deconflict.store.documents import dumps, loads, zone_from_json, zone_to_json
from deconflict.store.records.paging import page
from deconflict.store.sql_session import SqlSession


class SqlZoneRecords:
    def __init__(self, session: SqlSession) -> None:
        self._session = session

    def put(self, zone: Zone) -> None:
        document = dumps(zone_to_json(zone))
        standing_until = zone.standing_until
        self._session.execute(
            "INSERT INTO zones (id, party_id, version, document, standing_until_us) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
            "document = excluded.document, standing_until_us = excluded.standing_until_us",
            (
                zone.id,
                zone.party_id,
                zone.version,
                document,
                None if standing_until is None else to_us(standing_until),
            ),
        )
        # Retiring changes a version without making a new one, so the history follows it.
        self._session.execute(
            "INSERT INTO zone_versions (zone_id, version, document) VALUES (?, ?, ?) "
            "ON CONFLICT (zone_id, version) DO UPDATE SET document = excluded.document",
            (zone.id, zone.version, document),
        )

    def get(self, zone_id: ZoneId) -> Zone | None:
        rows = self._session.execute("SELECT document FROM zones WHERE id = ?", (zone_id,))
        return zone_from_json(loads(rows[0][0])) if rows else None

    def get_of_party(self, zone_id: ZoneId, party_id: PartyId) -> Zone | None:
        rows = self._session.execute(
            "SELECT document FROM zones WHERE id = ? AND party_id = ?", (zone_id, party_id)
        )
        return zone_from_json(loads(rows[0][0])) if rows else None

    def version(self, zone_id: ZoneId, number: int) -> Zone | None:
        """The zone as it was in one of its versions."""
        rows = self._session.execute(
            "SELECT document FROM zone_versions WHERE zone_id = ? AND version = ?",
            (zone_id, number),
        )
        return zone_from_json(loads(rows[0][0])) if rows else None

    def standing_until(self, before: datetime, *, limit: int) -> list[Zone]:
        """Live standing zones whose windows end (the first of them) before `before`,
        soonest first: the ones to renew."""
        rows = self._session.execute(
            "SELECT document FROM zones WHERE standing_until_us < ? "
            "ORDER BY standing_until_us, id LIMIT ?",
            (to_us(before), limit),
        )
        return [zone_from_json(loads(row[0])) for row in rows]

    def of_party(self, party_id: PartyId, *, after: str | None, limit: int) -> list[Zone]:
        rows = page(
            self._session,
            "SELECT document FROM zones",
            "party_id = ?",
            (party_id,),
            key="id",
            after=after,
            limit=limit,
        )
        return [zone_from_json(loads(row[0])) for row in rows]
