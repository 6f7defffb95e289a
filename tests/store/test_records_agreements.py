"""Agreement records: one per unordered pair, found from either side."""

from __future__ import annotations

from deconflict.domain.agreement import Agreement, Disclosure, Mode, Silence
from deconflict.domain.ids import PartyId
from deconflict.store.interface import Store, Transaction
from tests.domain import LOWFEN, NORTHMERE, OSTERBY, T0, VALECREST

CONSULT = Agreement(VALECREST, NORTHMERE, Mode.CONSULT, 1_800, Silence.BLOCK, Disclosure.NAME)


def test_an_agreement_is_found_from_either_side(store: Store) -> None:
    store.write(lambda tx: tx.agreements.put(CONSULT, now=T0))
    assert store.read(lambda tx: tx.agreements.between(NORTHMERE, VALECREST)) == CONSULT
    assert store.read(lambda tx: tx.agreements.between(VALECREST, NORTHMERE)) == CONSULT
    assert store.read(lambda tx: tx.agreements.between(NORTHMERE, OSTERBY)) is None


def test_a_pair_given_in_the_other_order_replaces_the_agreement(store: Store) -> None:
    store.write(lambda tx: tx.agreements.put(CONSULT, now=T0))
    notify = Agreement(NORTHMERE, VALECREST, Mode.NOTIFY)
    store.write(lambda tx: tx.agreements.put(notify, now=T0))
    assert store.read(lambda tx: tx.agreements.between(VALECREST, NORTHMERE)) == notify
    assert store.read(lambda tx: tx.agreements.of_party(VALECREST)) == [notify]


def test_the_agreements_of_a_party_are_those_on_either_side_in_pair_order(store: Store) -> None:
    with_osterby = Agreement(OSTERBY, NORTHMERE, Mode.NONE)
    with_lowfen = Agreement(NORTHMERE, LOWFEN, Mode.CONSULT, 600)
    elsewhere = Agreement(VALECREST, LOWFEN, Mode.NOTIFY)

    def put_all(tx: Transaction) -> None:
        for each in (CONSULT, with_osterby, with_lowfen, elsewhere):
            tx.agreements.put(each, now=T0)

    store.write(put_all)
    # Ordered by the sorted pair: lowfen < northmere < osterby < valecrest.
    assert store.read(lambda tx: tx.agreements.of_party(NORTHMERE)) == [
        with_lowfen,
        with_osterby,
        CONSULT,
    ]
    assert store.read(lambda tx: tx.agreements.of_party(LOWFEN)) == [with_lowfen, elsewhere]
    assert store.read(lambda tx: tx.agreements.of_party(PartyId("party-nobody"))) == []
