"""Consultation and notice records: round trips, updates, lookups and keyset pages."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from deconflict import errors
from deconflict.domain.consultation import Closure, Consultation, close
from deconflict.domain.ids import ConsultationId, OperationId
from deconflict.store.interface import Store, Transaction
from tests.domain import LOWFEN, OSTERBY, VALECREST
from tests.store.record_specimens import MINUTE, answered, consultation, every_page, notice

OP = OperationId("op-ford-survey")


def put(store: Store, *consultations: Consultation) -> None:
    def work(tx: Transaction) -> None:
        for each in consultations:
            tx.consultations.put(each)

    store.write(work)


def test_a_consultation_reads_back_equal_with_its_responses(store: Store) -> None:
    written = answered("c-hospital")
    put(store, written)
    assert store.read(lambda tx: tx.consultations.get(written.id)) == written
    assert store.read(lambda tx: tx.consultations.get(ConsultationId("c-unknown"))) is None


def test_putting_a_consultation_again_updates_it(store: Store) -> None:
    asked = consultation("c-hospital")
    put(store, asked)
    closed = close(answered("c-hospital"), Closure.SETTLED, asked.opened_at + 9 * MINUTE)
    put(store, closed)
    assert store.read(lambda tx: tx.consultations.get(asked.id)) == closed


def test_the_consultations_of_an_operation_by_version(store: Store) -> None:
    first = [consultation("c-b", VALECREST), consultation("c-a", OSTERBY)]
    second = [replace(consultation("c-c", VALECREST), operation_version=2)]
    elsewhere = consultation("c-0", VALECREST, "op-elsewhere")
    put(store, *second, *first, elsewhere)
    assert store.read(lambda tx: tx.consultations.of_operation(OP, version=1)) == first[::-1]
    assert store.read(lambda tx: tx.consultations.of_operation(OP, version=2)) == second
    assert store.read(lambda tx: tx.consultations.of_operation(OP)) == [*first[::-1], *second]


def test_pages_cover_the_consultations_addressed_to_a_party(store: Store) -> None:
    ids = [f"c-{n:02d}" for n in range(10)]
    random.Random(3).shuffle(ids)
    put(store, *(consultation(i, VALECREST) for i in ids), consultation("c-05b", LOWFEN))
    listed = store.read(
        lambda tx: every_page(
            lambda after, limit: tx.consultations.of_party(VALECREST, after=after, limit=limit),
            lambda c: c.id,
        )
    )
    assert [c.id for c in listed] == sorted(ids)


def test_a_notice_reads_back_by_party_and_by_operation(store: Store) -> None:
    notices = [notice("n-2", VALECREST, 2), notice("n-1", VALECREST), notice("n-3", LOWFEN)]

    def add(tx: Transaction) -> None:
        for each in notices:
            tx.consultations.add_notice(each)

    store.write(add)
    by_operation = store.read(lambda tx: tx.consultations.notices_of_operation(OP))
    assert by_operation == [
        notice("n-1", VALECREST),
        notice("n-3", LOWFEN),
        notice("n-2", VALECREST, 2),
    ]
    mine = store.read(lambda tx: tx.consultations.notices_of_party(VALECREST, after=None, limit=10))
    assert mine == [notice("n-1", VALECREST), notice("n-2", VALECREST, 2)]
    assert store.read(
        lambda tx: tx.consultations.notices_of_party(VALECREST, after="n-1", limit=10)
    ) == [notice("n-2", VALECREST, 2)]


def test_a_versions_consultations_and_notices_are_counted_apart(store: Store) -> None:
    put(
        store,
        consultation("c-a", VALECREST),
        consultation("c-b", OSTERBY),
        replace(consultation("c-c", VALECREST), operation_version=2),
        consultation("c-0", VALECREST, "op-elsewhere"),
    )

    def add(tx: Transaction) -> None:
        for each in (notice("n-1", VALECREST), notice("n-2", LOWFEN, 2), notice("n-3", LOWFEN)):
            tx.consultations.add_notice(each)

    store.write(add)
    counts = store.read(lambda tx: [tx.consultations.count_of_version(OP, v) for v in (1, 2, 3)])
    assert counts == [(2, 2), (1, 1), (0, 0)]


def test_pages_cover_the_notices_of_a_party(store: Store) -> None:
    ids = [f"n-{n:02d}" for n in range(8)]

    def add(tx: Transaction) -> None:
        for i in reversed(ids):
            tx.consultations.add_notice(notice(i, OSTERBY))

    store.write(add)
    listed = store.read(
        lambda tx: every_page(
            lambda after, limit: tx.consultations.notices_of_party(
                OSTERBY, after=after, limit=limit
            ),
            lambda n: n.id,
        )
    )
    assert [n.id for n in listed] == ids


def test_a_notice_is_added_once(store: Store) -> None:
    store.write(lambda tx: tx.consultations.add_notice(notice("n-1")))
    with pytest.raises(errors.AlreadyExists):
        store.write(lambda tx: tx.consultations.add_notice(notice("n-1", version=2)))
    assert store.read(lambda tx: tx.consultations.notices_of_operation(OP)) == [notice("n-1")]


def test_a_consultation_is_found_for_the_party_it_asks_only(store: Store) -> None:
    written = consultation("c-hospital", VALECREST)
    put(store, written)
    assert store.read(lambda tx: tx.consultations.get_of_party(written.id, VALECREST)) == written
    assert store.read(lambda tx: tx.consultations.get_of_party(written.id, OSTERBY)) is None
    unknown = ConsultationId("c-unknown")
    assert store.read(lambda tx: tx.consultations.get_of_party(unknown, VALECREST)) is None
