"""Warnings through the use cases: who is alerted, when, and who reads what of it."""

from __future__ import annotations

from datetime import timedelta

from deconflict.domain.audit import AuditEntry, AuditKind
from deconflict.domain.ids import PartyId
from deconflict.domain.subscription import Channel
from deconflict.domain.warning import HazardWarning, Severity
from deconflict.geometry import Buffer, Volume4D, parse_volume
from deconflict.service import events, warnings, zones
from deconflict.service.context import Principal
from tests.service.conftest import T0, Cast


def volume(lon: float, lat: float, radius_m: float, *, hours: float = 3.0) -> Volume4D:
    """From an hour after T0, 0-300 m; east of the Lowfen authority's area."""
    start = T0 + timedelta(hours=1)
    return parse_volume(
        {
            "footprint": {"type": "Circle", "center": [lon, lat], "radius_m": radius_m},
            "altitude_lower_m": 0.0,
            "altitude_upper_m": 300.0,
            "start": start.isoformat(),
            "end": (start + timedelta(hours=hours)).isoformat(),
        }
    )


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
