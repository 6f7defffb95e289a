"""Consultations of parties about operation versions, and the notices sent instead."""

from __future__ import annotations

from datetime import datetime

from deconflict import errors
from deconflict.domain.consultation import Consultation, Notice, awaits_deadline
from deconflict.domain.ids import ConsultationId, OperationId, PartyId
from deconflict.store.codec import from_us, to_us
from deconflict.store.documents import dumps, loads
from deconflict.store.documents_coordination import (
    consultation_from_json,
    consultation_to_json,
    notice_from_json,
    notice_to_json,
)
from deconflict.store.records.paging import check_limit, page
from deconflict.store.sql_session import SqlSession


class SqlConsultationRecords:
    def __init__(self, session: SqlSession) -> None:
        self._session = session

    def put(self, consultation: Consultation) -> None:
        self._session.execute(
            "INSERT INTO consultations "
            "(id, operation_id, operation_version, party_id, awaiting_deadline_us, document) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "awaiting_deadline_us = excluded.awaiting_deadline_us, document = excluded.document",
            (
                consultation.id,
                consultation.operation_id,
                consultation.operation_version,
                consultation.party_id,
                to_us(consultation.deadline) if awaits_deadline(consultation) else None,
                dumps(consultation_to_json(consultation)),
            ),
        )

    def past_deadline(self, *, now: datetime, limit: int) -> list[Consultation]:
        """Open, unanswered consultations whose deadline is at or before `now`, earliest first."""
        check_limit(limit)
        rows = self._session.execute(
            "SELECT document FROM consultations WHERE awaiting_deadline_us <= ? "
            "ORDER BY awaiting_deadline_us, id LIMIT ?",
            (to_us(now), limit),
        )
        return [consultation_from_json(loads(row[0])) for row in rows]

    def next_deadline(self) -> datetime | None:
        """The earliest deadline an open, unanswered consultation waits for."""
        rows = self._session.execute("SELECT min(awaiting_deadline_us) FROM consultations")
        return None if rows[0][0] is None else from_us(rows[0][0])

    def get(self, consultation_id: ConsultationId) -> Consultation | None:
        rows = self._session.execute(
            "SELECT document FROM consultations WHERE id = ?", (consultation_id,)
        )
        return consultation_from_json(loads(rows[0][0])) if rows else None

    def get_of_party(
        self, consultation_id: ConsultationId, party_id: PartyId
    ) -> Consultation | None:
        rows = self._session.execute(
            "SELECT document FROM consultations WHERE id = ? AND party_id = ?",
            (consultation_id, party_id),
        )
        return consultation_from_json(loads(rows[0][0])) if rows else None

    def of_operation(
        self, operation_id: OperationId, *, version: int | None = None
    ) -> list[Consultation]:
        """Oldest version first, then by id."""
        if version is None:
            rows = self._session.execute(
                "SELECT document FROM consultations WHERE operation_id = ? "
                "ORDER BY operation_version, id",
                (operation_id,),
            )
        else:
            rows = self._session.execute(
                "SELECT document FROM consultations WHERE operation_id = ? "
                "AND operation_version = ? ORDER BY id",
                (operation_id, version),
            )
        return [consultation_from_json(loads(row[0])) for row in rows]

    def of_party(self, party_id: PartyId, *, after: str | None, limit: int) -> list[Consultation]:
        rows = page(
            self._session,
            "SELECT document FROM consultations",
            "party_id = ?",
            (party_id,),
            key="id",
            after=after,
            limit=limit,
        )
        return [consultation_from_json(loads(row[0])) for row in rows]

    def add_notice(self, notice: Notice) -> None:
        """Store a notice; notices never change, so a taken id raises `AlreadyExists`."""
        inserted = self._session.execute(
            "INSERT INTO notices (id, operation_id, operation_version, party_id, document) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING id",
            (
                notice.id,
                notice.operation_id,
                notice.operation_version,
                notice.party_id,
                dumps(notice_to_json(notice)),
            ),
        )
        if not inserted:
            raise errors.AlreadyExists(f"a notice with id {notice.id!r} exists already")

    def notices_of_party(self, party_id: PartyId, *, after: str | None, limit: int) -> list[Notice]:
        rows = page(
            self._session,
            "SELECT document FROM notices",
            "party_id = ?",
            (party_id,),
            key="id",
            after=after,
            limit=limit,
        )
        return [notice_from_json(loads(row[0])) for row in rows]

    def count_of_version(self, operation_id: OperationId, version: int) -> tuple[int, int]:
        rows = self._session.execute(
            "SELECT (SELECT count(*) FROM consultations "
            "WHERE operation_id = ? AND operation_version = ?), "
            "(SELECT count(*) FROM notices WHERE operation_id = ? AND operation_version = ?)",
            (operation_id, version, operation_id, version),
        )
        return int(rows[0][0]), int(rows[0][1])

    def notices_of_operation(self, operation_id: OperationId) -> list[Notice]:
        """Oldest version first, then by id."""
        rows = self._session.execute(
            "SELECT document FROM notices WHERE operation_id = ? ORDER BY operation_version, id",
            (operation_id,),
        )
        return [notice_from_json(loads(row[0])) for row in rows]
