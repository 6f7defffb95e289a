"""Flat column values for a stored volume, shared by the SQLite and PostgreSQL stores."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import chain, islice
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from deconflict.domain.entities import EntityKind, EntityRef, VolumeOwner
from deconflict.domain.ids import PartyId
from deconflict.geometry import (
    AltitudeBand,
    AltitudeReference,
    Box4D,
    Buffer,
    CircleFootprint,
    Footprint,
    PolygonFootprint,
    Reach,
    TimeWindow,
    Volume4D,
    index_boxes,
)
from deconflict.geometry.altitude import DEFAULT_VERTICAL_MODEL, VerticalModel
from deconflict.geometry.envelope import FEW
from deconflict.geometry.polygon import unwrapped_polygon

UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: One stored unit of time: instants are kept as whole microseconds since `UNIX_EPOCH`.
MICROSECOND = timedelta(microseconds=1)


def to_us(instant: datetime) -> int:
    """Microseconds since the Unix epoch: exact for every datetime the limits allow."""
    return (instant - UNIX_EPOCH) // MICROSECOND


def from_us(us: int) -> datetime:
    # Positional: timedelta's keyword arguments cost ~0.3 µs more a call, and every hit
    # and stored row converts two instants.
    return UNIX_EPOCH + timedelta(0, 0, us)


@dataclass(frozen=True, slots=True)
class VolumeRow:
    """One stored volume as plain column values."""

    kind: str
    entity_id: str
    party_id: str
    version: int
    idx: int
    footprint_json: str | None  # None: the core and margins give it back (`rebuilt_from_core`)
    core_wkb: bytes
    margin_m: float
    h_buffer_m: float
    v_buffer_m: float
    alt_lower_m: float
    alt_upper_m: float
    alt_ref: str
    ell_lower_m: float  # inflated band as conservative ellipsoid heights
    ell_upper_m: float
    start_us: int
    end_us: int


#: One stored volume to be: whose, its position in the entity, and its reach.
Placed = tuple[VolumeOwner, int, Reach]


def in_batches(items: Iterable[Placed], size: int) -> Iterator[list[Placed]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def to_value_rows(
    batch: Sequence[Placed], ellipsoid: Sequence[Sequence[float]]
) -> list[tuple[object, ...]]:
    """The column values of many volumes, in `VolumeRow`'s order, as `astuple(to_row(...))`
    would give them; `ellipsoid[i]` is the ellipsoid bounds of volume i's inflated band, as
    its index boxes already hold them. No row objects and one WKB call for the batch: a
    load of a million volumes spent a fifth of its time making them one by one."""
    cores = np.empty(len(batch), dtype=object)
    cores[:] = [reach.core for _, _, reach in batch]
    wkbs = shapely.to_wkb(cores).tolist()
    rebuilt = rebuilt_from_core_many([reach for _, _, reach in batch])
    rows: list[tuple[object, ...]] = []
    for (owner, idx, reach), wkb, same, (ell_lower, ell_upper) in zip(
        batch, wkbs, rebuilt, ellipsoid, strict=True
    ):
        volume, buffer, entity = reach.volume, reach.buffer, owner.entity
        altitude, window = volume.altitude, volume.time
        rows.append(
            (
                entity.kind.value,
                entity.entity_id,
                owner.party_id,
                owner.version,
                idx,
                None if same else _footprint_text(volume.footprint),
                wkb,
                reach.margin_m,
                buffer.horizontal_m,
                buffer.vertical_m,
                altitude.lower_m,
                altitude.upper_m,
                altitude.reference.value,
                ell_lower,
                ell_upper,
                to_us(window.start),
                to_us(window.end),
            )
        )
    return rows


def few_value_rows(
    batch: Sequence[Placed], epoch: datetime, model: VerticalModel
) -> tuple[list[tuple[object, ...]], list[tuple[Box4D, ...]]]:
    """`to_value_rows` of a handful of volumes (a submission's) and each one's
    `index_boxes`, its ellipsoid bounds read from its boxes rather than worked out again."""
    all_boxes = [index_boxes(reach, epoch, model) for _, _, reach in batch]
    values = to_value_rows(batch, [(b[0].alt_min_m, b[0].alt_max_m) for b in all_boxes])
    return values, all_boxes


def to_row(
    owner: VolumeOwner, idx: int, reach: Reach, model: VerticalModel = DEFAULT_VERTICAL_MODEL
) -> VolumeRow:
    """One volume's row (`to_value_rows` of it alone, with its fields named)."""
    (values,) = to_value_rows([(owner, idx, reach)], [model.ellipsoid_bounds(reach.band)])
    return VolumeRow(*values)  # type: ignore[arg-type]  # in VolumeRow's order, by contract


def _footprint_text(footprint: Footprint) -> str:
    return json.dumps(footprint_to_json(footprint), separators=(",", ":"))


def footprint_to_json(footprint: Footprint) -> dict[str, Any]:
    if isinstance(footprint, CircleFootprint):
        return {
            "type": "Circle",
            "center": [footprint.center_lon, footprint.center_lat],
            "radius_m": footprint.radius_m,
        }
    return {"type": "Polygon", "coordinates": [[list(p) for p in ring] for ring in footprint.rings]}


def rebuilt_from_core(reach: Reach) -> bool:
    """Whether the footprint comes back exactly from the stored core and margins, so that
    no JSON copy of it is kept: a circle whose radius is its margin less its buffer to the
    last bit, and a polygon whose rings are exactly its core's (not cut at the antimeridian)."""
    footprint = reach.volume.footprint
    if isinstance(footprint, CircleFootprint):
        return reach.margin_m - reach.buffer.horizontal_m == footprint.radius_m
    shape = footprint.shape
    if not isinstance(shape, shapely.Polygon) or len(shape.interiors) != len(footprint.rings) - 1:
        return False
    given = np.concatenate([np.asarray(ring, dtype=np.float64) for ring in footprint.rings])
    return bool(np.array_equal(shapely.get_coordinates(shape), given))


def rebuilt_from_core_many(reaches: Sequence[Reach]) -> list[bool]:
    """`rebuilt_from_core` of each reach, the polygons' coordinates compared all at once:
    one by one, turning each footprint's rings into an array was a tenth of a bulk load."""
    if len(reaches) < FEW:
        return [rebuilt_from_core(reach) for reach in reaches]
    result = [False] * len(reaches)
    at: list[int] = []
    footprints: list[PolygonFootprint] = []
    for i, reach in enumerate(reaches):
        footprint = reach.volume.footprint
        if isinstance(footprint, CircleFootprint):
            result[i] = rebuilt_from_core(reach)
        else:
            at.append(i)
            footprints.append(footprint)
    if not footprints:
        return result
    shapes = np.empty(len(footprints), dtype=object)
    shapes[:] = [f.shape for f in footprints]
    core_xy, owner = shapely.get_coordinates(shapes, return_index=True)
    core_counts = np.bincount(owner, minlength=len(footprints))
    given_counts = np.fromiter((sum(map(len, f.rings)) for f in footprints), dtype=np.int64)
    points = chain.from_iterable(chain.from_iterable(f.rings for f in footprints))
    given_xy = np.fromiter(chain.from_iterable(points), dtype=np.float64).reshape(-1, 2)
    rings = np.fromiter((len(f.rings) for f in footprints), dtype=np.int64)
    alike = (
        (shapely.get_type_id(shapes) == _POLYGON)
        & (shapely.get_num_interior_rings(shapes) == rings - 1)
        & (core_counts == given_counts)
    )
    # Pair each polygon's coordinates with its given positions, for the alike ones only.
    counts = core_counts[alike]
    starts = np.cumsum(counts) - counts
    within = np.arange(int(counts.sum())) - np.repeat(starts, counts)
    core_at = np.repeat((np.cumsum(core_counts) - core_counts)[alike], counts) + within
    given_at = np.repeat((np.cumsum(given_counts) - given_counts)[alike], counts) + within
    equal = np.all(core_xy[core_at] == given_xy[given_at], axis=1)
    same = np.zeros(len(footprints), dtype=np.bool_)
    if counts.size:
        same[alike] = np.logical_and.reduceat(equal, starts)  # a ring has 4 points or more
    for i, is_same in zip(at, same.tolist(), strict=True):
        result[i] = is_same
    return result


_POLYGON = 3  # shapely's type id of a Polygon


def _rings_of(shape: shapely.Polygon) -> tuple[tuple[tuple[float, float], ...], ...]:
    rings = (shape.exterior, *shape.interiors)
    return tuple(tuple(map(tuple, np.asarray(ring.coords).tolist())) for ring in rings)


def reach_from_columns(
    footprint_json: str | None,
    core_wkb: bytes,
    margin_m: float,
    h_buffer_m: float,
    v_buffer_m: float,
    alt_lower_m: float,
    alt_upper_m: float,
    alt_ref: str,
    start_us: int,
    end_us: int,
    core: BaseGeometry | None = None,
) -> Reach:
    """Rebuild a stored reach; the row was validated when written, so nothing is re-checked.

    `core` is the already decoded `core_wkb`, when the caller has it.
    """
    footprint: Footprint
    if footprint_json is None:
        shape = shapely.from_wkb(core_wkb) if core is None else core
        if isinstance(shape, shapely.Point):
            footprint = CircleFootprint.around(shape, margin_m - h_buffer_m)
        else:
            footprint = PolygonFootprint(_rings_of(shape), shape, shape)
        return _reach(
            footprint, h_buffer_m, v_buffer_m, alt_lower_m, alt_upper_m, alt_ref, start_us, end_us
        )
    data = json.loads(footprint_json)
    if data["type"] == "Circle":
        lon, lat = data["center"]
        centre = shapely.from_wkb(core_wkb) if core is None else core
        if (centre.x, centre.y) == (lon, lat):
            footprint = CircleFootprint.around(centre, data["radius_m"])
        else:
            footprint = CircleFootprint(lon, lat, data["radius_m"])
    else:
        rings = tuple(tuple((p[0], p[1]) for p in ring) for ring in data["coordinates"])
        shape = shapely.from_wkb(core_wkb) if core is None else core
        # A shape left whole by the antimeridian cut is its own continuous form.
        unwrapped = shape if isinstance(shape, shapely.Polygon) else unwrapped_polygon(rings, "")
        footprint = PolygonFootprint(rings, shape, unwrapped)
    return _reach(
        footprint, h_buffer_m, v_buffer_m, alt_lower_m, alt_upper_m, alt_ref, start_us, end_us
    )


def extent_from_columns(
    v_buffer_m: float,
    alt_lower_m: float,
    alt_upper_m: float,
    alt_ref: str,
    start_us: int,
    end_us: int,
) -> tuple[AltitudeBand, TimeWindow]:
    """A stored reach's band (its vertical buffer included) and window, as `Reach` gives."""
    band, window = _band_and_window(alt_lower_m, alt_upper_m, alt_ref, start_us, end_us)
    return band.inflated(v_buffer_m), window


def _reach(
    footprint: Footprint,
    h_buffer_m: float,
    v_buffer_m: float,
    alt_lower_m: float,
    alt_upper_m: float,
    alt_ref: str,
    start_us: int,
    end_us: int,
) -> Reach:
    band, window = _band_and_window(alt_lower_m, alt_upper_m, alt_ref, start_us, end_us)
    return Reach(Volume4D(footprint, band, window), Buffer(h_buffer_m, v_buffer_m))


def _band_and_window(
    alt_lower_m: float, alt_upper_m: float, alt_ref: str, start_us: int, end_us: int
) -> tuple[AltitudeBand, TimeWindow]:
    band = AltitudeBand(alt_lower_m, alt_upper_m, _REFERENCES[alt_ref])
    return band, TimeWindow(from_us(start_us), from_us(end_us))


#: Kinds and altitude references by stored value: a dict lookup, where calling the enum
#: costs ~0.45 µs a row (at a busy spot a submission decodes ~150 hits).
_KINDS = {kind.value: kind for kind in EntityKind}
_REFERENCES = {reference.value: reference for reference in AltitudeReference}


def owner_from_columns(kind: str, entity_id: str, party_id: str, version: int) -> VolumeOwner:
    """The owner of a stored volume.

    Not cached: at a million stored volumes nearly every search meets entities it has not
    met before, and a cache miss cost ~2.7 µs against ~1 µs for making the owner; a full
    cache also kept ~200k objects for the garbage collector to walk.
    """
    return VolumeOwner(EntityRef(_KINDS[kind], entity_id), PartyId(party_id), version)
