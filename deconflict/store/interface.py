"""The store's interface, typed in domain terms: no SQL, rows or dicts cross it.

A use case is a function run inside one transaction (`Store.write(fn)` or `Store.read(fn)`);
every method of the repositories it reaches through the transaction object runs in that
transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from deconflict.domain.entities import CONFLICTING_KINDS, EntityKind, EntityRef, VolumeOwner
from deconflict.geometry import AltitudeBand, Reach, TimeWindow
from deconflict.store.repositories import (
    AgreementRecords,
    AuditRecords,
    ConflictRecords,
    ConsultationRecords,
    IdempotencyRecords,
    MemberRecords,
    OperationRecords,
    PartyRecords,
    WarningRecords,
    ZoneRecords,
)
from deconflict.store.repositories_delivery import SubscriptionRecords, WebhookRecords

T = TypeVar("T")

#: How long a write waits for its turn among the writers (ms) before the store refuses it
#: (`errors.StoreBusy` with `BUSY_DETAIL`), storing nothing: both stores keep this bound, so
#: a write commits within it or not at all, long before a client that gave up could retry.
BUSY_TIMEOUT_MS = 10_000
BUSY_DETAIL = "the store is busy with other writes; try again shortly"


class VolumeHit:
    """A stored volume that conflicts with a query: whose it is, which one, and its reach.

    The reach, and its band and window, are decoded from what the store read on first
    use: most callers only need to know whose volume was hit, and measuring an overlap
    needs the band and window but not the footprint, the costly part. A store makes its
    hits by giving the two decoders.
    """

    __slots__ = ("_reach", "_span", "index", "owner", "volume_id")

    def __init__(self, owner: VolumeOwner, index: int, volume_id: int) -> None:
        self.owner = owner
        self.index = index
        self.volume_id = volume_id  # never given to another volume, even once this one is gone
        self._reach: Reach | None = None
        self._span: tuple[AltitudeBand, TimeWindow] | None = None

    @property
    def reach(self) -> Reach:
        if self._reach is None:
            self._reach = self._decode_reach()
        return self._reach

    def load_reach(self) -> Reach:
        """`reach`, as a callable to hand on."""
        return self.reach

    @property
    def band(self) -> AltitudeBand:
        """The reach's band, its vertical buffer included."""
        return self._extents()[0]

    @property
    def time(self) -> TimeWindow:
        return self._extents()[1]

    def _extents(self) -> tuple[AltitudeBand, TimeWindow]:
        if self._span is None:
            self._span = self._decode_extent()
        return self._span

    def _decode_reach(self) -> Reach:
        raise NotImplementedError

    def _decode_extent(self) -> tuple[AltitudeBand, TimeWindow]:
        """The band (vertical buffer included) and window, without decoding the footprint."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"VolumeHit({self.owner!r}, {self.index})"


class VolumeIndex(Protocol):
    """The live volumes of every entity, and the exact 4D conflict search over them."""

    def replace(self, owner: VolumeOwner, reaches: Sequence[Reach]) -> None:
        """Make `reaches` the live volumes of the owner's entity, dropping earlier versions."""

    def add_many(self, entries: Iterable[tuple[VolumeOwner, Sequence[Reach]]]) -> int:
        """Store the volumes of entities that have none yet, in bulk; returns how many.

        For imports and benchmarks: it skips the per-entity supersede step of `replace`.
        """

    def remove(self, entity: EntityRef) -> int:
        """Drop every live volume of an entity; returns how many were dropped."""

    def search(
        self,
        query: Reach,
        *,
        now: datetime,
        kinds: frozenset[EntityKind] = CONFLICTING_KINDS,
        exclude: EntityRef | None = None,
        after: int | None = None,
    ) -> list[VolumeHit]:
        """Every live volume of the given kinds whose reach meets the query's.

        Volumes whose window has ended by `now` are expired and never returned. With
        `after`, only volumes stored since that `high_water` mark are searched.
        """

    def any_live(self, kind: EntityKind, *, now: datetime) -> bool:
        """Whether any volume of `kind` is live at `now`: a search for a kind that is
        seldom stored (warnings) is skipped when none is, at the cost of one index probe."""

    def high_water(self) -> int:
        """A mark every volume stored after this transaction's view will lie above: volume
        ids only grow and are never reused. Read it before searching in the same view."""

    def live(self, volume_ids: Collection[int]) -> set[int]:
        """Which of these volumes are still stored (not removed, superseded or purged)."""

    def prefilter_count(
        self,
        query: Reach,
        *,
        now: datetime,
        kinds: frozenset[EntityKind] = CONFLICTING_KINDS,
    ) -> int:
        """How many boxes the 4D index alone returns: the bare prefilter, for benchmarks.
        The index knows no kinds and no expiry, but a query's boxes start no earlier than
        `now` (`search.live_search_boxes`), on both stores alike."""

    def candidate_count(
        self,
        query: Reach,
        *,
        now: datetime,
        kinds: frozenset[EntityKind] = CONFLICTING_KINDS,
    ) -> int:
        """How many candidate rows `search` reads for the query, read as it reads them,
        before its exact check decides: the whole of the search's SQL, for benchmarks."""

    def purge_expired(self, *, now: datetime, grace: timedelta, limit: int | None = None) -> int:
        """Delete volumes whose window ended more than `grace` before `now`, at most `limit`
        of them when given; returns how many."""

    def count(self) -> int:
        """Live volumes stored, expired but unpurged ones included."""


class Transaction(Protocol):
    """Repositories bound to one database transaction."""

    @property
    def volumes(self) -> VolumeIndex: ...

    @property
    def parties(self) -> PartyRecords: ...

    @property
    def members(self) -> MemberRecords: ...

    @property
    def agreements(self) -> AgreementRecords: ...

    @property
    def zones(self) -> ZoneRecords: ...

    @property
    def operations(self) -> OperationRecords: ...

    @property
    def conflicts(self) -> ConflictRecords: ...

    @property
    def consultations(self) -> ConsultationRecords: ...

    @property
    def warnings(self) -> WarningRecords: ...

    @property
    def audit(self) -> AuditRecords: ...

    @property
    def idempotency(self) -> IdempotencyRecords: ...

    @property
    def subscriptions(self) -> SubscriptionRecords: ...

    @property
    def webhooks(self) -> WebhookRecords: ...


class Store(Protocol):
    """A database: SQLite file or PostgreSQL server, with the same semantics."""

    def write(self, work: Callable[[Transaction], T]) -> T:
        """Run `work` in one read-write transaction and commit, or roll back if it raises.

        Concurrent writers are serialisable: a search followed by a write in one `work`
        can never miss a volume another writer commits at the same moment. `work` may be
        run again when the database reports a serialisation conflict, so it must have no
        effects outside the transaction. A write that cannot start within
        `BUSY_TIMEOUT_MS` is refused with `errors.StoreBusy`.
        """

    def read(self, work: Callable[[Transaction], T]) -> T:
        """Run `work` in one read-only transaction."""

    def close(self) -> None: ...
