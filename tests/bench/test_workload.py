"""The benchmark workload: seeded, chunk-stable, cached faithfully, and drawn as specified."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

from bench.workload import (
    CENTRE_LAT,
    CENTRE_LON,
    PARTIES,
    SPAN,
    START,
    Workload,
    query_reaches,
    stored_chunk,
)
from deconflict.domain.entities import EntityKind
from deconflict.geometry import CircleFootprint, PolygonFootprint

SEED = 7


def test_a_chunk_is_a_function_of_seed_and_index() -> None:
    entries, _ = stored_chunk(SEED, 3, 40)
    again, _ = stored_chunk(SEED, 3, 40)
    assert entries == again
    assert stored_chunk(SEED, 3, 15)[0] == entries[:15]
    assert stored_chunk(SEED, 4, 15)[0] != entries[:15]
    assert stored_chunk(SEED + 1, 3, 15)[0] != entries[:15]


def test_queries_do_not_repeat_the_stored_volumes() -> None:
    stored = [reaches[0] for _, reaches in stored_chunk(SEED, 0, 20)[0]]
    queries, _ = query_reaches(SEED, 20)
    assert not set(map(id, stored)) & set(map(id, queries))
    assert stored != queries


def test_the_cache_gives_back_what_generation_makes(tmp_path: Path) -> None:
    cached = Workload(25, 5, seed=SEED, cache_dir=tmp_path)
    assert cached.prepare() == 1
    assert cached.prepare() == 0
    fresh = Workload(25, 5, seed=SEED, cache_dir=None)
    assert list(cached.stored_batches()) == list(fresh.stored_batches())
    assert cached.query_set() == fresh.query_set() == cached.query_set()


def test_the_mix_follows_the_spec() -> None:
    entries, refused = stored_chunk(SEED, 0, 1_000)
    assert refused < 10
    categories = Counter(owner.entity.entity_id.split("-")[0] for owner, _ in entries)
    assert 620 < categories["operation"] < 780
    assert 180 < categories["zone"] < 320
    assert 20 < categories["area"] < 80
    assert {owner.party_id for owner, _ in entries} <= set(PARTIES)
    assert len({owner.entity for owner, _ in entries}) == len(entries)
    for owner, (reach,) in entries:
        volume = reach.volume
        assert owner.entity.kind is (
            EntityKind.OPERATION if owner.entity.entity_id.startswith("op") else EntityKind.ZONE
        )
        assert START <= volume.time.start < volume.time.end <= START + SPAN
        duration = volume.time.end - volume.time.start
        assert timedelta(minutes=5) <= duration <= timedelta(hours=2)
        assert 0.0 <= volume.altitude.lower_m <= volume.altitude.upper_m <= 1_500.0
        footprint = volume.footprint
        if isinstance(footprint, PolygonFootprint):
            assert len(footprint.rings) == 1
            assert len(footprint.rings[0]) <= 50
            lon, lat = footprint.shape.centroid.x, footprint.shape.centroid.y
        else:
            assert isinstance(footprint, CircleFootprint)
            lon, lat = footprint.center_lon, footprint.center_lat
        # 250 km from the centre is about 2.26° of latitude and 3.33° of longitude here.
        assert abs(lat - CENTRE_LAT) < 2.3
        assert abs(lon - CENTRE_LON) < 3.4
        if owner.entity.entity_id.startswith("operation"):
            assert reach.buffer.horizontal_m == reach.buffer.vertical_m == 0.0
