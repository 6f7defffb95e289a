"""Zone records: round trips, revisions with their history kept, keyset pages."""

from __future__ import annotations

import random

import pytest

from deconflict.domain.ids import PartyId, ZoneId
from deconflict.domain.zone import Zone, retire_zone, revise_zone
from deconflict.geometry import Buffer
from deconflict.store.interface import Store, Transaction
from deconflict.store.records.zones import SqlZoneRecords
from deconflict.store.repositories import ZoneRecords
from tests.domain import NORTHMERE, T0, VALECREST
from tests.store.record_specimens import MINUTE, VOLUMES, every_page, zone


def put(store: Store, *zones: Zone) -> None:
    def work(tx: Transaction) -> None:
        for each in zones:
            tx.zones.put(each)

    store.write(work)


def history(records: ZoneRecords) -> SqlZoneRecords:
    # Reading old versions is not part of the protocol yet; the SQL records offer it.
    assert isinstance(records, SqlZoneRecords)
    return records


def test_a_zone_reads_back_equal_with_every_kind_of_volume(store: Store) -> None:
    written = zone("zone-hospital", VALECREST, *VOLUMES.values())
    put(store, written)
    assert store.read(lambda tx: tx.zones.get(written.id)) == written
    assert store.read(lambda tx: tx.zones.get(ZoneId("zone-nowhere"))) is None


def test_a_revision_replaces_the_zone_and_keeps_the_earlier_version(store: Store) -> None:
    first = zone("zone-hospital")
    second = revise_zone(
        first,
        named_version="1",
        volumes=[VOLUMES["field"]],
        buffer=Buffer(500.0, 0.0),
        now=T0 + MINUTE,
        name="Field hospital, moved",
    )
    put(store, first)
    put(store, second)
    assert store.read(lambda tx: tx.zones.get(first.id)) == second
    assert store.read(lambda tx: history(tx.zones).version(first.id, 1)) == first
    assert store.read(lambda tx: history(tx.zones).version(first.id, 2)) == second
    assert store.read(lambda tx: history(tx.zones).version(first.id, 3)) is None


def test_retiring_a_version_is_kept_in_its_history(store: Store) -> None:
    live = zone("zone-shelter")
    retired = retire_zone(live, T0 + 2 * MINUTE)
    put(store, live)
    put(store, retired)
    assert store.read(lambda tx: tx.zones.get(live.id)) == retired
    assert store.read(lambda tx: history(tx.zones).version(live.id, 1)) == retired


def test_pages_cover_a_partys_zones_once_each_in_id_order(store: Store) -> None:
    ids = [f"zone-{n:02d}" for n in range(11)]
    random.Random(7).shuffle(ids)
    put(store, *(zone(i, VALECREST) for i in ids), zone("zone-05a", NORTHMERE))
    listed = store.read(
        lambda tx: every_page(
            lambda after, limit: tx.zones.of_party(VALECREST, after=after, limit=limit),
            lambda z: z.id,
        )
    )
    assert [z.id for z in listed] == sorted(ids)
    assert all(z.party_id == VALECREST for z in listed)


def test_a_page_does_not_shift_when_zones_are_added_meanwhile(store: Store) -> None:
    put(store, *(zone(f"zone-{n:02d}") for n in range(0, 20, 2)))
    first = store.read(lambda tx: tx.zones.of_party(VALECREST, after=None, limit=4))
    assert [z.id for z in first] == ["zone-00", "zone-02", "zone-04", "zone-06"]
    # Added before and after the cursor between one page and the next.
    put(store, zone("zone-01"), zone("zone-05"), zone("zone-07"), zone("zone-99"))
    rest = store.read(
        lambda tx: every_page(
            lambda after, limit: tx.zones.of_party(
                VALECREST, after=after or first[-1].id, limit=limit
            ),
            lambda z: z.id,
        )
    )
    assert [z.id for z in rest] == [
        "zone-07",
        "zone-08",
        "zone-10",
        "zone-12",
        "zone-14",
        "zone-16",
        "zone-18",
        "zone-99",
    ]


def test_an_unknown_party_has_an_empty_first_page(store: Store) -> None:
    put(store, zone("zone-hospital"))
    assert store.read(lambda tx: tx.zones.of_party(PartyId("party-x"), after=None, limit=5)) == []


@pytest.mark.parametrize("limit", [0, -1])
def test_a_page_needs_a_positive_limit(store: Store, limit: int) -> None:
    with pytest.raises(ValueError, match="limit"):
        store.read(lambda tx: tx.zones.of_party(VALECREST, after=None, limit=limit))


def test_a_zone_is_found_for_its_party_and_for_nobody_else(store: Store) -> None:
    written = zone("zone-hospital", VALECREST, VOLUMES["field"])
    put(store, written)
    assert store.read(lambda tx: tx.zones.get_of_party(written.id, VALECREST)) == written
    assert store.read(lambda tx: tx.zones.get_of_party(written.id, NORTHMERE)) is None
    assert store.read(lambda tx: tx.zones.get_of_party(ZoneId("zone-nowhere"), VALECREST)) is None
