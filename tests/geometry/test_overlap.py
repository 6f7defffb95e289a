"""Conflict decisions: named specimens, symmetry, buffer monotony and a brute-force oracle.

The oracle shares nothing metric with the code under test: it samples both cores' boundaries
densely along their straight lon/lat edges and measures every pair of samples with pyproj's
geodesic solver; containment and crossing are decided topologically in lon/lat.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from deconflict.errors import InvalidInput
from deconflict.geometry import (
    AltitudeBand,
    AltitudeReference,
    Buffer,
    CircleFootprint,
    Footprint,
    Reach,
    TimeWindow,
    Volume4D,
    overlap,
    overlap_found,
    parse_volume,
    reaches_meet,
    within_reach,
)
from deconflict.geometry.distance import core_distance_m
from deconflict.geometry.limits import DISTANCE_TOLERANCE_M
from deconflict.geometry.overlap import INDEXED_QUERY_VERTICES
from tests.specimens import (
    FIELD,
    GEOD,
    PAIRS,
    Pair,
    circle_json,
    destination,
    polygon_json,
    reach,
)
from tests.strategies import DETERMINISTIC, centres, nearby_pairs, reaches, same_time_and_band

FloatArray = np.ndarray


# --- the oracle ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Edge:
    """A straight lon/lat edge, longitudes continuous with the rest of its shape."""

    start: FloatArray
    end: FloatArray

    def at(self, t: FloatArray) -> FloatArray:
        return np.asarray(self.start + np.outer(t, self.end - self.start), dtype=np.float64)

    def length_m(self) -> float:
        # The chord, grown slightly: the lon/lat edge itself is a little longer.
        return 1.01 * float(GEOD.inv(*self.start, *self.end)[2]) + 1e-6


def _rings_near(footprint: Footprint, reference_lon: float) -> list[FloatArray]:
    """The footprint's rings as given, longitudes unwrapped and moved near a reference."""
    if isinstance(footprint, CircleFootprint):
        rings = [np.array([[footprint.center_lon, footprint.center_lat]])]
    else:
        rings = [np.array(r, dtype=np.float64) for r in footprint.rings]
    out = []
    for ring in rings:
        lons = np.unwrap(ring[:, 0], period=360.0)
        lons += 360.0 * np.round((reference_lon - lons.mean()) / 360.0)
        out.append(np.column_stack((lons, ring[:, 1])))
    return out


def _shape(rings: list[FloatArray]) -> shapely.Geometry:
    if len(rings[0]) == 1:
        return shapely.Point(rings[0][0])
    return shapely.Polygon(rings[0], rings[1:])


def _edges(rings: list[FloatArray]) -> list[Edge]:
    if len(rings[0]) == 1:
        return [Edge(rings[0][0], rings[0][0])]
    return [Edge(r[i], r[i + 1]) for r in rings for i in range(len(r) - 1)]


def _samples(edges: list[Edge], spacing_m: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Points at most `spacing_m` apart along the edges, with their edge and parameter."""
    points, edge_ids, params = [], [], []
    for k, edge in enumerate(edges):
        count = max(1, math.ceil(edge.length_m() / spacing_m))
        t = np.linspace(0.0, 1.0, count + 1)
        points.append(edge.at(t))
        edge_ids.append(np.full(count + 1, k))
        params.append(t)
    return np.concatenate(points), np.concatenate(edge_ids), np.concatenate(params)


def _pairwise_m(pa: FloatArray, pb: FloatArray) -> FloatArray:
    lon1 = np.repeat(pa[:, 0], len(pb))
    lat1 = np.repeat(pa[:, 1], len(pb))
    lon2 = np.tile(pb[:, 0], len(pa))
    lat2 = np.tile(pb[:, 1], len(pa))
    dist = np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2], dtype=np.float64)
    return dist.reshape(len(pa), len(pb))


@dataclass(frozen=True, slots=True)
class OracleDistance:
    """Bounds on the geodesic distance between two cores: lower ≤ true ≤ upper."""

    upper_m: float  # a distance between two actual points of the cores
    lower_m: float  # the coarse sampled minimum, less the sampling spacing


def oracle_distance(a: Footprint, b: Footprint, samples: int = 500) -> OracleDistance:
    reference = a.center_lon if isinstance(a, CircleFootprint) else a.rings[0][0][0]
    rings_a = _rings_near(a, reference)
    rings_b = _rings_near(b, float(rings_a[0][:, 0].mean()))
    if shapely.intersects(_shape(rings_a), _shape(rings_b)):
        return OracleDistance(0.0, 0.0)
    edges_a, edges_b = _edges(rings_a), _edges(rings_b)
    spacing_a = max(sum(e.length_m() for e in edges_a) / samples, 0.25)
    spacing_b = max(sum(e.length_m() for e in edges_b) / samples, 0.25)
    pa, ea, ta = _samples(edges_a, spacing_a)
    pb, eb, tb = _samples(edges_b, spacing_b)
    dist = _pairwise_m(pa, pb)
    coarse = float(dist.min())
    # Each true nearest point lies within half a spacing of a sample.
    lower = coarse - (spacing_a + spacing_b) / 2.0
    best = coarse
    # Zoom in around the few closest sample pairs: each result is a true pair of points.
    window_m = max(spacing_a, spacing_b)
    for flat in np.argsort(dist, axis=None)[:6]:
        i, j = np.unravel_index(flat, dist.shape)
        near_a = (edges_a[int(ea[i])], float(ta[i]))
        near_b = (edges_b[int(eb[j])], float(tb[j]))
        best = min(best, _zoom(near_a, near_b, window_m))
    return OracleDistance(best, max(lower, 0.0))


def _zoom(near_a: tuple[Edge, float], near_b: tuple[Edge, float], window_m: float) -> float:
    """The least distance found by sampling ever finer around a pair of edge points."""
    (edge_a, t_a), (edge_b, t_b) = near_a, near_b
    half_a = window_m / edge_a.length_m()
    half_b = window_m / edge_b.length_m()
    best = math.inf
    for _ in range(4):
        ts_a = np.clip(np.linspace(t_a - half_a, t_a + half_a, 41), 0.0, 1.0)
        ts_b = np.clip(np.linspace(t_b - half_b, t_b + half_b, 41), 0.0, 1.0)
        dist = _pairwise_m(edge_a.at(ts_a), edge_b.at(ts_b))
        i, j = np.unravel_index(int(dist.argmin()), dist.shape)
        best = min(best, float(dist[i, j]))
        t_a, t_b = float(ts_a[i]), float(ts_b[j])
        half_a, half_b = half_a / 10.0, half_b / 10.0
    return best


def _spatial_only(a: Reach, b: Reach) -> tuple[Reach, Reach]:
    """The pair with b given a's band and window, so that only space decides."""
    return a, Reach(same_time_and_band(b.volume, a.volume), b.buffer)


def _with_horizontal(r: Reach, horizontal_m: float) -> Reach:
    return Reach(r.volume, Buffer(horizontal_m, r.buffer.vertical_m))


# --- named specimens ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_specimen(name: str) -> None:
    pair: Pair = PAIRS[name]
    assert reaches_meet(pair.a, pair.b) is pair.conflict, pair.why
    assert reaches_meet(pair.b, pair.a) is pair.conflict, pair.why
    assert (overlap(pair.a, pair.b) is not None) is pair.conflict


def _shares_time_and_height(name: str) -> bool:
    a, b = PAIRS[name].a, PAIRS[name].b
    heights_meet = b.band.lower_m <= a.band.upper_m and a.band.lower_m <= b.band.upper_m
    return a.time.overlaps(b.time) and heights_meet


@pytest.mark.parametrize("name", sorted(filter(_shares_time_and_height, PAIRS)))
def test_specimens_agree_with_the_oracle(name: str) -> None:
    """The spatial rule, for the specimens whose windows and bands meet (the rest are
    decided by time or height, and the oracle measures only distance)."""
    pair = PAIRS[name]
    d = oracle_distance(pair.a.volume.footprint, pair.b.volume.footprint)
    # The documented rule: within the margins and the distance's tolerance (closed).
    margins = pair.a.margin_m + pair.b.margin_m + DISTANCE_TOLERANCE_M
    assert (d.upper_m <= margins) is pair.conflict


def test_specimens_that_swap_lon_and_lat_disagree() -> None:
    # Guards the specimens themselves: a lon/lat swap must change their answer.
    field = [[41.20, 23.70], [41.20, 23.80], [41.26, 23.80], [41.26, 23.70], [41.20, 23.70]]
    swapped = reach(polygon_json(field))
    assert not reaches_meet(swapped, PAIRS["touching_edges"].b)


def test_corridor_specimen_lies_between_edge_and_geodesic() -> None:
    # The circle must sit between the parallel and the geodesic, or the specimen proves nothing.
    az, _, dist = GEOD.inv(10.00, 60.000, 10.40, 60.000)
    _, mid_lat, _ = GEOD.fwd(10.00, 60.000, az, dist / 2.0)
    circle = PAIRS["corridor_between_edge_and_geodesic_clear"].b.volume.footprint
    assert isinstance(circle, CircleFootprint)
    top_lat = GEOD.fwd(circle.center_lon, circle.center_lat, 0.0, circle.radius_m)[1]
    assert 60.000 < circle.center_lat < top_lat < mid_lat
    assert GEOD.inv(10.2, 60.0, 10.2, mid_lat)[2] > 15.0


def test_overlap_reports_shared_band_window_and_region() -> None:
    pair = PAIRS["windows_overlap_1us"]
    found = overlap(pair.a, pair.b)
    assert found is not None
    assert found.time == TimeWindow(pair.b.time.start, pair.a.time.end)
    assert found.altitude == AltitudeBand(0.0, 120.0)
    assert found.separation_m == 0.0
    assert found.footprint.area == pytest.approx(shapely.area(pair.a.core))


@pytest.mark.parametrize("name", sorted(n for n, p in PAIRS.items() if p.conflict))
def test_an_overlap_found_by_a_search_is_the_overlap_and_loads_its_reach_to_draw(
    name: str,
) -> None:
    pair = PAIRS[name]
    expected = overlap(pair.a, pair.b)
    assert expected is not None
    loaded: list[Reach] = []

    def load() -> Reach:
        loaded.append(pair.b)
        return pair.b

    found = overlap_found(pair.a, pair.b.band, pair.b.time, load)
    assert (found.altitude, found.time) == (expected.altitude, expected.time)
    assert loaded == []
    assert found == expected
    assert loaded == [pair.b]


def test_overlap_of_touching_edges_is_on_the_shared_edge() -> None:
    pair = PAIRS["touching_edges"]
    found = overlap(pair.a, pair.b)
    assert found is not None
    x_lo, y_lo, x_hi, y_hi = found.footprint.bounds
    assert (x_lo, x_hi) == pytest.approx((23.80, 23.80))
    assert (y_lo, y_hi) == pytest.approx((41.22, 41.25))


def test_overlap_of_a_near_miss_closed_by_a_buffer_lies_in_the_gap() -> None:
    pair = PAIRS["near_miss_buffered"]
    found = overlap(pair.a, pair.b)
    assert found is not None
    assert 29.9 < found.separation_m < 30.1
    x_lo, _, x_hi, _ = found.footprint.bounds
    assert 23.79 < x_lo <= x_hi < 23.81


def test_overlap_across_the_antimeridian_is_in_range() -> None:
    pair = PAIRS["dateline_overlap_west_side"]
    found = overlap(pair.a, pair.b)
    assert found is not None
    x_lo, _, x_hi, _ = found.footprint.bounds
    assert -179.76 < x_lo <= x_hi < -179.69


def test_overlap_of_circles_is_centred_between_them() -> None:
    a = reach(circle_json(5.31, 47.62, 600.0))
    lon, lat, _ = GEOD.fwd(5.31, 47.62, 63.0, 1_000.0)
    b = reach(circle_json(float(lon), float(lat), 600.0))
    found = overlap(a, b)
    assert found is not None
    assert found.separation_m == pytest.approx(1_000.0, abs=0.01)
    centre = shapely.centroid(found.footprint)
    assert GEOD.inv(5.31, 47.62, centre.x, centre.y)[2] == pytest.approx(500.0, abs=5.0)


def test_overlap_of_circles_a_rounding_error_apart() -> None:
    # Their centres differ in the last bit: 0 m apart, yet the two points share nothing.
    a = reach(circle_json(0.0, 0.0078125, 20.0))
    b = reach(circle_json(0.0, 0.007812500000000002, 20.0))
    found = overlap(a, b)
    assert found is not None
    assert found.separation_m == 0.0
    assert found.footprint.contains(shapely.Point(0.0, 0.0078125))


def test_amsl_and_wgs84_bands_are_compared_conservatively() -> None:
    a = reach(polygon_json(FIELD))
    b_volume = replace(a.volume, altitude=AltitudeBand(200.0, 300.0, AltitudeReference.AMSL))
    # 200 m AMSL may be as low as 93 m above the ellipsoid where the geoid dips 107 m.
    assert reaches_meet(a, Reach(b_volume))
    high = replace(a.volume, altitude=AltitudeBand(228.0, 300.0, AltitudeReference.AMSL))
    assert not reaches_meet(a, Reach(high))


def test_within_reach_of_nothing_is_empty() -> None:
    a = PAIRS["touching_edges"].a
    assert within_reach(a, np.array([], dtype=object), np.array([])).shape == (0,)


def test_within_reach_decides_each_stored_core() -> None:
    a = PAIRS["near_miss_without_buffer"].a
    b = PAIRS["near_miss_without_buffer"].b
    cores = np.array([b.core, b.core, PAIRS["touching_edges"].b.core], dtype=object)
    hits = within_reach(a, cores, np.array([0.0, 31.0, 0.0]))
    assert hits.tolist() == [False, True, True]


@pytest.mark.parametrize("lat", [-63.0, -0.004, 0.0, 47.3, 71.0])
def test_within_reach_decides_many_cores_at_once_as_their_distances_say(lat: float) -> None:
    """Cores all round the query, touching, near and far, each with margins just short of,
    just past and far from its distance, in one call: most are settled in plain degrees,
    the rest in the frame or geodesically, and every answer is the one the distance gives."""
    ring = [[10.0, lat], [10.02, lat], [10.015, lat + 0.01], [10.0, lat + 0.006], [10.0, lat]]
    query = reach(polygon_json(ring))
    cores: list[shapely.Geometry] = []
    margins: list[float] = []
    expected: list[bool] = []
    for azimuth in range(0, 360, 30):
        for gap_m in (0.0, 40.0, 1_500.0, 30_000.0):
            lon, la = destination(10.01, lat + 0.004, azimuth, 900.0 + gap_m)
            core = shapely.Polygon(
                [(lon, la), (lon + 0.004, la + 0.001), (lon + 0.001, la + 0.003)]
            )
            d = core_distance_m(query.core, core)
            for factor in (0.0, 0.5, 0.9995, 1.0005, 3.0):
                cores.append(core)
                margins.append(d * factor)
                expected.append(d <= d * factor + DISTANCE_TOLERANCE_M)
    hits = within_reach(query, np.array(cores, dtype=object), np.array(margins))
    assert hits.tolist() == expected
    assert 0 < sum(expected) < len(expected)


@pytest.mark.parametrize("detailed", [False, True])
def test_only_a_detailed_query_settles_touching_cores_by_its_index(
    detailed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One query drawn with 5 vertices or with its edges cut into hundreds of collinear
    pieces (the same shape): the same cores are in reach either way, and only the detailed
    one asks its prepared index which cores it touches before measuring the rest."""
    ring = [[10.0, 47.3], [10.02, 47.3], [10.015, 47.31], [10.0, 47.306], [10.0, 47.3]]
    outline = shapely.Polygon(ring)
    if detailed:
        outline = shapely.segmentize(outline, 0.0002)
        assert shapely.get_num_coordinates(outline) > INDEXED_QUERY_VERTICES
    query = reach(polygon_json(shapely.get_coordinates(outline).tolist()))
    inside = shapely.Point(10.01, 47.303)
    touching = shapely.Polygon([(10.02, 47.3), (10.03, 47.295), (10.03, 47.3)])
    near = shapely.Polygon([(10.0, 47.2995), (10.01, 47.2995), (10.005, 47.299)])
    far = shapely.Point(10.2, 47.5)
    cores = [inside, touching, near, near, far]
    gap_m = core_distance_m(query.core, near)
    margins = [0.0, 0.0, gap_m * 0.99, gap_m * 1.01, 0.0]
    asked: list[int] = []
    intersects = shapely.intersects

    def counted(a: object, b: object) -> object:
        asked.append(1)
        return intersects(a, b)

    monkeypatch.setattr(shapely, "intersects", counted)
    hits = within_reach(query, np.array(cores, dtype=object), np.array(margins))
    assert hits.tolist() == [True, True, False, True, False]
    assert bool(asked) == detailed


def test_within_reach_settles_pairs_by_their_own_latitudes_before_refining(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A query a degree tall, and small cores off its southern edge with margins just short
    of and just past their distances: the latitudes all candidates share leave these pairs
    to the geodesic refinement, each pair's own latitudes and nearest points settle them,
    and every answer is still the one the distance gives."""
    # `deconflict.geometry.overlap` is also the name of a function the package exports.
    overlap_module = sys.modules["deconflict.geometry.overlap"]
    ring = [[20.0, 55.0], [20.3, 55.0], [20.3, 56.0], [20.0, 56.0], [20.0, 55.0]]
    query = reach(polygon_json(ring))
    cores: list[shapely.Geometry] = []
    margins: list[float] = []
    expected: list[bool] = []
    for k in range(6):
        lon, lat = destination(20.02 + 0.05 * k, 55.0, 180.0, 4_000.0 + 700.0 * k)
        core = shapely.Polygon([(lon, lat), (lon + 0.01, lat), (lon + 0.005, lat - 0.004)])
        d = core_distance_m(query.core, core)
        for factor in (0.99, 1.01):
            cores.append(core)
            margins.append(d * factor)
            expected.append(d <= d * factor + DISTANCE_TOLERANCE_M)
    refined: list[object] = []

    refine = overlap_module.cores_within_m

    def counted(a: shapely.Geometry, b: shapely.Geometry, *rest: Any) -> bool:
        refined.append(b)
        return bool(refine(a, b, *rest))

    monkeypatch.setattr(overlap_module, "cores_within_m", counted)
    hits = within_reach(query, np.array(cores, dtype=object), np.array(margins))
    assert hits.tolist() == expected
    assert expected.count(True) == len(expected) // 2
    assert refined == []


def test_a_tall_candidate_does_not_loosen_the_bounds_of_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A small query at 60° N, an area reaching from it up to 65° N, and a small core 2.5 km
    north with a 1.2 km margin. A connection in reach starts on the query and is no longer
    than the threshold, so the query's latitudes, grown by that, bound every pair's scale:
    the area's far end does not, and the degree test settles both cores. Bounds taken over
    the candidates' latitudes as well (down to cos 65° east-west) sent the small one on to
    the frame."""
    overlap_module = sys.modules["deconflict.geometry.overlap"]
    ring = [[10.0, 60.0], [10.002, 60.0], [10.002, 60.001], [10.0, 60.001], [10.0, 60.0]]
    query = reach(polygon_json(ring))
    tall = shapely.Polygon([(9.99, 60.0005), (10.5, 60.0005), (10.5, 65.0), (9.99, 65.0)])
    lon, lat = destination(10.001, 60.001, 0.0, 2_500.0)
    small = shapely.Polygon([(lon, lat), (lon + 0.002, lat), (lon + 0.001, lat + 0.001)])
    assert core_distance_m(query.core, small) > 2_400.0

    def no_frame(*args: object) -> object:
        raise AssertionError("the frame was asked")

    monkeypatch.setattr(overlap_module, "_in_reach_by_frame", no_frame)
    hits = within_reach(query, np.array([tall, small], dtype=object), np.array([0.0, 1_200.0]))
    assert hits.tolist() == [True, False]


# --- properties ---------------------------------------------------------------------------


@DETERMINISTIC
@given(st.data())
def test_conflict_is_symmetric_for_nearby_pairs(data: st.DataObject) -> None:
    a, b = data.draw(nearby_pairs())
    assert reaches_meet(a, b) == reaches_meet(b, a)
    ab, ba = overlap(a, b), overlap(b, a)
    assert (ab is None) == (ba is None)
    if ab is not None and ba is not None:
        assert ab.altitude == ba.altitude
        assert ab.time == ba.time
        assert ab.separation_m == pytest.approx(ba.separation_m, abs=DISTANCE_TOLERANCE_M)


@DETERMINISTIC
@given(reaches(), reaches())
def test_conflict_is_symmetric_anywhere(a: Reach, b: Reach) -> None:
    a, b = _spatial_only(a, b)
    assert reaches_meet(a, b) == reaches_meet(b, a)


@DETERMINISTIC
@given(nearby_pairs(), st.floats(0.0, 5_000.0), st.floats(0.0, 500.0))
def test_a_buffer_never_removes_a_conflict(
    pair: tuple[Reach, Reach], more_h_m: float, more_v_m: float
) -> None:
    a, b = pair
    grown = Reach(
        a.volume, Buffer(a.buffer.horizontal_m + more_h_m, a.buffer.vertical_m + more_v_m)
    )
    if reaches_meet(a, b):
        assert reaches_meet(grown, b)
        assert reaches_meet(b, grown)


@DETERMINISTIC
@given(nearby_pairs(), st.floats(-20.0, 20.0), st.floats(0.0, 50.0))
def test_a_buffer_never_removes_a_conflict_at_the_margin(
    pair: tuple[Reach, Reach], delta_m: float, more_m: float
) -> None:
    """Where a buffer decides: a's buffer set `delta_m` from what the cores' distance asks
    (placed by the code's own measure, which is not what is checked here), so that about
    half the pairs meet before it grows a little more."""
    a, b = _spatial_only(*pair)
    gap = core_distance_m(a.core, b.core) - a.volume.footprint.margin_m - b.margin_m
    assume(gap + delta_m >= 0.0)
    a = _with_horizontal(a, gap + delta_m)
    grown = _with_horizontal(a, gap + delta_m + more_m)
    met = reaches_meet(a, b)
    event(f"meets before growing: {met}")
    if met:
        assert reaches_meet(grown, b)
        assert reaches_meet(b, grown)


@settings(DETERMINISTIC, max_examples=60)
@given(nearby_pairs())
def test_agrees_with_the_oracle(pair: tuple[Reach, Reach]) -> None:
    a, b = _spatial_only(*pair)
    d = oracle_distance(a.volume.footprint, b.volume.footprint)
    margins = a.margin_m + b.margin_m
    decided = reaches_meet(a, b)
    if d.upper_m <= margins:
        assert decided, f"false negative: cores {d.upper_m} m apart, margins {margins} m"
    if decided:
        assert d.lower_m <= margins + DISTANCE_TOLERANCE_M, "false positive"


_MARGIN_DELTAS_M = st.sampled_from([-1.0, -0.1, 0.0, 0.01, 0.1, 1.0])


@settings(DETERMINISTIC, max_examples=60)
@given(nearby_pairs(), _MARGIN_DELTAS_M, st.booleans())
def test_agrees_with_the_oracle_at_the_margin(
    pair: tuple[Reach, Reach], delta_m: float, buffer_on_a: bool
) -> None:
    """Buffers set so the margins fall just short of or just past the cores' distance."""
    _check_at_the_margin(pair, delta_m, buffer_on_a)


@settings(DETERMINISTIC, max_examples=25)
@given(nearby_pairs(max_size_m=300_000.0), _MARGIN_DELTAS_M, st.booleans())
def test_agrees_with_the_oracle_at_the_margin_for_large_shapes(
    pair: tuple[Reach, Reach], delta_m: float, buffer_on_a: bool
) -> None:
    """Corridors and polygons hundreds of km long, where lon/lat edges and geodesics part."""
    _check_at_the_margin(pair, delta_m, buffer_on_a)


def _check_at_the_margin(pair: tuple[Reach, Reach], delta_m: float, buffer_on_a: bool) -> None:
    a, b = _spatial_only(*pair)
    d = oracle_distance(a.volume.footprint, b.volume.footprint)
    assume(d.upper_m > 2.0)
    fixed = a.volume.footprint.margin_m + b.volume.footprint.margin_m
    horizontal = d.upper_m + delta_m - fixed
    assume(horizontal >= 0.0)
    if buffer_on_a:
        a, b = _with_horizontal(a, horizontal), _with_horizontal(b, 0.0)
    else:
        a, b = _with_horizontal(a, 0.0), _with_horizontal(b, horizontal)
    margins = a.margin_m + b.margin_m
    decided = reaches_meet(a, b)
    if d.upper_m <= margins:
        assert decided, f"false negative: cores {d.upper_m} m apart, margins {margins} m"
    if decided:
        assert d.lower_m <= margins + DISTANCE_TOLERANCE_M, "false positive"


@DETERMINISTIC
@given(nearby_pairs())
def test_time_and_altitude_rule(pair: tuple[Reach, Reach]) -> None:
    a, b = pair
    if reaches_meet(a, b):
        assert a.time.start < b.time.end
        assert b.time.start < a.time.end
        (a_lo, a_hi), (b_lo, b_hi) = _heights_compared(a.band, b.band)
        assert a_lo <= b_hi
        assert b_lo <= a_hi
    # Moving b's window to begin exactly when a's ends always separates them.
    later = TimeWindow(a.time.end, a.time.end + timedelta(hours=1))
    assert not reaches_meet(a, Reach(Volume4D(b.volume.footprint, b.volume.altitude, later)))


#: The geoid's least and greatest height above the WGS84 ellipsoid (EGM2008, rounded
#: outward), written here rather than read from the code under test.
_GEOID_M = (-107.0, 86.0)


def _heights_compared(a: AltitudeBand, b: AltitudeBand) -> tuple[tuple[float, ...], ...]:
    """Two bands as the rule compares them: as given in one reference; else each as the
    ellipsoid heights it may stand for (mean sea level is the geoid)."""
    if a.reference == b.reference:
        return (a.lower_m, a.upper_m), (b.lower_m, b.upper_m)

    def on_ellipsoid(band: AltitudeBand) -> tuple[float, float]:
        if band.reference is AltitudeReference.WGS84:
            return band.lower_m, band.upper_m
        assert band.reference is AltitudeReference.AMSL
        return band.lower_m + _GEOID_M[0], band.upper_m + _GEOID_M[1]

    return on_ellipsoid(a), on_ellipsoid(b)


@DETERMINISTIC
@given(nearby_pairs())
def test_bands_meet_as_their_heights_may_in_any_references(pair: tuple[Reach, Reach]) -> None:
    a, b = pair
    # b given a's footprint and window: only the heights decide.
    b = Reach(Volume4D(a.volume.footprint, b.volume.altitude, a.time), b.buffer)
    (a_lo, a_hi), (b_lo, b_hi) = _heights_compared(a.band, b.band)
    assert reaches_meet(a, b) is (a_lo <= b_hi and b_lo <= a_hi)


# --- exact layouts: where the true distance is known, both answers are checked --------------

#: Offsets of the margins from the true distance: beyond the tolerance on either side.
_DELTAS_M = st.sampled_from([-1.0, -0.1, -0.06, 0.0, 0.06, 0.1, 1.0]) | st.floats(-50.0, 50.0)


def _expected(delta_m: float) -> bool | None:
    """Conflict when the margins reach the distance; None inside the tolerance."""
    if delta_m >= 0.0:
        return True
    if delta_m < -DISTANCE_TOLERANCE_M:
        return False
    return None


def _assert_decided_both_ways(a: Reach, b: Reach, delta_m: float) -> None:
    """Margins `delta_m` past the pair's known distance: decided so, whichever is asked."""
    expected = _expected(delta_m)
    assume(expected is not None)
    assert reaches_meet(a, b) is expected
    assert reaches_meet(b, a) is expected


@DETERMINISTIC
@given(
    centres(),
    st.floats(0.0, 360.0),
    st.floats(2.0, 900_000.0),
    _DELTAS_M,
    st.floats(0.05, 0.95),
)
def test_circles_at_a_known_distance(
    centre: tuple[float, float], azimuth: float, distance_m: float, delta_m: float, split: float
) -> None:
    lon, lat = centre
    lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth, distance_m)
    total = distance_m + delta_m
    r1, r2 = split * total, (1.0 - split) * total
    assume(min(r1, r2) >= 1.0 and max(r1, r2) <= 500_000.0)
    try:
        a = reach(circle_json(lon, lat, r1))
        b = reach(circle_json(float(lon2), float(lat2), r2))
    except InvalidInput:
        assume(False)
        raise
    _assert_decided_both_ways(a, b, delta_m)


def _rectangle_on_meridian(
    lon: float, lat: float, side: float, distance_m: float, foot: float
) -> list[list[float]]:
    """A ring with its edge on the meridian through (lon, lat), lying away from `side`
    (90: east of it lies the open side), tall enough for an object `distance_m` out."""
    half_lat = 3.0 * distance_m / 111_000.0 + 0.01
    width = -0.2 if side == 90.0 else 0.2
    lat_lo, lat_hi = lat - 2.0 * foot * half_lat, lat + 2.0 * (1.0 - foot) * half_lat
    ring = [[lon, lat_lo], [lon, lat_hi], [lon + width, lat_hi], [lon + width, lat_lo]]
    ring = [[(x + 180.0) % 360.0 - 180.0 if abs(x) > 180.0 else x, y] for x, y in ring]
    if side == 90.0:
        ring.reverse()
    ring.append(ring[0])
    return ring


def _corner_at(c_lon: float, c_lat: float, side: float) -> list[list[float]]:
    """A triangle with a corner at (c_lon, c_lat) and its other points farther out
    towards `side` in longitude and no nearer the pole."""
    out = 0.05 if side == 90.0 else -0.05
    equatorward = -min(0.02, abs(c_lat) / 2.0) if c_lat >= 0.0 else min(0.02, abs(c_lat) / 2.0)
    assume(abs(equatorward) >= 1e-4)
    far = (c_lon + out + 180.0) % 360.0 - 180.0
    return [[c_lon, c_lat], [far, c_lat], [far, c_lat + equatorward], [c_lon, c_lat]]


@settings(DETERMINISTIC, max_examples=80)
@given(
    centres(),
    st.sampled_from([90.0, 270.0]),
    st.floats(2.0, 50_000.0),
    _DELTAS_M,
    st.floats(0.0, 1.0),
    st.floats(0.3, 0.7),
    st.sampled_from(["circle", "corner"]),
)
def test_a_circle_or_a_corner_beside_a_meridian_edge(
    centre: tuple[float, float],
    side: float,
    distance_m: float,
    delta_m: float,
    buffer_share: float,
    foot: float,
    kind: str,
) -> None:
    """A rectangle with one edge on a meridian, and a circle's centre or a triangle's
    corner straight out from that edge.

    A geodesic leaving a meridian at a right angle is the shortest way back to it, so the
    centre or corner is exactly `distance_m` from the rectangle, wherever on Earth it is.
    A point's distance from a meridian grows with the longitude between them and falls
    with latitude, so the triangle's other points, farther out and no nearer the pole, are
    farther: two polygons at a known distance. The margins fall either side of it.
    """
    lon, lat = centre
    ring = _rectangle_on_meridian(lon, lat, side, distance_m, foot)
    c_lon, c_lat, _ = GEOD.fwd(lon, lat, side, distance_m)
    c_lon, c_lat = float(c_lon), float(c_lat)
    total = distance_m + delta_m
    least_m = 1.0 if kind == "circle" else 0.0  # a circle's radius is at least a metre
    buffer_m = buffer_share * (total - least_m)
    assume(total - buffer_m >= least_m)
    try:
        rectangle = reach(polygon_json(ring), horizontal_m=buffer_m)
        if kind == "circle":
            other = reach(circle_json(c_lon, c_lat, total - buffer_m))
        else:
            other = reach(polygon_json(_corner_at(c_lon, c_lat, side)), total - buffer_m)
    except InvalidInput:
        assume(False)
        raise
    _assert_decided_both_ways(rectangle, other, delta_m)


def test_a_tiny_polygon_cut_by_the_antimeridian_meets_a_circle_at_its_margin() -> None:
    # Found by the oracle in a fresh CI run: the query's piece west of 180 was left a whole
    # turn away, because whether to wrap was decided on the continuous bounds.
    polygon = parse_volume(
        {
            "footprint": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [179.99997803287647, 4.700724677437827e-06],
                        [-179.9999745274801, 0.00022939086055246164],
                        [-179.9999305932331, 0.0002199894111975157],
                        [-179.9999780328765, -4.700724677437827e-06],
                        [179.99997803287647, 4.700724677437827e-06],
                    ]
                ],
            },
            "altitude_lower_m": 0.0,
            "altitude_upper_m": 0.0,
            "start": "2026-12-01T06:01:00Z",
            "end": "2026-12-01T06:02:00Z",
        }
    )
    centre = (179.99994481427257, 0.0031828957149057538)
    d = oracle_distance(polygon.footprint, CircleFootprint(*centre, 1.0))
    for radius, meets in ((d.upper_m + 0.01, True), (d.upper_m - 1.0, False)):
        circle = Volume4D(CircleFootprint(*centre, radius), polygon.altitude, polygon.time)
        assert reaches_meet(Reach(polygon), Reach(circle)) is meets
        assert reaches_meet(Reach(circle), Reach(polygon)) is meets
