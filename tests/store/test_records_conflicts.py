"""Conflict records: the findings of one operation version, replaced as a whole."""

from __future__ import annotations

from dataclasses import replace

import pytest

from deconflict.domain.ids import OperationId
from deconflict.store.interface import Store
from tests.store.record_specimens import conflict

OP = OperationId("op-ford-survey")


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
