"""The store contract: one suite, run unchanged on SQLite and on PostgreSQL."""

from __future__ import annotations

import random
import sqlite3
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from deconflict import errors
from deconflict.domain.entities import EntityKind, EntityRef, VolumeOwner
from deconflict.domain.ids import PartyId
from deconflict.geometry import Reach, parse_reach, parse_volume, reaches_meet
from deconflict.store.interface import Store, Transaction, VolumeHit
from deconflict.store.sqlite import SqliteStore
from tests.specimens import PAIRS

#: Fictional day the test volumes live on; `NOW` is before any of them starts.
T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
NOW = T0 - timedelta(hours=1)


def at(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def circle(lon: float, lat: float, radius_m: float) -> dict[str, object]:
    return {"type": "Circle", "center": [lon, lat], "radius_m": radius_m}


def rectangle(lon_lo: float, lat_lo: float, lon_hi: float, lat_hi: float) -> dict[str, object]:
    ring = [
        [lon_lo, lat_lo],
        [lon_hi, lat_lo],
        [lon_hi, lat_hi],
        [lon_lo, lat_hi],
        [lon_lo, lat_lo],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def reach(
    footprint: dict[str, object],
    *,
    alt_m: tuple[float, float] = (0.0, 120.0),
    minutes: tuple[float, float] = (0.0, 120.0),
    reference: str = "WGS84",
    buffer_m: tuple[float, float] | None = None,
) -> Reach:
    """A validated reach from the API's JSON form."""
    volume = {
        "footprint": footprint,
        "altitude_lower_m": alt_m[0],
        "altitude_upper_m": alt_m[1],
        "altitude_reference": reference,
        "start": at(minutes[0]),
        "end": at(minutes[1]),
    }
    if buffer_m is None:
        return Reach(parse_volume(volume))
    buffer = {"horizontal_m": buffer_m[0], "vertical_m": buffer_m[1]}
    return parse_reach(volume, buffer, "", "/buffer")


def owner(entity_id: str, kind: EntityKind = EntityKind.OPERATION, version: int = 1) -> VolumeOwner:
    return VolumeOwner(EntityRef(kind, entity_id), PartyId(f"party-of-{entity_id}"), version)


def put(store: Store, who: VolumeOwner, *reaches: Reach) -> None:
    store.write(lambda tx: tx.volumes.replace(who, reaches))


def found(
    store: Store,
    query: Reach,
    *,
    now: datetime = NOW,
    kinds: frozenset[EntityKind] = frozenset(EntityKind),
    exclude: EntityRef | None = None,
) -> set[tuple[str, int]]:
    hits = store.read(lambda tx: tx.volumes.search(query, now=now, kinds=kinds, exclude=exclude))
    return {(h.owner.entity.entity_id, h.index) for h in hits}


def count(store: Store) -> int:
    return store.read(lambda tx: tx.volumes.count())


# A base about 5.7 km wide and 2.2 km tall (not square), at 10.0–10.08 E, 50.0–50.02 N.
BASE = rectangle(10.0, 50.0, 10.08, 50.02)


def test_replace_then_search_finds_it(store: Store) -> None:
    put(store, owner("op-1"), reach(BASE))
    hits = store.read(lambda tx: tx.volumes.search(reach(circle(10.04, 50.01, 100)), now=NOW))
    assert [(h.owner, h.index) for h in hits] == [(owner("op-1"), 0)]
    assert hits[0].reach == reach(BASE)
    assert count(store) == 1


def test_a_hit_gives_its_band_and_window_as_its_reach_does(store: Store) -> None:
    buffered = reach(BASE, alt_m=(40.0, 90.0), buffer_m=(200.0, 35.0))
    put(store, owner("zone-1", EntityKind.ZONE), buffered)
    hits = store.read(lambda tx: tx.volumes.search(reach(circle(10.04, 50.01, 100)), now=NOW))
    assert [(h.band, h.time) for h in hits] == [(buffered.band, buffered.time)]
    assert (hits[0].band.lower_m, hits[0].band.upper_m) == (5.0, 125.0)
    assert hits[0].reach == buffered


def test_new_version_supersedes_old_volumes(store: Store) -> None:
    put(store, owner("op-1", version=1), reach(BASE), reach(circle(10.5, 50.5, 300)))
    put(store, owner("op-1", version=2), reach(circle(11.0, 51.0, 300)))
    assert found(store, reach(circle(10.04, 50.01, 100))) == set()
    assert found(store, reach(circle(10.5, 50.5, 100))) == set()
    hits = store.read(lambda tx: tx.volumes.search(reach(circle(11.0, 51.0, 10)), now=NOW))
    assert [(h.owner.version, h.index) for h in hits] == [(2, 0)]
    assert count(store) == 1


def test_remove_drops_every_volume_of_the_entity_only(store: Store) -> None:
    put(store, owner("op-1"), reach(BASE), reach(BASE, minutes=(200, 300)))
    put(store, owner("op-2"), reach(BASE))
    removed = store.write(lambda tx: tx.volumes.remove(EntityRef(EntityKind.OPERATION, "op-1")))
    assert removed == 2
    assert found(store, reach(BASE, minutes=(0, 400))) == {("op-2", 0)}
    assert store.write(lambda tx: tx.volumes.remove(EntityRef(EntityKind.OPERATION, "op-1"))) == 0


def test_volume_ended_by_now_is_never_returned(store: Store) -> None:
    put(store, owner("op-1"), reach(BASE, minutes=(0, 60)))
    put(store, owner("op-2"), reach(BASE, minutes=(0, 90)))
    query = reach(BASE, minutes=(0, 30))
    assert found(store, query, now=T0 + timedelta(minutes=59)) == {("op-1", 0), ("op-2", 0)}
    assert found(store, query, now=T0 + timedelta(minutes=60)) == {("op-2", 0)}
    assert found(store, query, now=T0 + timedelta(minutes=90)) == set()


@pytest.mark.parametrize("start", [T0, datetime(2199, 12, 31, 22, 0, tzinfo=UTC)])
def test_a_volume_is_live_until_the_microsecond_it_ends(store: Store, start: datetime) -> None:
    # Also in the last hours the limits allow, far from the store's epoch, where a
    # PostgreSQL query box clipped to `now` in float seconds could slip.
    offset = (start - T0) / timedelta(minutes=1)
    put(store, owner("op-1"), reach(BASE, minutes=(offset, offset + 60)))
    end = start + timedelta(minutes=60)
    query = reach(BASE, minutes=(offset, offset + 60))
    assert found(store, query, now=end - timedelta(microseconds=1)) == {("op-1", 0)}
    assert found(store, query, now=end) == set()


def test_purge_deletes_only_volumes_ended_more_than_grace_ago(store: Store) -> None:
    put(store, owner("ended-long-ago"), reach(BASE, minutes=(0, 10)))
    put(store, owner("ended-within-grace"), reach(BASE, minutes=(0, 50)))
    # Ended exactly `grace` ago: not more than grace, so it stays (both stores alike).
    put(store, owner("ended-grace-ago"), reach(BASE, minutes=(0, 30)))
    put(store, owner("live"), reach(BASE, minutes=(0, 120)))
    now = T0 + timedelta(minutes=60)
    purged = store.write(lambda tx: tx.volumes.purge_expired(now=now, grace=timedelta(minutes=30)))
    assert purged == 1
    assert count(store) == 3
    # Gone from the index too, not only from the rows a search joins its boxes to.
    everywhere = reach(BASE, minutes=(0, 200))
    assert store.read(lambda tx: tx.volumes.prefilter_count(everywhere, now=T0)) == 3
    assert found(store, reach(BASE, minutes=(0, 200)), now=T0) == {
        ("ended-within-grace", 0),
        ("ended-grace-ago", 0),
        ("live", 0),
    }


def test_purge_takes_at_most_its_limit_and_the_rest_later(store: Store) -> None:
    for n in range(5):
        put(store, owner(f"ended-{n}"), reach(BASE, minutes=(0, 10)))
    put(store, owner("live"), reach(BASE, minutes=(0, 120)))
    now, grace = T0 + timedelta(minutes=60), timedelta(minutes=30)

    def purge(limit: int) -> int:
        return store.write(lambda tx: tx.volumes.purge_expired(now=now, grace=grace, limit=limit))

    assert [purge(2), purge(2), purge(2), purge(2)] == [2, 2, 1, 0]
    assert count(store) == 1
    everywhere = reach(BASE, minutes=(0, 200))
    assert store.read(lambda tx: tx.volumes.prefilter_count(everywhere, now=T0)) == 1
    assert found(store, reach(BASE, minutes=(0, 200)), now=T0) == {("live", 0)}


def test_any_live_volume_of_a_kind(store: Store) -> None:
    def any_live(kind: EntityKind, minutes: float) -> bool:
        now = T0 + timedelta(minutes=minutes)
        return store.read(lambda tx: tx.volumes.any_live(kind, now=now))

    assert not any_live(EntityKind.WARNING, 0)
    put(store, owner("zone-1", EntityKind.ZONE), reach(BASE, minutes=(0, 300)))
    put(store, owner("warning-1", EntityKind.WARNING), reach(BASE, minutes=(0, 60)))
    assert any_live(EntityKind.WARNING, 59.99)
    assert not any_live(EntityKind.WARNING, 60), "over at its end: windows are half-open"
    assert not any_live(EntityKind.OPERATION, 0)
    store.write(lambda tx: tx.volumes.remove(EntityRef(EntityKind.WARNING, "warning-1")))
    assert not any_live(EntityKind.WARNING, 0)


def test_kinds_filter(store: Store) -> None:
    put(store, owner("zone-1", EntityKind.ZONE), reach(BASE))
    put(store, owner("op-1", EntityKind.OPERATION), reach(BASE))
    put(store, owner("sub-1", EntityKind.SUBSCRIPTION), reach(BASE))
    query = reach(BASE)
    assert found(store, query, kinds=frozenset({EntityKind.ZONE})) == {("zone-1", 0)}
    conflicting = store.read(lambda tx: tx.volumes.search(query, now=NOW))
    assert {h.owner.entity.kind for h in conflicting} == {EntityKind.ZONE, EntityKind.OPERATION}
    assert found(store, query, kinds=frozenset()) == set()


def test_exclude_skips_only_that_entity(store: Store) -> None:
    put(store, owner("op-1"), reach(BASE))
    put(store, owner("op-2"), reach(BASE))
    # Same id under another kind is another entity and stays.
    put(store, owner("op-1", EntityKind.ZONE), reach(BASE))
    hits = store.read(
        lambda tx: tx.volumes.search(
            reach(BASE), now=NOW, exclude=EntityRef(EntityKind.OPERATION, "op-1")
        )
    )
    assert {h.owner.entity for h in hits} == {
        EntityRef(EntityKind.OPERATION, "op-2"),
        EntityRef(EntityKind.ZONE, "op-1"),
    }


def test_antimeridian_polygon_found_from_both_sides(store: Store) -> None:
    crossing: dict[str, object] = {
        "type": "Polygon",
        "coordinates": [
            [[179.8, -16.9], [-179.7, -16.9], [-179.7, -16.7], [179.8, -16.7], [179.8, -16.9]]
        ],
    }
    put(store, owner("op-dateline"), reach(crossing))
    assert found(store, reach(circle(179.9, -16.8, 50))) == {("op-dateline", 0)}
    assert found(store, reach(circle(-179.9, -16.8, 50))) == {("op-dateline", 0)}
    assert found(store, reach(circle(-179.5, -16.8, 50))) == set()
    assert found(store, reach(circle(179.9, -16.5, 50))) == set()


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_the_search_decides_each_named_specimen_as_the_rule_does(store: Store, name: str) -> None:
    """Each pair of `tests.specimens`, one stored, searched for with the other, both ways:
    the index must hand the exact check every pair that conflicts, even where their exact
    bounds do not meet (touching along the antimeridian, a few centimetres apart)."""
    pair = PAIRS[name]
    put(store, owner("spec-a"), pair.a)
    put(store, owner("spec-b"), pair.b)
    as_a, as_b = (
        EntityRef(EntityKind.OPERATION, "spec-a"),
        EntityRef(EntityKind.OPERATION, "spec-b"),
    )
    expected_b, expected_a = ({("spec-b", 0)}, {("spec-a", 0)}) if pair.conflict else (set(), set())
    assert found(store, pair.a, exclude=as_a) == expected_b, pair.why
    assert found(store, pair.b, exclude=as_b) == expected_a, pair.why


def test_asymmetric_specimen_catches_a_lon_lat_swap(store: Store) -> None:
    # Wide and thin, with longitudes and latitudes far apart: swapping them anywhere in
    # the index would move the box off the query.
    put(store, owner("op-wide"), reach(rectangle(30.0, 10.0, 30.5, 10.02)))
    assert found(store, reach(circle(30.4, 10.01, 50))) == {("op-wide", 0)}
    assert found(store, reach(circle(30.01, 10.4, 50))) == set()
    assert found(store, reach(circle(10.01, 30.4, 50))) == set()


def test_different_references_compare_conservatively_same_reference_exactly(
    store: Store,
) -> None:
    put(store, owner("wgs84"), reach(BASE, alt_m=(100, 200), reference="WGS84"))
    put(store, owner("amsl"), reach(BASE, alt_m=(500, 600), reference="AMSL"))
    # AMSL 300 m may be as low as 193 m above the ellipsoid: within the WGS84 band.
    assert found(store, reach(BASE, alt_m=(300, 400), reference="AMSL")) == {("wgs84", 0)}
    assert found(store, reach(BASE, alt_m=(320, 400), reference="AMSL")) == set()
    # Same reference: exact, so 601 m clears 600 m; in WGS84 it cannot be cleared.
    assert found(store, reach(BASE, alt_m=(601, 700), reference="AMSL")) == set()
    assert found(store, reach(BASE, alt_m=(600, 700), reference="AMSL")) == {("amsl", 0)}
    assert found(store, reach(BASE, alt_m=(601, 700), reference="WGS84")) == {("amsl", 0)}


def test_windows_meeting_end_to_start_do_not_conflict(store: Store) -> None:
    put(store, owner("op-1"), reach(BASE, minutes=(0, 60)))
    assert found(store, reach(BASE, minutes=(60, 120))) == set()
    assert found(store, reach(BASE, minutes=(-60, 0))) == set()
    one_us = 1e-6 / 60
    assert found(store, reach(BASE, minutes=(60 - one_us, 120))) == {("op-1", 0)}
    assert found(store, reach(BASE, minutes=(-60, one_us))) == {("op-1", 0)}


def test_buffer_turns_a_near_miss_into_a_conflict(store: Store) -> None:
    # The query circle's rim passes about 500 m east of the base's east edge.
    near_miss = reach(circle(10.095, 50.01, 550), alt_m=(300, 400))
    put(store, owner("zone-bare", EntityKind.ZONE), reach(BASE, alt_m=(0, 250)))
    assert found(store, near_miss) == set()
    put(
        store,
        owner("zone-buffered", EntityKind.ZONE),
        reach(BASE, alt_m=(0, 250), buffer_m=(1000, 60)),
    )
    assert found(store, near_miss) == {("zone-buffered", 0)}
    put(
        store,
        owner("zone-buffered", EntityKind.ZONE, 2),
        reach(BASE, alt_m=(0, 250), buffer_m=(1000, 40)),
    )
    assert found(store, near_miss) == set()


def test_work_that_raises_rolls_back(store: Store) -> None:
    put(store, owner("op-kept"), reach(BASE))

    def failing(tx: Transaction) -> None:
        tx.volumes.replace(owner("op-new"), [reach(BASE)])
        tx.volumes.remove(EntityRef(EntityKind.OPERATION, "op-kept"))
        raise RuntimeError("planner changed their mind")

    with pytest.raises(RuntimeError, match="changed their mind"):
        store.write(failing)
    assert found(store, reach(BASE)) == {("op-kept", 0)}
    assert count(store) == 1


def test_prefilter_counts_boxes_near_the_query_only(store: Store) -> None:
    put(store, owner("op-1"), reach(BASE))
    put(store, owner("op-far"), reach(circle(12.0, 52.0, 500)))
    query = reach(circle(10.04, 50.01, 100))
    assert store.read(lambda tx: tx.volumes.prefilter_count(query, now=NOW)) == 1
    far_away = reach(circle(-60.0, -30.0, 100))
    assert store.read(lambda tx: tx.volumes.prefilter_count(far_away, now=NOW)) == 0


def test_the_prefilter_starts_at_now_on_both_stores(store: Store) -> None:
    # SQLite counted boxes of volumes that had ended, PostgreSQL did not: the same bare
    # prefilter meant different things in the two stores' benchmark figures.
    put(store, owner("ended"), reach(BASE, minutes=(0, 30)))
    put(store, owner("live"), reach(BASE, minutes=(0, 120)))
    query = reach(BASE, minutes=(0, 120))
    later = T0 + timedelta(minutes=60)
    assert store.read(lambda tx: tx.volumes.prefilter_count(query, now=T0)) == 2
    assert store.read(lambda tx: tx.volumes.prefilter_count(query, now=later)) == 1
    assert found(store, query, now=later) == {("live", 0)}


def test_candidates_are_the_rows_the_exact_check_decides(store: Store) -> None:
    """`candidate_count` counts what the search's SQL returns: every row that passes time,
    expiry, kind and altitude, in reach or not. The bare prefilter counts boxes alone."""
    query = reach(circle(10.0785, 50.0005, 30), minutes=(60.0, 90.0))
    # A triangle whose box holds the query but whose long edge passes ~2 km from it.
    triangle = [[10.0, 50.0], [10.08, 50.02], [10.0, 50.02], [10.0, 50.0]]
    put(store, owner("op-box-only"), reach({"type": "Polygon", "coordinates": [triangle]}))
    put(store, owner("op-hit"), reach(BASE))
    put(store, owner("zone-hit", EntityKind.ZONE), reach(BASE))
    put(store, owner("op-ended"), reach(BASE, minutes=(0.0, 70.0)))
    put(store, owner("op-above"), reach(BASE, alt_m=(500.0, 600.0)))
    now = T0 + timedelta(minutes=75)  # op-ended's window has closed by then

    def counts(kinds: frozenset[EntityKind]) -> tuple[int, int, int]:
        return store.read(
            lambda tx: (
                len(tx.volumes.search(query, now=now, kinds=kinds)),
                tx.volumes.candidate_count(query, now=now, kinds=kinds),
                tx.volumes.prefilter_count(query, now=now, kinds=kinds),
            )
        )

    assert found(store, query, now=now) == {("op-hit", 0), ("zone-hit", 0)}
    for kinds, hits, candidates in [
        (frozenset(EntityKind), 2, 3),
        (frozenset({EntityKind.OPERATION}), 1, 2),
        (frozenset(), 0, 0),
    ]:
        searched, counted, bare = counts(kinds)
        assert (searched, counted) == (hits, candidates)
        assert bare >= 3  # kinds are the SQL's business, not the index's


#: South-west corners of the areas random volumes are drawn in: mid-latitudes, astride the
#: antimeridian, and near the 85° limit, where a metre is many times more longitude.
PLACES = {"mid-latitude": (10.0, 50.0), "antimeridian": (179.85, -16.9), "far north": (-60.0, 83.5)}


def _wrapped(lon: float) -> float:
    return lon - 360.0 if lon > 180.0 else lon


def random_reach(rng: random.Random, place: tuple[float, float] = PLACES["mid-latitude"]) -> Reach:
    """A circle or polygon in a 0.3° × 0.2° area, so that many of them meet."""
    lon, lat = place[0] + rng.uniform(0, 0.3), place[1] + rng.uniform(0, 0.2)
    if rng.random() < 0.4:
        footprint = circle(_wrapped(lon), lat, rng.uniform(50, 3000))
    else:
        w, h = rng.uniform(0.002, 0.05), rng.uniform(0.002, 0.03)
        east = _wrapped(lon + w)
        lon = _wrapped(lon)
        footprint = rectangle(lon, lat, east, lat + h)
        if rng.random() < 0.5:  # a triangle, so not every shape fills its box
            footprint = {
                "type": "Polygon",
                "coordinates": [[[lon, lat], [east, lat], [lon, lat + h], [lon, lat]]],
            }
    lower = rng.uniform(0, 1500)
    start = rng.uniform(0, 600)
    buffered = rng.random() < 0.3
    return reach(
        footprint,
        alt_m=(lower, lower + rng.uniform(10, 400)),
        minutes=(start, start + rng.uniform(5, 180)),
        reference=rng.choice(["WGS84", "AMSL"]),
        buffer_m=(rng.uniform(0, 2000), rng.uniform(0, 100)) if buffered else None,
    )


@pytest.mark.parametrize("place", sorted(PLACES))
def test_search_equals_brute_force_on_random_volumes(store: Store, place: str) -> None:
    rng = random.Random(20261201)
    stored: dict[tuple[str, int], Reach] = {}
    entries: list[tuple[VolumeOwner, Sequence[Reach]]] = []
    for n in range(300):
        reaches: Sequence[Reach] = [
            random_reach(rng, PLACES[place]) for _ in range(rng.choice([1, 1, 2]))
        ]
        entries.append((owner(f"op-{n}"), reaches))
        stored.update({(f"op-{n}", i): r for i, r in enumerate(reaches)})
    bulk, one_by_one = entries[:200], entries[200:]
    assert store.write(lambda tx: tx.volumes.add_many(bulk)) == sum(len(r) for _, r in bulk)
    for who, reaches in one_by_one:
        put(store, who, *reaches)
    now = T0 + timedelta(minutes=120)  # some volumes have ended by then
    total_hits = 0
    for _ in range(40):
        query = random_reach(rng, PLACES[place])
        live = {key: r for key, r in stored.items() if r.time.end > now}
        expected = {key for key, r in live.items() if reaches_meet(query, r)}
        assert expected == {key for key, r in live.items() if reaches_meet(r, query)}
        assert found(store, query, now=now) == expected
        total_hits += len(expected)
    assert total_hits > 40  # the seeded data must exercise real conflicts


def test_a_bulk_load_finds_and_removes_each_volume_as_one_by_one(store: Store) -> None:
    """A bulk load works its boxes out together and may store volumes in another order
    than given (see the SQLite store): each volume must still be found where it is, as its
    own entity's, and leave no box behind when removed, across the antimeridian too."""
    shapes = [
        rectangle(179.95, -16.9, 180.0, -16.8),
        circle(179.999, -16.8, 400.0),  # two boxes: it crosses the antimeridian
        circle(-179.999, -16.7, 250.0),
        rectangle(10.0, 50.0, 10.02, 50.01),
        circle(10.5, 50.2, 900.0),
    ]
    entries = [
        (owner(f"op-{n}"), [reach(shapes[(n + k) % len(shapes)]) for k in range(1 + n % 2)])
        for n in range(30)
    ]
    store.write(lambda tx: tx.volumes.add_many(entries))
    for who, reaches in entries:
        for idx, r in enumerate(reaches):
            assert (who.entity.entity_id, idx) in found(store, r, now=NOW)

    def remove_all(tx: Transaction) -> None:
        for who, _ in entries:
            tx.volumes.remove(who.entity)

    def boxes_left(tx: Transaction) -> int:
        return sum(tx.volumes.prefilter_count(reach(s), now=NOW) for s in shapes)

    store.write(remove_all)
    assert count(store) == 0
    assert store.read(boxes_left) == 0


def test_a_bulk_load_of_volumes_already_stored_is_refused_whole(store: Store) -> None:
    # `add_many` is for entities with no volumes yet; given one that has, SQLite kept both
    # versions (and searched both) where PostgreSQL refused the load.
    who = owner("op-1")
    store.write(lambda tx: tx.volumes.add_many([(who, [reach(BASE)])]))
    again = [(owner("op-2"), [reach(BASE)]), (owner("op-1", version=2), [reach(BASE)])]
    with pytest.raises((sqlite3.IntegrityError, psycopg.errors.UniqueViolation)):
        store.write(lambda tx: tx.volumes.add_many(again))
    assert found(store, reach(BASE)) == {("op-1", 0)}
    assert count(store) == 1


def test_high_water_grows_and_never_reuses_the_id_of_a_removed_volume(store: Store) -> None:
    empty = store.read(lambda tx: tx.volumes.high_water())
    put(store, owner("op-1"), reach(BASE))
    first = store.read(lambda tx: tx.volumes.high_water())
    assert first > empty
    # The newest volume goes: its id must not come back for the next one.
    store.write(lambda tx: tx.volumes.remove(EntityRef(EntityKind.OPERATION, "op-1")))
    put(store, owner("op-2"), reach(BASE))
    hits = store.read(lambda tx: tx.volumes.search(reach(BASE), now=NOW))
    assert [h.owner.entity.entity_id for h in hits] == ["op-2"]
    assert hits[0].volume_id > first


def test_search_after_a_mark_sees_only_what_was_stored_since(store: Store) -> None:
    put(store, owner("op-1"), reach(BASE))
    mark = store.read(lambda tx: tx.volumes.high_water())
    put(store, owner("op-2"), reach(BASE))
    put(store, owner("op-1", version=2), reach(BASE, minutes=(10, 100)))  # a new version
    after = store.read(lambda tx: tx.volumes.search(reach(BASE), now=NOW, after=mark))
    assert {(h.owner.entity.entity_id, h.owner.version) for h in after} == {
        ("op-2", 1),
        ("op-1", 2),
    }
    assert all(h.volume_id > mark for h in after)


@pytest.mark.parametrize("newer", [12, 300], ids=["a-few-newer", "many-newer"])
def test_search_after_a_mark_is_the_search_of_the_newer_volumes(store: Store, newer: int) -> None:
    """Whether a few volumes are newer than the mark (read by id) or many (through the
    index), the answer is the full search's, narrowed to ids past the mark."""
    put(store, owner("op-old"), reach(BASE))
    mark = store.read(lambda tx: tx.volumes.high_water())
    entries = []
    for n in range(newer):
        # Near and far, early and late, low and high, and one entity the search excludes.
        lon = 10.0 + 0.02 * (n % 7) - (2.0 if n % 5 == 0 else 0.0)
        shape = circle(lon, 50.01, 300 + n) if n % 2 else rectangle(lon, 50.0, lon + 0.03, 50.02)
        minutes = (0.0, 60.0) if n % 3 else (130.0, 200.0)
        alt_m = (0.0, 120.0) if n % 4 else (500.0, 900.0)
        name = "op-mine" if n == 1 else f"op-{n}"
        entries.append((owner(name), [reach(shape, minutes=minutes, alt_m=alt_m)]))
    store.write(lambda tx: tx.volumes.add_many(entries))
    mine = EntityRef(EntityKind.OPERATION, "op-mine")

    def ids(hits: list[VolumeHit]) -> set[int]:
        return {h.volume_id for h in hits}

    full = store.read(lambda tx: tx.volumes.search(reach(BASE), now=NOW, exclude=mine))
    after = store.read(lambda tx: tx.volumes.search(reach(BASE), now=NOW, exclude=mine, after=mark))
    assert ids(after) == {i for i in ids(full) if i > mark}
    assert 0 < len(after) < newer


def test_live_names_the_volumes_still_stored(store: Store) -> None:
    put(store, owner("op-1"), reach(BASE))
    put(store, owner("op-2"), reach(BASE))
    hits = store.read(lambda tx: tx.volumes.search(reach(BASE), now=NOW))
    ids = {h.owner.entity.entity_id: h.volume_id for h in hits}
    put(store, owner("op-1", version=2), reach(BASE))
    assert store.read(lambda tx: tx.volumes.live(set(ids.values()))) == {ids["op-2"]}
    stored = {h.volume_id for h in store.read(lambda tx: tx.volumes.search(reach(BASE), now=NOW))}
    many = set(range(1, 1_300))  # more ids than one statement binds
    assert store.read(lambda tx: tx.volumes.live(many)) == stored
    assert store.read(lambda tx: tx.volumes.live(set())) == set()


def test_racing_writers_never_both_miss_each_other(store: Store) -> None:
    writers = 6
    seen: dict[int, set[str]] = {}
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def submit(n: int) -> None:
        mine = reach(circle(10.04, 50.01, 500 + 10 * n))

        def work(tx: Transaction) -> None:
            hits: list[VolumeHit] = tx.volumes.search(mine, now=NOW)
            # Recorded on every attempt; the last attempt is the one that committed.
            seen[n] = {h.owner.entity.entity_id for h in hits}
            tx.volumes.replace(owner(f"op-{n}"), [mine])

        try:
            start.wait()
            store.write(work)
        except BaseException as error:  # reported below, on the test's thread
            errors.append(error)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert count(store) == writers
    for a in range(writers):
        for b in range(a + 1, writers):
            assert f"op-{a}" in seen[b] or f"op-{b}" in seen[a], (a, b, seen)


def test_a_sqlite_writer_that_cannot_get_in_is_told_the_store_is_busy(
    sqlite_path: Path,
) -> None:
    store = SqliteStore(sqlite_path, busy_timeout_s=0.2)
    inside, release = threading.Event(), threading.Event()

    def hold(tx: object) -> None:
        inside.set()
        release.wait(5)

    holder = threading.Thread(target=store.write, args=(hold,))
    holder.start()
    assert inside.wait(5)
    try:
        with pytest.raises(errors.StoreBusy):
            store.write(lambda tx: tx.volumes.count())
    finally:
        release.set()
        holder.join(5)
    assert store.write(lambda tx: tx.volumes.count()) == 0
    store.close()
