"""Zones: create, revise by named version, retire; buffers on their reaches."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deconflict import errors
from deconflict.domain.ids import ZoneId
from deconflict.domain.zone import (
    MAX_VOLUMES,
    Validity,
    create_zone,
    retire_zone,
    revise_zone,
)
from deconflict.geometry import Buffer

from . import NORTHMERE, T0, US, circle, zone

LATER = T0 + timedelta(hours=1)


def test_a_new_zone_is_version_one_and_live() -> None:
    made = zone("zone-kessmoor-base", NORTHMERE)
    assert made.version == 1
    assert not made.is_retired
    assert made.revised_at == T0


def test_revising_makes_the_next_version() -> None:
    made = zone("zone-kessmoor-base", NORTHMERE)
    wider = circle(radius_m=800.0)
    revised = revise_zone(
        made, named_version="1", volumes=[wider], buffer=Buffer(200.0, 50.0), now=LATER
    )
    assert (revised.version, revised.volumes, revised.revised_at) == (2, (wider,), LATER)
    assert revised.buffer == Buffer(200.0, 50.0)
    assert revised.name == made.name
    renamed = revise_zone(
        revised, named_version="2", volumes=[wider], buffer=Buffer(), now=LATER, name=" Depot "
    )
    assert renamed.name == "Depot"


def test_revising_a_stale_version_is_refused() -> None:
    revised = revise_zone(
        zone("zone-kessmoor-base", NORTHMERE),
        named_version="1",
        volumes=[circle()],
        buffer=Buffer(),
        now=LATER,
    )
    with pytest.raises(errors.StaleVersion) as caught:
        revise_zone(revised, named_version="1", volumes=[circle()], buffer=Buffer(), now=LATER)
    assert (caught.value.named_ovn, caught.value.current_ovn) == ("1", "2")


def test_a_retired_zone_cannot_change() -> None:
    retired = retire_zone(zone("zone-kessmoor-base", NORTHMERE), LATER)
    assert retired.is_retired
    assert retired.retired_at == LATER
    with pytest.raises(errors.IllegalTransition, match=r"^a zone that is retired cannot change"):
        retire_zone(retired, LATER)
    with pytest.raises(errors.IllegalTransition):
        revise_zone(retired, named_version="1", volumes=[circle()], buffer=Buffer(), now=LATER)


@pytest.mark.parametrize("count", [0, MAX_VOLUMES + 1])
def test_volume_count_is_bounded(count: int) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        create_zone(
            ZoneId("zone-x"),
            NORTHMERE,
            "Shelter",
            [circle()] * count,
            Buffer(),
            Validity.STANDING,
            T0,
        )
    assert caught.value.pointer == "/volumes"


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_a_zone_needs_a_sensible_name(name: str) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        create_zone(ZoneId("zone-x"), NORTHMERE, name, [circle()], Buffer(), Validity.STANDING, T0)
    assert caught.value.pointer == "/name"


def test_reaches_carry_the_buffer() -> None:
    buffered = zone("zone-kessmoor-base", NORTHMERE, circle(), buffer=Buffer(500.0, 30.0))
    (reach,) = buffered.reaches
    assert reach.margin_m == 300.0 + 500.0
    assert (reach.band.lower_m, reach.band.upper_m) == (-30.0, 150.0)


def test_a_zone_expires_when_its_last_window_ends() -> None:
    two = zone("zone-convoy-route", NORTHMERE, circle(hours=1.0), circle(start=T0, hours=3.0))
    end = T0 + timedelta(hours=3)
    assert not two.is_expired(end - US)
    assert two.is_expired(end)
