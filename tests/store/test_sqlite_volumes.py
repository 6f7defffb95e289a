"""The SQLite conflict index's own: plans that stay cheap at a million volumes, bulk rows."""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path

import pytest

from deconflict.domain.entities import VolumeOwner
from deconflict.geometry import Reach
from deconflict.geometry.envelope import FEW
from deconflict.store.interface import Transaction
from deconflict.store.sqlite import SqliteStore
from deconflict.store.sqlite_volumes import BOXES_PER_VOLUME, _newer_sql
from tests.store.test_contract import circle, owner, reach, rectangle


@pytest.mark.parametrize("excluding", [False, True])
def test_a_search_after_a_mark_reads_only_the_ids_past_it(
    sqlite_path: Path, excluding: bool
) -> None:
    SqliteStore(sqlite_path).close()
    statement = _newer_sql(3, excluding)
    with sqlite3.connect(sqlite_path) as conn:
        # Statistics that make the index on end time look attractive, as a big file has.
        conn.execute("ANALYZE")
        plan = conn.execute(f"EXPLAIN QUERY PLAN {statement}", [0] * statement.count("?"))
        details = [row[3] for row in plan]
    conn.close()
    assert details == ["SEARCH v USING INTEGER PRIMARY KEY (rowid>?)"]


#: Each volume's columns but its id, and its boxes' columns but theirs, by (entity, idx).
Stored = dict[tuple[str, int], tuple[tuple[object, ...], list[tuple[object, ...]]]]


def _stored_rows(path: Path) -> Stored:
    """Each stored volume's columns but its id, and its boxes' bounds in box order, by
    (entity, position): what a bulk load and one-by-one writes must agree on."""
    with sqlite3.connect(path) as conn:
        volumes = conn.execute("SELECT * FROM volumes").fetchall()
        names = [d[0] for d in conn.execute("SELECT * FROM volumes LIMIT 0").description]
        boxes = conn.execute("SELECT * FROM volume_boxes ORDER BY id").fetchall()
    conn.close()
    by_id = {row[0]: row for row in volumes}
    entity, idx = names.index("entity_id"), names.index("idx")
    found: Stored = {(str(row[entity]), int(row[idx])): (row[1:], []) for row in volumes}
    for box in boxes:
        row = by_id[box[0] // BOXES_PER_VOLUME]
        found[(str(row[entity]), int(row[idx]))][1].append(box[1:])
    return found


def _add_one(tx: Transaction, entry: tuple[VolumeOwner, list[Reach]]) -> int:
    return tx.volumes.add_many([entry])


def test_a_bulk_load_stores_what_one_by_one_writes_store(tmp_path: Path) -> None:
    """The bulk path works boxes and rows out as columns and hands ids out in its own
    order: every column and every box bound must still be what the one-by-one path stores,
    bit for bit, across the antimeridian and with buffers and other references too."""
    shapes = [
        rectangle(179.95, -16.9, 180.0, -16.8),
        circle(179.999, -16.8, 400.0),
        rectangle(10.0, 50.0, 10.02, 50.01),
        circle(10.5, 50.2, 900.0),
    ]
    entries = [
        (
            owner(f"op-{n}"),
            [
                reach(
                    shapes[(n + k) % len(shapes)],
                    alt_m=(10.0 * n, 10.0 * n + 55.5),
                    minutes=(n, n + 61.25),
                    reference="AMSL" if n % 3 else "WGS84",
                    buffer_m=(250.5, 30.0) if n % 2 else None,
                )
                for k in range(1 + n % 2)
            ],
        )
        for n in range(2 * FEW)
    ]
    bulk, single = SqliteStore(tmp_path / "bulk.sqlite"), SqliteStore(tmp_path / "one.sqlite")
    try:
        bulk.write(lambda tx: tx.volumes.add_many(entries))
        for entry in entries:
            single.write(partial(_add_one, entry=entry))
    finally:
        bulk.close()
        single.close()
    assert _stored_rows(tmp_path / "bulk.sqlite") == _stored_rows(tmp_path / "one.sqlite")
