"""Housekeeping: expired volumes leave the store in batches, each its own write."""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime, timedelta

import psycopg
import pytest

from deconflict.domain.zone import Validity, Zone
from deconflict.geometry import Buffer, Reach, limits
from deconflict.geometry.limits import MAX_DURATION
from deconflict.service import views, zones
from deconflict.service.maintenance import PurgeSchedule, purge
from deconflict.service.zones import renew_standing
from deconflict.store.codec import to_us
from deconflict.store.interface import Transaction
from deconflict.store.postgres import PostgresStore
from deconflict.store.sqlite import SqliteStore
from tests.service.conftest import Cast, volume
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


def _standing(cast: Cast, days: float, validity: Validity = Validity.STANDING) -> Zone:
    """A zone of the South over a shelter whose one window ends `days` from now."""
    shelter = volume(23.42, 41.88, 800, start_h=0, hours=24 * days, origin=cast.clock.now())
    return zones.protect(cast.svc, cast.south_planner, "Shelter", [shelter], Buffer(), validity)


def _found_at(cast: Cast, when: datetime) -> set[str]:
    """Which zones an operation over the shelter runs into at `when`."""
    probe = volume(23.42, 41.88, 100, start_h=0, hours=1, upper=100, origin=when)
    hits = cast.svc.read(lambda tx: tx.volumes.search(Reach(probe), now=cast.clock.now()))
    return {hit.owner.entity.entity_id for hit in hits}


def test_a_standing_zone_is_renewed_before_it_lapses_and_a_time_limited_one_is_not(
    cast: Cast,
) -> None:
    standing = _standing(cast, days=40)
    limited = _standing(cast, days=40, validity=Validity.TIME_LIMITED)
    assert renew_standing(cast.svc) == 0, "forty days left: not due yet"
    cast.clock.advance(timedelta(days=15))
    assert renew_standing(cast.svc) == 1
    assert renew_standing(cast.svc) == 0, "renewed once, not every round"
    later = cast.clock.now() + timedelta(days=400)
    assert _found_at(cast, later) == {standing.id}
    renewal = zones.own_zone(cast.svc, cast.south_planner, standing.id)
    assert renewal.version == 2
    assert renewal.volumes[0].time.end == cast.clock.now() + MAX_DURATION
    entries = views.audit_entries(cast.svc, cast.south_liaison, after_seq=-1, limit=100)
    assert [e.entry.data["event"] for e in entries if e.entry.subject == f"zone:{standing.id}"][
        -1
    ] == "renewed"
    assert limited.id not in _found_at(cast, cast.clock.now() + timedelta(days=30))


def test_the_schedule_renews_standing_zones(cast: Cast) -> None:
    standing = _standing(cast, days=10)
    schedule = PurgeSchedule(cast.svc, interval_s=3600.0)
    schedule.start()
    try:
        deadline = time.monotonic() + 20.0
        while time.monotonic() < deadline:
            if zones.own_zone(cast.svc, cast.south_planner, standing.id).version == 2:
                break
            time.sleep(0.05)
    finally:
        schedule.stop()
    assert zones.own_zone(cast.svc, cast.south_planner, standing.id).version == 2


def _raw_sql(cast: Cast, request: pytest.FixtureRequest, sql: str) -> list[tuple[object, ...]]:
    """Statements an upgrade would run, on the store's own database, past the interface."""
    store = cast.svc.store
    if isinstance(store, SqliteStore):
        with sqlite3.connect(store.path) as conn:
            return conn.execute(sql).fetchall()
    assert isinstance(store, PostgresStore)
    pg_url: str = request.getfixturevalue("pg_url")
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{store.schema}"')
        cur = conn.execute(sql)
        return cur.fetchall() if cur.description else []


def test_standing_zones_marked_due_by_the_upgrade_are_renewed_or_set_right(
    cast: Cast, request: pytest.FixtureRequest
) -> None:
    """Schema 010/011 marks every standing zone stored before it as due (0): the first round
    renews the ones really due and writes the real end for the rest, once."""
    far, near = _standing(cast, days=300), _standing(cast, days=20)
    _raw_sql(cast, request, "UPDATE zones SET standing_until_us = 0")
    assert renew_standing(cast.svc) == 1
    assert zones.own_zone(cast.svc, cast.south_planner, near.id).version == 2
    assert zones.own_zone(cast.svc, cast.south_planner, far.id).version == 1
    marks = {
        row[0]: row[1] for row in _raw_sql(cast, request, "SELECT id, standing_until_us FROM zones")
    }
    assert marks[far.id] == to_us(far.volumes[0].time.end)
    assert renew_standing(cast.svc) == 0


def test_a_standing_zone_past_tightened_limits_does_not_stop_the_others(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    wide = volume(23.2, 41.5, 40_000, start_h=0, hours=24 * 10, origin=cast.clock.now())
    zones.protect(cast.svc, cast.south_planner, "Range", [wide], Buffer(), Validity.STANDING)
    shelter = _standing(cast, days=10)
    monkeypatch.setattr(limits, "MAX_EXTENT_M", 50_000.0)  # the 80 km range no longer fits
    assert renew_standing(cast.svc) == 1
    assert zones.own_zone(cast.svc, cast.south_planner, shelter.id).version == 2
