"""A local metric frame: lon/lat scaled to metres at a reference latitude, with error bounds.

The map is affine in lon/lat, so RFC 7946 edges stay straight and intersections are exact;
what it distorts is length, and by how much is bounded from the latitudes involved. That
lets a distance test decide most pairs at once and send only the borderline ones to the
geodesic refinement in `overlap`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from deconflict.geometry.antimeridian import wrap_towards
from deconflict.geometry.geodesy import FloatArray, meridional_radius_m, normal_radius_m

_DEG = math.pi / 180.0


@dataclass(frozen=True, slots=True)
class LocalFrame:
    """Metres east and north of (lon0, lat0), as scaled longitude and latitude."""

    lon0: float
    lat0: float
    kx: float  # metres per degree of longitude at lat0
    ky: float  # metres per degree of latitude at lat0

    @classmethod
    def at(cls, lon0: float, lat0: float) -> LocalFrame:
        kx = float(normal_radius_m(lat0)) * math.cos(lat0 * _DEG) * _DEG
        ky = float(meridional_radius_m(lat0)) * _DEG
        return cls(lon0, lat0, kx, ky)

    def coords_to_plane(self, coords: FloatArray) -> FloatArray:
        wrapped = wrap_towards(coords, self.lon0)
        plane = (wrapped - np.array([self.lon0, self.lat0])) * np.array([self.kx, self.ky])
        return np.asarray(plane, dtype=np.float64)

    def coords_from_plane(self, coords: FloatArray) -> FloatArray:
        lonlat = coords / np.array([self.kx, self.ky]) + np.array([self.lon0, self.lat0])
        lonlat[:, 0] = (lonlat[:, 0] + 180.0) % 360.0 - 180.0
        return np.asarray(lonlat, dtype=np.float64)

    def to_plane(self, geoms: BaseGeometry | np.ndarray) -> BaseGeometry | np.ndarray:
        return shapely.transform(geoms, self.coords_to_plane)

    def scale_bounds(
        self, lat_lo: FloatArray | float, lat_hi: FloatArray | float
    ) -> tuple[FloatArray, FloatArray]:
        """Least and greatest ratio of true length to frame length between two latitudes.

        East-west the true scale is N(φ)cos φ, north-south M(φ); both are monotone in |φ|,
        so their extremes over an interval lie at its ends or at the equator.
        """
        lo = np.asarray(lat_lo, dtype=np.float64)
        hi = np.asarray(lat_hi, dtype=np.float64)
        abs_lo = np.where((lo <= 0.0) & (hi >= 0.0), 0.0, np.minimum(np.abs(lo), np.abs(hi)))
        abs_hi = np.maximum(np.abs(lo), np.abs(hi))
        ew_max, ew_min = self._east_scale(abs_lo), self._east_scale(abs_hi)
        ns_min, ns_max = self._north_scale(abs_lo), self._north_scale(abs_hi)
        return np.minimum(ew_min, ns_min), np.maximum(ew_max, ns_max)

    def _east_scale(self, lat: FloatArray) -> FloatArray:
        return np.asarray(normal_radius_m(lat) * np.cos(lat * _DEG) * _DEG / self.kx)

    def _north_scale(self, lat: FloatArray) -> FloatArray:
        return np.asarray(meridional_radius_m(lat) * _DEG / self.ky)
