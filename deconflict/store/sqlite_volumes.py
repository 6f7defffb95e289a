"""The conflict index on SQLite: volume rows, their R*Tree boxes, and the 4D search."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import count

import numpy as np

from deconflict.domain.entities import CONFLICTING_KINDS, EntityKind, EntityRef, VolumeOwner
from deconflict.geometry import Box4D, Reach, index_box_columns
from deconflict.geometry.altitude import VerticalModel
from deconflict.geometry.envelope import FEW
from deconflict.store.codec import (
    Placed,
    few_value_rows,
    from_us,
    in_batches,
    to_us,
    to_value_rows,
)
from deconflict.store.search import (
    ALTITUDE_MATCH,
    CANDIDATE_COLUMNS,
    CandidateSearch,
    live_search_boxes,
)

#: Box ids are volume id * BOXES_PER_VOLUME + k.
BOXES_PER_VOLUME = 4
EPOCH_KEY = "index_epoch"
#: Rows inserted per executemany in bulk loads.
_BATCH = 5_000
#: Most volumes stored since a search's mark that a search `after` it reads one by one.
SCAN_NEWER_LIMIT = 256
#: Ids bound per statement when checking which volumes are still stored.
_LIVE_BATCH = 500

_INSERT_VOLUME = (
    "INSERT INTO volumes (id, kind, entity_id, party_id, version, idx, footprint_json, "
    "core_wkb, margin_m, h_buffer_m, v_buffer_m, alt_lower_m, alt_upper_m, alt_ref, "
    "ell_lower_m, ell_upper_m, start_us, end_us, box_count) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_BOX = "INSERT INTO volume_boxes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
_BOX_MATCH = (
    "b.lon_min <= ? AND b.lon_max >= ? AND b.lat_min <= ? AND b.lat_max >= ? "
    "AND b.alt_min_km <= ? AND b.alt_max_km >= ? AND b.t_min_h <= ? AND b.t_max_h >= ?"
)
_COUNT_BOXES = f"SELECT count(*) FROM volume_boxes b WHERE {_BOX_MATCH}"


class EpochSlot:
    """The index epoch once read from `meta`: set with the schema, it never changes."""

    def __init__(self) -> None:
        self.value: datetime | None = None


class SqliteVolumeIndex(CandidateSearch):
    """`VolumeIndex` over one SQLite connection, inside the caller's transaction."""

    def __init__(self, conn: sqlite3.Connection, model: VerticalModel, epoch: EpochSlot) -> None:
        self._conn = conn
        self._model = model
        self._epoch_slot = epoch

    def replace(self, owner: VolumeOwner, reaches: Sequence[Reach]) -> None:
        self.remove(owner.entity)
        self.add_many([(owner, reaches)])

    def add_many(self, entries: Iterable[tuple[VolumeOwner, Sequence[Reach]]]) -> int:
        # Ids are handed out here rather than by SQLite so that a batch needs no round trip
        # per row; the caller's write transaction holds the lock, so nobody else is counting.
        next_id = self.high_water()
        epoch = self._epoch()
        placed = ((o, idx, reach) for o, reaches in entries for idx, reach in enumerate(reaches))
        total = 0
        for batch in in_batches(placed, _BATCH):
            rows = _few_rows if len(batch) < FEW else _bulk_rows
            volumes, boxes = rows(batch, next_id + 1, epoch, self._model)
            self._flush(volumes, boxes)
            next_id += len(batch)
            total += len(batch)
        return total

    def high_water(self) -> int:
        # AUTOINCREMENT keeps the highest id ever used in sqlite_sequence, so ids of removed
        # volumes are never handed out again (plain max(id) + 1 would reuse the last one).
        row = self._conn.execute(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'volumes'), 0), "
            "coalesce((SELECT max(id) FROM volumes), 0))"
        ).fetchone()
        return int(row[0])

    def live(self, volume_ids: Collection[int]) -> set[int]:
        found: set[int] = set()
        ids = list(volume_ids)
        for first in range(0, len(ids), _LIVE_BATCH):
            chunk = ids[first : first + _LIVE_BATCH]
            marks = ", ".join("?" * len(chunk))
            # One row, so one statement step: inside the writer's turn each step lets the
            # process's other threads take the GIL, and at a busy spot, with a row per id,
            # the write waited to get it back ~100 times a submission (docs/performance.md).
            (ids_text,) = self._conn.execute(
                f"SELECT group_concat(id) FROM volumes WHERE id IN ({marks})", chunk
            ).fetchone()
            if ids_text:
                found.update(map(int, ids_text.split(",")))
        return found

    def remove(self, entity: EntityRef) -> int:
        rows = self._conn.execute(
            "SELECT id, box_count FROM volumes WHERE kind = ? AND entity_id = ?",
            (entity.kind.value, entity.entity_id),
        ).fetchall()
        self._delete(rows)
        return len(rows)

    def _candidates(
        self,
        query: Reach,
        now: datetime,
        kinds: frozenset[EntityKind],
        exclude: EntityRef | None,
        after: int | None,
    ) -> list[Sequence[object]]:
        kind_values = tuple(sorted(k.value for k in kinds))
        sql = _search_sql(len(kind_values), exclude is not None, after is not None)
        ell_lo, ell_hi = self._model.ellipsoid_bounds(query.band)
        band = query.band
        tail: tuple[object, ...] = (
            to_us(query.time.end),
            to_us(query.time.start),
            to_us(now),
            ell_hi,
            ell_lo,
            band.reference.value,
            band.upper_m,
            band.lower_m,
            *kind_values,
        )
        if exclude is not None:
            tail += (exclude.kind.value, exclude.entity_id)
        if after is not None:
            tail += (after,)
            if self.high_water() - after <= SCAN_NEWER_LIMIT:
                # A few volumes stored since a search's mark (a submission's top-up inside
                # its write): reading them by id beats walking the index, and the exact
                # check decides them wherever they lie.
                newer = _newer_sql(len(kind_values), exclude is not None)
                return self._conn.execute(newer, tail).fetchall()
        boxes = live_search_boxes(query, self._epoch(), self._model, now)
        if len(boxes) == 1:
            return self._conn.execute(sql, (*_box_params(boxes[0]), *tail)).fetchall()
        # The query's boxes lie on either side of the antimeridian: one volume may meet
        # both, so rows are kept once per volume id.
        seen: dict[int, Sequence[object]] = {}
        for box in boxes:
            for row in self._conn.execute(sql, (*_box_params(box), *tail)):
                seen[row[-1]] = row
        return list(seen.values())

    def prefilter_count(
        self, query: Reach, *, now: datetime, kinds: frozenset[EntityKind] = CONFLICTING_KINDS
    ) -> int:
        del kinds  # the bare index knows no kinds: that is the point
        return sum(
            int(self._conn.execute(_COUNT_BOXES, _box_params(box)).fetchone()[0])
            for box in live_search_boxes(query, self._epoch(), self._model, now)
        )

    def purge_expired(self, *, now: datetime, grace: timedelta, limit: int | None = None) -> int:
        rows = self._conn.execute(
            "SELECT id, box_count FROM volumes WHERE end_us < ? LIMIT ?",
            (to_us(now - grace), -1 if limit is None else limit),
        ).fetchall()
        self._delete(rows)
        return len(rows)

    def any_live(self, kind: EntityKind, *, now: datetime) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM volumes WHERE kind = ? AND end_us > ? LIMIT 1",
            (kind.value, to_us(now)),
        ).fetchone()
        return row is not None

    def count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM volumes").fetchone()[0])

    def _flush(self, volumes: list[tuple[object, ...]], boxes: list[tuple[object, ...]]) -> None:
        self._conn.executemany(_INSERT_VOLUME, volumes)
        self._conn.executemany(_INSERT_BOX, boxes)

    def _delete(self, rows: Sequence[tuple[int, int]]) -> None:
        self._conn.executemany(
            "DELETE FROM volume_boxes WHERE id = ?",
            [(vid * BOXES_PER_VOLUME + k,) for vid, count in rows for k in range(count)],
        )
        self._conn.executemany("DELETE FROM volumes WHERE id = ?", [(vid,) for vid, _ in rows])

    def _epoch(self) -> datetime:
        if self._epoch_slot.value is None:
            row = self._conn.execute(
                "SELECT value FROM meta WHERE key = ?", (EPOCH_KEY,)
            ).fetchone()
            self._epoch_slot.value = from_us(int(row[0]))
        return self._epoch_slot.value


_COLUMNS = ", ".join(f"v.{c.strip()}" for c in CANDIDATE_COLUMNS.split(","))


@lru_cache(maxsize=64)
def _search_sql(kind_count: int, excluding: bool, after: bool) -> str:
    sql = (
        f"SELECT {_COLUMNS} FROM volume_boxes b JOIN volumes v ON v.id = b.id / 4 "
        f"WHERE {_BOX_MATCH} AND {_row_match(kind_count, excluding)}"
    )
    return sql + " AND v.id > ?" if after else sql


@lru_cache(maxsize=16)
def _newer_sql(kind_count: int, excluding: bool) -> str:
    """`_search_sql` with `after`, reading volumes by id instead of through the index.

    NOT INDEXED keeps the planner off the indexes on kind and end time, either of which
    would read most of the table: only the range of ids past the mark is to be read.
    """
    return (
        f"SELECT {_COLUMNS} FROM volumes v NOT INDEXED "
        f"WHERE {_row_match(kind_count, excluding)} AND v.id > ?"
    )


def _row_match(kind_count: int, excluding: bool) -> str:
    """What a candidate row must be beyond its box: time, expiry, altitude, kind, and not
    the excluded entity. Bind: the query's end, start, now, `ALTITUDE_MATCH`'s five, the
    kinds, and the excluded kind and entity id."""
    sql = (
        "v.start_us < ? AND v.end_us > ? AND v.end_us > ? "
        f"AND {ALTITUDE_MATCH} AND v.kind IN ({', '.join('?' * kind_count)})"
    )
    return sql + " AND NOT (v.kind = ? AND v.entity_id = ?)" if excluding else sql


def _few_rows(
    batch: Sequence[Placed], first_id: int, epoch: datetime, model: VerticalModel
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Volume and box rows of a handful of volumes (a submission's), ids from `first_id`."""
    values, all_boxes = few_value_rows(batch, epoch, model)
    volumes: list[tuple[object, ...]] = []
    boxes: list[tuple[object, ...]] = []
    for volume_id, reach_boxes, row in zip(count(first_id), all_boxes, values, strict=False):
        volumes.append((volume_id, *row, len(reach_boxes)))
        boxes.extend(
            (volume_id * BOXES_PER_VOLUME + k, *_box_values(box))
            for k, box in enumerate(reach_boxes)
        )
    return volumes, boxes


def _bulk_rows(
    batch: Sequence[Placed], first_id: int, epoch: datetime, model: VerticalModel
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """`_few_rows` of many volumes, worked out as columns, ids handed out along a Hilbert
    curve: the R*Tree then takes neighbours one after another (a load of 400k ~8% faster)."""
    columns = index_box_columns([reach for _, _, reach in batch], epoch, model)
    order = columns.spatial_order()
    values = to_value_rows(
        [batch[j] for j in order.tolist()], columns.ellipsoid_bounds()[order].tolist()
    )
    counts = np.bincount(columns.owner, minlength=len(batch))[order].tolist()
    volumes = [
        (volume_id, *row, boxes_of)
        for volume_id, row, boxes_of in zip(count(first_id), values, counts, strict=False)
    ]
    rank = np.empty(len(batch), dtype=np.int64)
    rank[order] = np.arange(len(batch))
    owner = columns.owner
    nth = np.arange(len(owner)) - columns.first[owner]  # which of its reach's boxes
    box_ids = (first_id + rank[owner]) * BOXES_PER_VOLUME + nth
    stored = columns.bounds / _STORED_UNITS
    inserted = np.argsort(box_ids, kind="stable")
    boxes = [
        (box_id, *row)
        for box_id, row in zip(box_ids[inserted].tolist(), stored[inserted].tolist(), strict=True)
    ]
    return volumes, boxes


#: What each of `Box4D`'s fields is divided by to store it: degrees, kilometres, hours (see
#: the schema for why).
_STORED_UNITS = np.array([1.0, 1.0, 1.0, 1.0, 1000.0, 1000.0, 3600.0, 3600.0])


def _box_values(box: Box4D) -> tuple[float, ...]:
    """`box` in stored units (`_STORED_UNITS`)."""
    return (
        box.lon_min,
        box.lon_max,
        box.lat_min,
        box.lat_max,
        box.alt_min_m / 1000.0,
        box.alt_max_m / 1000.0,
        box.t_min_s / 3600.0,
        box.t_max_s / 3600.0,
    )


def _box_params(box: Box4D) -> tuple[float, ...]:
    """Bind values for `_BOX_MATCH`: every stored box that intersects `box`."""
    lon_lo, lon_hi, lat_lo, lat_hi, alt_lo, alt_hi, t_lo, t_hi = _box_values(box)
    return (lon_hi, lon_lo, lat_hi, lat_lo, alt_hi, alt_lo, t_hi, t_lo)
