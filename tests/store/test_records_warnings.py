"""Warning records: round trips with alerts, and who raised or was alerted by what."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from deconflict.domain.ids import PartyId, WarningId
from deconflict.domain.warning import HazardWarning, acknowledge, alert, resent
from deconflict.store.interface import Store, Transaction
from tests.domain import LOWFEN, NORTHMERE, OSTERBY, T0, VALECREST
from tests.store.record_specimens import LIAISON, MINUTE, acknowledged, every_page, warning


def put(store: Store, *warnings: HazardWarning) -> None:
    def work(tx: Transaction) -> None:
        for each in warnings:
            tx.warnings.put(each)

    store.write(work)


def ids(warnings: list[HazardWarning]) -> list[str]:
    return [w.id for w in warnings]


def test_a_warning_reads_back_equal_with_its_alerts_and_acknowledgements(store: Store) -> None:
    written = acknowledged("w-drones")
    put(store, written)
    assert store.read(lambda tx: tx.warnings.get(written.id)) == written
    assert store.read(lambda tx: tx.warnings.get(WarningId("w-unknown"))) is None


def test_a_warning_alerts_the_parties_added_to_it_later(store: Store) -> None:
    raised = warning("w-drones", NORTHMERE, [VALECREST])
    put(store, raised)
    assert ids(store.read(lambda tx: tx.warnings.alerting(OSTERBY, after=None, limit=5))) == []
    widened = resent(alert(raised, [OSTERBY], T0 + MINUTE), [VALECREST], T0 + 2 * MINUTE)
    put(store, widened)
    assert store.read(lambda tx: tx.warnings.get(raised.id)) == widened
    assert store.read(lambda tx: tx.warnings.alerting(VALECREST, after=None, limit=5)) == [widened]
    assert store.read(lambda tx: tx.warnings.alerting(OSTERBY, after=None, limit=5)) == [widened]


def test_the_raiser_sees_what_it_raised_and_is_not_alerted_by_it(store: Store) -> None:
    put(store, warning("w-1", NORTHMERE, [VALECREST]), warning("w-2", LOWFEN, [NORTHMERE]))
    raised = store.read(lambda tx: tx.warnings.raised_by(NORTHMERE, after=None, limit=5))
    assert ids(raised) == ["w-1"]
    alerted = store.read(lambda tx: tx.warnings.alerting(NORTHMERE, after=None, limit=5))
    assert ids(alerted) == ["w-2"]


def test_pages_cover_warnings_raised_and_alerting_once_each(store: Store) -> None:
    numbers = [f"w-{n:02d}" for n in range(9)]
    put(store, *(warning(n, LOWFEN, [VALECREST] if int(n[2:]) % 2 else [OSTERBY]) for n in numbers))
    raised = store.read(
        lambda tx: every_page(
            lambda after, limit: tx.warnings.raised_by(LOWFEN, after=after, limit=limit),
            lambda w: w.id,
        )
    )
    assert ids(raised) == numbers
    alerting = store.read(
        lambda tx: every_page(
            lambda after, limit: tx.warnings.alerting(VALECREST, after=after, limit=limit),
            lambda w: w.id,
        )
    )
    assert ids(alerting) == ["w-01", "w-03", "w-05", "w-07"]


#: Waits before the 1st, 2nd and (repeating) later re-sends.
SCHEDULE = (120, 300, 600)
SECOND = timedelta(seconds=1)


def sent(warning_id: str, times: int, last: datetime) -> HazardWarning:
    """A warning alerting Valecrest, sent `times` times, last at `last`."""
    made = warning(warning_id, NORTHMERE, [VALECREST])
    return replace(
        made, alerts=tuple(replace(a, last_sent_at=last, sends=times) for a in made.alerts)
    )


def due(store: Store, now: datetime, limit: int = 10) -> list[str]:
    return ids(store.read(lambda tx: tx.warnings.resends_due(SCHEDULE, now=now, limit=limit)))


def test_resends_due_are_found_by_when_they_fall_due_not_by_the_last_send(store: Store) -> None:
    now = T0 + 20 * MINUTE
    put(
        store,
        # Sent last long ago, but waiting out a long wait: not due, however old.
        sent("w-third-waits", 3, now - 599 * SECOND),
        sent("w-second-waits", 2, now - 299 * SECOND),
        # Due, the most overdue first, whichever wait they waited.
        sent("w-first-due", 1, now - 121 * SECOND),
        sent("w-second-due", 2, now - 300 * SECOND),
        sent("w-fifth-due", 5, now - 700 * SECOND),
        sent("w-first-waits", 1, now - 119 * SECOND),
    )
    assert due(store, now) == ["w-fifth-due", "w-first-due", "w-second-due"]
    assert due(store, now, limit=1) == ["w-fifth-due"]
    # All due a second later: by when each fell due, ties by id.
    assert due(store, now + SECOND) == [
        "w-fifth-due",
        "w-first-due",
        "w-second-due",
        "w-first-waits",
        "w-second-waits",
        "w-third-waits",
    ]


def test_acknowledged_alerts_and_warnings_over_are_never_due(store: Store) -> None:
    quiet = acknowledge(warning("w-acknowledged", NORTHMERE, [VALECREST]), VALECREST, LIAISON, T0)
    ended = warning("w-ended", NORTHMERE, [VALECREST])
    put(store, quiet, ended)
    assert due(store, T0 + 10 * MINUTE) == ["w-ended"]
    assert due(store, ended.volume.time.end) == []


def test_a_warning_is_due_by_its_first_alert_due(store: Store) -> None:
    both = resent(warning("w-two", NORTHMERE, [VALECREST, OSTERBY]), [OSTERBY], T0 + 5 * MINUTE)
    put(store, both)
    # Valecrest (sent once, at T0) is due at T0 + 2 min; Osterby (twice) only at T0 + 10 min.
    assert due(store, T0 + 2 * MINUTE - SECOND) == []
    assert due(store, T0 + 2 * MINUTE) == ["w-two"]


def test_a_warning_is_found_by_its_raiser_and_the_parties_it_alerts_only(store: Store) -> None:
    raised = warning("w-drones", NORTHMERE, [VALECREST])
    put(store, raised)

    def seen_by(party: PartyId) -> HazardWarning | None:
        return store.read(lambda tx: tx.warnings.get_seen_by(raised.id, party))

    def alerting(party: PartyId) -> HazardWarning | None:
        return store.read(lambda tx: tx.warnings.get_alerting(raised.id, party))

    assert [seen_by(p) for p in (NORTHMERE, VALECREST, OSTERBY)] == [raised, raised, None]
    # The raiser is not alerted by its own warning.
    assert [alerting(p) for p in (NORTHMERE, VALECREST, OSTERBY)] == [None, raised, None]
    unknown = WarningId("w-unknown")
    assert store.read(lambda tx: tx.warnings.get_seen_by(unknown, NORTHMERE)) is None
    assert store.read(lambda tx: tx.warnings.get_alerting(unknown, VALECREST)) is None
