"""Operations in their current state, and the history of their versions."""

from __future__ import annotations

from deconflict.domain.ids import OperationId, PartyId
from deconflict.domain.operation import Operation, OperationVersion
from deconflict.store.codec import to_us
from deconflict.store.documents import (
    dumps,
    loads,
    operation_from_json,
    operation_to_json,
    version_from_json,
    version_to_json,
)
from deconflict.store.records.paging import page
from deconflict.store.sql_session import Row, SqlSession

_SELECT_CURRENT = (
    "SELECT o.document, v.document FROM operations o "
    "JOIN operation_versions v ON v.operation_id = o.id AND v.number = o.version"
)


class SqlOperationRecords:
    def __init__(self, session: SqlSession) -> None:
        self._session = session

    def put(self, operation: Operation) -> None:
        version = operation.version
        self._session.execute(
            "INSERT INTO operations (id, party_id, version, document) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
            "document = excluded.document",
            (operation.id, operation.party_id, version.number, dumps(operation_to_json(operation))),
        )
        # A version never changes once made, so one already stored is left as it is.
        self._session.execute(
            "INSERT INTO operation_versions (operation_id, number, ovn, created_us, document) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (operation_id, number) DO NOTHING",
            (
                operation.id,
                version.number,
                version.ovn,
                to_us(version.created_at),
                dumps(version_to_json(version)),
            ),
        )

    def get(self, operation_id: OperationId) -> Operation | None:
        rows = self._session.execute(f"{_SELECT_CURRENT} WHERE o.id = ?", (operation_id,))
        return _operation(rows[0]) if rows else None

    def get_of_party(self, operation_id: OperationId, party_id: PartyId) -> Operation | None:
        rows = self._session.execute(
            f"{_SELECT_CURRENT} WHERE o.id = ? AND o.party_id = ?", (operation_id, party_id)
        )
        return _operation(rows[0]) if rows else None

    def get_told_to(self, operation_id: OperationId, party_id: PartyId) -> Operation | None:
        # Driven by the party's own consultations and notices: for an operation it was
        # never told of, known or not, the same two index probes find nothing.
        rows = self._session.execute(
            f"{_SELECT_CURRENT} WHERE o.id IN ("
            "SELECT operation_id FROM consultations WHERE party_id = ? AND operation_id = ? "
            "UNION SELECT operation_id FROM notices WHERE party_id = ? AND operation_id = ?"
            ") AND o.party_id <> ?",
            (party_id, operation_id, party_id, operation_id, party_id),
        )
        return _operation(rows[0]) if rows else None

    def version(self, operation_id: OperationId, number: int) -> OperationVersion | None:
        rows = self._session.execute(
            "SELECT document FROM operation_versions WHERE operation_id = ? AND number = ?",
            (operation_id, number),
        )
        return version_from_json(loads(rows[0][0])) if rows else None

    def of_party(self, party_id: PartyId, *, after: str | None, limit: int) -> list[Operation]:
        rows = page(
            self._session,
            _SELECT_CURRENT,
            "o.party_id = ?",
            (party_id,),
            key="o.id",
            after=after,
            limit=limit,
        )
        return [_operation(row) for row in rows]


def _operation(row: Row) -> Operation:
    return operation_from_json(loads(row[0]), version_from_json(loads(row[1])))
