"""Operation records: current state with its plan, the version history, keyset pages."""

from __future__ import annotations

import random

from deconflict.domain.ids import OperationId, PartyId
from deconflict.domain.lifecycle import OperationAction, OperationState
from deconflict.domain.operation import Operation, Plan, act, revise
from deconflict.store.interface import Store, Transaction
from tests.domain import LOWFEN, NORTHMERE, OSTERBY, T0, VALECREST, circle
from tests.store.record_specimens import (
    MINUTE,
    VOLUMES,
    consultation,
    contested_operation,
    every_page,
    notice,
    operation,
)


def put(store: Store, *operations: Operation) -> None:
    def work(tx: Transaction) -> None:
        for each in operations:
            tx.operations.put(each)

    store.write(work)


def test_an_operation_reads_back_equal_with_its_plan(store: Store) -> None:
    written = operation("op-ford-survey", NORTHMERE, *VOLUMES.values())
    put(store, written)
    assert store.read(lambda tx: tx.operations.get(written.id)) == written
    assert store.read(lambda tx: tx.operations.get(OperationId("op-unknown"))) is None


def test_each_stage_replaces_the_current_operation_and_versions_are_kept(store: Store) -> None:
    drafted = operation("op-ford-survey")
    submitted = act(drafted, OperationAction.SUBMIT)
    final = contested_operation("op-ford-survey")
    for stage in (drafted, submitted, final):
        put(store, stage)
        assert store.read(lambda tx: tx.operations.get(final.id)) == stage
    assert final.override is not None
    assert final.state is OperationState.CLEARED_OVER_OBJECTION
    assert store.read(lambda tx: tx.operations.version(final.id, 1)) == drafted.version
    assert store.read(lambda tx: tx.operations.version(final.id, 2)) == final.version
    assert store.read(lambda tx: tx.operations.version(final.id, 3)) is None


def test_a_stored_version_is_never_rewritten(store: Store) -> None:
    drafted = operation("op-ford-survey")
    put(store, drafted)
    put(store, act(drafted, OperationAction.SUBMIT))
    assert store.read(lambda tx: tx.operations.version(drafted.id, 1)) == drafted.version


def test_a_revision_back_from_objection_reads_back_with_the_new_plan(store: Store) -> None:
    objected = contested_operation("op-ford-survey")
    again = revise(
        objected,
        named_ovn=objected.ovn,
        plan=Plan((circle(hours=1.0),), priority=1),
        now=T0 + 9 * MINUTE,
    )
    put(store, objected, again)
    stored = store.read(lambda tx: tx.operations.get(again.id))
    assert stored == again
    assert stored is not None
    assert stored.override is None
    assert stored.version.number == 3


def test_pages_cover_a_partys_operations_once_each_in_id_order(store: Store) -> None:
    ids = [f"op-{n:02d}" for n in range(10)]
    random.Random(11).shuffle(ids)
    put(store, *(operation(i) for i in ids), operation("op-04b", OSTERBY))
    listed = store.read(
        lambda tx: every_page(
            lambda after, limit: tx.operations.of_party(NORTHMERE, after=after, limit=limit),
            lambda o: o.id,
        )
    )
    assert [o.id for o in listed] == sorted(ids)
    assert listed[0] == operation("op-00")


def test_an_operation_is_found_for_its_planner_and_for_nobody_else(store: Store) -> None:
    written = operation("op-ford-survey", NORTHMERE)
    put(store, written)
    assert store.read(lambda tx: tx.operations.get_of_party(written.id, NORTHMERE)) == written
    assert store.read(lambda tx: tx.operations.get_of_party(written.id, OSTERBY)) is None
    unknown = OperationId("op-nowhere")
    assert store.read(lambda tx: tx.operations.get_of_party(unknown, NORTHMERE)) is None


def test_an_operation_is_found_for_the_parties_told_of_it_only(store: Store) -> None:
    written = operation("op-ford-survey", NORTHMERE)
    put(store, written)

    def tell(tx: Transaction) -> None:
        tx.consultations.put(consultation("c-hospital", VALECREST, written.id))
        tx.consultations.add_notice(notice("n-survey", OSTERBY))

    store.write(tell)

    def told_to(party: PartyId) -> Operation | None:
        return store.read(lambda tx: tx.operations.get_told_to(written.id, party))

    assert [told_to(p) for p in (VALECREST, OSTERBY)] == [written, written]
    # The planner reads its own as its own, never as told; a stranger not at all.
    assert [told_to(p) for p in (NORTHMERE, LOWFEN)] == [None, None]
    unknown = OperationId("op-nowhere")
    assert store.read(lambda tx: tx.operations.get_told_to(unknown, VALECREST)) is None
