"""Warnings through the use cases: who is alerted, when, and who reads what of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pyproj import Geod

from deconflict.domain.audit import AuditEntry, AuditKind
from deconflict.domain.ids import PartyId
from deconflict.domain.lifecycle import OperationAction
from deconflict.domain.operation import Plan
from deconflict.domain.subscription import Channel
from deconflict.domain.warning import HazardWarning, Severity
from deconflict.geometry import Buffer, Volume4D
from deconflict.service import (
    events,
    operations,
    resending,
    subscriptions,
    views,
    warnings,
    zones,
)
from deconflict.service.context import Principal
from tests.service.conftest import T0, Cast
from tests.service.conftest import volume as any_volume


def volume(
    lon: float,
    lat: float,
    radius_m: float,
    *,
    start_h: float = 1.0,
    hours: float = 3.0,
    lower: float = 0.0,
    upper: float = 300.0,
) -> Volume4D:
    """By default from an hour after T0 for 3 hours, 0-300 m; east of Lowfen's area."""
    return any_volume(lon, lat, radius_m, start_h=start_h, hours=hours, lower=lower, upper=upper)


def alert_entries(cast: Cast, party_id: PartyId) -> list[AuditEntry]:
    links = cast.svc.read(lambda tx: tx.audit.for_party(party_id, after_seq=-1, limit=1000))
    return [link.entry for link in links if link.entry.kind is AuditKind.ALERT]


def north_warns_over_relief_and_south(cast: Cast) -> HazardWarning:
    """North raises a warning over a Relief shelter and a South depot."""
    zones.protect(cast.svc, cast.relief_planner, "Shelter", [volume(23.70, 41.75, 300)], Buffer())
    zones.protect(cast.svc, cast.south_planner, "Depot", [volume(23.72, 41.75, 300)], Buffer())
    return warnings.raise_hazard(
        cast.svc, cast.north_liaison, volume(23.71, 41.75, 3000), Severity.DANGER, "drones"
    )


def test_an_alert_is_read_by_the_alerted_party_alone(cast: Cast) -> None:
    # The North names itself to the South but is a pseudonym to Relief: an alert entry the
    # North read would tell it how many parties are inside all the same.
    warning = north_warns_over_relief_and_south(cast)
    relief, south = cast.relief_liaison.party_id, cast.south_liaison.party_id
    assert {a.party_id for a in warning.alerts} == {relief, south}
    assert alert_entries(cast, cast.north_liaison.party_id) == []
    for party_id in (relief, south):
        (entry,) = alert_entries(cast, party_id)
        assert (entry.party_id, entry.actor, entry.subject) == ("", "", f"warning:{warning.id}")
        assert dict(entry.data) == {"sends": 1}


def test_the_raiser_hears_no_alert_on_any_channel(cast: Cast) -> None:
    north_warns_over_relief_and_south(cast)

    def types(by: Principal, channel: Channel) -> set[AuditKind]:
        page = events.events_after(cast.svc, by, -1, limit=1000, channel=channel)
        return {event.type for event in page.events}

    for channel in Channel:
        assert AuditKind.ALERT not in types(cast.north_liaison, channel)
        assert AuditKind.WARNING in types(cast.north_liaison, channel)
        assert AuditKind.ALERT in types(cast.relief_liaison, channel)


#: The hazard of the arrival tests: 3 km around a crossing, an hour after T0 for 3 hours.
HAZARD = volume(23.71, 41.75, 3000)
INSIDE = (23.70, 41.75)
OUTSIDE = (23.90, 41.60)


def south_warns(cast: Cast) -> HazardWarning:
    """The South warns over an area where nobody has anything yet."""
    raised = warnings.raise_hazard(
        cast.svc, cast.south_liaison, HAZARD, Severity.DANGER, "hostile drones expected"
    )
    assert raised.alerts == ()
    return raised


def alerted(cast: Cast, warning: HazardWarning) -> dict[PartyId, int]:
    """Each party the warning has alerted, and how often it was sent to it."""
    stored = cast.svc.read(lambda tx: tx.warnings.get(warning.id))
    assert stored is not None
    return {a.party_id: a.sends for a in stored.alerts}


def test_a_party_arriving_inside_a_warning_in_force_is_alerted(cast: Cast) -> None:
    svc = cast.svc
    warning = south_warns(cast)
    cast.clock.advance(timedelta(minutes=5))
    operations.submit_operation(svc, cast.north_planner, Plan((volume(*INSIDE, 500),)))
    zones.protect(svc, cast.relief_planner, "Camp", [volume(23.72, 41.75, 300)], Buffer())
    north, relief = cast.north_liaison.party_id, cast.relief_liaison.party_id
    assert alerted(cast, warning) == {north: 1, relief: 1}
    for party_id in (north, relief):
        (entry,) = alert_entries(cast, party_id)
        assert (entry.party_id, entry.at, dict(entry.data)) == ("", cast.clock.now(), {"sends": 1})
    assert alert_entries(cast, cast.south_liaison.party_id) == []
    received = views.warnings_received(svc, cast.north_liaison, after=None, limit=50)
    assert [w.warning_id for w in received] == [warning.id]
    # The raiser sees the North, which its agreement names, not Relief, silent and unnamed.
    seen = views.warning_view(svc, cast.south_liaison, warning.id)
    assert isinstance(seen, views.RaisedWarningView)
    assert [a.party.label for a in seen.alerts] == ["Northmere Air Wing"]
    # Re-sent like any alert until acknowledged.
    warnings.acknowledge_hazard(svc, cast.relief_liaison, warning.id)
    cast.clock.advance(timedelta(minutes=2))
    assert resending.resend_due_warnings(svc, resending.ResendPolicy()) == 1
    assert alerted(cast, warning) == {north: 2, relief: 1}


def test_revising_into_a_warning_alerts_and_only_once(cast: Cast) -> None:
    svc = cast.svc
    warning = south_warns(cast)
    op = operations.submit_operation(svc, cast.north_planner, Plan((volume(*OUTSIDE, 500),)))
    zone = zones.protect(svc, cast.relief_planner, "Camp", [volume(23.90, 41.65, 300)], Buffer())
    assert alerted(cast, warning) == {}
    operations.revise_operation(
        svc, cast.north_planner, op.id, ovn=op.ovn, plan=Plan((volume(*INSIDE, 500),))
    )
    zones.revise_protection(
        svc,
        cast.relief_planner,
        zone.id,
        named_version=str(zone.version),
        volumes=[volume(23.72, 41.75, 300)],
        buffer=Buffer(),
    )
    north, relief = cast.north_liaison.party_id, cast.relief_liaison.party_id
    assert alerted(cast, warning) == {north: 1, relief: 1}
    # Alerted already: more of its data inside tells it nothing new.
    operations.submit_operation(svc, cast.north_planner, Plan((volume(*INSIDE, 800),)))
    assert alerted(cast, warning) == {north: 1, relief: 1}
    assert len(alert_entries(cast, north)) == len(alert_entries(cast, relief)) == 1


def test_only_what_meets_the_warning_while_in_force_is_alerted(cast: Cast) -> None:
    svc = cast.svc
    warning = south_warns(cast)
    above = volume(*INSIDE, 500, lower=400, upper=600)
    operations.submit_operation(svc, cast.north_planner, Plan((above,)))
    after = volume(23.72, 41.75, 300, start_h=4)  # from the warning's end: half-open
    zones.protect(svc, cast.relief_planner, "Later", [after], Buffer())
    draft = operations.submit_operation(
        svc, cast.north_planner, Plan((volume(*INSIDE, 500),)), draft=True
    )
    zones.protect(svc, cast.south_planner, "Own post", [volume(*INSIDE, 300)], Buffer())
    assert alerted(cast, warning) == {}
    operations.act_on_operation(svc, cast.north_planner, draft.id, OperationAction.SUBMIT)
    assert alerted(cast, warning) == {cast.north_liaison.party_id: 1}
    # Once the warning is over, nothing put where it was is alerted.
    cast.clock.set(T0 + timedelta(hours=4))
    zones.protect(svc, cast.relief_planner, "Too late", [volume(*INSIDE, 300, hours=4)], Buffer())
    assert alerted(cast, warning) == {cast.north_liaison.party_id: 1}


def test_an_area_of_interest_declared_inside_a_warning_in_force_is_alerted(cast: Cast) -> None:
    # Where a party has people it has not declared as zones: what a warning is there for.
    warning = south_warns(cast)
    subscriptions.subscribe(
        cast.svc, cast.relief_liaison, "Field team", [volume(*INSIDE, 200)], (), [Channel.STREAM]
    )
    assert alerted(cast, warning) == {cast.relief_liaison.party_id: 1}


#: 3.5 km east of the hazard's centre: a 300 m zone there ends 200 m beyond its edge.
EAST_LON = Geod(ellps="WGS84").fwd(23.71, 41.75, 90.0, 3500.0)[0]


@pytest.mark.parametrize(("buffer_m", "reaches"), [(300.0, True), (100.0, False)])
def test_a_zone_is_alerted_by_one_rule_whether_there_before_or_after(
    cast: Cast, buffer_m: float, reaches: bool
) -> None:
    """The buffer counts in both directions, as it does for the conflict search."""
    svc = cast.svc
    shelter = [volume(EAST_LON, 41.75, 300)]
    zones.protect(svc, cast.relief_planner, "Before", shelter, Buffer(buffer_m))
    warning = warnings.raise_hazard(svc, cast.south_liaison, HAZARD, Severity.CAUTION, "smoke")
    zones.protect(svc, cast.north_planner, "After", shelter, Buffer(buffer_m))
    parties = {cast.relief_liaison.party_id, cast.north_liaison.party_id}
    assert set(alerted(cast, warning)) == (parties if reaches else set())
