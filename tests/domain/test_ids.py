"""Ids from given entropy, and opaque OVNs."""

from __future__ import annotations

import uuid

import pytest

from deconflict.domain.ids import OperationId, id_from_entropy, ovn_for


def test_id_is_a_version_4_uuid_made_from_the_given_bytes() -> None:
    entropy = bytes(range(16))
    made = id_from_entropy(entropy)
    parsed = uuid.UUID(made)
    assert parsed.version == 4
    assert made == id_from_entropy(entropy)
    assert made != id_from_entropy(bytes(range(1, 17)))


@pytest.mark.parametrize("size", [0, 15, 17, 32])
def test_id_needs_exactly_16_bytes(size: int) -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        id_from_entropy(bytes(size))


def test_ovn_is_stable_and_differs_by_version_and_operation() -> None:
    op = OperationId("op-kessmoor-survey")
    other = OperationId("op-valecrest-convoy")
    assert ovn_for(op, 1) == ovn_for(op, 1)
    assert len({ovn_for(op, 1), ovn_for(op, 2), ovn_for(other, 1)}) == 3


def test_ovn_does_not_spell_out_the_version_number() -> None:
    assert ovn_for(OperationId("op-kessmoor-survey"), 7) != "7"
    assert len(ovn_for(OperationId("op-kessmoor-survey"), 7)) == 32
