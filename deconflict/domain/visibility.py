"""Need to know: what one party may see of another's operations, zones and warnings.

A party sees its own data in full; these projections are for everybody else's, and each
returns None when the viewer may see nothing at all. What is left out of a projection is
left out on purpose: ids, volumes beyond the overlap, state, priority, the distance to the
other's data and who else is involved.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from shapely.geometry.base import BaseGeometry

from deconflict.domain.agreement import Agreement, agreement_between
from deconflict.domain.conflict import Conflict, TargetKind
from deconflict.domain.ids import OperationId, PartyId, WarningId
from deconflict.domain.operation import Operation
from deconflict.domain.party import Party
from deconflict.domain.warning import HazardWarning, Severity, alerts_raiser_may_see
from deconflict.domain.zone import Zone
from deconflict.geometry import AltitudeBand, TimeWindow, Volume4D

PSEUDONYM_PREFIX = "party-"


@dataclass(frozen=True, slots=True)
class Identity:
    """How a party is named to a viewer: its name, or a pseudonym stable for that pair."""

    label: str
    is_pseudonym: bool


def pseudonym(secret: bytes, subject: PartyId, viewer: PartyId) -> str:
    """Stable for the ordered pair, so two viewers cannot match notes on who is who."""
    message = f"{subject}\x00{viewer}".encode()
    return PSEUDONYM_PREFIX + hmac.new(secret, message, hashlib.sha256).hexdigest()[:16]


def identity_seen(
    viewer: PartyId, subject: Party, agreements: Iterable[Agreement], secret: bytes
) -> Identity:
    if subject.id == viewer or agreement_between(viewer, subject.id, agreements).discloses_name:
        return Identity(subject.name, is_pseudonym=False)
    return Identity(pseudonym(secret, subject.id, viewer), is_pseudonym=True)


@dataclass(frozen=True, slots=True)
class Region:
    """Where, at what heights and when two parties' data run into each other."""

    footprint: BaseGeometry
    altitude: AltitudeBand
    time: TimeWindow


def regions(conflicts: Iterable[Conflict]) -> tuple[Region, ...]:
    return tuple(
        Region(o.overlap.footprint, o.overlap.altitude, o.overlap.time)
        for conflict in conflicts
        for o in conflict.overlaps
    )


@dataclass(frozen=True, slots=True)
class OperationSeen:
    """Another party's operation: the overlaps; planner, id and purpose only when involved."""

    regions: tuple[Region, ...]
    operation_id: OperationId | None = None
    planner: Identity | None = None
    purpose: str | None = None


def operation_seen_by(
    viewer: PartyId,
    operation: Operation,
    planner: Party,
    conflicts: Sequence[Conflict],
    *,
    is_involved: bool,
    agreements: Iterable[Agreement],
    secret: bytes,
) -> OperationSeen | None:
    """What `viewer` sees of another's operation.

    Consulted or notified about it (`is_involved`): where it runs into the viewer's data,
    who planned it (per agreement) and the purpose if shared. Only run into by one of the
    viewer's own operations: where, nothing else. Conflicts of earlier versions are ignored.
    """
    _check_not_own(viewer, operation.party_id)
    current = operation.version.number
    hits_viewer = [
        c
        for c in conflicts
        if c.operation_id == operation.id
        and c.operation_version == current
        and c.target.party_id == viewer
    ]
    hit_by_viewer = [
        c
        for c in conflicts
        if c.operation_party_id == viewer
        and c.target.kind is TargetKind.OPERATION
        and (c.target.id, c.target.version) == (operation.id, current)
    ]
    if is_involved and hits_viewer:
        return OperationSeen(
            regions(hits_viewer + hit_by_viewer),
            operation.id,
            identity_seen(viewer, planner, agreements, secret),
            operation.version.plan.shared_purpose,
        )
    if hit_by_viewer:
        return OperationSeen(regions(hit_by_viewer))
    return None


@dataclass(frozen=True, slots=True)
class ZoneSeen:
    regions: tuple[Region, ...]


def zone_seen_by(viewer: PartyId, zone: Zone, conflicts: Sequence[Conflict]) -> ZoneSeen | None:
    """Another's zone: only where one of the viewer's operations runs into its current version."""
    _check_not_own(viewer, zone.party_id)
    mine = [
        c
        for c in conflicts
        if c.operation_party_id == viewer
        and c.target.kind is TargetKind.ZONE
        and (c.target.id, c.target.version) == (zone.id, zone.version)
    ]
    return ZoneSeen(regions(mine)) if mine else None


@dataclass(frozen=True, slots=True)
class ConflictSeen:
    """A conflict of the planner's operation; the target's id only when it is the planner's."""

    kind: TargetKind
    regions: tuple[Region, ...]
    target_id: str | None = None


def conflict_seen_by_planner(conflict: Conflict) -> ConflictSeen:
    target_id = conflict.target.id if conflict.is_own else None
    return ConflictSeen(conflict.target.kind, regions([conflict]), target_id)


@dataclass(frozen=True, slots=True)
class WarningSeen:
    """A warning as an alerted party sees it: all of it, the raiser named per agreement."""

    warning_id: WarningId
    raiser: Identity
    severity: Severity
    message: str
    volume: Volume4D
    acknowledged_at: datetime | None
    raised_at: datetime
    sends: int  # how often it was sent to the viewer: more than 1, and it is being re-sent


def warning_seen_by(
    viewer: PartyId,
    warning: HazardWarning,
    raiser: Party,
    agreements: Iterable[Agreement],
    secret: bytes,
) -> WarningSeen | None:
    _check_not_own(viewer, warning.party_id)
    alert = warning.alert_for(viewer)
    if alert is None:
        return None
    return WarningSeen(
        warning.id,
        identity_seen(viewer, raiser, agreements, secret),
        warning.severity,
        warning.message,
        warning.volume,
        alert.acknowledged_at,
        warning.raised_at,
        alert.sends,
    )


@dataclass(frozen=True, slots=True)
class AlertSeen:
    party: Identity
    acknowledged_at: datetime | None


def alerts_seen_by_raiser(
    warning: HazardWarning,
    parties: Mapping[PartyId, Party],
    agreements: Iterable[Agreement],
    secret: bytes,
) -> tuple[AlertSeen, ...]:
    """Who acknowledged and when; silent parties only if their agreement names them."""
    agreements = tuple(agreements)
    return tuple(
        AlertSeen(
            identity_seen(warning.party_id, parties[a.party_id], agreements, secret),
            a.acknowledged_at,
        )
        for a in alerts_raiser_may_see(warning, agreements)
    )


def _check_not_own(viewer: PartyId, owner: PartyId) -> None:
    # A projection of one's own data would hide what its owner is entitled to see.
    if viewer == owner:
        raise ValueError("a party sees its own data in full; do not project it")
