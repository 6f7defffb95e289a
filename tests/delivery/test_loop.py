"""The delivery loop in one process: idle it takes no writer turn, busy it delivers."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from deconflict.delivery.backoff import RetryPolicy
from deconflict.delivery.loop import DeliveryLoop, LoopSettings
from deconflict.domain.agreement import Agreement, Disclosure, Mode, Silence
from deconflict.domain.party import Role
from deconflict.domain.warning import Severity
from deconflict.domain.webhook import Delivery, DeliveryState, Purpose
from deconflict.domain.zone import Validity
from deconflict.geometry import Buffer
from deconflict.service import parties, warnings, webhooks, zones
from deconflict.service.context import Principal, Service
from deconflict.service.webhooks import WebhookPolicy
from deconflict.store.interface import Store, Transaction
from deconflict.store.sqlite import SqliteStore
from tests.delivery.receiver import Receiver
from tests.real_clock import now_s
from tests.service.conftest import volume

T = TypeVar("T")
FAST = LoopSettings(
    poll_s=0.1,
    lease_s=5,
    timeout_s=2,
    workers=2,
    allow_loopback=True,
    retry=RetryPolicy(base_s=0.1, factor=2, max_delay_s=0.5, jitter=0.25, max_attempts=3),
)


class CountingStore:
    """A store that counts its write transactions."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.writes = 0

    def write(self, work: Callable[[Transaction], T]) -> T:
        self.writes += 1
        return self.inner.write(work)

    def read(self, work: Callable[[Transaction], T]) -> T:
        return self.inner.read(work)

    def close(self) -> None:
        self.inner.close()


def test_an_idle_loop_takes_no_writer_turn(tmp_path: Path) -> None:
    store = CountingStore(SqliteStore(tmp_path / "idle.sqlite"))
    svc = Service(store, b"a-secret-for-the-loop-tests-only")
    loop = DeliveryLoop(svc, FAST)
    loop.start()
    try:
        time.sleep(1.0)
    finally:
        loop.stop()
        store.close()
    assert store.writes == 0
    assert svc.commits.rings == 0


def test_the_loop_delivers_retries_and_dead_letters(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "busy.sqlite")
    svc = Service(store, b"a-secret-for-the-loop-tests-only")
    north = parties.create_party(svc, "Northmere Air Wing")
    relief = parties.create_party(svc, "Valecrest Relief")
    parties.set_agreement(
        svc, Agreement(north.id, relief.id, Mode.NOTIFY, 600, Silence.CONSENT, Disclosure.NAME)
    )
    keys = {
        role: parties.create_member(svc, party.id, f"{role}", role)[1]
        for party, role in ((north, Role.LIAISON), (relief, Role.PLANNER))
    }
    liaison = parties.create_member(svc, relief.id, "watch", Role.LIAISON)[1]
    relief_liaison = parties.authenticate(svc, liaison)
    relief_planner = parties.authenticate(svc, keys[Role.PLANNER])
    north_liaison = parties.authenticate(svc, keys[Role.LIAISON])
    loop = DeliveryLoop(svc, FAST)
    with Receiver(fail_first=2) as receiver:
        hook = webhooks.register(
            svc, relief_liaison, receiver.url, Purpose.PRIMARY, "", WebhookPolicy(True)
        )
        receiver.secret = hook.secret
        loop.start()
        try:
            zones.protect(
                svc,
                relief_planner,
                "Shelter",
                [volume(23.70, 41.75, 300, hours=24, start_h=0, origin=now_s())],
                Buffer(),
                Validity.TIME_LIMITED,
            )
            warnings.raise_hazard(
                svc,
                north_liaison,
                volume(23.71, 41.75, 3000, start_h=0, hours=3, origin=now_s()),
                Severity.DANGER,
                "expect hostile drones within 2 hours",
            )
            # The registration, the zone, the alert: three events; two first attempts fail.
            arrivals = receiver.wait_for(3, timeout_s=10)
        finally:
            loop.stop()
            store.close()
    ids = [a.webhook_id for a in arrivals]
    assert len(set(ids)) == 3
    failed = [a for a in receiver.arrivals() if not a.accepted]
    assert len(failed) == 2
    assert receiver.refusals == 0
    # A retry waits at least the first backoff, jitter included.
    first_fail = failed[0]
    again = next(
        a for a in receiver.arrivals() if a.webhook_id == first_fail.webhook_id and a.accepted
    )
    assert again.arrived_s - first_fail.arrived_s >= 0.1 * 0.75


def test_an_endpoint_that_always_fails_is_dead_lettered_then_replayed(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "dead.sqlite")
    svc, liaison, _ = _relief_desk(store)
    loop = DeliveryLoop(svc, FAST)
    with Receiver(always_fail=True) as receiver:
        hook = webhooks.register(
            svc, liaison, receiver.url, Purpose.PRIMARY, "", WebhookPolicy(True)
        )
        receiver.secret = hook.secret
        loop.start()
        try:
            dead = _wait_for_state(svc, hook.id, DeliveryState.DEAD)
            assert (dead.attempts, dead.last_status) == (3, 500)
            assert len(receiver.arrivals()) == 3  # max_attempts, then no more
            receiver.always_fail = False
            webhooks.replay(svc, liaison, hook.id, dead.id)
            # The replayed delivery, and the replay's own record entry: an event too.
            arrived = receiver.wait_for(2, timeout_s=10)
            done = _wait_for_state(svc, hook.id, DeliveryState.DELIVERED, dead.id)
        finally:
            loop.stop()
            store.close()
    assert [a.webhook_id for a in arrived].count(dead.id) == 1
    assert done.attempts == 1


def _wait_for_state(
    svc: Service, webhook_id: str, state: DeliveryState, delivery_id: str | None = None
) -> Delivery:
    """The first delivery (or the one named) to reach `state`: answers settle a moment later."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = svc.read(
            lambda tx: tx.webhooks.deliveries_of(webhook_id, states=[state], after=None, limit=50)
        )
        found = [d for d in found if delivery_id in (None, d.id)]
        if found:
            return found[0]
        time.sleep(0.05)
    raise TimeoutError(f"no delivery became {state}")


def test_a_lease_shorter_than_an_attempt_is_refused() -> None:
    with pytest.raises(ValueError, match="lease_s must be longer than timeout_s"):
        LoopSettings(lease_s=2, timeout_s=2)


def test_a_delivery_waiting_for_a_worker_is_sent_once_and_counted_once(tmp_path: Path) -> None:
    # Two workers, four deliveries, a receiver slower than the timeout: two deliveries wait
    # while the first two time out. No retry falls due within the test (60 s backoff).
    store = SqliteStore(tmp_path / "queued.sqlite")
    svc, liaison, planner = _relief_desk(store)
    slow = LoopSettings(
        poll_s=0.1,
        lease_s=2,
        timeout_s=1,
        workers=2,
        allow_loopback=True,
        retry=RetryPolicy(base_s=60, factor=2, max_delay_s=60),
    )
    loop = DeliveryLoop(svc, slow)
    with Receiver(delay_s=1.5) as receiver:
        hook = webhooks.register(
            svc, liaison, receiver.url, Purpose.PRIMARY, "", WebhookPolicy(True)
        )
        _three_zones(svc, planner)
        loop.start()
        try:
            tried = _wait_for_attempts(svc, hook.id, count=4)
            time.sleep(slow.lease_s + 1)  # long enough for a run-out lease to be taken again
            tried = _wait_for_attempts(svc, hook.id, count=4)
        finally:
            loop.stop()
            store.close()
    sent = [a.webhook_id for a in receiver.arrivals()]
    assert sorted(sent) == sorted({d.id for d in tried})  # each once
    assert [d.attempts for d in tried] == [1, 1, 1, 1]


def _wait_for_attempts(svc: Service, webhook_id: str, *, count: int) -> list[Delivery]:
    """The webhook's deliveries, once `count` of them have had an attempt settled."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = svc.read(
            lambda tx: tx.webhooks.deliveries_of(
                webhook_id, states=list(DeliveryState), after=None, limit=50
            )
        )
        if sum(1 for d in found if d.attempts) >= count:
            return found
        time.sleep(0.05)
    raise TimeoutError(f"fewer than {count} deliveries had an attempt settled")


def test_a_full_pool_with_deliveries_due_takes_no_writer_turn(tmp_path: Path) -> None:
    store = CountingStore(SqliteStore(tmp_path / "full.sqlite"))
    svc, liaison, planner = _relief_desk(store)
    one_worker = LoopSettings(poll_s=1.0, lease_s=30, timeout_s=10, workers=1, allow_loopback=True)
    loop = DeliveryLoop(svc, one_worker)
    with Receiver(delay_s=3.0) as receiver:
        webhooks.register(svc, liaison, receiver.url, Purpose.PRIMARY, "", WebhookPolicy(True))
        _three_zones(svc, planner)
        loop.start()
        try:
            deadline = time.monotonic() + 10
            while not receiver.arrivals() and time.monotonic() < deadline:
                time.sleep(0.05)
            # The one worker waits on the receiver for 3 s; three deliveries are due meanwhile.
            before = store.writes
            time.sleep(1.5)
            during = store.writes - before
            assert len(receiver.arrivals()) == 1  # still the first send
        finally:
            loop.stop()
            store.close()
    assert during == 0


class FailsOnceWhen(CountingStore):
    """A store whose first write once `when()` holds fails, as a busy store's may."""

    def __init__(self, inner: Store, when: Callable[[], bool]) -> None:
        super().__init__(inner)
        self.when = when
        self.failed = False

    def write(self, work: Callable[[Transaction], T]) -> T:
        if not self.failed and self.when():
            self.failed = True
            raise sqlite3.OperationalError("database is locked")
        return super().write(work)


def test_answers_not_recorded_for_a_moment_are_recorded_later_not_sent_again(
    tmp_path: Path,
) -> None:
    receiver = Receiver()
    # Once the receiver has taken the delivery, the loop's next write records its answer.
    store = FailsOnceWhen(SqliteStore(tmp_path / "flaky.sqlite"), lambda: bool(receiver.arrivals()))
    svc, liaison, _ = _relief_desk(store)
    short_leases = LoopSettings(
        poll_s=0.1, lease_s=1, timeout_s=0.5, workers=2, allow_loopback=True
    )
    loop = DeliveryLoop(svc, short_leases)
    with receiver:
        hook = webhooks.register(
            svc, liaison, receiver.url, Purpose.PRIMARY, "", WebhookPolicy(True)
        )
        loop.start()
        try:
            done = _wait_for_state(svc, hook.id, DeliveryState.DELIVERED)
            time.sleep(short_leases.lease_s + 0.5)  # a lost answer's lease would run out
        finally:
            loop.stop()
            store.close()
    assert store.failed
    assert receiver.received_ids() == [done.id]
    assert done.attempts == 1


def _three_zones(svc: Service, planner: Principal) -> None:
    """Three events for every webhook of the planner's party: one per zone protected."""
    for name in ("North shelter", "South shelter", "Depot"):
        zones.protect(
            svc,
            planner,
            name,
            [volume(23.70, 41.75, 300, hours=24, start_h=0, origin=now_s())],
            Buffer(),
            Validity.TIME_LIMITED,
        )


def _relief_desk(store: Store) -> tuple[Service, Principal, Principal]:
    """A service on `store` with one party, Valecrest Relief: its liaison and its planner."""
    svc = Service(store, b"a-secret-for-the-loop-tests-only")
    relief = parties.create_party(svc, "Valecrest Relief")
    liaison = parties.authenticate(
        svc, parties.create_member(svc, relief.id, "watch", Role.LIAISON)[1]
    )
    planner = parties.authenticate(
        svc, parties.create_member(svc, relief.id, "plans", Role.PLANNER)[1]
    )
    return svc, liaison, planner
