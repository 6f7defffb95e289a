"""Housekeeping on a schedule: expired volumes, old idempotency answers and old delivered
or dead webhook deliveries leave the store, and standing zones are renewed before they lapse.

Expired volumes already vanish from every search the instant their window ends; purging
only keeps the index from growing without bound. `deconflict serve` runs `purge` at its start
and every `purge_interval_s` (see docs/configuration.md); `deconflict db purge` runs it by hand.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta

from deconflict.service.context import Service
from deconflict.service.idempotency import RETENTION_HOURS
from deconflict.service.zones import renew_standing
from deconflict.store.interface import Transaction

#: Volumes are kept this long after their window ends, for late reads of recent history.
DEFAULT_PURGE_GRACE = timedelta(hours=24)
#: Expired volumes deleted per write transaction.
PURGE_BATCH = 10_000
#: Delivered webhook deliveries are listed this long; the events stay in the record for good.
DELIVERED_RETENTION = timedelta(days=7)
#: Dead deliveries are listed, and can be replayed, this long after their last attempt: a
#: receiver gone for months must not leave a row for every event of those months.
DEAD_RETENTION = timedelta(days=30)
_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Purged:
    volumes: int
    idempotency_answers: int
    deliveries: int = 0


def purge(svc: Service, grace: timedelta = DEFAULT_PURGE_GRACE, batch: int = PURGE_BATCH) -> Purged:
    """Expired volumes go `batch` at a time, each batch a write of its own: a backlog of
    millions (a server down for a week) must not hold the one writer for minutes."""

    def first(tx: Transaction) -> Purged:
        now = svc.clock.now()
        volumes = tx.volumes.purge_expired(now=now, grace=grace, limit=batch)
        answers = tx.idempotency.purge(before=now - timedelta(hours=RETENTION_HOURS))
        deliveries = tx.webhooks.purge_settled(
            delivered_before=now - DELIVERED_RETENTION, dead_before=now - DEAD_RETENTION
        )
        return Purged(volumes, answers, deliveries)

    def more(tx: Transaction) -> int:
        return tx.volumes.purge_expired(now=svc.clock.now(), grace=grace, limit=batch)

    purged = svc.write(first)
    total, last = purged.volumes, purged.volumes
    while last == batch:
        last = svc.write(more)
        total += last
    return Purged(total, purged.idempotency_answers, purged.deliveries)


class PurgeSchedule:
    """Runs `purge` and `renew_standing` once at its start, then every `interval_s`, in a
    daemon thread until stopped: a server restarted more often than the interval (deploys,
    a crash loop) would otherwise never purge, and its tables would grow for good."""

    def __init__(self, svc: Service, interval_s: float, grace: timedelta = DEFAULT_PURGE_GRACE):
        self._svc = svc
        self._interval_s = interval_s
        self._grace = grace
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="deconflict-purge", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, chore in (("purge", self._purge), ("renewal", self._renew)):
                try:
                    chore()
                except Exception:
                    # A failed round is retried next interval; the server must keep serving.
                    _log.exception("%s failed; retrying in %s s", name, self._interval_s)
            self._stop.wait(self._interval_s)

    def _purge(self) -> None:
        purge(self._svc, self._grace)

    def _renew(self) -> None:
        renew_standing(self._svc)
