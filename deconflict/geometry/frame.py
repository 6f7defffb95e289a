"""A local metric frame: lon/lat scaled to metres at a reference latitude, with error bounds.

The map is affine in lon/lat, so RFC 7946 edges stay straight and intersections are exact;
what it distorts is length, and by how much is bounded from the latitudes involved. That
lets a distance test decide most pairs at once and send only the borderline ones to the
geodesic refinement in `overlap`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from deconflict.geometry.antimeridian import in_whole_turns, wrap_towards
from deconflict.geometry.geodesy import (
    FloatArray,
    abs_lat_range,
    east_m_per_deg,
    north_m_per_deg,
)


@dataclass(frozen=True, slots=True)
class LocalFrame:
    """Metres east and north of (lon0, lat0), as scaled longitude and latitude."""

    lon0: float
    lat0: float
    kx: float  # metres per degree of longitude at lat0
    ky: float  # metres per degree of latitude at lat0

    @classmethod
    def at(cls, lon0: float, lat0: float) -> LocalFrame:
        return cls(lon0, lat0, east_m_per_deg(lat0), north_m_per_deg(lat0))

    def coords_to_plane(self, coords: FloatArray, *, wrap: bool = True) -> FloatArray:
        """Frame coordinates; `wrap=False` skips the antimeridian wrap when none is near."""
        lonlat = wrap_towards(coords, self.lon0) if wrap else coords
        plane = (lonlat - np.array([self.lon0, self.lat0])) * np.array([self.kx, self.ky])
        return np.asarray(plane, dtype=np.float64)

    def coords_from_plane(self, coords: FloatArray, *, wrap: bool = True) -> FloatArray:
        """Lon/lat of frame coordinates; `wrap=False` leaves longitudes continuous (past
        ±180 where the frame reaches across), as a shape's positions must stay."""
        lonlat = coords / np.array([self.kx, self.ky]) + np.array([self.lon0, self.lat0])
        if wrap:
            lonlat[:, 0] = (lonlat[:, 0] + 180.0) % 360.0 - 180.0
        return np.asarray(lonlat, dtype=np.float64)

    def to_plane(self, geoms: Any, *, wrap: bool = True) -> Any:
        """A geometry, or an array of them, in the frame.

        With `wrap`, each geometry moves by whole turns as one piece, made continuous around
        its own first position: wrapping position by position would split a shape lying
        across the meridian opposite lon0 into one spanning the world, next to everything.
        """
        if not wrap:
            return shapely.transform(geoms, lambda c: self.coords_to_plane(c, wrap=False))
        _, owner = shapely.get_coordinates(geoms, return_index=True)
        first = np.searchsorted(owner, owner)

        def project(coords: FloatArray) -> FloatArray:
            continuous = in_whole_turns(coords, coords[first, 0], self.lon0)
            return self.coords_to_plane(continuous, wrap=False)

        return shapely.transform(geoms, project)

    def scale_range(self, lat_lo: float, lat_hi: float) -> tuple[float, float]:
        """Least and greatest ratio of true length to frame length between two latitudes.

        East-west the true scale is N(φ)cos φ, north-south M(φ); both are monotone in |φ|,
        so their extremes over an interval lie at its ends or at the equator.
        """
        abs_lo, abs_hi = abs_lat_range(lat_lo, lat_hi)
        return (
            min(east_m_per_deg(abs_hi) / self.kx, north_m_per_deg(abs_lo) / self.ky),
            max(east_m_per_deg(abs_lo) / self.kx, north_m_per_deg(abs_hi) / self.ky),
        )
