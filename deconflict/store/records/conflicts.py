"""The conflicts found for each operation version, in the order they were found."""

from __future__ import annotations

from collections.abc import Sequence

from deconflict.domain.conflict import Conflict
from deconflict.domain.ids import OperationId
from deconflict.store.documents import conflict_from_json, conflict_to_json, dumps, loads
from deconflict.store.sql_session import SqlSession


class SqlConflictRecords:
    def __init__(self, session: SqlSession) -> None:
        self._session = session

    def replace(
        self, operation_id: OperationId, operation_version: int, conflicts: Sequence[Conflict]
    ) -> None:
        for conflict in conflicts:
            if (conflict.operation_id, conflict.operation_version) != (
                operation_id,
                operation_version,
            ):
                raise ValueError(
                    f"a conflict of {conflict.operation_id} version {conflict.operation_version} "
                    f"cannot be recorded under {operation_id} version {operation_version}"
                )
        self._session.execute(
            "DELETE FROM conflicts WHERE operation_id = ? AND operation_version = ?",
            (operation_id, operation_version),
        )
        self._session.executemany(
            "INSERT INTO conflicts (operation_id, operation_version, position, document) "
            "VALUES (?, ?, ?, ?)",
            [
                (operation_id, operation_version, position, dumps(conflict_to_json(conflict)))
                for position, conflict in enumerate(conflicts)
            ],
        )

    def of_operation(self, operation_id: OperationId, operation_version: int) -> list[Conflict]:
        rows = self._session.execute(
            "SELECT document FROM conflicts WHERE operation_id = ? AND operation_version = ? "
            "ORDER BY position",
            (operation_id, operation_version),
        )
        return [conflict_from_json(loads(row[0])) for row in rows]

    def count_of_operation(self, operation_id: OperationId, operation_version: int) -> int:
        rows = self._session.execute(
            "SELECT count(*) FROM conflicts WHERE operation_id = ? AND operation_version = ?",
            (operation_id, operation_version),
        )
        return int(rows[0][0])
