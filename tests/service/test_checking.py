"""A submission's conflict search done before its write, then topped up inside it."""

from __future__ import annotations

from datetime import timedelta

from deconflict.domain.conflict import Conflict
from deconflict.domain.ids import OperationId
from deconflict.domain.lifecycle import OperationAction
from deconflict.domain.operation import Operation, Plan, draft_operation
from deconflict.geometry import Volume4D, parse_volume
from deconflict.service import operations
from deconflict.service.checking import Presearch, find_conflicts, presearch
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
    return cast.svc.write(lambda tx: find_conflicts(tx, operation, now, prior))


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
    prior = svc.read(lambda tx: presearch(tx, ours.volumes, cast.clock.now(), None))
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
    prior = svc.read(lambda tx: presearch(tx, elsewhere.volumes, cast.clock.now(), None))
    ours = Plan((volume(24.00, 42.30, 1500, minutes=(0, 120)),))
    operation = draft_operation(OperationId("op-ours"), cast.south_planner.party_id, ours, T0)
    assert targets(checked(cast, operation, prior)) == targets(checked(cast, operation, None))
    assert len(checked(cast, operation, prior)) == 1
