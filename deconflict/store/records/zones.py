"""Zones in their current version, with every earlier version kept."""

from __future__ import annotations

from deconflict.domain.ids import PartyId, ZoneId
from deconflict.domain.zone import Zone
from deconflict.store.documents import dumps, loads, zone_from_json, zone_to_json
from deconflict.store.records.paging import page
from deconflict.store.sql_session import SqlSession


class SqlZoneRecords:
    def __init__(self, session: SqlSession) -> None:
        self._session = session

    def put(self, zone: Zone) -> None:
        document = dumps(zone_to_json(zone))
        self._session.execute(
            "INSERT INTO zones (id, party_id, version, document) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
            "document = excluded.document",
            (zone.id, zone.party_id, zone.version, document),
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

    def version(self, zone_id: ZoneId, number: int) -> Zone | None:
        """The zone as it was in one of its versions."""
        rows = self._session.execute(
            "SELECT document FROM zone_versions WHERE zone_id = ? AND version = ?",
            (zone_id, number),
        )
        return zone_from_json(loads(rows[0][0])) if rows else None

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
