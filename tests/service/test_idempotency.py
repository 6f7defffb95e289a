"""Answers rendered inside the write: kept under a key, or, with none, kept nowhere."""

from __future__ import annotations

from deconflict.domain.audit import AuditKind
from deconflict.domain.ids import MemberId
from deconflict.service import idempotency
from deconflict.service.context import Service
from deconflict.store.interface import Store, Transaction
from tests.domain import NORTHMERE, T0

MEMBER = MemberId("m-tamsin-planner")


def appended_entry(tx: Transaction) -> int:
    entry = tx.audit.append(
        at=T0,
        kind=AuditKind.STATE_CHANGE,
        party_id=NORTHMERE,
        actor=MEMBER,
        subject="operation:op-1",
        data={},
        audience=[],
    )
    return entry.seq


def render(tx: Transaction, seq: int) -> tuple[int, str]:
    # Inside the write the entry is there to count; a later read would see it too, so the
    # test also asks whether this transaction appended it.
    return 201, f'{{"seq": {seq}, "in_write": {str(tx.audit.appended).lower()}}}'


def test_without_a_key_the_answer_is_rendered_in_the_write_and_kept_nowhere(
    store: Store,
) -> None:
    svc = Service(store, b"test-pseudonym-secret")
    with idempotency.rendered_in_write(MEMBER, render) as claim:
        seq = svc.write(appended_entry)
    assert claim.answer == (201, f'{{"seq": {seq}, "in_write": true}}')
    assert store.read(lambda tx: tx.idempotency.get(MEMBER, "")) is None


def test_a_use_case_that_writes_nothing_leaves_no_answer(store: Store) -> None:
    svc = Service(store, b"test-pseudonym-secret")
    with idempotency.rendered_in_write(MEMBER, render) as claim:
        svc.read(lambda tx: tx.audit.all(after_seq=-1, limit=1))
    assert claim.answer is None


def test_only_the_first_write_renders_it(store: Store) -> None:
    svc = Service(store, b"test-pseudonym-secret")
    with idempotency.rendered_in_write(MEMBER, render) as claim:
        first = svc.write(appended_entry)
        svc.write(appended_entry)
    assert claim.answer == (201, f'{{"seq": {first}, "in_write": true}}')
