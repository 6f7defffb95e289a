"""After a run: did every submission record every conflict? A brute-force answer.

Submissions are put in commit order by the sequence number of their first audit entry.
For each one checked, the conflicts it should have are every stored volume and every
submission committed before it whose reach meets its own, found by scanning all of them
(time and altitude with numpy, then the exact `reaches_meet`), never through the index.
The recorded ones are the targets the store keeps for the operation's version 1.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from bench.workload import Entry
from deconflict.domain.conflict import TargetKind
from deconflict.domain.ids import OperationId
from deconflict.geometry import Reach, reaches_meet
from deconflict.store.codec import to_us
from deconflict.store.interface import Store, Transaction

_PAGE = 5_000


@dataclass(frozen=True, slots=True)
class Verdict:
    checked: int
    mismatched: list[str]  # operation ids whose recorded conflicts differ from the oracle
    conflicts_mean: float  # recorded conflicts per checked submission

    @property
    def ok(self) -> bool:
        return self.checked > 0 and not self.mismatched


class Oracle:
    """Every stored reach, as arrays for the cheap tests and objects for the exact one."""

    def __init__(self, stored: Sequence[Entry]) -> None:
        self.ids: list[str] = []
        self.reaches: list[Reach] = []
        for owner, reaches in stored:
            for reach in reaches:
                self.ids.append(owner.entity.entity_id)
                self.reaches.append(reach)
        self.start_us = np.array([to_us(r.time.start) for r in self.reaches], dtype=np.int64)
        self.end_us = np.array([to_us(r.time.end) for r in self.reaches], dtype=np.int64)
        self.lower_m = np.array([r.band.lower_m for r in self.reaches], dtype=np.float64)
        self.upper_m = np.array([r.band.upper_m for r in self.reaches], dtype=np.float64)
        self.reference = np.array([str(r.band.reference) for r in self.reaches])

    def meeting(self, query: Reach) -> set[str]:
        """Ids of the stored entities whose reach meets the query's."""
        # Time exactly ([start, end) windows); altitude loosely (a metre either way) and
        # only between bands of one reference: the exact test below decides the rest.
        band = query.band
        mask = (self.start_us < to_us(query.time.end)) & (to_us(query.time.start) < self.end_us)
        mask &= (self.reference != str(band.reference)) | (
            (self.lower_m <= band.upper_m + 1.0) & (self.upper_m >= band.lower_m - 1.0)
        )
        return {self.ids[i] for i in np.flatnonzero(mask) if reaches_meet(query, self.reaches[i])}


def commit_order(store: Store, operation_ids: Collection[str]) -> dict[str, int]:
    """Each operation's first audit sequence number: the order its submission committed in."""
    wanted = {f"operation:{i}" for i in operation_ids}

    def work(tx: Transaction) -> dict[str, int]:
        found: dict[str, int] = {}
        after = 0
        while True:
            page = tx.audit.all(after_seq=after, limit=_PAGE)
            for entry in page:
                if entry.subject in wanted and entry.subject not in found:
                    found[entry.subject] = entry.seq
            if len(page) < _PAGE:
                return {subject.split(":", 1)[1]: seq for subject, seq in found.items()}
            after = page[-1].seq

    return store.read(work)


def recorded(store: Store, operation_ids: Sequence[str]) -> dict[str, set[str]]:
    def work(tx: Transaction) -> dict[str, set[str]]:
        return {
            i: {
                c.target.id
                for c in tx.conflicts.of_operation(OperationId(i), 1)
                if c.target.kind is not TargetKind.AUTHORITY_AREA
            }
            for i in operation_ids
        }

    return store.read(work)


def verify(
    store: Store,
    oracle: Oracle,
    submitted: Sequence[tuple[str, Reach]],
    check: Collection[str],
) -> Verdict:
    """Check the submissions named in `check` against the oracle and all of `submitted`."""
    order = commit_order(store, [i for i, _ in submitted])
    missing = [i for i, _ in submitted if i not in order]
    if missing:
        raise RuntimeError(f"{len(missing)} submitted operations have no audit entry")
    ranked = sorted(submitted, key=lambda s: order[s[0]])
    found = recorded(store, list(check))
    mismatched: list[str] = []
    conflicts = 0
    for k, (operation_id, reach) in enumerate(ranked):
        if operation_id not in check:
            continue
        expected = oracle.meeting(reach)
        expected |= {other for other, theirs in ranked[:k] if reaches_meet(reach, theirs)}
        conflicts += len(found[operation_id])
        if found[operation_id] != expected:
            mismatched.append(operation_id)
    return Verdict(len(found), mismatched, conflicts / max(1, len(found)))
