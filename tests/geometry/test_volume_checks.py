"""Whole-volume checks with the margin included: pole distance, longitude span, extent."""

from __future__ import annotations

import pytest

from deconflict import errors
from deconflict.geometry import Buffer, Reach, parse_footprint, parse_volume
from deconflict.geometry.volume_checks import check_footprint, check_reach, check_volume
from tests.specimens import FIELD, box, circle_json, polygon_json, volume


def test_a_normal_volume_passes() -> None:
    check_volume(volume(polygon_json(FIELD)), "/v")
    check_reach(Reach(volume(polygon_json(FIELD)), Buffer(10_000.0, 100.0)), "/v")


def test_a_circle_whose_rim_passes_the_pole_limit_is_refused() -> None:
    near = volume(circle_json(120.3, 84.0, 1_000.0))
    check_volume(near, "/v")
    with pytest.raises(errors.NearPole) as caught:
        check_reach(Reach(near, Buffer(120_000.0)), "/v")
    assert caught.value.pointer == "/v"
    south = volume(circle_json(-120.3, -84.0, 1_000.0))
    with pytest.raises(errors.NearPole):
        check_reach(Reach(south, Buffer(120_000.0)), "/v")


def test_a_buffer_can_make_a_volume_too_large() -> None:
    v = volume(circle_json(23.74, 8.1, 300_000.0))
    check_volume(v, "/v")
    with pytest.raises(errors.VolumeTooLarge) as caught:
        check_reach(Reach(v, Buffer(100_000.0 * 2.5)), "/zones/2")
    assert caught.value.pointer == "/zones/2"


def test_longitude_span_counts_the_margin_near_the_limit_latitude() -> None:
    # 85° of longitude between 84°N and 84.5°N is about 990 km: just within the limits.
    v = volume(polygon_json(box(-30.0, 84.0, 55.0, 84.5)))
    check_volume(v, "/v")
    # A 30 km buffer adds about 6° of longitude at that latitude: past 90° in all.
    with pytest.raises(errors.VolumeTooLarge, match="longitude") as caught:
        check_reach(Reach(v, Buffer(30_000.0)), "/v")
    assert caught.value.pointer == "/v"


@pytest.mark.parametrize("lat", [0.0, 40.0, 60.0, 75.0])
def test_a_circle_of_the_largest_radius_is_accepted_at_any_latitude(lat: float) -> None:
    # Its extent is twice its radius wherever it is; only degrees of longitude grow.
    v = parse_volume(
        {
            "footprint": {"type": "Circle", "center": [10.0, lat], "radius_m": 500_000.0},
            "altitude_lower_m": 0,
            "altitude_upper_m": 10,
            "start": "2026-12-01T00:00:00Z",
            "end": "2026-12-01T01:00:00Z",
        }
    )
    check_volume(v, "/v")


def test_a_footprint_alone_is_held_to_the_same_limits() -> None:
    """An authority's area has no volume of its own, and is compared with operations all
    the same: it may not reach past the pole limit or span the map either."""
    area = parse_footprint(circle_json(0.0, 84.9, 500_000.0), "/authority_area")
    with pytest.raises(errors.NearPole) as caught:
        check_footprint(area, "/authority_area")
    assert caught.value.pointer == "/authority_area"
    check_footprint(volume(polygon_json(FIELD)).footprint, "/authority_area")
