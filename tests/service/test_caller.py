"""A write made under a watch runs only if its caller is still there when its turn comes."""

from __future__ import annotations

import threading

import pytest

from deconflict import errors
from deconflict.service import caller
from deconflict.service.context import Service
from deconflict.store.interface import Store, Transaction
from tests.service.test_idempotency import appended_entry
from tests.writer_turn import WAIT_S, HeldTurn, until, waiting_writers


def _entries(svc: Service) -> int:
    return len(svc.read(lambda tx: tx.audit.all(after_seq=-1, limit=1000)))


class Asker:
    """A caller on a thread of its own, asking for one write under a watch."""

    def __init__(self, svc: Service) -> None:
        self.gone = threading.Event()
        self.outcome: int | BaseException | None = None
        self._thread = threading.Thread(target=self._ask, args=(svc,))
        self._thread.start()

    def _ask(self, svc: Service) -> None:
        with caller.watched(self.gone.is_set, "POST /v1/operations"):
            try:
                self.outcome = svc.write(appended_entry)
            except errors.DeconflictError as refused:
                self.outcome = refused

    def answer(self) -> int | BaseException | None:
        self._thread.join(WAIT_S * 2)
        return self.outcome


def test_a_write_whose_caller_is_there_runs(store: Store) -> None:
    svc = Service(store, b"test-pseudonym-secret")
    with caller.watched(lambda: False, "POST /v1/zones"):
        svc.write(appended_entry)
    assert _entries(svc) == 1


def test_a_write_whose_caller_left_before_its_turn_is_not_run(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    svc = Service(store, b"test-pseudonym-secret")
    with HeldTurn(store):
        asker = Asker(svc)
        until(lambda: waiting_writers(store) == 1, "the write waits for its turn")
        asker.gone.set()  # after it was asked for: the turn, not the asking, decides
    assert isinstance(asker.answer(), errors.CallerGone)
    assert _entries(svc) == 0
    assert svc.commits.rings == 0  # nobody is told of a write that did not happen
    assert [r.levelname for r in caplog.records if r.name == "deconflict.service.caller"] == [
        "WARNING"
    ]


def test_a_caller_leaving_once_its_write_has_begun_does_not_undo_it(store: Store) -> None:
    """Too late to be told apart from a caller that heard the answer: it commits."""
    svc = Service(store, b"test-pseudonym-secret")
    gone = threading.Event()

    def leaves_midway(tx: Transaction) -> int:
        gone.set()
        return appended_entry(tx)

    with caller.watched(gone.is_set, "POST /v1/zones"):
        svc.write(leaves_midway)
    assert _entries(svc) == 1


def test_each_queued_write_is_judged_by_its_own_caller(store: Store) -> None:
    """On SQLite one thread runs every queued write as a group: each carries its own check."""
    svc = Service(store, b"test-pseudonym-secret")
    with HeldTurn(store):
        stays, leaves, stays_too = Asker(svc), Asker(svc), Asker(svc)
        until(lambda: waiting_writers(store) == 3, "all three wait for the turn")
        leaves.gone.set()
    assert isinstance(stays.answer(), int)
    assert isinstance(stays_too.answer(), int)
    assert isinstance(leaves.answer(), errors.CallerGone)
    assert _entries(svc) == 2


def test_a_write_outside_any_watch_is_run_as_before(store: Store) -> None:
    svc = Service(store, b"test-pseudonym-secret")
    svc.write(appended_entry)
    assert _entries(svc) == 1
