"""Member records: round trips, lookup by key hash, unique keys, revocation."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from deconflict import errors
from deconflict.domain.ids import MemberId
from deconflict.domain.party import Member, Role, api_key_sha256
from deconflict.store.interface import Store, Transaction
from tests.domain import NORTHMERE, T0, VALECREST
from tests.store.record_specimens import member


def add(store: Store, *members: Member) -> None:
    def work(tx: Transaction) -> None:
        for each in members:
            tx.members.add(each, now=T0)

    store.write(work)


def test_a_member_reads_back_by_id_and_by_key_hash(store: Store) -> None:
    liaison = member(7, VALECREST, Role.LIAISON)
    add(store, member(1), liaison)
    assert store.read(lambda tx: tx.members.get(liaison.id)) == liaison
    found = store.read(lambda tx: tx.members.by_key_hash(api_key_sha256("dcf_fictional_key_7")))
    assert found == liaison
    assert store.read(lambda tx: tx.members.by_key_hash(api_key_sha256("dcf_guess"))) is None
    assert store.read(lambda tx: tx.members.get(MemberId("m-nobody"))) is None


def test_members_of_a_party_come_in_id_order_without_other_parties(store: Store) -> None:
    add(store, member(3), member(2, VALECREST), member(1), member(5))
    listed = store.read(lambda tx: tx.members.of_party(NORTHMERE))
    assert [m.id for m in listed] == ["m-001", "m-003", "m-005"]


def test_a_key_hash_is_held_by_one_member_only(store: Store) -> None:
    add(store, member(1))
    twin = replace(member(2), api_key_sha256=member(1).api_key_sha256)
    with pytest.raises(errors.AlreadyExists):
        add(store, twin)
    assert store.read(lambda tx: tx.members.get(twin.id)) is None


def test_a_taken_member_id_is_refused(store: Store) -> None:
    add(store, member(1))
    with pytest.raises(errors.AlreadyExists):
        add(store, replace(member(1), api_key_sha256=api_key_sha256("dcf_other")))


def test_a_revoked_member_is_still_found_by_its_key_but_marked_revoked(store: Store) -> None:
    add(store, member(1), member(2))
    assert store.write(lambda tx: tx.members.revoke(member(1).id, now=T0 + timedelta(hours=1)))
    revoked = store.read(lambda tx: tx.members.by_key_hash(member(1).api_key_sha256))
    assert revoked == replace(member(1), is_revoked=True)
    assert store.read(lambda tx: tx.members.get(member(2).id)) == member(2)
    # Revoking again is harmless and still reports the member exists.
    assert store.write(lambda tx: tx.members.revoke(member(1).id, now=T0 + timedelta(hours=2)))


def test_revoking_an_unknown_member_says_so(store: Store) -> None:
    assert not store.write(lambda tx: tx.members.revoke(MemberId("m-nobody"), now=T0))


def test_a_member_is_found_for_its_party_and_for_nobody_else(store: Store) -> None:
    liaison = member(7, VALECREST, Role.LIAISON)
    add(store, liaison)
    assert store.read(lambda tx: tx.members.get_of_party(liaison.id, VALECREST)) == liaison
    assert store.read(lambda tx: tx.members.get_of_party(liaison.id, NORTHMERE)) is None
    unknown = MemberId("m-nobody")
    assert store.read(lambda tx: tx.members.get_of_party(unknown, VALECREST)) is None
