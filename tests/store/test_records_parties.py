"""Party records: round trips, unique names, airspace authorities."""

from __future__ import annotations

import pytest

from deconflict import errors
from deconflict.domain.ids import PartyId
from deconflict.domain.party import Party
from deconflict.store.interface import Store, Transaction
from tests.domain import LOWFEN, LOWFEN_AREA, NORTHMERE, OSTERBY, T0, VALECREST, party


def add(store: Store, *parties: Party) -> None:
    def work(tx: Transaction) -> None:
        for each in parties:
            tx.parties.add(each, now=T0)

    store.write(work)


def test_a_party_reads_back_by_id_and_by_name(store: Store) -> None:
    authority = party(LOWFEN, LOWFEN_AREA)
    add(store, party(NORTHMERE), authority)
    assert store.read(lambda tx: tx.parties.get(LOWFEN)) == authority
    assert store.read(lambda tx: tx.parties.by_name("Lowfen Airspace Authority")) == authority
    assert store.read(lambda tx: tx.parties.get(NORTHMERE)) == party(NORTHMERE)


def test_an_unknown_party_is_none(store: Store) -> None:
    add(store, party(NORTHMERE))
    assert store.read(lambda tx: tx.parties.get(PartyId("party-nobody"))) is None
    assert store.read(lambda tx: tx.parties.by_name("Northmere air wing")) is None


def test_a_taken_name_is_refused_and_nothing_of_the_attempt_is_kept(store: Store) -> None:
    add(store, party(NORTHMERE))
    impostor = Party(PartyId("party-impostor"), "Northmere Air Wing")
    with pytest.raises(errors.AlreadyExists, match="Northmere Air Wing"):
        store.write(lambda tx: tx.parties.add(impostor, now=T0))
    assert store.read(lambda tx: tx.parties.get(impostor.id)) is None
    assert store.read(lambda tx: tx.parties.all()) == [party(NORTHMERE)]


def test_a_taken_id_is_refused_too(store: Store) -> None:
    add(store, party(NORTHMERE))
    with pytest.raises(errors.AlreadyExists, match=NORTHMERE):
        store.write(lambda tx: tx.parties.add(Party(NORTHMERE, "Renamed Wing"), now=T0))
    assert store.read(lambda tx: tx.parties.by_name("Renamed Wing")) is None


def test_all_lists_every_party_by_id_and_authorities_only_those_with_an_area(store: Store) -> None:
    add(store, party(VALECREST), party(LOWFEN, LOWFEN_AREA), party(NORTHMERE), party(OSTERBY))
    listed = store.read(lambda tx: tx.parties.all())
    assert [p.id for p in listed] == sorted([VALECREST, LOWFEN, NORTHMERE, OSTERBY])
    assert store.read(lambda tx: tx.parties.authorities()) == [party(LOWFEN, LOWFEN_AREA)]
