"""Warning records: round trips with alerts, and who raised or was alerted by what."""

from __future__ import annotations

from deconflict.domain.ids import WarningId
from deconflict.domain.warning import HazardWarning, alert, resent
from deconflict.store.interface import Store, Transaction
from tests.domain import LOWFEN, NORTHMERE, OSTERBY, T0, VALECREST
from tests.store.record_specimens import MINUTE, acknowledged, every_page, warning


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
