"""The conflicts found for each operation version, in the order they were found: one row
a version, holding them all (see sql/*/007_conflict_sets.sql)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from deconflict.domain.conflict import Conflict, TargetKind
from deconflict.domain.ids import OperationId, ZoneId
from deconflict.geometry import Reach
from deconflict.store.conflict_text import conflicts_text
from deconflict.store.documents import conflict_from_json, loads_list
from deconflict.store.records.operations import SqlOperationRecords
from deconflict.store.records.zones import SqlZoneRecords
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
        if not conflicts:
            self._session.execute(
                "DELETE FROM conflict_sets WHERE operation_id = ? AND operation_version = ?",
                (operation_id, operation_version),
            )
            return
        self._session.execute(
            "INSERT INTO conflict_sets "
            "(operation_id, operation_version, conflict_count, documents) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (operation_id, operation_version) DO UPDATE "
            "SET conflict_count = excluded.conflict_count, documents = excluded.documents",
            (operation_id, operation_version, len(conflicts), conflicts_text(conflicts)),
        )

    def of_operation(self, operation_id: OperationId, operation_version: int) -> list[Conflict]:
        rows = self._session.execute(
            "SELECT documents FROM conflict_sets WHERE operation_id = ? AND operation_version = ?",
            (operation_id, operation_version),
        )
        if not rows:
            return []
        versions = _VersionReaches(self._session, operation_id, operation_version)
        conflicts = []
        for data in loads_list(rows[0][0]):
            target = data["target"]
            pair = partial(
                versions.pair, TargetKind(target["kind"]), target["id"], target["version"]
            )
            conflicts.append(conflict_from_json(data, pair))
        return conflicts

    def count_of_operation(self, operation_id: OperationId, operation_version: int) -> int:
        rows = self._session.execute(
            "SELECT conflict_count FROM conflict_sets "
            "WHERE operation_id = ? AND operation_version = ?",
            (operation_id, operation_version),
        )
        return int(rows[0][0]) if rows else 0


class _VersionReaches:
    """The reaches an operation version and its targets had, from their version records,
    each record read once."""

    def __init__(self, session: SqlSession, operation_id: OperationId, version: int) -> None:
        self._operations = SqlOperationRecords(session)
        self._zones = SqlZoneRecords(session)
        self._operation = (operation_id, version)
        self._read: dict[tuple[TargetKind, str, int], tuple[Reach, ...]] = {}

    def pair(
        self, kind: TargetKind, target_id: str, version: int, i: int, j: int
    ) -> tuple[Reach, Reach]:
        own = self._reaches(TargetKind.OPERATION, *self._operation)
        return own[i], self._reaches(kind, target_id, version)[j]

    def _reaches(self, kind: TargetKind, entity_id: str, version: int) -> tuple[Reach, ...]:
        key = (kind, entity_id, version)
        if key not in self._read:
            self._read[key] = self._load(*key)
        return self._read[key]

    def _load(self, kind: TargetKind, entity_id: str, version: int) -> tuple[Reach, ...]:
        if kind is TargetKind.ZONE:
            zone = self._zones.version(ZoneId(entity_id), version)
            if zone is not None:
                return zone.reaches
        elif kind is TargetKind.OPERATION:
            found = self._operations.version(OperationId(entity_id), version)
            if found is not None:
                return found.reaches
        raise LookupError(f"a conflict names {kind} {entity_id} version {version}, not on record")
