"""What a stored volume belongs to: the kinds of entity that own volumes."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from deconflict.domain.ids import PartyId


class EntityKind(enum.StrEnum):
    """Entities whose volumes live in the conflict index."""

    ZONE = "zone"
    OPERATION = "operation"
    WARNING = "warning"
    SUBSCRIPTION = "subscription"


#: Kinds that other parties' plans can run into.
CONFLICTING_KINDS = frozenset({EntityKind.ZONE, EntityKind.OPERATION})


@dataclass(frozen=True, slots=True)
class EntityRef:
    kind: EntityKind
    entity_id: str


@dataclass(frozen=True, slots=True)
class VolumeOwner:
    """The entity version a set of stored volumes belongs to, and the party that owns it."""

    entity: EntityRef
    party_id: PartyId
    version: int
