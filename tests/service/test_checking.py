"""A submission's conflict search done before its write, then topped up inside it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from deconflict import errors
from deconflict.domain.conflict import Conflict
from deconflict.domain.ids import OperationId, Ovn
from deconflict.domain.lifecycle import OperationAction
from deconflict.domain.operation import Operation, Plan, draft_operation
from deconflict.domain.party import Role
from deconflict.geometry import Volume4D, parse_volume
from deconflict.geometry.altitude import VerticalModel
from deconflict.service import operations
from deconflict.service.checking import Presearch, find_conflicts, presearch
from deconflict.service.clock import ManualClock
from deconflict.service.context import Principal, Service
from deconflict.service.parties import authenticate, create_member, create_party
from deconflict.store.interface import VolumeHit
from deconflict.store.search import CandidateSearch
from tests.conftest import StoreOpener
from tests.service.conftest import T0, Cast


def volume(lon: float, lat: float, radius_m: float, *, minutes: tuple[int, int]) -> Volume4D:
    """Over open ground east of Lowfen's area, so its authority is not concerned."""
    return parse_volume(
        {
            "footprint": {"type": "Circle", "center": [lon, lat], "radius_m": radius_m},
            "altitude_lower_m": 0.0,
            "altitude_upper_m": 300.0,
            "start": (T0 + timedelta(minutes=minutes[0])).isoformat(),
            "end": (T0 + timedelta(minutes=minutes[1])).isoformat(),
        }
    )


def targets(conflicts: list[Conflict]) -> list[tuple[str, int]]:
    return [(c.target.id, len(c.overlaps)) for c in conflicts]


def checked(cast: Cast, operation: Operation, prior: Presearch | None) -> list[Conflict]:
    now = cast.clock.now()
    return cast.svc.write(lambda tx: find_conflicts(tx, operation, now, cast.svc.model, prior))


def test_the_write_sees_what_changed_since_its_presearch(cast: Cast) -> None:
    svc = cast.svc
    ours = Plan((volume(24.00, 42.30, 1500, minutes=(0, 120)),))
    staying = operations.submit_operation(
        svc, cast.relief_planner, Plan((volume(24.01, 42.30, 800, minutes=(0, 120)),))
    )
    leaving = operations.submit_operation(
        svc, cast.north_planner, Plan((volume(24.00, 42.31, 800, minutes=(0, 120)),))
    )
    ending = operations.submit_operation(
        svc, cast.north_planner, Plan((volume(23.99, 42.30, 800, minutes=(0, 10)),))
    )
    revised = operations.submit_operation(
        svc, cast.north_planner, Plan((volume(24.02, 42.29, 500, minutes=(0, 120)),))
    )
    cast.clock.set(T0 + timedelta(minutes=5))
    prior = svc.read(lambda tx: presearch(tx, ours.volumes, cast.clock.now(), None, svc.model))
    assert len(prior.found[0]) == 4

    # Between the read and the write: one leaves, one is revised away and back under a
    # new version, a newcomer arrives, and one's window ends.
    operations.act_on_operation(svc, cast.north_planner, leaving.id, OperationAction.WITHDRAW)
    operations.revise_operation(
        svc,
        cast.north_planner,
        revised.id,
        ovn=revised.ovn,
        plan=Plan((volume(24.02, 42.29, 700, minutes=(0, 120)),)),
    )
    newcomer = operations.submit_operation(
        svc, cast.south_planner, Plan((volume(24.005, 42.305, 600, minutes=(0, 120)),))
    )
    cast.clock.set(T0 + timedelta(minutes=10))

    operation = draft_operation(OperationId("op-ours"), cast.south_planner.party_id, ours, T0)
    topped_up = checked(cast, operation, prior)
    assert topped_up == checked(cast, operation, None)
    found = {c.target.id: c.target.version for c in topped_up}
    assert found == {staying.id: 1, revised.id: 2, newcomer.id: 1}
    assert ending.id not in found
    assert leaving.id not in found


def test_a_presearch_of_other_volumes_is_not_used(cast: Cast) -> None:
    svc = cast.svc
    operations.submit_operation(
        svc, cast.relief_planner, Plan((volume(24.01, 42.30, 800, minutes=(0, 120)),))
    )
    elsewhere = Plan((volume(25.00, 43.00, 800, minutes=(0, 120)),))
    prior = svc.read(lambda tx: presearch(tx, elsewhere.volumes, cast.clock.now(), None, svc.model))
    ours = Plan((volume(24.00, 42.30, 1500, minutes=(0, 120)),))
    operation = draft_operation(OperationId("op-ours"), cast.south_planner.party_id, ours, T0)
    assert targets(checked(cast, operation, prior)) == targets(checked(cast, operation, None))
    assert len(checked(cast, operation, prior)) == 1


@pytest.fixture
def searches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The volume searches the stores run from now on (each call's number of hits)."""
    made: list[int] = []
    search = CandidateSearch.search

    def counted(self: CandidateSearch, *args: Any, **kwargs: Any) -> list[VolumeHit]:
        hits = search(self, *args, **kwargs)
        made.append(len(hits))
        return hits

    monkeypatch.setattr(CandidateSearch, "search", counted)
    return made


def test_a_revision_searches_only_once_the_operation_is_the_callers(
    cast: Cast, searches: list[int]
) -> None:
    svc = cast.svc
    near = Plan((volume(24.00, 42.30, 1500, minutes=(0, 120)),))
    theirs = operations.submit_operation(svc, cast.north_planner, near)
    draft = operations.submit_operation(svc, cast.south_planner, near, draft=True)
    searches.clear()
    for planner, operation_id, ovn in [
        (cast.south_planner, theirs.id, theirs.ovn),  # another party's
        (cast.south_planner, OperationId("op-nobodys"), theirs.ovn),  # nobody's
        (cast.north_planner, theirs.id, Ovn("stale")),  # its own, named stale
    ]:
        with pytest.raises((errors.NotFound, errors.StaleVersion)):
            operations.revise_operation(svc, planner, operation_id, ovn=ovn, plan=near)
    operations.revise_operation(svc, cast.south_planner, draft.id, ovn=draft.ovn, plan=near)
    assert searches == []
    revised = operations.revise_operation(
        svc, cast.north_planner, theirs.id, ovn=theirs.ovn, plan=near
    )
    assert revised.version.number == 2
    assert searches  # before the write, and to top it up


#: A deployment that knows its ground lies between 10 m below and 2,900 m above sea level.
TERRAIN = VerticalModel(-10.0, 2_900.0)


@pytest.fixture
def terrain_service(open_store: StoreOpener) -> Service:
    """A service whose store and measurements both take AGL altitudes, as composed from
    settings with a terrain range."""
    return Service(
        open_store(TERRAIN), b"test-pseudonym-secret", clock=ManualClock(T0), model=TERRAIN
    )


def _planner(svc: Service, name: str) -> Principal:
    party = create_party(svc, name)
    _, key = create_member(svc, party.id, f"planner of {name}", Role.PLANNER)
    return authenticate(svc, key)


def _at_height(reference: str, lower_m: float, upper_m: float) -> Plan:
    return Plan(
        (
            parse_volume(
                {
                    "footprint": {"type": "Circle", "center": [24.0, 42.3], "radius_m": 500.0},
                    "altitude_lower_m": lower_m,
                    "altitude_upper_m": upper_m,
                    "altitude_reference": reference,
                    "start": T0.isoformat(),
                    "end": (T0 + timedelta(hours=1)).isoformat(),
                },
                model=TERRAIN,
            ),
        )
    )


@pytest.mark.parametrize(("first", "second"), [("WGS84", "AGL"), ("AGL", "WGS84"), ("AGL", "AMSL")])
def test_bands_in_different_references_are_measured_by_the_deployments_model(
    terrain_service: Service, first: str, second: str
) -> None:
    """With a terrain range set, an AGL band meets a WGS84 or AMSL one through its bounds,
    in the search and in the conflict it records: measuring the found pair without the
    terrain range refused the submission instead."""
    svc = terrain_service
    earlier = operations.submit_operation(
        svc, _planner(svc, "Northmere Air Wing"), _at_height(first, 0.0, 120.0)
    )
    later = operations.submit_operation(
        svc, _planner(svc, "Southvale Army Aviation"), _at_height(second, 0.0, 120.0)
    )
    recorded = svc.read(lambda tx: tx.conflicts.of_operation(later.id, later.version.number))
    assert [c.target.id for c in recorded] == [earlier.id]
    (overlap,) = recorded[0].overlaps
    assert overlap.overlap.altitude.reference.value == "WGS84"
