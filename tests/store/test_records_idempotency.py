"""Idempotency records: a response kept per member and key, the first one kept, purged by age."""

from __future__ import annotations

from datetime import timedelta

from deconflict.domain.ids import MemberId
from deconflict.store.interface import Store, Transaction
from deconflict.store.repositories import StoredResponse
from tests.domain import T0

TAMSIN = MemberId("m-tamsin-planner")
ORIEL = MemberId("m-oriel-liaison")
CREATED = StoredResponse("a1" * 32, 201, '{"id":"op-ford-survey","note":"Ford — east"}', T0)


def test_a_stored_response_reads_back_equal_for_its_member_and_key_only(store: Store) -> None:
    assert store.read(lambda tx: tx.idempotency.get(TAMSIN, "key-1")) is None
    store.write(lambda tx: tx.idempotency.put(TAMSIN, "key-1", CREATED))
    assert store.read(lambda tx: tx.idempotency.get(TAMSIN, "key-1")) == CREATED
    assert store.read(lambda tx: tx.idempotency.get(TAMSIN, "key-2")) is None
    assert store.read(lambda tx: tx.idempotency.get(ORIEL, "key-1")) is None


def test_a_used_key_keeps_the_first_response(store: Store) -> None:
    store.write(lambda tx: tx.idempotency.put(TAMSIN, "key-1", CREATED))
    later = StoredResponse("b2" * 32, 409, "{}", T0 + timedelta(seconds=5))
    store.write(lambda tx: tx.idempotency.put(TAMSIN, "key-1", later))
    store.write(lambda tx: tx.idempotency.put(ORIEL, "key-1", later))
    assert store.read(lambda tx: tx.idempotency.get(TAMSIN, "key-1")) == CREATED
    assert store.read(lambda tx: tx.idempotency.get(ORIEL, "key-1")) == later


def test_purge_forgets_responses_stored_before_the_cut_only(store: Store) -> None:
    def stored_at(hours: int) -> StoredResponse:
        return StoredResponse("c3" * 32, 200, "{}", T0 + timedelta(hours=hours))

    def put_all(tx: Transaction) -> None:
        for hours in range(5):
            tx.idempotency.put(TAMSIN, f"key-{hours}", stored_at(hours))

    def get_all(tx: Transaction) -> list[StoredResponse | None]:
        return [tx.idempotency.get(TAMSIN, f"key-{hours}") for hours in range(5)]

    store.write(put_all)
    cut = T0 + timedelta(hours=2)
    assert store.write(lambda tx: tx.idempotency.purge(before=cut)) == 2
    kept = store.read(get_all)
    assert kept == [None, None, stored_at(2), stored_at(3), stored_at(4)]
    assert store.write(lambda tx: tx.idempotency.purge(before=cut)) == 0
