"""The exact half of the conflict search, shared by both stores.

A store's SQL narrows the index's candidates by the exact time window, expiry, kind and a
conservative altitude bound; what is left is decided here, exactly, in one vectorised pass.
Rows stay plain tuples (columns in `CANDIDATE_COLUMNS` order) and a hit's stored reach is
decoded only if somebody asks for it: at a million stored volumes a query meets dozens of
candidates, and per-row objects cost more than the geometry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from deconflict.domain.entities import CONFLICTING_KINDS, EntityKind, EntityRef
from deconflict.geometry import AltitudeBand, Box4D, Reach, TimeWindow, search_boxes, within_reach
from deconflict.geometry.altitude import VerticalModel
from deconflict.store.codec import extent_from_columns, owner_from_columns, reach_from_columns
from deconflict.store.interface import VolumeHit

#: The column list every store selects, in this order.
CANDIDATE_COLUMNS = (
    "kind, entity_id, party_id, version, idx, footprint_json, core_wkb, margin_m, "
    "h_buffer_m, v_buffer_m, alt_lower_m, alt_upper_m, alt_ref, start_us, end_us, id"
)
#: The exact altitude rule of `VerticalModel.bands_meet`, in SQL, for rows aliased `v`:
#: bands in the same reference are compared as they are (inflated by the vertical buffer),
#: bands in different ones through their conservative ellipsoid bounds, which both stores
#: keep per row. Bind: query's ellipsoid upper and lower bound, reference, upper, lower.
ALTITUDE_MATCH = (
    "v.ell_lower_m <= ? AND v.ell_upper_m >= ? AND (v.alt_ref <> ? OR "
    "(v.alt_lower_m - v.v_buffer_m <= ? AND v.alt_upper_m + v.v_buffer_m >= ?))"
)


def live_search_boxes(
    query: Reach, epoch: datetime, model: VerticalModel, now: datetime
) -> tuple[Box4D, ...]:
    """The boxes a search looks in (`search_boxes`), each starting no earlier than `now`
    where its window runs past it: a stored volume still live ends after now, so its box
    reaches past now too. Both stores narrow the index so, and count so in
    `prefilter_count`."""
    now_s = (now - epoch).total_seconds()
    return tuple(
        dataclasses.replace(box, t_min_s=now_s) if box.t_min_s < now_s <= box.t_max_s else box
        for box in search_boxes(query, epoch, model)
    )


Row = Sequence[Any]
_KIND, _ENTITY, _PARTY, _VERSION, _IDX, _JSON, _WKB, _MARGIN = range(8)
_H_BUF, _V_BUF, _LOWER, _UPPER, _REF, _START, _END, _ID = range(8, 16)


class CandidateSearch:
    """`search` and `candidate_count` of a store's `VolumeIndex`, over the candidate rows
    its SQL reads (`_candidates`)."""

    def search(
        self,
        query: Reach,
        *,
        now: datetime,
        kinds: frozenset[EntityKind] = CONFLICTING_KINDS,
        exclude: EntityRef | None = None,
        after: int | None = None,
    ) -> list[VolumeHit]:
        if not kinds:
            return []
        return exact_hits(query, self._candidates(query, now, kinds, exclude, after))

    def candidate_count(
        self, query: Reach, *, now: datetime, kinds: frozenset[EntityKind] = CONFLICTING_KINDS
    ) -> int:
        return len(self._candidates(query, now, kinds, None, None)) if kinds else 0

    def _candidates(
        self,
        query: Reach,
        now: datetime,
        kinds: frozenset[EntityKind],
        exclude: EntityRef | None,
        after: int | None,
    ) -> Sequence[Row]:
        """The rows (`CANDIDATE_COLUMNS`) of the live volumes of these (some) kinds that
        pass every test but the horizontal one, which `exact_hits` makes."""
        raise NotImplementedError


def exact_hits(query: Reach, rows: Sequence[Row]) -> list[VolumeHit]:
    """The rows whose reach truly meets the query's: time and altitude were settled in SQL
    (`ALTITUDE_MATCH`), so what is left to decide is the horizontal distance."""
    if not rows:
        return []
    cores = shapely.from_wkb([r[_WKB] for r in rows])
    margins = np.fromiter((r[_MARGIN] for r in rows), dtype=np.float64, count=len(rows))
    mask = within_reach(query, cores, margins)
    return [
        _RowHit(row, core)
        for row, core, hit in zip(rows, cores.tolist(), mask.tolist(), strict=True)
        if hit
    ]


class _RowHit(VolumeHit):
    """A hit that keeps its candidate row and decoded core, and decodes from them: a row
    object and two methods cost less per hit than two loader closures."""

    __slots__ = ("_core", "_row")

    def __init__(self, row: Row, core: BaseGeometry) -> None:
        owner = owner_from_columns(row[_KIND], row[_ENTITY], row[_PARTY], row[_VERSION])
        super().__init__(owner, row[_IDX], row[_ID])
        self._row = row
        self._core = core

    def _decode_extent(self) -> tuple[AltitudeBand, TimeWindow]:
        r = self._row
        return extent_from_columns(r[_V_BUF], r[_LOWER], r[_UPPER], r[_REF], r[_START], r[_END])

    def _decode_reach(self) -> Reach:
        r = self._row
        return reach_from_columns(
            r[_JSON],
            r[_WKB],
            r[_MARGIN],
            r[_H_BUF],
            r[_V_BUF],
            r[_LOWER],
            r[_UPPER],
            r[_REF],
            r[_START],
            r[_END],
            self._core,
        )
