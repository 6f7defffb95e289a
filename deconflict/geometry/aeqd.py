"""An azimuthal equidistant plane built from the geodesic solver, around any centre.

Distances and bearings from the centre are exact on the ellipsoid; other distances are off
by about (ρ/R)²/6 of their length at range ρ, which is negligible for the short separations
measured next to the centre. Lon/lat edges are densified first, since they curve here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from deconflict.geometry.antimeridian import in_whole_turns
from deconflict.geometry.geodesy import GEOD, FloatArray, edge_step_deg


@dataclass(frozen=True, slots=True)
class AzimuthalPlane:
    lon0: float
    lat0: float

    def coords_to_plane(self, coords: FloatArray) -> FloatArray:
        n = len(coords)
        if n == 0:
            return coords
        az, _, dist = GEOD.inv(
            np.full(n, self.lon0), np.full(n, self.lat0), coords[:, 0], coords[:, 1]
        )
        rad = np.radians(np.asarray(az))
        dist = np.asarray(dist)
        return np.column_stack((dist * np.sin(rad), dist * np.cos(rad)))

    def coords_from_plane(self, coords: FloatArray) -> FloatArray:
        n = len(coords)
        if n == 0:
            return coords
        az = np.degrees(np.arctan2(coords[:, 0], coords[:, 1]))
        dist = np.hypot(coords[:, 0], coords[:, 1])
        lon, lat, _ = GEOD.fwd(np.full(n, self.lon0), np.full(n, self.lat0), az, dist)
        return np.column_stack((np.asarray(lon), np.asarray(lat)))

    def to_plane(self, geom: BaseGeometry) -> BaseGeometry:
        """Project a lon/lat shape, densified so its straight lon/lat edges keep their shape."""
        continuous = shapely.transform(geom, self._continuous_near_centre)
        if not isinstance(continuous, shapely.Point):
            # An edge bows more the nearer the pole it runs: the step is the one for the
            # shape's latitude nearest the pole, not the centre's (a 6° edge 5° north of a
            # centre near the equator measured up to 3 cm too far).
            _, lat_lo, _, lat_hi = shapely.bounds(continuous)
            steepest = max(abs(float(lat_lo)), abs(float(lat_hi)), abs(self.lat0))
            continuous = shapely.segmentize(continuous, edge_step_deg(steepest))
        return shapely.transform(continuous, self.coords_to_plane)

    def _continuous_near_centre(self, coords: FloatArray) -> FloatArray:
        """A shape's positions made continuous around its first one, then moved by whole
        turns as one piece to lie near the centre: wrapped position by position, a shape
        across the meridian opposite the centre was split into a ring around the world,
        densified along it, and measured far too near (1,753 km read as 480 km at 84°N)."""
        if len(coords) == 0:
            return coords
        return in_whole_turns(coords, float(coords[0, 0]), self.lon0)
