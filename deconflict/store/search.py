"""The exact half of the conflict search, shared by both stores.

A store's SQL narrows the index's candidates by the exact time window, expiry, kind and a
conservative altitude bound; what is left is decided here, exactly, in one vectorised pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from deconflict.geometry import AltitudeBand, AltitudeReference, Reach, within_reach
from deconflict.geometry.altitude import DEFAULT_VERTICAL_MODEL, VerticalModel
from deconflict.store.codec import owner_from_columns, reach_from_columns
from deconflict.store.interface import VolumeHit


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored volume the SQL prefilter let through, as its columns."""

    kind: str
    entity_id: str
    party_id: str
    version: int
    idx: int
    footprint_json: str
    core_wkb: bytes
    margin_m: float
    h_buffer_m: float
    v_buffer_m: float
    alt_lower_m: float
    alt_upper_m: float
    alt_ref: str
    start_us: int
    end_us: int


#: The column list every store selects, in `Candidate` field order.
CANDIDATE_COLUMNS = (
    "kind, entity_id, party_id, version, idx, footprint_json, core_wkb, margin_m, "
    "h_buffer_m, v_buffer_m, alt_lower_m, alt_upper_m, alt_ref, start_us, end_us"
)


def exact_hits(
    query: Reach, candidates: Sequence[Candidate], model: VerticalModel = DEFAULT_VERTICAL_MODEL
) -> list[VolumeHit]:
    """The candidates whose reach truly meets the query's (time was settled in SQL)."""
    q_band = query.band
    in_band = [
        c
        for c in candidates
        if model.bands_meet(
            q_band,
            AltitudeBand(
                c.alt_lower_m - c.v_buffer_m,
                c.alt_upper_m + c.v_buffer_m,
                AltitudeReference(c.alt_ref),
            ),
        )
    ]
    if not in_band:
        return []
    cores = shapely.from_wkb([c.core_wkb for c in in_band])
    margins = np.fromiter((c.margin_m for c in in_band), dtype=np.float64, count=len(in_band))
    mask = within_reach(query, cores, margins)
    return [_hit(c, core) for c, core, hit in zip(in_band, cores, mask, strict=True) if hit]


def _hit(c: Candidate, core: BaseGeometry) -> VolumeHit:
    reach = reach_from_columns(
        c.footprint_json,
        c.core_wkb,
        c.h_buffer_m,
        c.v_buffer_m,
        c.alt_lower_m,
        c.alt_upper_m,
        c.alt_ref,
        c.start_us,
        c.end_us,
        core,
    )
    return VolumeHit(owner_from_columns(c.kind, c.entity_id, c.party_id, c.version), c.idx, reach)
