"""Volumes stored with their boxes in a table of their own by an earlier release are
found as before once the boxes live on the volume rows (008_boxes_on_volumes)."""

from __future__ import annotations

import dataclasses

import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

from deconflict.domain.entities import EntityKind, EntityRef, VolumeOwner
from deconflict.domain.ids import PartyId
from deconflict.geometry import Reach, index_boxes, parse_volume
from deconflict.store.codec import from_us, to_row
from deconflict.store.pg_volumes import box_corners, box_values
from deconflict.store.postgres import PostgresStore
from tests.store.earlier_files import schema_of_release

BEFORE_BOXES_ON_VOLUMES = "007_conflict_sets"


def volume(coordinates: list[list[float]]) -> Reach:
    return Reach(
        parse_volume(
            {
                "footprint": {"type": "Polygon", "coordinates": [coordinates]},
                "altitude_lower_m": 0,
                "altitude_upper_m": 300,
                "start": "2026-12-01T10:00:00Z",
                "end": "2026-12-01T12:00:00Z",
            }
        )
    )


#: One volume across the antimeridian (two boxes) and one well inside (one box).
STORED = {
    "zone-dateline": volume([[179.8, -16.9], [-179.7, -16.9], [-179.7, -16.7], [179.8, -16.9]]),
    "zone-lagoon": volume([[178.1, -17.4], [178.3, -17.4], [178.3, -17.2], [178.1, -17.4]]),
}


def owner(entity_id: str) -> VolumeOwner:
    return VolumeOwner(EntityRef(EntityKind.ZONE, entity_id), PartyId("party-reef"), 1)


def store_as_earlier_release(conn: psycopg.Connection[TupleRow]) -> None:
    """A volume row each, and a `volume_boxes` row for each of its boxes."""
    (epoch_us,) = conn.execute("SELECT epoch_us FROM index_meta").fetchall()[0]
    epoch = from_us(int(epoch_us))
    columns = [f.name for f in dataclasses.fields(to_row(owner("x"), 0, STORED["zone-lagoon"]))]
    insert_volume = sql.SQL("INSERT INTO volumes ({}) VALUES ({}) RETURNING id").format(
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(", ").join(sql.Placeholder() * len(columns)),
    )
    for entity_id, reach in STORED.items():
        row = to_row(owner(entity_id), 0, reach)
        (volume_id,) = conn.execute(insert_volume, dataclasses.astuple(row)).fetchall()[0]
        for box in index_boxes(reach, epoch):
            conn.execute(
                "INSERT INTO volume_boxes (volume_id, kind, box) "
                "VALUES (%s, %s, cube(%s::float8[], %s::float8[]))",
                (volume_id, row.kind, *box_corners(box)),
            )


def test_a_postgres_schema_finds_its_volumes_by_the_boxes_they_had(
    pg_url: str, pg_schema: str
) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        schema_of_release(conn, pg_schema, BEFORE_BOXES_ON_VOLUMES)
        store_as_earlier_release(conn)

    store = PostgresStore(pg_url, schema=pg_schema)
    try:
        now = STORED["zone-lagoon"].time.start
        for entity_id, reach in STORED.items():
            hits = store.read(lambda tx, r=reach: tx.volumes.search(r, now=now))  # type: ignore[misc]
            assert {h.owner.entity.entity_id for h in hits} >= {entity_id}
        # Inside the triangle's part west of the antimeridian, so met through its second box.
        west_only = volume(
            [[-179.76, -16.86], [-179.72, -16.86], [-179.72, -16.84], [-179.76, -16.86]]
        )
        hits = store.read(lambda tx: tx.volumes.search(west_only, now=now))
        assert [h.owner.entity.entity_id for h in hits] == ["zone-dateline"]
        dateline = STORED["zone-dateline"]
        assert store.read(lambda tx: tx.volumes.prefilter_count(dateline, now=now)) == 2
        epoch = store._epoch  # the boxes count time from it
    finally:
        store.close()

    with psycopg.connect(pg_url, autocommit=True) as conn:
        boxes = sql.SQL("SELECT entity_id, ARRAY[box::text, box_2::text] FROM {}.volumes")
        stored: dict[str, list[str | None]] = dict(
            conn.execute(boxes.format(sql.Identifier(pg_schema)))
        )
        tables = {
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s", (pg_schema,)
            )
        }
    for entity_id, reach in STORED.items():
        expected = box_values(index_boxes(reach, epoch))
        assert [_cube(t) for t in stored[entity_id]] == [_cube(t) for t in expected]
    assert "volume_boxes" not in tables


def _cube(text: str | None) -> list[float] | None:
    """A cube's text as its numbers, so `(1, 2)` and `(1.0, 2.0)` compare equal."""
    if text is None:
        return None
    return [float(n) for n in text.replace("(", " ").replace(")", " ").replace(",", " ").split()]
