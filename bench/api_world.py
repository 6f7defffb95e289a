"""The world the API benchmark submits into: stored entities, parties, planners, agreements.

Stored volumes go in with the store's `add_many`, as in bench/conflicts.py, and beside
each one the zone or operation record it belongs to, as a real store would hold them
(the conflict check once read the record of every entity the search hit, and dropped hits
without one; since 19cdc13 it measures the pairs the search returns and reads no record,
but the tables stay the size they would be). The workload's owners are registered as
parties; the submitting planners are separate fictional parties.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import numpy as np

from bench.workload import (
    CENTRE_LAT,
    CENTRE_LON,
    PARTIES,
    START,
    Draft,
    Entry,
    Json,
    draft,
    validated,
)
from deconflict import errors
from deconflict.domain.agreement import Agreement, Disclosure, Mode, Silence
from deconflict.domain.entities import EntityKind, EntityRef, VolumeOwner
from deconflict.domain.ids import OperationId, PartyId, ZoneId, ovn_for
from deconflict.domain.lifecycle import OperationState
from deconflict.domain.operation import Operation, OperationVersion, Plan
from deconflict.domain.party import Party, Role
from deconflict.domain.zone import Validity, Zone
from deconflict.geometry import Reach
from deconflict.geometry.frame import LocalFrame
from deconflict.service import parties
from deconflict.service.context import Service
from deconflict.store.interface import Store, Transaction

#: Workload owners the planners consult (the others are notified, the default).
CONSULTED = frozenset(PARTIES[:12])
#: A fixed instant for records made outside any use case (the load happens "before").
LOADED_AT = START - timedelta(days=7)
#: The hot spot: centred on the workload's region, stored within this radius of it.
HOT_RADIUS_M = 5_000.0
HOT_SPAN = timedelta(days=7)
#: Every hot-spot submission contains this instant and reaches the point on the ground.
HOT_INSTANT = START + timedelta(days=3, hours=12)
_SUBMISSION_STREAM = 7
_HOT_STREAM = 8
_FRAME = LocalFrame.at(CENTRE_LON, CENTRE_LAT)


@dataclass(frozen=True, slots=True)
class Planner:
    party_id: PartyId
    api_key: str


def planner_ids(count: int) -> list[PartyId]:
    return [PartyId(f"planner-{i:02d}") for i in range(1, count + 1)]


def register_parties(svc: Service, planners: int) -> list[Planner]:
    """The workload's owners, `planners` submitting parties with a planner key each, and
    agreements: planners consult each other and `CONSULTED`; the rest are notified."""
    owners = [Party(p, f"Workload owner {p}") for p in PARTIES]
    ids = planner_ids(planners)
    submitters = [Party(p, f"Bench planner {p}") for p in ids]

    def add(tx: Transaction) -> None:
        for party in [*owners, *submitters]:
            tx.parties.add(party, now=LOADED_AT)

    svc.write(add)
    made = []
    for party_id in ids:
        _, key = parties.create_member(svc, party_id, f"planner of {party_id}", Role.PLANNER)
        made.append(Planner(party_id, key))
    for i, a in enumerate(ids):
        for b in [*ids[i + 1 :], *sorted(CONSULTED)]:
            parties.set_agreement(
                svc, Agreement(a, b, Mode.CONSULT, 3600, Silence.CONSENT, Disclosure.NAME)
            )
    return made


def record_of(owner: VolumeOwner, reach: Reach) -> Zone | Operation:
    """The zone or operation record a stored volume belongs to (cleared, for operations)."""
    entity = owner.entity
    if entity.kind is EntityKind.ZONE:
        zone_id = ZoneId(entity.entity_id)
        return Zone(
            zone_id,
            owner.party_id,
            1,
            f"zone {entity.entity_id}",
            (reach.volume,),
            reach.buffer,
            Validity.TIME_LIMITED,
            LOADED_AT,
        )
    operation_id = OperationId(entity.entity_id)
    version = OperationVersion(1, ovn_for(operation_id, 1), Plan((reach.volume,)), LOADED_AT)
    return Operation(operation_id, owner.party_id, OperationState.CLEARED, version)


def load(store: Store, batches: Iterable[Sequence[Entry]], batch: int = 10_000) -> int:
    """Store every entry's volumes and its record, `batch` entries per transaction."""
    stored = 0
    for chunk in batches:
        for first in range(0, len(chunk), batch):
            part = chunk[first : first + batch]
            stored += store.write(partial(_load_part, entries=part))
    return stored


def _load_part(tx: Transaction, entries: Sequence[Entry]) -> int:
    for owner, reaches in entries:
        record = record_of(owner, reaches[0])
        if isinstance(record, Zone):
            tx.zones.put(record)
        else:
            tx.operations.put(record)
    return tx.volumes.add_many(entries)


# --- what is submitted ------------------------------------------------------------------


def submission_body(volume: Json) -> bytes:
    body = {"volumes": [volume], "priority": 10, "purpose": "fictional bench sortie"}
    return json.dumps(body, separators=(",", ":")).encode()


def spread_submissions(seed: int, count: int) -> list[tuple[Json, Reach]]:
    """Operations drawn from the workload's own mix: in its region and its day."""
    rng = np.random.default_rng([seed, _SUBMISSION_STREAM])
    found: list[tuple[Json, Reach]] = []
    while len(found) < count:
        d = draft(rng)
        if d.category != "operation":
            continue
        try:
            found.append((d.volume, validated(d)))
        except errors.InvalidInput:  # refused drafts are skipped, as in the workload
            continue
    return found


def hot_stored(seed: int, count: int) -> list[Entry]:
    """`count` zones and operations of the workload's owners, all within 5 km of the point."""
    rng = np.random.default_rng([seed, _HOT_STREAM])
    entries: list[Entry] = []
    for i in range(count):
        is_zone = rng.random() < 0.3
        radius = float(np.exp(rng.uniform(math.log(100.0), math.log(1_000.0))))
        h_buffer = float(rng.choice([0.0, 100.0, 250.0, 500.0])) if is_zone else 0.0
        centre = _within(rng, HOT_RADIUS_M - radius - h_buffer)
        lower = rng.uniform(0.0, 1_000.0)
        upper = lower + rng.uniform(30.0, 500.0)
        duration = timedelta(seconds=round(rng.uniform(300.0, 3_600.0)))
        span = (HOT_SPAN - duration).total_seconds()
        start = START + timedelta(seconds=round(rng.uniform(0.0, span)))
        volume = _circle_volume(centre, radius, lower, upper, start, start + duration)
        buffer = {"horizontal_m": h_buffer, "vertical_m": float(rng.choice([0.0, 25.0, 50.0]))}
        d = Draft("zone" if is_zone else "operation", volume, buffer if is_zone else None)
        kind = EntityKind.ZONE if is_zone else EntityKind.OPERATION
        owner = VolumeOwner(
            EntityRef(kind, f"hot-{kind.value}-{i:06d}"),
            PARTIES[int(rng.integers(len(PARTIES)))],
            1,
        )
        entries.append((owner, [validated(d)]))
    return entries


def hot_submissions(seed: int, count: int) -> list[tuple[Json, Reach]]:
    """Operations that all overlap each other and the point: each reaches the point from
    within 300 m, all share the band 0-100 m and contain `HOT_INSTANT`."""
    rng = np.random.default_rng([seed, _HOT_STREAM, 1])
    found: list[tuple[Json, Reach]] = []
    for _ in range(count):
        radius = rng.uniform(500.0, 1_500.0)
        centre = _within(rng, 300.0)
        before = timedelta(seconds=round(rng.uniform(300.0, 1_800.0)))
        after = timedelta(seconds=round(rng.uniform(300.0, 1_800.0)))
        upper = rng.uniform(100.0, 200.0)
        volume = _circle_volume(
            centre, radius, 0.0, upper, HOT_INSTANT - before, HOT_INSTANT + after
        )
        found.append((volume, validated(Draft("operation", volume, None))))
    return found


def _within(rng: np.random.Generator, radius_m: float) -> tuple[float, float]:
    distance = radius_m * math.sqrt(rng.random())
    bearing = rng.uniform(0.0, 2.0 * math.pi)
    xy = np.array([[distance * math.cos(bearing), distance * math.sin(bearing)]])
    lon, lat = _FRAME.coords_from_plane(xy)[0]
    return float(lon), float(lat)


def _circle_volume(
    centre: tuple[float, float],
    radius_m: float,
    lower_m: float,
    upper_m: float,
    start: datetime,
    end: datetime,
) -> Json:
    return {
        "footprint": {
            "type": "Circle",
            "center": [round(centre[0], 7), round(centre[1], 7)],
            "radius_m": round(radius_m, 1),
        },
        "altitude_lower_m": round(lower_m, 1),
        "altitude_upper_m": round(upper_m, 1),
        "altitude_reference": "WGS84",
        "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
