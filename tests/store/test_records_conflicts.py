"""Conflict records: the findings of one operation version, replaced as a whole."""

from __future__ import annotations

from dataclasses import replace

import pytest

from deconflict.domain.ids import OperationId
from deconflict.domain.lifecycle import OperationAction
from deconflict.domain.operation import act, revise
from deconflict.store.interface import Store, Transaction
from tests.domain import T0
from tests.store.record_specimens import conflict, operation, zone

OP = OperationId("op-ford-survey")
ZONES = ("zone-hospital", "zone-shelter", "zone-depot")


@pytest.fixture(autouse=True)
def on_record(store: Store) -> None:
    """The versions the conflicts lie between, as the use cases keep them: two of the
    operation and one of each zone."""

    def keep(tx: Transaction) -> None:
        submitted = act(operation(OP), OperationAction.SUBMIT)
        tx.operations.put(submitted)
        tx.operations.put(
            revise(submitted, named_ovn=submitted.ovn, plan=submitted.version.plan, now=T0)
        )
        for zone_id in ZONES:
            tx.zones.put(zone(zone_id))

    store.write(keep)


def test_conflicts_read_back_equal_overlap_regions_included(store: Store) -> None:
    found = [conflict(OP, "zone-hospital"), conflict(OP, "zone-shelter")]
    store.write(lambda tx: tx.conflicts.replace(OP, 1, found))
    assert store.read(lambda tx: tx.conflicts.of_operation(OP, 1)) == found


def test_new_findings_replace_earlier_ones_of_the_same_version_only(store: Store) -> None:
    version_2 = replace(conflict(OP, "zone-depot"), operation_version=2)
    store.write(lambda tx: tx.conflicts.replace(OP, 1, [conflict(OP, "zone-hospital")]))
    store.write(lambda tx: tx.conflicts.replace(OP, 2, [version_2]))
    store.write(lambda tx: tx.conflicts.replace(OP, 1, [conflict(OP, "zone-shelter")]))
    assert store.read(lambda tx: tx.conflicts.of_operation(OP, 1)) == [conflict(OP, "zone-shelter")]
    assert store.read(lambda tx: tx.conflicts.of_operation(OP, 2)) == [version_2]
    store.write(lambda tx: tx.conflicts.replace(OP, 1, []))
    assert store.read(lambda tx: tx.conflicts.of_operation(OP, 1)) == []
    assert store.read(lambda tx: tx.conflicts.of_operation(OperationId("op-other"), 1)) == []


def test_a_conflict_of_another_version_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="version 1"):
        store.write(lambda tx: tx.conflicts.replace(OP, 2, [conflict(OP, "zone-hospital")]))
    assert store.read(lambda tx: tx.conflicts.of_operation(OP, 2)) == []


def test_a_conflict_naming_a_version_not_on_record_is_an_error_not_a_guess(store: Store) -> None:
    store.write(lambda tx: tx.conflicts.replace(OP, 1, [conflict(OP, "zone-unrecorded")]))
    with pytest.raises(LookupError, match="zone-unrecorded version 1"):
        store.read(lambda tx: tx.conflicts.of_operation(OP, 1))
