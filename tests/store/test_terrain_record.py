"""A store keeps the terrain range its AGL volumes were indexed with, and refuses another."""

from __future__ import annotations

import pytest

from deconflict import errors
from deconflict.geometry import Reach, parse_volume
from deconflict.geometry.altitude import VerticalModel
from deconflict.store.terrain_record import must_record, terrain_text
from tests.conftest import StoreOpener
from tests.store.test_contract import BASE, NOW, at, found, owner, put

LOWLAND = VerticalModel(0.0, 100.0)
HIGHLAND = VerticalModel(0.0, 3_000.0)


def _agl(model: VerticalModel) -> Reach:
    volume = {
        "footprint": BASE,
        "altitude_lower_m": 0.0,
        "altitude_upper_m": 120.0,
        "altitude_reference": "AGL",
        "start": at(0),
        "end": at(60),
    }
    return Reach(parse_volume(volume, model=model))


def _wgs84(lower_m: float, upper_m: float) -> Reach:
    volume = {
        "footprint": BASE,
        "altitude_lower_m": lower_m,
        "altitude_upper_m": upper_m,
        "start": at(0),
        "end": at(60),
    }
    return Reach(parse_volume(volume))


def test_agl_volumes_keep_the_store_to_their_terrain_range(open_store: StoreOpener) -> None:
    """Stored with ground up to 100 m, an AGL 0–120 m volume reaches ~306 m above the
    ellipsoid at most; opened with ground up to 3,000 m, a WGS84 query at 2,000 m would meet
    it by the rule, but its stored bounds say no: the store refuses to open so."""
    lowland = open_store(LOWLAND)
    put(lowland, owner("op-agl"), _agl(LOWLAND))
    assert found(lowland, _wgs84(2_000.0, 2_100.0), now=NOW) == set()
    lowland.close()
    with pytest.raises(errors.StoreMismatch, match="1 AGL volume") as caught:
        open_store(HIGHLAND)
    assert "terrain range 0.0,100.0 m" in str(caught.value)
    with pytest.raises(errors.StoreMismatch, match="no terrain range"):
        open_store(VerticalModel())
    again = open_store(LOWLAND)  # the refused openings left no lock behind
    assert found(again, _wgs84(250.0, 300.0), now=NOW) == {("op-agl", 0)}
    put(again, owner("op-later"), _agl(LOWLAND))


def test_without_agl_volumes_the_range_may_change(open_store: StoreOpener) -> None:
    first = open_store(LOWLAND)
    put(first, owner("op-wgs84"), _wgs84(0.0, 120.0))
    first.close()
    second = open_store(HIGHLAND)
    put(second, owner("op-agl"), _agl(HIGHLAND))
    assert found(second, _wgs84(2_000.0, 2_100.0), now=NOW) == {("op-agl", 0)}
    second.close()
    with pytest.raises(errors.StoreMismatch, match=r"terrain range 0\.0,3000\.0 m"):
        open_store(LOWLAND)


def test_what_is_recorded() -> None:
    assert terrain_text(VerticalModel()) == ""
    assert terrain_text(LOWLAND) == "0.0,100.0"
    counted: list[int] = []

    def three() -> int:
        counted.append(3)
        return 3

    assert must_record(None, LOWLAND, three)  # a store from before the record
    assert not must_record("0.0,100.0", LOWLAND, three)
    assert counted == []  # the same range, or none recorded: nothing to count
    assert must_record("0.0,100.0", HIGHLAND, lambda: 0)
