"""Checks on a whole volume (footprint with its margin): extent, poles, longitude span."""

from __future__ import annotations

import math

from deconflict import errors
from deconflict.geometry import limits
from deconflict.geometry.envelope import footprint_bounds
from deconflict.geometry.geodesy import A_M, M_MIN_M
from deconflict.geometry.values import Footprint, Reach, Volume4D


def check_volume(volume: Volume4D, pointer: str) -> None:
    check_footprint(volume.footprint, pointer)


def check_footprint(footprint: Footprint, pointer: str) -> None:
    """The limits on a footprint's reach, for one that comes without a volume: an airspace
    authority's area is compared with operations as every footprint is."""
    _check_extent(footprint.continuous_bounds, footprint.margin_m, pointer)


def check_reach(reach: Reach, pointer: str) -> None:
    _check_extent(reach.volume.footprint.continuous_bounds, reach.margin_m, pointer)


def _check_extent(
    core_bounds: tuple[float, float, float, float], margin_m: float, pointer: str
) -> None:
    _, lat_lo, _, lat_hi, lon_span = footprint_bounds(core_bounds, margin_m)
    if max(abs(lat_lo), abs(lat_hi)) > limits.MAX_ABS_LATITUDE_DEG:
        raise errors.NearPole(
            f"with its radius and buffer this footprint reaches beyond "
            f"±{limits.MAX_ABS_LATITUDE_DEG:g}° latitude, which is not supported",
            pointer,
        )
    if lon_span > limits.MAX_LONGITUDE_SPAN_DEG:
        raise errors.VolumeTooLarge(
            f"with its radius and buffer this footprint spans more than "
            f"{limits.MAX_LONGITUDE_SPAN_DEG:g}° of longitude",
            pointer,
        )
    # The extent is the core's own span plus the margin on either side: the degree spans
    # above are deliberately generous for indexing, and would refuse a 500 km circle at
    # 60°N that is no wider than one at the equator.
    core_lon_lo, core_lat_lo, core_lon_hi, core_lat_hi = core_bounds
    lowest_abs_lat = (
        0.0 if core_lat_lo <= 0.0 <= core_lat_hi else min(abs(core_lat_lo), abs(core_lat_hi))
    )
    width_m = (
        math.radians(core_lon_hi - core_lon_lo) * A_M * math.cos(math.radians(lowest_abs_lat))
        + 2.0 * margin_m
    )
    height_m = math.radians(core_lat_hi - core_lat_lo) * M_MIN_M + 2.0 * margin_m
    if max(width_m, height_m) > limits.MAX_EXTENT_M * 1.001:
        raise errors.VolumeTooLarge(
            f"with its radius and buffer this footprint extends about "
            f"{max(width_m, height_m) / 1000:,.0f} km, more than the limit of "
            f"{limits.MAX_EXTENT_M / 1000:,.0f} km",
            pointer,
        )
