"""The conflict index on PostgreSQL: volume rows with their 4D cube boxes, and the search.

The prefilter is a GiST index on each volume's `cube` (lon, lat, ellipsoid height,
seconds since the schema's epoch), and a second, partial one on the other box of the
volumes that cross the antimeridian. SQL then narrows the candidates exactly on time,
expiry, kind, entity and a conservative altitude bound, and `exact_hits` decides.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta
from functools import cache

import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

from deconflict.domain.entities import CONFLICTING_KINDS, EntityKind, EntityRef, VolumeOwner
from deconflict.geometry import Box4D, Reach, index_box_columns
from deconflict.geometry.altitude import VerticalModel
from deconflict.store.codec import (
    VolumeRow,
    few_value_rows,
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

#: Seconds added to both ends of a box's time span, so that float rounding of seconds
#: since the epoch can never make two boxes that share an instant look disjoint.
TIME_PAD_S = 0.001
#: Volumes sent to the server per COPY batch by `add_many`.
COPY_BATCH = 10_000

#: A volume's index boxes: `box`, and `box_2` only across the antimeridian (else NULL).
_BOX_COLUMNS = ("box", "box_2")
_ROW_COLUMNS = (*(f.name for f in dataclasses.fields(VolumeRow)), *_BOX_COLUMNS)
_INSERT_VOLUME = sql.SQL("INSERT INTO volumes ({}) VALUES ({})").format(
    sql.SQL(", ").join(map(sql.Identifier, _ROW_COLUMNS)),
    sql.SQL(", ").join(sql.Placeholder() * len(_ROW_COLUMNS)),
)
_COPY_VOLUMES = sql.SQL("COPY volumes ({}) FROM STDIN").format(
    sql.SQL(", ").join(map(sql.Identifier, _ROW_COLUMNS))
)
_QUERY_CUBE = "{} && cube(%s::float8[], %s::float8[])"


def box_corners(box: Box4D) -> tuple[list[float], list[float]]:
    """The low and high corners of a box's cube, axis order lon, lat, height, time."""
    return (
        [box.lon_min, box.lat_min, box.alt_min_m, box.t_min_s - TIME_PAD_S],
        [box.lon_max, box.lat_max, box.alt_max_m, box.t_max_s + TIME_PAD_S],
    )


def cube_text(box: Box4D) -> str:
    """A box in cube's text form; repr keeps every float exact."""
    lo, hi = box_corners(box)
    return f"({', '.join(map(repr, lo))}),({', '.join(map(repr, hi))})"


def box_values(boxes: Sequence[Box4D]) -> tuple[str, str | None]:
    """A volume's `box` and `box_2` column values, from its one or two index boxes."""
    if len(boxes) == 1:
        return cube_text(boxes[0]), None
    first, second = boxes  # a footprint spans less than a turn, so it splits in two at most
    return cube_text(first), cube_text(second)


class PgVolumeIndex(CandidateSearch):
    """`VolumeIndex` bound to one connection's open transaction."""

    def __init__(
        self, conn: psycopg.Connection[TupleRow], epoch: datetime, model: VerticalModel
    ) -> None:
        self._conn = conn
        self._epoch = epoch
        self._model = model

    def replace(self, owner: VolumeOwner, reaches: Sequence[Reach]) -> None:
        self.remove(owner.entity)
        placed = [(owner, idx, reach) for idx, reach in enumerate(reaches)]
        rows, all_boxes = few_value_rows(placed, self._epoch, self._model)
        with self._conn.cursor() as cur:
            for row, boxes in zip(rows, all_boxes, strict=True):
                cur.execute(_INSERT_VOLUME, (*row, *box_values(boxes)))

    def add_many(self, entries: Iterable[tuple[VolumeOwner, Sequence[Reach]]]) -> int:
        total = 0
        flat = (
            (owner, idx, reach) for owner, reaches in entries for idx, reach in enumerate(reaches)
        )
        for batch in in_batches(flat, COPY_BATCH):
            total += self._copy_batch(batch)
        return total

    def _copy_batch(self, batch: list[tuple[VolumeOwner, int, Reach]]) -> int:
        columns = index_box_columns([reach for _, _, reach in batch], self._epoch, self._model)
        rows = to_value_rows(batch, columns.ellipsoid_bounds().tolist())
        with self._conn.cursor().copy(_COPY_VOLUMES) as copy:
            for row, reach_boxes in zip(rows, columns.boxes(), strict=True):
                copy.write_row((*row, *box_values(reach_boxes)))
        return len(batch)

    def remove(self, entity: EntityRef) -> int:
        cur = self._conn.execute(
            "DELETE FROM volumes WHERE kind = %s AND entity_id = %s",
            (entity.kind.value, entity.entity_id),
        )
        return cur.rowcount

    def _candidates(
        self,
        query: Reach,
        now: datetime,
        kinds: frozenset[EntityKind],
        exclude: EntityRef | None,
        after: int | None,
    ) -> list[TupleRow]:
        statement, params = self.search_statement(
            query, now=now, kinds=kinds, exclude=exclude, after=after
        )
        # Binary results: each candidate's core arrives as its bytes, not as hex text to
        # decode, and numbers need no parsing (the same values and types either way).
        return self._conn.execute(statement, params, binary=True).fetchall()

    def search_statement(
        self,
        query: Reach,
        *,
        now: datetime,
        kinds: frozenset[EntityKind] = CONFLICTING_KINDS,
        exclude: EntityRef | None = None,
        after: int | None = None,
    ) -> tuple[str, list[object]]:
        """The SQL `search` sends for its candidates, and its parameters."""
        corners = self._query_corners(query, now)
        ell_lo, ell_hi = self._model.ellipsoid_bounds(query.band)
        params: list[object] = [
            *corners,
            *corners,
            to_us(query.time.end),
            to_us(query.time.start),
            to_us(now),
            sorted(k.value for k in kinds),
            ell_hi,
            ell_lo,
            query.band.reference.value,
            query.band.upper_m,
            query.band.lower_m,
        ]
        if exclude is not None:
            params += [exclude.kind.value, exclude.entity_id]
        if after is not None:
            params.append(after)
        text = _search_sql(
            len(corners) // 2, excluding=exclude is not None, after=after is not None
        )
        return text, params

    def high_water(self) -> int:
        # Ids come from an identity sequence, and writers hold the store's lock from their
        # first id to their commit, so what commits later lies above every id seen now.
        # The largest id seen may since be gone: a lower mark only widens a later search.
        row = self._conn.execute("SELECT coalesce(max(id), 0) FROM volumes").fetchone()
        assert row is not None
        return int(row[0])

    def live(self, volume_ids: Collection[int]) -> set[int]:
        rows = self._conn.execute(
            "SELECT id FROM volumes WHERE id = ANY(%s)", (list(volume_ids),)
        ).fetchall()
        return {int(r[0]) for r in rows}

    def prefilter_count(
        self,
        query: Reach,
        *,
        now: datetime,
        kinds: frozenset[EntityKind] = CONFLICTING_KINDS,
    ) -> int:
        del kinds  # the bare index knows no kinds: that is the point
        corners = self._query_corners(query, now)
        query_boxes = len(corners) // 2
        # Boxes, not volumes: one across the antimeridian counts each of its two that meet.
        # Each count reads no column, so pages all visible are not read at all.
        statement = sql.SQL(
            "SELECT (SELECT count(*) FROM volumes WHERE {on_box})"
            " + (SELECT count(*) FROM volumes WHERE {on_box_2})"
        ).format(on_box=_overlap("box", query_boxes), on_box_2=_overlap("box_2", query_boxes))
        row = self._conn.execute(statement, (*corners, *corners)).fetchone()
        assert row is not None
        return int(row[0])

    def purge_expired(self, *, now: datetime, grace: timedelta, limit: int | None = None) -> int:
        cut = to_us(now - grace)
        if limit is None:
            cur = self._conn.execute("DELETE FROM volumes WHERE end_us < %s", (cut,))
        else:
            cur = self._conn.execute(
                "DELETE FROM volumes WHERE id IN "
                "(SELECT id FROM volumes WHERE end_us < %s LIMIT %s)",
                (cut, limit),
            )
        return cur.rowcount

    def any_live(self, kind: EntityKind, *, now: datetime) -> bool:
        # The kind written into the statement, not bound: a prepared generic plan would not
        # know that warnings are few, and could scan every live volume to find none.
        query = sql.SQL("SELECT 1 FROM volumes WHERE kind = {} AND end_us > %s LIMIT 1")
        row = self._conn.execute(query.format(sql.Literal(kind.value)), (to_us(now),)).fetchone()
        return row is not None

    def count(self) -> int:
        row = self._conn.execute("SELECT count(*) FROM volumes").fetchone()
        assert row is not None
        return int(row[0])

    def _query_corners(self, query: Reach, now: datetime) -> list[list[float]]:
        """The low and high corners of each of the query's boxes, one after the other."""
        corners: list[list[float]] = []
        for box in live_search_boxes(query, self._epoch, self._model, now):
            corners.extend(box_corners(box))
        return corners


@cache
def _search_sql(query_boxes: int, *, excluding: bool, after: bool) -> str:
    """The text of `search_statement` for a query of so many boxes, made once per shape
    (composing it took ~0.1 ms, a twentieth of a median search at 1M)."""
    # `end_us + 0`, not `end_us`: the planner cannot tell how few rows a cube overlap
    # returns (it guesses 0.5%), and would AND the GiST's bitmap with a scan of half
    # the `volumes_end_us` index (at 1M, a 40-candidate search took ~100 ms).
    statement = sql.SQL(
        "SELECT {columns} FROM volumes WHERE ({on_box} OR {on_box_2})"
        " AND start_us < %s AND end_us + 0 > %s AND end_us + 0 > %s AND kind = ANY(%s)"
        " AND {altitude}"
    ).format(
        columns=sql.SQL(CANDIDATE_COLUMNS),
        on_box=_overlap("box", query_boxes),
        on_box_2=_overlap("box_2", query_boxes),
        altitude=sql.SQL(ALTITUDE_MATCH.replace("v.", "").replace("?", "%s")),
    )
    if excluding:
        statement += sql.SQL(" AND NOT (kind = %s AND entity_id = %s)")
    if after:
        statement += sql.SQL(" AND id > %s")
    return statement.as_string()


def _overlap(column: str, query_boxes: int) -> sql.Composable:
    """`column && q1 OR column && q2`, binding the corners of each query box in turn: an
    OR of plain overlaps lets GiST serve each box (`&& ANY(array)` would not use it)."""
    one = sql.SQL(_QUERY_CUBE).format(sql.Identifier(column))
    return sql.SQL(" OR ").join([one] * query_boxes)
