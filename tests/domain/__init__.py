"""Tests of the pure domain, and the fictional parties and places they share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from deconflict.domain.ids import OperationId, PartyId, ZoneId
from deconflict.domain.lifecycle import OperationAction
from deconflict.domain.operation import Operation, Plan, act, draft_operation
from deconflict.domain.party import Party
from deconflict.domain.zone import Validity, Zone, create_zone
from deconflict.geometry import (
    AltitudeBand,
    Buffer,
    CircleFootprint,
    Footprint,
    TimeWindow,
    Volume4D,
    parse_footprint,
)

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
US = timedelta(microseconds=1)

NORTHMERE = PartyId("party-northmere-air-wing")
VALECREST = PartyId("party-valecrest-relief")
OSTERBY = PartyId("party-osterby-survey")
LOWFEN = PartyId("party-lowfen-airspace")

#: Somewhere fictional: a valley around Kessmoor, deliberately not a square (lon ≠ lat).
KESSMOOR_LON, KESSMOOR_LAT = 23.4170, 41.8830
#: Lowfen's declared area: a lopsided quadrilateral around Kessmoor.
LOWFEN_AREA: Footprint = parse_footprint(
    {
        "type": "Polygon",
        "coordinates": [
            [[23.30, 41.80], [23.55, 41.82], [23.52, 41.97], [23.33, 41.95], [23.30, 41.80]]
        ],
    },
    "/footprint",
)


def circle(
    lon: float = KESSMOOR_LON,
    lat: float = KESSMOOR_LAT,
    radius_m: float = 300.0,
    *,
    lower_m: float = 0.0,
    upper_m: float = 120.0,
    start: datetime = T0,
    hours: float = 2.0,
) -> Volume4D:
    return Volume4D(
        CircleFootprint(lon, lat, radius_m),
        AltitudeBand(lower_m, upper_m),
        TimeWindow(start, start + timedelta(hours=hours)),
    )


def party(party_id: PartyId, area: Footprint | None = None) -> Party:
    names = {
        NORTHMERE: "Northmere Air Wing",
        VALECREST: "Valecrest Relief",
        OSTERBY: "Osterby Drone Survey",
        LOWFEN: "Lowfen Airspace Authority",
    }
    return Party(party_id, names[party_id], area)


def operation(
    op_id: str,
    party_id: PartyId,
    *volumes: Volume4D,
    purpose: str = "",
    share_purpose: bool = False,
) -> Operation:
    """A submitted operation, so that others can run into it."""
    plan = Plan(volumes or (circle(),), purpose=purpose, share_purpose=share_purpose)
    return act(draft_operation(OperationId(op_id), party_id, plan, T0), OperationAction.SUBMIT)


def zone(zone_id: str, party_id: PartyId, *volumes: Volume4D, buffer: Buffer | None = None) -> Zone:
    return create_zone(
        ZoneId(zone_id),
        party_id,
        "Field hospital",
        volumes or (circle(),),
        buffer or Buffer(),
        Validity.TIME_LIMITED,
        T0,
    )
