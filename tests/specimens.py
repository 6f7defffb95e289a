"""Named volume specimens: asymmetric shapes whose expected conflicts are known by construction.

Every place is fictional. Shapes are deliberately asymmetric (longitude span differs from
latitude span, longitudes differ from latitudes), so code that swaps the two gives wrong
answers instead of passing by accident. Distances that decide a specimen are laid out with
pyproj's geodesic solver, never with the code under test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyproj import Geod

from deconflict.geometry import Buffer, Reach, Volume4D, parse_volume

GEOD = Geod(ellps="WGS84")

START = "2026-12-01T10:00:00Z"
END = "2026-12-01T12:00:00Z"
LATER_END = "2026-12-01T14:00:00Z"

JSON = dict[str, Any]


def box(lon_lo: float, lat_lo: float, lon_hi: float, lat_hi: float) -> list[list[float]]:
    """A closed counter-clockwise ring; lon_hi may pass 180 to cross the antimeridian."""
    ring = [
        [lon_lo, lat_lo],
        [lon_hi, lat_lo],
        [lon_hi, lat_hi],
        [lon_lo, lat_hi],
        [lon_lo, lat_lo],
    ]
    return [[_wrap(lon), lat] for lon, lat in ring]


def polygon_json(*rings: list[list[float]]) -> JSON:
    return {"type": "Polygon", "coordinates": [list(r) for r in rings]}


def circle_json(lon: float, lat: float, radius_m: float) -> JSON:
    return {"type": "Circle", "center": [lon, lat], "radius_m": radius_m}


def volume_json(
    footprint: JSON,
    lower_m: float = 0.0,
    upper_m: float = 120.0,
    start: str = START,
    end: str = END,
) -> JSON:
    return {
        "footprint": footprint,
        "altitude_lower_m": lower_m,
        "altitude_upper_m": upper_m,
        "start": start,
        "end": end,
    }


def volume(
    footprint: JSON,
    lower_m: float = 0.0,
    upper_m: float = 120.0,
    start: str = START,
    end: str = END,
) -> Volume4D:
    return parse_volume(volume_json(footprint, lower_m, upper_m, start, end))


def reach(footprint: JSON, horizontal_m: float = 0.0, vertical_m: float = 0.0, **kw: Any) -> Reach:
    return Reach(volume(footprint, **kw), Buffer(horizontal_m, vertical_m))


def destination(
    lon: float, lat: float, azimuth_deg: float, distance_m: float
) -> tuple[float, float]:
    """The point `distance_m` geodesic metres from (lon, lat) along an azimuth."""
    lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth_deg, distance_m)
    return float(lon2), float(lat2)


def geodesic_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def _wrap(lon: float) -> float:
    return lon - 360.0 if lon > 180.0 else lon


@dataclass(frozen=True, slots=True)
class Pair:
    """Two reaches and whether, by the documented rule, they conflict."""

    a: Reach
    b: Reach
    conflict: bool
    why: str


# A field east of a fictional town: 0.10° of longitude by 0.06° of latitude.
FIELD = box(23.70, 41.20, 23.80, 41.26)
# A yard whose west edge lies on the field's east edge, over part of its length.
YARD = box(23.80, 41.22, 23.95, 41.25)
# Meets the field at its north-east corner only.
CORNER_LOT = box(23.80, 41.26, 23.87, 41.31)
# A range with a courtyard: the hole's east edge lies on the meridian 21.33.
RANGE_SHELL = box(21.10, 38.40, 21.40, 38.52)
RANGE_HOLE = [[21.20, 38.44], [21.20, 38.48], [21.33, 38.48], [21.33, 38.44], [21.20, 38.44]]
HOLE_EAST_LON = 21.33
# The range with another courtyard, whose south corner touches the range's south edge at
# one point that is not a vertex of that edge: valid by OGC simple features and RFC 7946.
HOLE_TOUCH_POINT = (21.25, 38.40)
RANGE_TOUCHING_HOLE = [[21.25, 38.40], [21.30, 38.45], [21.20, 38.45], [21.25, 38.40]]
# Straddles the antimeridian: 179.80°E to 179.70°W, 0.15° of latitude.
DATELINE_ISLAND = box(179.80, -16.90, 180.30, -16.75)
# A corridor 22 km long and 110 m wide along the parallel 60°N: its north edge is the
# parallel itself, while the geodesic between the same end points bows about 17 m north.
CORRIDOR = box(10.00, 59.999, 10.40, 60.000)
CORRIDOR_NORTH_LAT = 60.000
CORRIDOR_MID_LON = 10.20
# Touches the antimeridian from the east (179.90°E–180°) and, beside it, from the west
# (180°–179.80°W): neither crosses it, so their exact bounds lie at either end of the map.
DATELINE_EAST_SHORE = box(179.90, -16.90, 180.00, -16.75)
DATELINE_WEST_SHORE = box(-180.00, -16.85, -179.80, -16.80)


def _east_of_meridian(meridian_lon: float, lat: float, distance_m: float) -> tuple[float, float]:
    # A geodesic leaving a meridian at a right angle is the shortest way back to it.
    return destination(meridian_lon, lat, 90.0, distance_m)


def _west_of_meridian(meridian_lon: float, lat: float, distance_m: float) -> tuple[float, float]:
    return destination(meridian_lon, lat, 270.0, distance_m)


def _circles_apart(gap_m: float) -> tuple[Reach, Reach]:
    # Centres 3,000 m apart; radii sum to 3,000 m + gap.
    lon1, lat1 = 5.31, 47.62
    lon2, lat2 = destination(lon1, lat1, 63.0, 3_000.0)
    total = 3_000.0 + gap_m
    return reach(circle_json(lon1, lat1, total * 0.35)), reach(
        circle_json(lon2, lat2, total * 0.65)
    )


def _circle_east_of_field(gap_m: float, radius_m: float = 400.0) -> tuple[Reach, Reach]:
    lon, lat = _east_of_meridian(23.80, 41.23, radius_m + gap_m)
    return reach(polygon_json(FIELD)), reach(circle_json(lon, lat, radius_m))


def _circle_in_hole(gap_m: float, radius_m: float = 500.0) -> tuple[Reach, Reach]:
    lon, lat = _west_of_meridian(HOLE_EAST_LON, 38.46, radius_m + gap_m)
    return reach(polygon_json(RANGE_SHELL, RANGE_HOLE)), reach(circle_json(lon, lat, radius_m))


def _circle_and_touching_hole(lon: float, lat: float, radius_m: float) -> tuple[Reach, Reach]:
    return reach(polygon_json(RANGE_SHELL, RANGE_TOUCHING_HOLE)), reach(
        circle_json(lon, lat, radius_m)
    )


def _circle_over_corridor(gap_m: float, radius_m: float = 4.0) -> tuple[Reach, Reach]:
    # Due north of the edge's midpoint: the meridian meets the parallel at a right angle.
    lon, lat = destination(CORRIDOR_MID_LON, CORRIDOR_NORTH_LAT, 0.0, radius_m + gap_m)
    return reach(polygon_json(CORRIDOR)), reach(circle_json(lon, lat, radius_m))


def _near_miss(horizontal_m: float) -> tuple[Reach, Reach]:
    # A strip 30 m east of the field, the field carrying a buffer.
    lon_lo, _ = _east_of_meridian(23.80, 41.23, 30.0)
    strip = box(lon_lo, 41.205, lon_lo + 0.02, 41.245)
    return reach(polygon_json(FIELD), horizontal_m=horizontal_m), reach(polygon_json(strip))


#: A block whose east edge is the meridian 20°E, from 40°N to 44°N.
BLOCK = box(18.0, 40.0, 20.0, 44.0)
TWO_PLACES_GAP_M = 100_000.0


def _two_near_places(short_m: float) -> tuple[Reach, Reach]:
    """The block and a comb east of it whose two teeth come near its edge at two places
    330 km apart: 100 km away at 43.5°N, 10 m farther at 40.6°N. Both carry half of 100 km
    less `short_m` as a buffer. Scaled at the block's corner, degrees of longitude measure
    the southern gap as the shorter one."""
    north = destination(20.0, 43.5, 90.0, TWO_PLACES_GAP_M)
    south = destination(20.0, 40.6, 90.0, TWO_PLACES_GAP_M + 10.0)
    comb = [
        list(south),
        [south[0] + 0.8, 42.0],
        list(north),
        [north[0] + 1.5, 44.0],
        [south[0] + 1.5, 40.0],
        list(south),
    ]
    half = (TWO_PLACES_GAP_M - short_m) / 2.0
    return reach(polygon_json(BLOCK), horizontal_m=half), reach(polygon_json(comb), half)


def _pair(ab: tuple[Reach, Reach], conflict: bool, why: str) -> Pair:
    return Pair(ab[0], ab[1], conflict, why)


def _bands(lower_b: float, vertical_m: float = 0.0) -> tuple[Reach, Reach]:
    a = reach(polygon_json(FIELD), vertical_m=vertical_m, lower_m=0.0, upper_m=100.0)
    return a, reach(polygon_json(FIELD), lower_m=lower_b, upper_m=lower_b + 50.0)


def _flat(lower_b: float) -> tuple[Reach, Reach]:
    flat = reach(polygon_json(FIELD), lower_m=120.0, upper_m=120.0)
    return flat, reach(polygon_json(YARD), lower_m=lower_b, upper_m=300.0)


def _windows(b_start: str) -> tuple[Reach, Reach]:
    return reach(polygon_json(FIELD)), reach(polygon_json(FIELD), start=b_start, end=LATER_END)


def _field_and_lot_east(gap_m: float) -> tuple[Reach, Reach]:
    """The field and a lot whose west edge lies `gap_m` east of the field's, along the
    parallel nearest the pole the two share (where that gap is the narrowest)."""
    lon, _ = _east_of_meridian(23.80, 41.25, gap_m)
    return reach(polygon_json(FIELD)), reach(polygon_json(box(lon, 41.21, 23.95, 41.25)))


def _dateline(other: list[list[float]]) -> tuple[Reach, Reach]:
    return reach(polygon_json(DATELINE_ISLAND)), reach(polygon_json(other))


PAIRS: dict[str, Pair] = {
    "touching_edges": _pair(
        (reach(polygon_json(FIELD)), reach(polygon_json(YARD))),
        True,
        "footprints sharing part of an edge touch, and touching counts",
    ),
    "touching_corner": _pair(
        (reach(polygon_json(FIELD)), reach(polygon_json(CORNER_LOT))),
        True,
        "footprints sharing one vertex touch",
    ),
    "circle_in_hole_clear": _pair(
        _circle_in_hole(1.0), False, "a circle 1 m short of the hole's ring is outside the polygon"
    ),
    "circle_in_hole_touching": _pair(
        _circle_in_hole(-1.0), True, "a circle reaching 1 m past the hole's ring meets the polygon"
    ),
    "circle_in_touching_hole_clear": _pair(
        # 3.9 km north of the touch point: 1.7 km from the courtyard's north edge, 2.4 km
        # from its slanting ones.
        _circle_and_touching_hole(21.25, 38.435, 500.0),
        False,
        "a circle well inside a hole that touches its shell at one point is outside the polygon",
    ),
    "circle_at_hole_touch_point": _pair(
        _circle_and_touching_hole(*HOLE_TOUCH_POINT, 1.0),
        True,
        "a circle on the point where a hole touches its shell meets the polygon",
    ),
    "circle_inside_polygon": _pair(
        (reach(polygon_json(FIELD)), reach(circle_json(23.74, 41.23, 50.0))),
        True,
        "a circle wholly inside a polygon overlaps it",
    ),
    "circle_beside_polygon_clear": _pair(
        _circle_east_of_field(1.0), False, "a circle 1 m east of the field's edge"
    ),
    "circle_beside_polygon_touching": _pair(
        _circle_east_of_field(-1.0), True, "a circle reaching 1 m over the field's edge"
    ),
    "circles_1m_apart": _pair(
        _circles_apart(-1.0), False, "radii summing to 1 m less than the distance of the centres"
    ),
    "circles_1m_overlap": _pair(
        _circles_apart(1.0), True, "radii summing to 1 m more than the distance of the centres"
    ),
    "circles_3cm_apart": _pair(
        _circles_apart(-0.03),
        True,
        "radii 3 cm short of the distance of the centres: within the 5 cm tolerance, touching",
    ),
    "circles_10cm_apart": _pair(
        _circles_apart(-0.10), False, "radii 10 cm short of the distance: beyond the tolerance"
    ),
    "dateline_overlap_west_side": _pair(
        _dateline(box(-179.75, -16.85, -179.60, -16.80)),
        True,
        "the island's part west of 180° (at 179.7°W) overlaps a lot at 179.75°W",
    ),
    "dateline_overlap_east_side": _pair(
        _dateline(box(179.85, -16.95, 179.90, -16.85)),
        True,
        "the island's part east of 180° overlaps a lot at 179.85°E",
    ),
    "dateline_clear": _pair(
        _dateline(box(179.50, -16.90, 179.70, -16.75)),
        False,
        "a lot at 179.5–179.7°E is 0.1° west of the island, not the whole world away",
    ),
    "dateline_shores_touching": _pair(
        (reach(polygon_json(DATELINE_EAST_SHORE)), reach(polygon_json(DATELINE_WEST_SHORE))),
        True,
        "polygons meeting along the antimeridian, one on each side of it, touch",
    ),
    "lot_3cm_east": _pair(
        _field_and_lot_east(0.03),
        True,
        "3 cm apart is within the 5 cm the distance is exact to, so the two touch",
    ),
    "lot_10cm_east": _pair(
        _field_and_lot_east(0.10), False, "10 cm apart is beyond the 5 cm tolerance"
    ),
    "two_near_places_touching": _pair(
        _two_near_places(0.0),
        True,
        "buffers meeting across the nearer of two gaps, the other 10 m wider, 330 km away",
    ),
    "two_near_places_clear": _pair(
        _two_near_places(1.0),
        False,
        "buffers 1 m short of the nearer of two gaps",
    ),
    "dateline_circle": _pair(
        (reach(polygon_json(DATELINE_ISLAND)), reach(circle_json(-179.95, -16.80, 100.0))),
        True,
        "a circle at 179.95°W lies inside the island",
    ),
    "flat_band_touching": _pair(
        _flat(120.0), True, "a zero-thickness band at 120 m meets a band starting at 120 m"
    ),
    "flat_band_clear": _pair(
        _flat(120.5), False, "a zero-thickness band at 120 m is below a band from 120.5 m"
    ),
    "bands_touching": _pair(_bands(100.0), True, "closed bands sharing 100 m"),
    "bands_apart": _pair(_bands(150.0), False, "bands 0–100 m and 150–200 m"),
    "vertical_buffer_reaches": _pair(
        _bands(150.0, vertical_m=50.0), True, "a 50 m vertical buffer lifts 100 m to 150 m"
    ),
    "vertical_buffer_short": _pair(
        _bands(150.0, vertical_m=49.0), False, "a 49 m vertical buffer stops at 149 m"
    ),
    "windows_end_to_start": _pair(
        _windows(END), False, "half-open windows meeting end-to-start share no instant"
    ),
    "windows_overlap_1us": _pair(
        _windows("2026-12-01T11:59:59.999999Z"), True, "windows sharing one microsecond"
    ),
    "near_miss_without_buffer": _pair(_near_miss(0.0), False, "a strip 30 m away"),
    "near_miss_short_buffer": _pair(_near_miss(29.0), False, "a 29 m buffer falls 1 m short"),
    "near_miss_buffered": _pair(_near_miss(31.0), True, "a 31 m buffer reaches the strip"),
    "corridor_between_edge_and_geodesic_clear": _pair(
        _circle_over_corridor(1.0),
        False,
        "the corridor's edge is the parallel (RFC 7946), not the geodesic 17 m north of it",
    ),
    "corridor_between_edge_and_geodesic_touching": _pair(
        _circle_over_corridor(-1.0), True, "the circle reaches 1 m over the parallel"
    ),
}
