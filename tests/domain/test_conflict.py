"""Conflicts of an operation version with zones, other operations and authority areas."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from deconflict.domain.conflict import (
    Target,
    TargetKind,
    conflict_from_overlaps,
    conflict_with_area,
    conflict_with_operation,
    conflict_with_volumes,
    conflict_with_zone,
)
from deconflict.domain.lifecycle import OperationState
from deconflict.domain.zone import retire_zone
from deconflict.geometry import Buffer

from . import (
    KESSMOOR_LAT,
    KESSMOOR_LON,
    LOWFEN,
    LOWFEN_AREA,
    NORTHMERE,
    T0,
    VALECREST,
    circle,
    operation,
    party,
    zone,
)

#: 0.01° of latitude north of Kessmoor: about 1,111 m, so two 300 m circles are ~511 m apart.
NORTH_OF_KESSMOOR = KESSMOOR_LAT + 0.01


def test_an_operation_overlapping_a_zone_conflicts_with_the_overlap_recorded() -> None:
    survey = operation("op-survey", NORTHMERE, circle(radius_m=200.0))
    hospital = zone("zone-hospital", VALECREST, circle(radius_m=500.0, lower_m=50.0, hours=1))
    found = conflict_with_zone(survey, hospital)
    assert found is not None
    assert found.target.kind is TargetKind.ZONE
    assert (found.target.id, found.target.party_id, found.target.version) == (
        "zone-hospital",
        VALECREST,
        1,
    )
    assert (found.operation_id, found.operation_party_id, found.operation_version) == (
        "op-survey",
        NORTHMERE,
        1,
    )
    (pair,) = found.overlaps
    assert (pair.operation_volume, pair.target_volume) == (0, 0)
    assert (pair.overlap.altitude.lower_m, pair.overlap.altitude.upper_m) == (50.0, 120.0)
    assert pair.overlap.time.end == T0 + timedelta(hours=1)
    assert not found.is_own
    assert found.concerned_party_id == VALECREST


@pytest.mark.parametrize(("buffer_m", "conflicts"), [(0.0, False), (400.0, False), (600.0, True)])
def test_the_zone_buffer_counts_horizontally(buffer_m: float, conflicts: bool) -> None:
    survey = operation("op-survey", NORTHMERE, circle(lat=NORTH_OF_KESSMOOR))
    base = zone("zone-base", VALECREST, circle(), buffer=Buffer(horizontal_m=buffer_m))
    assert (conflict_with_zone(survey, base) is not None) is conflicts


@pytest.mark.parametrize(("buffer_m", "conflicts"), [(0.0, False), (49.0, False), (50.0, True)])
def test_the_zone_buffer_counts_vertically(buffer_m: float, conflicts: bool) -> None:
    survey = operation("op-survey", NORTHMERE, circle(lower_m=200.0, upper_m=300.0))
    base = zone("zone-base", VALECREST, circle(upper_m=150.0), buffer=Buffer(vertical_m=buffer_m))
    assert (conflict_with_zone(survey, base) is not None) is conflicts


def test_a_retired_zone_conflicts_with_nothing() -> None:
    base = retire_zone(zone("zone-base", VALECREST), T0)
    assert conflict_with_zone(operation("op-survey", NORTHMERE), base) is None


def test_windows_meeting_end_to_start_do_not_conflict() -> None:
    morning = operation("op-morning", NORTHMERE, circle(hours=2.0))
    afternoon = operation("op-afternoon", VALECREST, circle(start=T0 + timedelta(hours=2)))
    assert conflict_with_operation(morning, afternoon) is None
    overlapping = operation("op-late", VALECREST, circle(start=T0 + timedelta(minutes=119)))
    assert conflict_with_operation(morning, overlapping) is not None


def test_every_overlapping_volume_pair_is_listed() -> None:
    legs = operation(
        "op-legs",
        NORTHMERE,
        circle(lon=KESSMOOR_LON + 0.2),
        circle(),
        circle(start=T0 + timedelta(hours=1)),
    )
    other = operation("op-other", VALECREST, circle(lon=KESSMOOR_LON + 0.2), circle())
    found = conflict_with_operation(legs, other)
    assert found is not None
    assert found.target.kind is TargetKind.OPERATION
    assert {(p.operation_volume, p.target_volume) for p in found.overlaps} == {
        (0, 0),
        (1, 1),
        (2, 1),
    }


def test_conflicts_are_symmetric_between_operations() -> None:
    a = operation("op-a", NORTHMERE, circle(radius_m=400.0))
    b = operation("op-b", VALECREST, circle(lat=NORTH_OF_KESSMOOR, radius_m=800.0))
    there, back = conflict_with_operation(a, b), conflict_with_operation(b, a)
    assert there is not None
    assert back is not None
    assert there.overlaps[0].overlap.time == back.overlaps[0].overlap.time


@pytest.mark.parametrize(
    "state", [OperationState.DRAFT, OperationState.WITHDRAWN, OperationState.COMPLETED]
)
def test_operations_not_in_play_conflict_with_nothing(state: OperationState) -> None:
    other = replace(operation("op-other", VALECREST), state=state)
    assert conflict_with_operation(operation("op-survey", NORTHMERE), other) is None


def test_an_operation_does_not_conflict_with_itself() -> None:
    survey = operation("op-survey", NORTHMERE)
    assert conflict_with_operation(survey, survey) is None


def test_a_conflict_with_the_planners_own_data_is_own() -> None:
    found = conflict_with_zone(operation("op-survey", NORTHMERE), zone("zone-depot", NORTHMERE))
    assert found is not None
    assert found.is_own


@pytest.mark.parametrize(("lower_m", "upper_m"), [(0.0, 120.0), (9_000.0, 9_500.0)])
def test_an_authority_area_is_reached_at_any_altitude(lower_m: float, upper_m: float) -> None:
    survey = operation("op-survey", NORTHMERE, circle(lower_m=lower_m, upper_m=upper_m))
    found = conflict_with_area(survey, party(LOWFEN, LOWFEN_AREA))
    assert found is not None
    assert found.target.kind is TargetKind.AUTHORITY_AREA
    assert (found.target.id, found.target.party_id) == (LOWFEN, LOWFEN)
    assert found.overlaps[0].overlap.altitude.lower_m == lower_m


def test_an_operation_outside_the_area_does_not_concern_the_authority() -> None:
    far = operation("op-far", NORTHMERE, circle(lon=23.80))
    assert conflict_with_area(far, party(LOWFEN, LOWFEN_AREA)) is None


def test_a_party_without_an_area_is_reached_by_nothing() -> None:
    assert conflict_with_area(operation("op-survey", NORTHMERE), party(VALECREST)) is None


def test_only_the_volumes_inside_the_area_are_listed() -> None:
    legs = operation("op-legs", NORTHMERE, circle(lon=23.80), circle())
    found = conflict_with_area(legs, party(LOWFEN, LOWFEN_AREA))
    assert found is not None
    assert [p.operation_volume for p in found.overlaps] == [1]


def test_no_candidate_pairs_make_no_conflict() -> None:
    survey = operation("op-survey", NORTHMERE, circle())
    target = Target(TargetKind.ZONE, "zone-x", VALECREST, 1)
    assert conflict_with_volumes(survey, target, []) is None


def test_candidate_pairs_become_the_same_conflict_as_a_full_comparison() -> None:
    legs = operation(
        "op-legs",
        NORTHMERE,
        circle(lon=KESSMOOR_LON + 0.2),
        circle(),
        circle(start=T0 + timedelta(hours=1)),
    )
    other = operation("op-other", VALECREST, circle(lon=KESSMOOR_LON + 0.2), circle())
    full = conflict_with_operation(legs, other)
    target = Target(TargetKind.OPERATION, "op-other", VALECREST, 1)
    theirs = other.version.reaches
    # Every pair offered, as a search that returns candidates would; misses drop out.
    offered = [(i, j, theirs[j]) for i in range(3) for j in range(2)]
    assert conflict_with_volumes(legs, target, offered) == full
    assert conflict_with_volumes(legs, target, [(0, 1, theirs[1])]) is None


def test_measured_overlaps_make_the_same_conflict_in_whatever_order_they_come() -> None:
    legs = operation("op-legs", NORTHMERE, circle(), circle(start=T0 + timedelta(hours=1)))
    other = operation("op-other", VALECREST, circle(), circle(lon=KESSMOOR_LON + 0.001))
    full = conflict_with_operation(legs, other)
    assert full is not None
    assert len(full.overlaps) == 4
    target = Target(TargetKind.OPERATION, "op-other", VALECREST, 1)
    assert conflict_from_overlaps(legs, target, reversed(full.overlaps)) == full
    assert conflict_from_overlaps(legs, target, []) is None
