"""Do two reaches conflict, and where: cheapest test first, exact where it matters.

The rule: two reaches conflict when their time windows share an instant (half-open, so
windows meeting end-to-start do not), their inflated altitude bands share a height (closed,
so touching bands do), and their cores come within the sum of their margins plus
`DISTANCE_TOLERANCE_M` (closed, so touching footprints do).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from deconflict.geometry.altitude import DEFAULT_VERTICAL_MODEL, VerticalModel
from deconflict.geometry.distance import cores_within_m, least_distance
from deconflict.geometry.frame import LocalFrame
from deconflict.geometry.geodesy import (
    BOW_DEG,
    GEOD,
    degree_scale_range_m,
    geodesic_distance_m,
    lat_span_deg,
)
from deconflict.geometry.limits import DISTANCE_TOLERANCE_M
from deconflict.geometry.region import continuous_cores, shared_region
from deconflict.geometry.values import AltitudeBand, Reach, TimeWindow

_POINT = 0  # shapely's type id of a Point
#: Above this many vertices a query is prepared and touching cores are settled by its
#: index before any is measured. Below it one distance in degrees per candidate (zero for
#: touching ones) costs less than the prepared test followed by a distance for the rest:
#: on 3,000 candidate sets captured at 1M stored, the exact check's median 165 → 138 µs;
#: the same sets with their queries densified to ~230–2,200 vertices no longer gained on
#: the mean (docs/performance.md, 2026-12-07 midday).
INDEXED_QUERY_VERTICES = 256

BoolArray = npt.NDArray[np.bool_]
ReachPair = tuple[Reach, Reach]
#: Widest spread of longitudes measured in plain degrees: any way round the antimeridian
#: is then longer in degrees (over 270°) than the direct one (at most hypot(90°, 180°)).
_MAX_LON_SPREAD_DEG = 90.0


class Overlap:
    """Where, at what heights and when two reaches run into each other.

    The footprint (and the cores' separation, found on the way) is drawn on first use,
    from the two reaches: the decision, the band and the window are cheap, the drawing (the
    cores' nearest points, a projection, two buffers, an intersection) is not, and a
    conflict is recorded long before anybody looks at where it lies, often by one reader.
    """

    __slots__ = ("_footprint", "_reaches", "_separation_m", "altitude", "time")

    def __init__(
        self,
        footprint: BaseGeometry | None,
        altitude: AltitudeBand,
        time: TimeWindow,
        separation_m: float | None,
        *,
        drawn_from: ReachPair | Callable[[], ReachPair] | None = None,
    ) -> None:
        if (footprint is None or separation_m is None) and drawn_from is None:
            raise ValueError("an overlap needs its footprint or what to draw it from")
        self._footprint = footprint  # lon/lat, cut at the antimeridian; a point if they touch
        self._separation_m = separation_m
        # The reaches, or how to get them: a stored reach is decoded only to draw.
        self._reaches = drawn_from
        self.altitude = altitude
        self.time = time

    @property
    def separation_m(self) -> float:
        """The geodesic distance between the two cores, before margins."""
        if self._separation_m is None:
            self._separation_m = least_distance(*continuous_cores(*self.reaches()))[2]
        return self._separation_m

    @property
    def footprint(self) -> BaseGeometry:
        if self._footprint is None:
            self._footprint = shared_region(*self.reaches())
        return self._footprint

    @property
    def is_drawn(self) -> bool:
        """Whether the footprint is known: given, or drawn since from the two reaches."""
        return self._footprint is not None

    def reaches(self) -> ReachPair:
        """The two reaches it lies between, for an overlap made from them."""
        if self._reaches is None:  # the constructor allows this only with both given
            raise RuntimeError("an overlap given its footprint has nothing to draw")
        if callable(self._reaches):
            self._reaches = self._reaches()
        return self._reaches

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Overlap):
            return NotImplemented
        return (self.altitude, self.time, self.separation_m) == (
            other.altitude,
            other.time,
            other.separation_m,
        ) and bool(self.footprint == other.footprint)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Overlap({self.footprint.wkt[:60]!r}, {self.altitude!r}, {self.time!r}, "
            f"{self.separation_m!r})"
        )


def reaches_meet(a: Reach, b: Reach, model: VerticalModel = DEFAULT_VERTICAL_MODEL) -> bool:
    if not a.time.overlaps(b.time) or not model.bands_meet(a.band, b.band):
        return False
    return bool(within_reach(a, np.array([b.core]), np.array([b.margin_m]))[0])


def overlap(a: Reach, b: Reach, model: VerticalModel = DEFAULT_VERTICAL_MODEL) -> Overlap | None:
    """The overlap of two reaches, or None when they do not conflict."""
    if not reaches_meet(a, b, model):
        return None
    return _undrawn(a, b.band, b.time, (a, b), model)


def overlap_found(
    a: Reach,
    band: AltitudeBand,
    window: TimeWindow,
    b: Callable[[], Reach],
    model: VerticalModel = DEFAULT_VERTICAL_MODEL,
) -> Overlap:
    """The overlap of `a` with a reach an exact search has found to meet it (the store's
    search applies this module's rule), from that reach's inflated `band` and `window`.

    Nothing is decided and `b` is called only if the overlap is drawn: a submission
    records dozens of overlaps and decoding each stored footprint cost more than the
    search that found it.
    """
    return _undrawn(a, band, window, lambda: (a, b()), model)


def _undrawn(
    a: Reach,
    band: AltitudeBand,
    window: TimeWindow,
    drawn_from: ReachPair | Callable[[], ReachPair],
    model: VerticalModel,
) -> Overlap:
    common = TimeWindow(max(a.time.start, window.start), min(a.time.end, window.end))
    return Overlap(None, model.common_band(a.band, band), common, None, drawn_from=drawn_from)


def within_reach(
    query: Reach, cores: npt.NDArray[np.object_], margins_m: npt.NDArray[np.float64]
) -> BoolArray:
    """For each stored core and margin, whether it comes within reach of the query's core.

    Cheapest test first: in lon/lat degrees as they are, pairs far closer or far farther
    apart than the threshold (touching ones, at distance 0, included) are decided with no
    projection; two circle centres are measured geodesically at once; the rest are placed
    in one affine frame at the query, which decides most pairs from bounds on its length
    distortion; pairs inside that error band are bounded again on their own latitudes and
    nearest points, and only the few still undecided are refined geodesically.
    """
    count = len(cores)
    if count == 0:
        return np.zeros(0, dtype=np.bool_)
    threshold = margins_m + (query.margin_m + DISTANCE_TOLERANCE_M)
    core = query.core
    if shapely.get_num_coordinates(core) > INDEXED_QUERY_VERTICES:
        # Prepared once and kept on the shape: a detailed query's index settles the cores
        # it touches for less than measuring each (`INDEXED_QUERY_VERTICES`).
        shapely.prepare(core)
        result = shapely.intersects(core, cores)
        rest = np.flatnonzero(~result)
    else:
        result = np.zeros(count, dtype=np.bool_)
        rest = np.arange(count)
    bounds = shapely.bounds(cores[rest])
    decided = _decided_in_degrees(query, cores[rest], bounds, threshold[rest])
    if decided is not None:
        in_reach, undecided = decided
        result[rest[in_reach]] = True
        rest, bounds = rest[undecided], bounds[undecided]
    if rest.size and isinstance(core, shapely.Point):
        is_point = shapely.get_type_id(cores[rest]) == _POINT
        points = rest[is_point]
        if points.size:
            xy = shapely.get_coordinates(cores[points])
            n = len(points)
            _, _, dist = GEOD.inv(np.full(n, core.x), np.full(n, core.y), xy[:, 0], xy[:, 1])
            result[points] = np.asarray(dist) <= threshold[points]
            rest, bounds = rest[~is_point], bounds[~is_point]
    if rest.size:
        result[rest] = _in_reach_by_frame(query, cores[rest], bounds, threshold[rest])
    return np.asarray(result, dtype=np.bool_)


def _decided_in_degrees(
    query: Reach,
    cores: npt.NDArray[np.object_],
    bounds: npt.NDArray[np.float64],
    threshold: npt.NDArray[np.float64],
) -> tuple[BoolArray, BoolArray] | None:
    """Which cores are surely in reach, and which are undecided, measured in lon/lat
    degrees; None where degrees do not measure: across the antimeridian, or at a pole.

    In a band of latitudes a curve's true length lies between the least and the greatest
    metres per degree (in any direction) times its length in degrees. A connection no
    longer than the threshold starts on the query and cannot leave its latitudes grown by
    the threshold's span of latitude, so cores farther apart in degrees than threshold /
    least are out of reach; and the straight connection in degrees between the nearest
    points stays inside that band too, so cores closer than threshold / greatest are in
    reach. The band is the query's, however far a large candidate reaches beyond it. With
    no projection to make, this settles all but a few pairs for the price of one distance
    each.
    """
    if not len(cores):
        return None
    q_lon_lo, q_lat_lo, q_lon_hi, q_lat_hi = query.core.bounds
    lon_lo = min(q_lon_lo, float(bounds[:, 0].min()))
    lon_hi = max(q_lon_hi, float(bounds[:, 2].max()))
    if lon_hi - lon_lo > _MAX_LON_SPREAD_DEG:
        return None
    slack = lat_span_deg(float(threshold.max()))
    least, greatest = degree_scale_range_m(q_lat_lo - slack, q_lat_hi + slack)
    if least <= 0.0:
        return None
    degrees = shapely.distance(query.core, cores)
    in_reach = degrees * greatest <= threshold
    return in_reach, ~in_reach & (degrees * least <= threshold)


def _in_reach_by_frame(
    query: Reach,
    cores: npt.NDArray[np.object_],
    bounds: npt.NDArray[np.float64],
    threshold: npt.NDArray[np.float64],
) -> BoolArray:
    q_lon_lo, q_lat_lo, q_lon_hi, q_lat_hi = query.volume.footprint.continuous_bounds
    frame = LocalFrame.at((q_lon_lo + q_lon_hi) / 2.0, (q_lat_lo + q_lat_hi) / 2.0)
    # Decided on the shapes as stored, cut at the antimeridian: a query that crosses it has
    # a piece near -180 however continuous its own bounds look.
    core_lon_lo, _, core_lon_hi, _ = query.core.bounds
    wrap = (
        min(core_lon_lo, float(bounds[:, 0].min())) < frame.lon0 - 180.0
        or max(core_lon_hi, float(bounds[:, 2].max())) >= frame.lon0 + 180.0
    )
    # One transform for the query and every candidate: its fixed cost dominates here.
    both = np.empty(len(cores) + 1, dtype=object)
    both[:-1] = cores
    both[-1] = query.core
    plane = frame.to_plane(both, wrap=wrap)
    frame_distance = shapely.distance(plane[-1], plane[:-1])
    # One latitude range covers every pair: a connection in reach starts on the query and
    # is no longer than the threshold, wherever the rest of a large candidate lies.
    slack = lat_span_deg(float(threshold.max())) + BOW_DEG
    s_min, s_max = frame.scale_range(q_lat_lo - slack, q_lat_hi + slack)
    sure = frame_distance * s_max <= threshold
    undecided = ~sure & (frame_distance * s_min <= threshold)
    # The common bounds leave a few pairs undecided; cheaper facts about each settle most
    # of them (at 1M stored, three in four) before the geodesic refinement, which costs
    # ~0.4 ms a pair against ~40 µs (docs/performance.md).
    for i in np.flatnonzero(undecided):
        t = float(threshold[i])
        least = _pair_least_scale(frame, q_lat_lo, q_lat_hi, bounds[i], t)
        if frame_distance[i] * least > t:
            sure[i] = False
        elif _nearest_in_frame_m(frame, plane[-1], plane[i]) <= t:
            sure[i] = True
        else:
            sure[i] = cores_within_m(query.core, cores[i], t, frame, (plane[-1], plane[i]), least)
    return np.asarray(sure, dtype=np.bool_)


def _pair_least_scale(
    frame: LocalFrame,
    q_lat_lo: float,
    q_lat_hi: float,
    stored_bounds: npt.NDArray[np.float64],
    threshold_m: float,
) -> float:
    """The frame's least scale over the latitudes that one pair's nearest connection can
    use if it is no longer than the threshold: its end on the query lies within the query's
    latitudes (`q_lat_lo`..`q_lat_hi`) and within `span` of the stored core's, and the
    connection strays at most `span` from that end. Far narrower than the band all
    candidates share when the query is large and the stored core small. Bands that do not
    meet mean no such connection exists (any scale then gives a true answer)."""
    span = lat_span_deg(threshold_m)
    lat_lo = max(q_lat_lo, float(stored_bounds[1])) - 2.0 * span - BOW_DEG
    lat_hi = min(q_lat_hi, float(stored_bounds[3])) + 2.0 * span + BOW_DEG
    return frame.scale_range(min(lat_lo, lat_hi), max(lat_lo, lat_hi))[0]


def _nearest_in_frame_m(frame: LocalFrame, a: BaseGeometry, b: BaseGeometry) -> float:
    """The geodesic length between the points of two shapes nearest in the frame: a point
    of each, so the shapes are no farther apart than this."""
    line = shapely.shortest_line(a, b)
    (lon_a, lat_a), (lon_b, lat_b) = frame.coords_from_plane(shapely.get_coordinates(line))
    return float(geodesic_distance_m(lon_a, lat_a, lon_b, lat_b))
