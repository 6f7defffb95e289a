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


def gap_between_rings(polygon: shapely.Polygon) -> float:
    """The least distance between two rings that do not touch (`inf` with fewer than two).

    Distances below `TOUCH_M` are touches, which `is_valid` has already judged: a ring
    meeting another at one point is left to it, a ring merely near another is a sliver.
    """
    rings = [polygon.exterior, *polygon.interiors]
    gap = np.inf
    for i, ring in enumerate(rings):
        others = shapely.MultiLineString([r for j, r in enumerate(rings) if j != i])
        if others.is_empty:
            continue
        vertices = shapely.points(np.asarray(ring.coords)[:-1])
        distances = shapely.distance(vertices, others)
        apart = distances[distances >= TOUCH_M]
        if apart.size:
            gap = min(gap, float(apart.min()))
    return float(gap)
