"""WGS84 ellipsoid facts: radii of curvature, conservative metre-to-degree spans, geodesics.

Everything metric in deconflict is measured on the WGS84 ellipsoid with pyproj's geodesic
solver (Karney's algorithm, accurate to nanometres), or bounded against it.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from pyproj import Geod

GEOD = Geod(ellps="WGS84")
A_M = 6_378_137.0
E2 = 0.00669437999014133
#: The smallest meridional radius of curvature (at the equator): the most degrees of
#: latitude any metre can span.
M_MIN_M = A_M * (1.0 - E2)

FloatArray = npt.NDArray[np.float64]
_RAD_PER_DEG = math.pi / 180.0


#: Extra latitude (degrees) allowed for a geodesic bowing poleward of its end points.
BOW_DEG = 0.05


def meridional_radius_m(lat_deg: float) -> float:
    """Radius of curvature along the meridian, M(φ)."""
    s = math.sin(math.radians(lat_deg))
    return A_M * (1.0 - E2) / math.pow(1.0 - E2 * s * s, 1.5)


def normal_radius_m(lat_deg: float) -> float:
    """Radius of curvature in the prime vertical, N(φ)."""
    s = math.sin(math.radians(lat_deg))
    return A_M / math.sqrt(1.0 - E2 * s * s)


def east_m_per_deg(lat_deg: float) -> float:
    """Metres along a parallel per degree of longitude: N(φ) cos φ, falling with |φ|."""
    return normal_radius_m(lat_deg) * math.cos(math.radians(lat_deg)) * _RAD_PER_DEG


def north_m_per_deg(lat_deg: float) -> float:
    """Metres along a meridian per degree of latitude: M(φ), rising with |φ|."""
    return meridional_radius_m(lat_deg) * _RAD_PER_DEG


def abs_lat_range(lat_lo: float, lat_hi: float) -> tuple[float, float]:
    """The least and greatest |φ| between two latitudes (0 if they straddle the equator)."""
    abs_lo = 0.0 if lat_lo <= 0.0 <= lat_hi else min(abs(lat_lo), abs(lat_hi))
    return abs_lo, min(max(abs(lat_lo), abs(lat_hi)), 90.0)


def degree_scale_range_m(lat_lo: float, lat_hi: float) -> tuple[float, float]:
    """Least and greatest metres per degree, in any direction, between two latitudes.

    The metric is ds² = (N cos φ dλ)² + (M dφ)², so a curve in the band is at least the
    least and at most the greatest of the two scales times its length in lon/lat degrees.
    """
    abs_lo, abs_hi = abs_lat_range(lat_lo, lat_hi)
    return (
        min(east_m_per_deg(abs_hi), north_m_per_deg(abs_lo)),
        max(east_m_per_deg(abs_lo), north_m_per_deg(abs_hi)),
    )


def lat_span_deg(distance_m: float) -> float:
    """Degrees of latitude that surely cover `distance_m` in any direction."""
    return math.degrees(distance_m / M_MIN_M) * 1.001 + 1e-7


def lon_span_deg(distance_m: float, max_abs_lat_deg: float) -> float:
    """Degrees of longitude that surely cover `distance_m` at latitudes up to the given one.

    The spherical bound asin(sin(d/R)/cos φ) exceeds d/(R cos φ) slightly; the 2% factor
    covers that for every distance and latitude the limits allow.
    """
    if distance_m <= 0.0:
        return 0.0
    cos_lat = math.cos(math.radians(min(max_abs_lat_deg, 89.9)))
    return math.degrees(distance_m / (A_M * cos_lat)) * 1.02 + 1e-7


def geodesic_distance_m(
    lon1: FloatArray | float,
    lat1: FloatArray | float,
    lon2: FloatArray | float,
    lat2: FloatArray | float,
) -> FloatArray:
    """Geodesic distance between points on the ellipsoid, element-wise."""
    _, _, dist = GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(dist, dtype=np.float64)


def edge_step_deg(lat_deg: float, tolerance_m: float = 0.02) -> float:
    """Longest lon/lat edge that stays within `tolerance_m` of the geodesic through its ends.

    A straight lon/lat edge of length L bows away from the geodesic by about
    L² tan φ / (8 R); solving for L gives the step used to densify edges before they are
    projected into a frame where only geodesics are straight.
    """
    tan_lat = max(abs(math.tan(math.radians(min(abs(lat_deg), 89.0)))), 0.05)
    step_m = math.sqrt(8.0 * A_M * tolerance_m / tan_lat)
    return math.degrees(step_m / A_M)
