"""A service over each real store, with fictional parties and members already enrolled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from deconflict.domain.agreement import Agreement, Disclosure, Mode, Silence
from deconflict.domain.party import Role
from deconflict.geometry import Volume4D, parse_footprint, parse_volume
from deconflict.service.clock import ManualClock
from deconflict.service.context import Principal, Service
from deconflict.service.parties import authenticate, create_member, create_party, set_agreement
from deconflict.store.interface import Store

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Cast:
    """Who plays: two armed forces under a consult agreement, an agency, an authority."""

    svc: Service
    clock: ManualClock
    north_planner: Principal
    north_liaison: Principal
    south_planner: Principal
    south_liaison: Principal
    relief_planner: Principal
    relief_liaison: Principal
    authority_liaison: Principal
    authority_viewer: Principal


@pytest.fixture
def cast(store: Store) -> Cast:
    clock = ManualClock(T0)
    svc = Service(store, b"test-pseudonym-secret", clock=clock)
    north = create_party(svc, "Northmere Air Wing")
    south = create_party(svc, "Southvale Army Aviation")
    relief = create_party(svc, "Valecrest Relief")
    authority = create_party(
        svc,
        "Lowfen Airspace Authority",
        parse_footprint(
            {
                "type": "Polygon",
                "coordinates": [
                    [[23.30, 41.80], [23.55, 41.82], [23.52, 41.97], [23.33, 41.95], [23.30, 41.80]]
                ],
            },
            "/area",
        ),
    )
    set_agreement(
        svc, Agreement(north.id, south.id, Mode.CONSULT, 1800, Silence.BLOCK, Disclosure.NAME)
    )
    set_agreement(
        svc,
        Agreement(north.id, relief.id, Mode.CONSULT, 3600, Silence.CONSENT, Disclosure.PSEUDONYM),
    )

    def member(party_id: str, role: Role) -> Principal:
        _, key = create_member(svc, party_id, f"{role} of {party_id[:8]}", role)  # type: ignore[arg-type]
        return authenticate(svc, key)

    return Cast(
        svc,
        clock,
        member(north.id, Role.PLANNER),
        member(north.id, Role.LIAISON),
        member(south.id, Role.PLANNER),
        member(south.id, Role.LIAISON),
        member(relief.id, Role.PLANNER),
        member(relief.id, Role.LIAISON),
        member(authority.id, Role.LIAISON),
        member(authority.id, Role.VIEWER),
    )


def volume(
    lon: float,
    lat: float,
    radius_m: float,
    *,
    hours: float = 2.0,
    start_h: float = 1.0,
    lower: float = 0.0,
    upper: float = 300.0,
    origin: datetime = T0,
) -> Volume4D:
    start = origin + timedelta(hours=start_h)
    return parse_volume(
        {
            "footprint": {"type": "Circle", "center": [lon, lat], "radius_m": radius_m},
            "altitude_lower_m": lower,
            "altitude_upper_m": upper,
            "start": start.isoformat(),
            "end": (start + timedelta(hours=hours)).isoformat(),
        }
    )
