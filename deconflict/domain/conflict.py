"""Conflicts: where an operation version runs into a zone, another operation or an area."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from deconflict.domain.ids import OperationId, PartyId
from deconflict.domain.operation import Operation
from deconflict.domain.party import Party
from deconflict.domain.zone import Zone
from deconflict.geometry import DEFAULT_VERTICAL_MODEL, Overlap, Reach, VerticalModel, overlap


class TargetKind(enum.StrEnum):
    ZONE = "zone"
    OPERATION = "operation"
    AUTHORITY_AREA = "authority_area"  # an airspace authority's declared area


@dataclass(frozen=True, slots=True)
class Target:
    """What an operation ran into: whose, which, and which version of it."""

    kind: TargetKind
    id: str  # the zone or operation id; for an area, the authority's party id
    party_id: PartyId
    version: int


@dataclass(frozen=True, slots=True)
class VolumeOverlap:
    """One volume of the operation against one volume of the target."""

    operation_volume: int
    target_volume: int
    overlap: Overlap


@dataclass(frozen=True, slots=True)
class Conflict:
    """An operation version against one target, with every volume pair that overlaps."""

    operation_id: OperationId
    operation_party_id: PartyId
    operation_version: int
    target: Target
    overlaps: tuple[VolumeOverlap, ...]

    @property
    def is_own(self) -> bool:
        """With the planner's own data: shown to the planner, concerns nobody else."""
        return self.target.party_id == self.operation_party_id

    @property
    def concerned_party_id(self) -> PartyId:
        return self.target.party_id


def conflict_with_volumes(
    operation: Operation,
    target: Target,
    found: Iterable[tuple[int, int, Reach]],
    model: VerticalModel = DEFAULT_VERTICAL_MODEL,
) -> Conflict | None:
    """A conflict from pairs (operation volume, target volume, target reach), each decided
    here: only the pairs given are compared, so a target's other volumes are never loaded."""
    reaches = operation.version.reaches
    overlaps = tuple(
        VolumeOverlap(i, j, found_overlap)
        for i, j, reach in found
        if (found_overlap := overlap(reaches[i], reach, model)) is not None
    )
    return _made(operation, target, overlaps)


def conflict_from_overlaps(
    operation: Operation, target: Target, overlaps: Iterable[VolumeOverlap]
) -> Conflict | None:
    """A conflict from volume pairs already measured (by an exact search, say), put in the
    order of their volumes so that it is the same whichever search measured them."""
    ordered = sorted(overlaps, key=lambda o: (o.operation_volume, o.target_volume))
    return _made(operation, target, tuple(ordered))


def conflict_with_zone(
    operation: Operation, zone: Zone, model: VerticalModel = DEFAULT_VERTICAL_MODEL
) -> Conflict | None:
    if zone.is_retired:
        return None
    target = Target(TargetKind.ZONE, zone.id, zone.party_id, zone.version)
    return _conflict(operation, target, zone.reaches, model)


def conflict_with_operation(
    operation: Operation, other: Operation, model: VerticalModel = DEFAULT_VERTICAL_MODEL
) -> Conflict | None:
    if other.id == operation.id or not other.is_in_play:
        return None
    target = Target(TargetKind.OPERATION, other.id, other.party_id, other.version.number)
    return _conflict(operation, target, other.version.reaches, model)


def conflict_with_area(
    operation: Operation, authority: Party, model: VerticalModel = DEFAULT_VERTICAL_MODEL
) -> Conflict | None:
    """Whether the operation reaches into an airspace authority's area, at any altitude."""
    volumes = operation.version.plan.volumes
    area = [authority.area_reach(volume) for volume in volumes]
    reaches = [reach for reach in area if reach is not None]
    if not reaches:
        return None
    target = Target(TargetKind.AUTHORITY_AREA, authority.id, authority.id, 0)
    # Pair each volume only with the area stretched to its own heights and window.
    overlaps = tuple(
        VolumeOverlap(i, 0, found)
        for i, (own, stretched) in enumerate(zip(operation.version.reaches, reaches, strict=True))
        if (found := overlap(own, stretched, model)) is not None
    )
    return _made(operation, target, overlaps)


def _conflict(
    operation: Operation, target: Target, reaches: Sequence[Reach], model: VerticalModel
) -> Conflict | None:
    """Every volume of the operation against every volume of the target."""
    count = len(operation.version.plan.volumes)
    pairs = ((i, j, reach) for i in range(count) for j, reach in enumerate(reaches))
    return conflict_with_volumes(operation, target, pairs, model)


def _made(
    operation: Operation, target: Target, overlaps: tuple[VolumeOverlap, ...]
) -> Conflict | None:
    if not overlaps:
        return None
    return Conflict(operation.id, operation.party_id, operation.version.number, target, overlaps)
