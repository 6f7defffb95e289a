"""The delivery loop of a server process: deadlines, warning re-sends and webhook deliveries.

One thread does the database work, woken by each commit of this process or, for the
commits of other processes sharing the database, by a poll; a small pool of threads posts
to webhooks. Everything it acts on is in the database, so a process can die at any point:
the next one (or the same, restarted) takes over where the record says it stopped.
"""

from __future__ import annotations

import json
import logging
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from deconflict.delivery.backoff import RetryPolicy
from deconflict.delivery.sender import new_client, post_event
from deconflict.delivery.signing import sign_headers
from deconflict.service import deadlines, outbox, resending
from deconflict.service.context import Service
from deconflict.service.resending import ResendPolicy

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LoopSettings:
    poll_s: float = 1.0
    lease_s: float = 60.0
    timeout_s: float = 10.0
    workers: int = 4
    allow_loopback: bool = False
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    resend: ResendPolicy = field(default_factory=ResendPolicy)


class DeliveryLoop:
    def __init__(
        self, svc: Service, settings: LoopSettings, rng: random.Random | None = None
    ) -> None:
        self._svc = svc
        self._settings = settings
        self._rng = rng or random.SystemRandom()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="deconflict-delivery", daemon=True)
        self._pool = ThreadPoolExecutor(settings.workers, thread_name_prefix="deconflict-webhook")
        self._client = new_client()
        self._lock = threading.Lock()
        self._in_flight = 0  # deliveries handed to the pool and not yet settled

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._svc.commits.ring()  # wake the loop so that it sees the stop at once
        self._thread.join(timeout=10)
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._client.close()

    def run_once(self) -> int:
        """One round of every duty; returns how much it did (0: nothing was due)."""
        resend = self._settings.resend
        done = deadlines.apply_due_deadlines(self._svc)
        done += resending.resend_due_warnings(self._svc, resend)
        done += outbox.make_deliveries(self._svc, escalate_from_sends=resend.escalate_from_sends)
        # Lease no more than the pool can start soon, or leases would run out in its queue.
        with self._lock:
            free = 2 * self._settings.workers - self._in_flight
        if free > 0:
            parcels = outbox.take_due(self._svc, lease_s=self._settings.lease_s, limit=free)
            with self._lock:
                self._in_flight += len(parcels)
            for parcel in parcels:
                self._pool.submit(self._send, parcel)
            done += len(parcels)
        return done

    def _run(self) -> None:
        seen = self._svc.commits.rings
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception:
                # The store may be busy or gone for a moment; the record keeps the work.
                _log.exception("delivery round failed; retrying in %s s", self._settings.poll_s)
                busy = 0
            if busy:
                continue
            seen = self._svc.commits.wait(seen, self._wait_s())

    def _wait_s(self) -> float:
        """Until the next known due time, but no longer than the poll interval."""
        wait = self._settings.poll_s
        now = self._svc.clock.now()
        for due in (deadlines.next_deadline(self._svc), outbox.next_due(self._svc)):
            if due is not None:
                wait = min(wait, max((due - now).total_seconds(), 0.0))
        return wait

    def _send(self, parcel: outbox.Parcel) -> None:
        try:
            body = json.dumps(parcel.event.to_json(), separators=(",", ":")).encode()
            timestamp = int(self._svc.clock.now().timestamp())
            headers = sign_headers(parcel.webhook.secret, parcel.delivery.id, timestamp, body)
            result = post_event(
                parcel.webhook.url,
                body,
                headers,
                timeout_s=self._settings.timeout_s,
                allow_loopback=self._settings.allow_loopback,
                client=self._client,
            )
            outbox.settle(
                self._svc,
                parcel,
                status=result.status,
                ok=result.delivered,
                error=result.error,
                retry_after=self._retry_after,
            )
        except Exception:
            # Unsettled, the delivery is taken up again once its lease runs out.
            _log.exception("webhook delivery %s failed", parcel.delivery.id)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _retry_after(self, attempts: int) -> float | None:
        return self._settings.retry.retry_after_s(attempts, self._rng.random())
