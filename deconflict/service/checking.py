"""The conflict check of an operation version: store search, then the domain's exact word."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from deconflict.domain.conflict import (
    Conflict,
    Target,
    TargetKind,
    VolumeOverlap,
    conflict_from_overlaps,
    conflict_with_area,
)
from deconflict.domain.entities import CONFLICTING_KINDS, EntityKind, EntityRef, VolumeOwner
from deconflict.domain.ids import PartyId
from deconflict.domain.operation import Operation
from deconflict.geometry import Overlap, Reach, VerticalModel, Volume4D, overlap_found
from deconflict.store.interface import Transaction, VolumeHit

#: How far before the write's clock a presearch looks for live volumes: a clock stepped
#: back between the read and the write must not hide a volume the write would still see.
PRESEARCH_SLACK = timedelta(minutes=5)
#: What each kind of entity is as a conflict's target, without calling the enum per hit.
_TARGET_KINDS = {kind: TargetKind(kind.value) for kind in CONFLICTING_KINDS}


#: A search hit and where it meets the query volume.
Measured = tuple[VolumeHit, Overlap]


@dataclass(frozen=True, slots=True)
class Presearch:
    """The search of a plan's volumes done in a read transaction before the write.

    The write then needs to search only what was stored since (`high_water`) and check that
    these hits are still stored: writers queue for one lock, and this keeps the costly
    part of a submission (the search, decoding what it hit, measuring each overlap) out of
    the queue.
    """

    volumes: tuple[Volume4D, ...]
    exclude: EntityRef | None
    high_water: int
    found: tuple[tuple[Measured, ...], ...]  # per volume, in order


def presearch(
    tx: Transaction,
    volumes: tuple[Volume4D, ...],
    now: datetime,
    exclude: EntityRef | None,
    model: VerticalModel,
) -> Presearch:
    """Run in a read transaction; the mark is read before the search (see `high_water`).
    `model` is the store's, by which bands in different references are compared."""
    mark = tx.volumes.high_water()
    since = now - PRESEARCH_SLACK
    found = []
    for volume in volumes:
        reach = Reach(volume)
        hits = tx.volumes.search(reach, now=since, exclude=exclude)
        found.append(tuple(_measured(reach, hits, model)))
    return Presearch(volumes, exclude, mark, tuple(found))


def find_conflicts(
    tx: Transaction,
    operation: Operation,
    now: datetime,
    model: VerticalModel,
    prior: Presearch | None = None,
) -> list[Conflict]:
    """Every zone, operation and authority area the operation's current version runs into.

    Run in the same transaction as the write that records the result, so an operation
    submitted at the same moment elsewhere is either seen here or sees this one. Only the
    volume pairs the search found are measured: the index holds live entities only
    (retired zones and finished operations leave it), so no record needs loading.
    A `prior` search of the same volumes is brought up to date instead of searching anew.
    """
    own = EntityRef(EntityKind.OPERATION, operation.id)
    reaches = operation.version.reaches
    per_volume = (
        _brought_up_to_date(tx, prior, reaches, now, own, model)
        if prior is not None and _covers(prior, operation, own)
        else [
            _measured(reach, tx.volumes.search(reach, now=now, exclude=own), model)
            for reach in reaches
        ]
    )
    found: dict[EntityRef, tuple[VolumeOwner, list[VolumeOverlap]]] = {}
    for i, measured in enumerate(per_volume):
        for hit, met in measured:
            overlaps = found.setdefault(hit.owner.entity, (hit.owner, []))[1]
            overlaps.append(VolumeOverlap(i, hit.index, met))
    conflicts: list[Conflict] = []
    for entity in sorted(found, key=lambda e: (e.kind.value, e.entity_id)):
        owner, overlaps = found[entity]
        target = Target(_TARGET_KINDS[entity.kind], entity.entity_id, owner.party_id, owner.version)
        conflict = conflict_from_overlaps(operation, target, overlaps)
        if conflict is not None:
            conflicts.append(conflict)
    for authority in tx.parties.authorities():
        if authority.id != operation.party_id:
            area_conflict = conflict_with_area(operation, authority, model)
            if area_conflict is not None:
                conflicts.append(area_conflict)
    return conflicts


def _measured(reach: Reach, hits: Sequence[VolumeHit], model: VerticalModel) -> list[Measured]:
    """Each hit with its overlap: the search applied the overlap rule, so this measures
    (from the hit's band and window: its footprint is decoded only if somebody draws)."""
    return [(hit, overlap_found(reach, hit.band, hit.time, hit.load_reach, model)) for hit in hits]


def _covers(prior: Presearch, operation: Operation, own: EntityRef) -> bool:
    return prior.volumes == operation.version.plan.volumes and prior.exclude in (None, own)


def _brought_up_to_date(
    tx: Transaction,
    prior: Presearch,
    reaches: Sequence[Reach],
    now: datetime,
    own: EntityRef,
    model: VerticalModel,
) -> list[list[Measured]]:
    """What a search now would return: the prior hits still stored and unexpired, and the
    hits among volumes stored since the prior's mark (a volume gone and stored again under
    a new version has a new id, so it is found there)."""
    live = tx.volumes.live({hit.volume_id for found in prior.found for hit, _ in found})
    result: list[list[Measured]] = []
    for reach, earlier in zip(reaches, prior.found, strict=True):
        kept = {
            hit.volume_id: (hit, met)
            for hit, met in earlier
            if hit.volume_id in live and hit.owner.entity != own and hit.time.end > now
        }
        since = tx.volumes.search(reach, now=now, exclude=own, after=prior.high_water)
        for hit, met in _measured(reach, since, model):
            kept[hit.volume_id] = (hit, met)
        result.append(list(kept.values()))
    return result


def refreshed(
    stored: Sequence[Conflict], fresh: Sequence[Conflict], target: EntityRef
) -> list[Conflict]:
    """The stored conflicts with the one about `target` replaced by a fresh check's (or
    dropped): the rest stay as the parties were told of them, so that re-checking for one
    entity never shows a planner an operation it was not told of."""

    def about(c: Conflict) -> bool:
        return c.target.kind.value == target.kind.value and c.target.id == target.entity_id

    return [c for c in stored if not about(c)] + [c for c in fresh if about(c)]


def entities_met(
    tx: Transaction,
    reaches: Sequence[Reach],
    now: datetime,
    kind: EntityKind,
    *,
    other_than: PartyId | None,
) -> list[str]:
    """The ids of the live entities of `kind` (of parties other than `other_than`, if
    given) that `reaches` meet, in order: found through the index, as a search finds them."""
    kinds = frozenset({kind})
    return sorted(
        {
            hit.owner.entity.entity_id
            for reach in reaches
            for hit in tx.volumes.search(reach, now=now, kinds=kinds)
            if hit.owner.party_id != other_than
        }
    )


def index_operation(tx: Transaction, operation: Operation) -> None:
    """Keep the conflict index in step: in-play operations are found, others are not."""
    entity = EntityRef(EntityKind.OPERATION, operation.id)
    if operation.is_in_play:
        owner = VolumeOwner(entity, operation.party_id, operation.version.number)
        tx.volumes.replace(owner, operation.version.reaches)
    else:
        tx.volumes.remove(entity)
