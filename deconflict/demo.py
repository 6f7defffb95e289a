"""The fictional demo scenario: four parties around the Kessmoor valley, enrolled and played.

Shared by `deconflict demo` and the tests. Enrolment is what an operator does with the
CLI (parties, keys, agreements); the play goes over the real HTTP API, as each party's
own systems would, and says after each step what each party sees and what it does not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from deconflict.domain.agreement import Agreement, Disclosure, Mode, Silence
from deconflict.domain.party import Role
from deconflict.geometry import parse_footprint
from deconflict.service.context import Service
from deconflict.service.parties import create_member, create_party, set_agreement

NORTHMERE = "Northmere Air Wing"
SOUTHVALE = "Southvale Army Aviation"
VALECREST = "Valecrest Relief"
LOWFEN = "Lowfen Airspace Authority"

#: Lowfen's declared area: the whole valley, a lopsided quadrilateral.
LOWFEN_AREA = {
    "type": "Polygon",
    "coordinates": [
        [[23.25, 41.78], [23.65, 41.80], [23.62, 42.00], [23.28, 41.98], [23.25, 41.78]]
    ],
}


@dataclass(frozen=True, slots=True)
class Enrolled:
    """The API keys of the cast, by (party, role); shown once, as the CLI would."""

    keys: dict[tuple[str, Role], str]
    party_ids: dict[str, str]

    def key(self, party: str, role: Role) -> str:
        return self.keys[party, role]


def enrol(svc: Service) -> Enrolled:
    """Parties, members and agreements, as an operator would set them up."""
    ids = {
        NORTHMERE: create_party(svc, NORTHMERE).id,
        SOUTHVALE: create_party(svc, SOUTHVALE).id,
        VALECREST: create_party(svc, VALECREST).id,
        LOWFEN: create_party(svc, LOWFEN, parse_footprint(LOWFEN_AREA, "/authority_area")).id,
    }
    # The two armed forces consult each other, name each other, and silence blocks.
    set_agreement(
        svc,
        Agreement(
            ids[NORTHMERE], ids[SOUTHVALE], Mode.CONSULT, 1800, Silence.BLOCK, Disclosure.NAME
        ),
    )
    # The relief agency is consulted about its protected sites, pseudonymously.
    for force in (NORTHMERE, SOUTHVALE):
        set_agreement(
            svc,
            Agreement(
                ids[force],
                ids[VALECREST],
                Mode.CONSULT,
                3600,
                Silence.CONSENT,
                Disclosure.PSEUDONYM,
            ),
        )
    keys = {}
    for party, roles in (
        (NORTHMERE, (Role.PLANNER, Role.LIAISON)),
        (SOUTHVALE, (Role.PLANNER, Role.LIAISON)),
        (VALECREST, (Role.PLANNER, Role.LIAISON)),
        (LOWFEN, (Role.LIAISON,)),
    ):
        for role in roles:
            _, key = create_member(svc, ids[party], f"{party} {role} desk", role)
            keys[party, role] = key
    return Enrolled(keys, {name: str(pid) for name, pid in ids.items()})


Call = Callable[[str, str, str, dict[str, Any] | None, dict[str, str] | None], Any]
Say = Callable[[str, str], None]


@dataclass
class Played:
    """What the play left behind, for the narration and the tests to check."""

    steps: list[str] = field(default_factory=list)
    states: dict[str, str] = field(default_factory=dict)


def volume(
    footprint: dict[str, Any], lower: float, upper: float, start: datetime, end: datetime
) -> dict[str, Any]:
    return {
        "footprint": footprint,
        "altitude_lower_m": lower,
        "altitude_upper_m": upper,
        "start": start.isoformat().replace("+00:00", "Z"),
        "end": end.isoformat().replace("+00:00", "Z"),
    }


def circle(lon: float, lat: float, radius_m: float) -> dict[str, Any]:
    return {"type": "Circle", "center": [lon, lat], "radius_m": radius_m}


def corridor() -> dict[str, Any]:
    """Southvale's patrol route along the valley floor, about a kilometre wide."""
    return {
        "type": "Polygon",
        "coordinates": [
            [[23.36, 41.866], [23.47, 41.884], [23.47, 41.894], [23.36, 41.876], [23.36, 41.866]]
        ],
    }


def shelter() -> dict[str, Any]:
    """Valecrest's shelter in the Amberford school, a small lopsided block."""
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [23.515, 41.858],
                [23.522, 41.857],
                [23.524, 41.862],
                [23.516, 41.863],
                [23.515, 41.858],
            ]
        ],
    }


def hour(anchor: datetime, hours: float) -> datetime:
    return anchor + timedelta(hours=hours)
