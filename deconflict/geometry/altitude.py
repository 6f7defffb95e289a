"""Altitude references and the vertical model that lets bands in different ones be compared.

Bands in the same reference are compared as they are. Bands in different references are
compared through conservative ellipsoid-height bounds: the global range of geoid undulation
for AMSL and, when a deployment sets its terrain range, ground elevation for AGL. A bound
can only widen a band, so a conversion may flag a conflict a finer model would clear, but
it never misses one. Without a terrain range AGL input is refused at parse time rather
than compared as if it were another reference.
"""

from __future__ import annotations

from dataclasses import dataclass

from deconflict import errors
from deconflict.geometry.values import AltitudeBand, AltitudeReference

#: EGM2008 geoid undulation spans about -106.6 m to +85.8 m; rounded outward.
GEOID_UNDULATION_MIN_M = -107.0
GEOID_UNDULATION_MAX_M = 86.0


@dataclass(frozen=True, slots=True)
class VerticalModel:
    """Bounds used to convert bands between references; terrain heights are AMSL metres."""

    terrain_min_m: float | None = None
    terrain_max_m: float | None = None

    @property
    def supports_agl(self) -> bool:
        return self.terrain_min_m is not None and self.terrain_max_m is not None

    def check_supported(self, band: AltitudeBand, pointer: str) -> None:
        if band.reference is AltitudeReference.AGL and not self.supports_agl:
            raise errors.InvalidAltitudeBand(
                "AGL altitudes cannot be compared with other references: no terrain model is "
                "configured (set the terrain range, or give WGS84 or AMSL altitudes)",
                pointer,
            )

    def ellipsoid_bounds(self, band: AltitudeBand) -> tuple[float, float]:
        """The lowest and highest ellipsoid height the band can stand for."""
        if band.reference is AltitudeReference.WGS84:
            return band.lower_m, band.upper_m
        if band.reference is AltitudeReference.AMSL:
            return band.lower_m + GEOID_UNDULATION_MIN_M, band.upper_m + GEOID_UNDULATION_MAX_M
        if self.terrain_min_m is None or self.terrain_max_m is None:
            raise errors.InvalidAltitudeBand("AGL altitudes need a terrain model", "")
        return (
            band.lower_m + self.terrain_min_m + GEOID_UNDULATION_MIN_M,
            band.upper_m + self.terrain_max_m + GEOID_UNDULATION_MAX_M,
        )

    def bands_meet(self, a: AltitudeBand, b: AltitudeBand) -> bool:
        """Whether two closed bands can share a height."""
        if a.reference is b.reference:
            return a.lower_m <= b.upper_m and b.lower_m <= a.upper_m
        a_lo, a_hi = self.ellipsoid_bounds(a)
        b_lo, b_hi = self.ellipsoid_bounds(b)
        return a_lo <= b_hi and b_lo <= a_hi

    def common_band(self, a: AltitudeBand, b: AltitudeBand) -> AltitudeBand:
        """The shared heights of two meeting bands, in a's reference when they share one."""
        if a.reference is b.reference:
            return AltitudeBand(max(a.lower_m, b.lower_m), min(a.upper_m, b.upper_m), a.reference)
        a_lo, a_hi = self.ellipsoid_bounds(a)
        b_lo, b_hi = self.ellipsoid_bounds(b)
        return AltitudeBand(max(a_lo, b_lo), min(a_hi, b_hi), AltitudeReference.WGS84)


DEFAULT_VERTICAL_MODEL = VerticalModel()
