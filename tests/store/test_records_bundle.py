"""Both stores expose every record repository in their transactions, and roll all back."""

from __future__ import annotations

import pytest

from deconflict.domain.agreement import Agreement, Mode
from deconflict.domain.audit import AuditKind
from deconflict.domain.ids import ConsultationId, MemberId, OperationId, WarningId, ZoneId
from deconflict.store.interface import Store, Transaction
from deconflict.store.postgres import PostgresStore
from deconflict.store.repositories import StoredResponse
from deconflict.store.sqlite import SqliteStore
from tests.domain import NORTHMERE, T0, VALECREST, party
from tests.store import record_specimens as rs


def _sqlite_is_a_store(store: SqliteStore) -> Store:
    # Checked by mypy: both stores must satisfy the `Store` protocol, records included.
    return store


def _postgres_is_a_store(store: PostgresStore) -> Store:
    return store


class Abandoned(Exception):
    """Raised by a use case after it wrote, to see that nothing it wrote is kept."""


def write_everything(tx: Transaction) -> None:
    tx.parties.add(party(NORTHMERE), now=T0)
    tx.members.add(rs.member(1), now=T0)
    tx.agreements.put(Agreement(NORTHMERE, VALECREST, Mode.CONSULT), now=T0)
    tx.zones.put(rs.zone("zone-hospital"))
    tx.operations.put(rs.operation("op-ford-survey"))
    tx.conflicts.replace(OperationId("op-ford-survey"), 1, [rs.conflict()])
    tx.consultations.put(rs.consultation("c-hospital"))
    tx.consultations.add_notice(rs.notice("n-hospital"))
    tx.warnings.put(rs.acknowledged("w-drones"))
    tx.audit.append(
        at=T0,
        kind=AuditKind.STATE_CHANGE,
        party_id=NORTHMERE,
        actor="m-001",
        subject="operation:op-ford-survey",
        data={},
        audience=[VALECREST],
    )
    tx.idempotency.put(MemberId("m-001"), "key-1", StoredResponse("d4" * 32, 201, "{}", T0))


def everything(tx: Transaction) -> list[object]:
    """What `write_everything` wrote, as read back, one item per repository."""
    return [
        tx.parties.get(NORTHMERE),
        tx.members.get(MemberId("m-001")),
        tx.agreements.between(NORTHMERE, VALECREST),
        tx.zones.get(ZoneId("zone-hospital")),
        tx.operations.get(OperationId("op-ford-survey")),
        tx.conflicts.of_operation(OperationId("op-ford-survey"), 1) or None,
        tx.consultations.get(ConsultationId("c-hospital")),
        tx.consultations.notices_of_operation(OperationId("op-ford-survey")) or None,
        tx.warnings.get(WarningId("w-drones")),
        tx.audit.head(),
        tx.idempotency.get(MemberId("m-001"), "key-1"),
    ]


def test_a_use_case_that_raises_leaves_nothing_behind(store: Store) -> None:
    def abandon(tx: Transaction) -> None:
        write_everything(tx)
        assert None not in everything(tx)  # all of it was there inside the transaction
        raise Abandoned

    with pytest.raises(Abandoned):
        store.write(abandon)
    assert store.read(everything) == [None] * 11


def test_a_use_case_that_returns_keeps_everything(store: Store) -> None:
    store.write(write_everything)
    assert None not in store.read(everything)
