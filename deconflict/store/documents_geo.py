"""JSON documents of the geometric values inside records: volumes, buffers, overlaps.

Times are integer microseconds since the Unix epoch and floats are written by `repr`, so
every value reads back exactly equal to what was written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from shapely.geometry import mapping, shape

from deconflict.geometry import (
    AltitudeBand,
    AltitudeReference,
    Buffer,
    CircleFootprint,
    Footprint,
    Overlap,
    PolygonFootprint,
    Reach,
    TimeWindow,
    Volume4D,
)
from deconflict.geometry.antimeridian import cut_at_antimeridian
from deconflict.geometry.polygon import unwrapped_polygon
from deconflict.store.codec import footprint_to_json, from_us, to_us

Document = dict[str, Any]


def footprint_from_json(data: Mapping[str, Any]) -> Footprint:
    """A footprint written by `footprint_to_json`.

    It was validated before it was stored, so only the derived shapes are rebuilt: checking
    every footprint again would make each listing pay for the validation a second time.
    """
    if data["type"] == "Circle":
        lon, lat = data["center"]
        return CircleFootprint(lon, lat, data["radius_m"])
    rings = tuple(tuple((p[0], p[1]) for p in ring) for ring in data["coordinates"])
    unwrapped = unwrapped_polygon(rings, "")
    return PolygonFootprint(rings, cut_at_antimeridian(unwrapped), unwrapped)


def band_to_json(band: AltitudeBand) -> Document:
    return {"lower_m": band.lower_m, "upper_m": band.upper_m, "reference": band.reference.value}


def band_from_json(data: Mapping[str, Any]) -> AltitudeBand:
    return AltitudeBand(data["lower_m"], data["upper_m"], AltitudeReference(data["reference"]))


def window_to_json(window: TimeWindow) -> Document:
    return {"start_us": to_us(window.start), "end_us": to_us(window.end)}


def window_from_json(data: Mapping[str, Any]) -> TimeWindow:
    return TimeWindow(from_us(data["start_us"]), from_us(data["end_us"]))


def volume_to_json(volume: Volume4D) -> Document:
    return {
        "footprint": footprint_to_json(volume.footprint),
        "altitude": band_to_json(volume.altitude),
        "time": window_to_json(volume.time),
    }


def volume_from_json(data: Mapping[str, Any]) -> Volume4D:
    return Volume4D(
        footprint_from_json(data["footprint"]),
        band_from_json(data["altitude"]),
        window_from_json(data["time"]),
    )


def buffer_to_json(buffer: Buffer) -> Document:
    return {"horizontal_m": buffer.horizontal_m, "vertical_m": buffer.vertical_m}


def buffer_from_json(data: Mapping[str, Any]) -> Buffer:
    return Buffer(data["horizontal_m"], data["vertical_m"])


def overlap_to_json(found: Overlap, reference: str | None = None) -> Document:
    """The overlap with its band and window, and either its region (a GeoJSON geometry)
    with the cores' separation or, while nobody has drawn it, what to draw it from:
    drawing takes longer than writing down the two reaches, and many are never looked at.
    With `reference`, an undrawn overlap names where its reaches are kept instead."""
    document: Document = {
        "altitude": band_to_json(found.altitude),
        "time": window_to_json(found.time),
    }
    if found.is_drawn:
        document["footprint"] = mapping(found.footprint)
        document["separation_m"] = found.separation_m
    elif reference is not None:
        document["drawn_from"] = reference
    else:
        a, b = found.reaches()
        document["drawn_from"] = {"a": reach_to_json(a), "b": reach_to_json(b)}
    return document


def overlap_from_json(
    data: Mapping[str, Any], referenced: Callable[[], tuple[Reach, Reach]] | None = None
) -> Overlap:
    """`referenced` gives the reaches of an overlap stored with a reference to them."""
    band = band_from_json(data["altitude"])
    window = window_from_json(data["time"])
    if "footprint" in data:
        return Overlap(shape(data["footprint"]), band, window, data["separation_m"])
    reaches = data["drawn_from"]
    if isinstance(reaches, str):
        if referenced is None:
            raise ValueError(f"this overlap's reaches are kept in {reaches}: none was given")
        # Called now, inside the reading transaction: the resolver reads records.
        return Overlap(None, band, window, None, drawn_from=referenced())
    drawn_from = (reach_from_json(reaches["a"]), reach_from_json(reaches["b"]))
    return Overlap(None, band, window, None, drawn_from=drawn_from)


def reach_to_json(reach: Reach) -> Document:
    return {"volume": volume_to_json(reach.volume), "buffer": buffer_to_json(reach.buffer)}


def reach_from_json(data: Mapping[str, Any]) -> Reach:
    return Reach(volume_from_json(data["volume"]), buffer_from_json(data["buffer"]))
