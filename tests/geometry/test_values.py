"""The immutable volume values: half-open windows, closed bands, margins and cores."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
import shapely

from deconflict.geometry import (
    AltitudeBand,
    AltitudeReference,
    Buffer,
    CircleFootprint,
    Reach,
    TimeWindow,
)
from tests.specimens import FIELD, polygon_json, volume

T0 = datetime(2026, 12, 1, 10, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_windows_are_half_open() -> None:
    morning = TimeWindow(T0, T0 + HOUR)
    assert morning.contains(T0)
    assert not morning.contains(T0 + HOUR)
    assert not morning.overlaps(TimeWindow(T0 + HOUR, T0 + 2 * HOUR))
    assert not TimeWindow(T0 + HOUR, T0 + 2 * HOUR).overlaps(morning)
    assert morning.overlaps(TimeWindow(T0 + HOUR - timedelta(microseconds=1), T0 + 2 * HOUR))


def test_a_window_inside_another_overlaps_it() -> None:
    day = TimeWindow(T0, T0 + 24 * HOUR)
    noon = TimeWindow(T0 + 2 * HOUR, T0 + 3 * HOUR)
    assert day.overlaps(noon)
    assert noon.overlaps(day)


def test_inflating_a_band_keeps_its_reference() -> None:
    band = AltitudeBand(120.0, 120.0, AltitudeReference.AMSL)
    assert band.inflated(30.0) == AltitudeBand(90.0, 150.0, AltitudeReference.AMSL)


def test_a_circle_is_its_centre_plus_a_margin() -> None:
    circle = CircleFootprint(23.74, 41.23, 500.0)
    assert shapely.equals(circle.core, shapely.Point(23.74, 41.23))
    assert circle.margin_m == 500.0
    assert circle.continuous_bounds == (23.74, 41.23, 23.74, 41.23)


def test_a_reach_adds_its_buffer_to_the_footprint() -> None:
    circle = volume({"type": "Circle", "center": [23.74, 41.23], "radius_m": 500.0})
    r = Reach(circle, Buffer(horizontal_m=250.0, vertical_m=20.0))
    assert r.margin_m == 750.0
    assert r.band == AltitudeBand(-20.0, 140.0)
    assert r.time == circle.time
    polygon = Reach(volume(polygon_json(FIELD)))
    assert polygon.margin_m == 0.0
    assert polygon.band == polygon.volume.altitude


def test_polygons_compare_by_their_rings() -> None:
    a, b = volume(polygon_json(FIELD)), volume(polygon_json(FIELD))
    assert a == b
    assert hash(a.footprint) == hash(b.footprint)


def test_values_are_frozen() -> None:
    band = AltitudeBand(0.0, 1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        band.lower_m = 5.0  # type: ignore[misc]
