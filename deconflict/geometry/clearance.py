"""How thin a valid polygon gets: within each ring, and between rings that do not touch.

GEOS's `minimum_clearance` of a whole polygon is 0 whenever a hole touches its shell or
another hole at a point that is not a vertex of both rings, although OGC simple features
and RFC 7946 allow exactly that touch (and `is_valid` accepts it); written with the point
in both rings, the same point set measured above zero. So the clearance is measured
within each ring, and between rings from each vertex to the other rings: in a valid
polygon rings meet only at single points, each a vertex of at least one of them, and the
nearest approach of two rings that do not meet is always from a vertex of one of them.
"""

from __future__ import annotations

import numpy as np
import shapely

#: A vertex this close to another ring touches it: coordinates written to lie on an edge
#: land a few nanometres off it after a projection's rounding (far below any sliver).
TOUCH_M = 1e-6


def ring_clearance(polygon: shapely.Polygon) -> float:
    """The least distance between non-adjacent vertices and edges of any one ring."""
    rings = [polygon.exterior, *polygon.interiors]
    return min(float(shapely.minimum_clearance(shapely.LinearRing(r))) for r in rings)


def gap_between_rings(polygon: shapely.Polygon, within_m: float) -> float:
    """The least distance under `within_m` between two rings that do not touch there;
    `inf` when no two rings come that near.

    Distances below `TOUCH_M` are touches, which `is_valid` has already judged: a ring
    meeting another at one point is left to it, a ring merely near another is a sliver.
    Only vertex-edge pairs an index finds within `within_m` are measured, so a polygon
    with many holes costs what `minimum_clearance` does, not vertices times edges.
    """
    rings = [polygon.exterior, *polygon.interiors]
    if len(rings) < 2:
        return float(np.inf)
    coords = [np.asarray(ring.coords) for ring in rings]
    segments = shapely.linestrings(
        np.concatenate([np.stack([c[:-1], c[1:]], axis=1) for c in coords])
    )
    vertices = shapely.points(np.concatenate([c[:-1] for c in coords]))
    # Each ring's vertices and edges are as many as its positions less the closing one.
    ring_of = np.repeat(np.arange(len(rings)), [len(c) - 1 for c in coords])
    near, edge = shapely.STRtree(segments).query(vertices, predicate="dwithin", distance=within_m)
    apart = ring_of[near] != ring_of[edge]
    distances = shapely.distance(vertices[near[apart]], segments[edge[apart]])
    gaps = distances[distances >= TOUCH_M]
    return float(gaps.min()) if gaps.size else float(np.inf)
