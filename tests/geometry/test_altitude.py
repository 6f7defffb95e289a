"""Altitude bands across references: closed comparison, conservative conversion, AGL refusal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deconflict import errors
from deconflict.geometry import DEFAULT_VERTICAL_MODEL, AltitudeBand, VerticalModel
from deconflict.geometry.altitude import GEOID_UNDULATION_MAX_M, GEOID_UNDULATION_MIN_M
from deconflict.geometry.values import AltitudeReference
from tests.strategies import DETERMINISTIC

WGS84, AMSL, AGL = AltitudeReference.WGS84, AltitudeReference.AMSL, AltitudeReference.AGL
TERRAIN = VerticalModel(terrain_min_m=-30.0, terrain_max_m=2_400.0)


def test_closed_bands_meet_at_a_shared_height() -> None:
    model = DEFAULT_VERTICAL_MODEL
    assert model.bands_meet(AltitudeBand(0, 100), AltitudeBand(100, 150))
    assert not model.bands_meet(AltitudeBand(0, 100), AltitudeBand(100.001, 150))
    assert model.bands_meet(AltitudeBand(120, 120), AltitudeBand(0, 120))
    assert model.bands_meet(AltitudeBand(120, 120), AltitudeBand(120, 120))
    assert not model.bands_meet(AltitudeBand(120, 120), AltitudeBand(121, 121))


def test_amsl_is_widened_by_the_geoid_range() -> None:
    band = AltitudeBand(100.0, 200.0, AMSL)
    assert DEFAULT_VERTICAL_MODEL.ellipsoid_bounds(band) == (
        100.0 + GEOID_UNDULATION_MIN_M,
        200.0 + GEOID_UNDULATION_MAX_M,
    )
    assert DEFAULT_VERTICAL_MODEL.bands_meet(band, AltitudeBand(0.0, -GEOID_UNDULATION_MIN_M))
    assert not DEFAULT_VERTICAL_MODEL.bands_meet(band, AltitudeBand(0.0, 100.0 + -107.5))


@pytest.mark.parametrize("wgs84_m", [-106.3, 95.7])
def test_the_geoid_range_holds_the_worlds_lowest_and_highest_sea(wgs84_m: float) -> None:
    # Literal figures, not the module's constants: EGM2008 puts the geoid from about
    # 106.2 m below the ellipsoid (south of Sri Lanka) to 85.8 m above it (New Guinea), so
    # a band 0-10 m above sea level reaches ellipsoid heights from -106.2 to +95.8 m.
    sea_level = AltitudeBand(0.0, 10.0, AMSL)
    assert DEFAULT_VERTICAL_MODEL.bands_meet(sea_level, AltitudeBand(wgs84_m, wgs84_m, WGS84))


def test_agl_needs_a_terrain_model() -> None:
    band = AltitudeBand(0.0, 120.0, AGL)
    with pytest.raises(errors.InvalidAltitudeBand) as caught:
        DEFAULT_VERTICAL_MODEL.check_supported(band, "/volumes/0/altitude_reference")
    assert caught.value.pointer == "/volumes/0/altitude_reference"
    with pytest.raises(errors.InvalidAltitudeBand):
        DEFAULT_VERTICAL_MODEL.ellipsoid_bounds(band)
    TERRAIN.check_supported(band, "/x")
    assert TERRAIN.ellipsoid_bounds(band) == (
        -30.0 + GEOID_UNDULATION_MIN_M,
        2_520.0 + GEOID_UNDULATION_MAX_M,
    )


def test_a_half_configured_terrain_model_does_not_support_agl() -> None:
    assert not VerticalModel(terrain_min_m=0.0).supports_agl
    assert TERRAIN.supports_agl


_REFS = st.sampled_from([WGS84, AMSL, AGL])
_BANDS = st.builds(
    lambda lo, thick, ref: AltitudeBand(lo, lo + thick, ref),
    st.floats(-1_000.0, 5_000.0),
    st.floats(0.0, 2_000.0),
    _REFS,
)


@DETERMINISTIC
@given(_BANDS, _BANDS)
def test_meeting_and_common_band_are_symmetric(a: AltitudeBand, b: AltitudeBand) -> None:
    assert TERRAIN.bands_meet(a, b) == TERRAIN.bands_meet(b, a)
    if TERRAIN.bands_meet(a, b):
        ab, ba = TERRAIN.common_band(a, b), TERRAIN.common_band(b, a)
        assert ab == ba
        assert ab.lower_m <= ab.upper_m


@DETERMINISTIC
@given(_BANDS, _BANDS, st.floats(-1_000.0, 8_000.0))
def test_conversion_never_misses_a_shared_height(
    a: AltitudeBand, b: AltitudeBand, height_m: float
) -> None:
    """If one ellipsoid height can lie in both bands, they meet."""
    a_lo, a_hi = TERRAIN.ellipsoid_bounds(a)
    b_lo, b_hi = TERRAIN.ellipsoid_bounds(b)
    if a.reference is b.reference:
        if a.lower_m <= height_m <= a.upper_m and b.lower_m <= height_m <= b.upper_m:
            assert TERRAIN.bands_meet(a, b)
    elif a_lo <= height_m <= a_hi and b_lo <= height_m <= b_hi:
        assert TERRAIN.bands_meet(a, b)
