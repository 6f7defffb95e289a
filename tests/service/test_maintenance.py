"""Housekeeping: expired volumes leave the store in batches, each its own write."""

from __future__ import annotations

import time
from datetime import timedelta

from deconflict.service.maintenance import PurgeSchedule, purge
from deconflict.store.interface import Transaction
from tests.service.conftest import Cast
from tests.store.test_contract import BASE, T0, owner, reach


def test_a_backlog_is_purged_in_batches_until_none_is_left(cast: Cast) -> None:
    svc = cast.svc

    def store_volumes(tx: Transaction) -> None:
        for n in range(5):
            tx.volumes.replace(owner(f"op-ended-{n}"), [reach(BASE, minutes=(0, 10))])
        tx.volumes.replace(owner("op-live"), [reach(BASE, minutes=(0, 3 * 24 * 60))])

    svc.write(store_volumes)
    cast.clock.set(T0 + timedelta(days=2))
    # Five in batches of two: only a purge that goes on while batches come back full
    # takes them all.
    assert purge(svc, batch=2).volumes == 5
    assert svc.read(lambda tx: tx.volumes.count()) == 1
    assert purge(svc, batch=2).volumes == 0


def test_the_schedule_purges_at_its_start_not_only_an_interval_later(cast: Cast) -> None:
    # With the default hour between rounds, a server restarted more often than hourly
    # never purged at all.
    svc = cast.svc
    svc.write(lambda tx: tx.volumes.replace(owner("op-ended"), [reach(BASE, minutes=(0, 10))]))
    cast.clock.set(T0 + timedelta(days=2))
    schedule = PurgeSchedule(svc, interval_s=3600.0)
    schedule.start()
    try:
        deadline = time.monotonic() + 20.0
        while svc.read(lambda tx: tx.volumes.count()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert svc.read(lambda tx: tx.volumes.count()) == 0
    finally:
        schedule.stop()
