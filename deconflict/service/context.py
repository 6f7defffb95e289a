"""What every use case needs: the store, the clock, entropy, settings, and who is asking."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from deconflict import errors
from deconflict.domain.ids import PartyId, id_from_entropy
from deconflict.domain.party import Action, Member, Party
from deconflict.geometry.altitude import DEFAULT_VERTICAL_MODEL, VerticalModel
from deconflict.service import caller, idempotency
from deconflict.service.clock import Clock, SystemClock
from deconflict.service.signals import CommitSignal
from deconflict.store.durability import once_durable
from deconflict.store.interface import Store, Transaction

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated member acting for its party."""

    member: Member
    party: Party

    @property
    def party_id(self) -> PartyId:
        return self.party.id

    def require(self, action: Action) -> None:
        self.member.require(action)


@dataclass(frozen=True, slots=True)
class Service:
    """The composition root of the use cases; built once by the CLI or the app factory."""

    store: Store
    pseudonym_secret: bytes
    clock: Clock = field(default_factory=SystemClock)
    model: VerticalModel = DEFAULT_VERTICAL_MODEL
    entropy: Callable[[int], bytes] = os.urandom
    commits: CommitSignal = field(default_factory=CommitSignal)

    def new_id(self) -> str:
        return id_from_entropy(self.entropy(16))

    def write(self, work: Callable[[Transaction], T]) -> T:
        """Run a use case in one write transaction; a commit that recorded something (and
        so made events) rings `commits`, one that changed only housekeeping does not."""
        appended = False

        def tracked(tx: Transaction) -> T:
            nonlocal appended
            result = work(tx)
            appended = tx.audit.appended  # the last attempt's, if the store ran it again
            return result

        result = self._write(tracked)
        if appended:
            # Streams are told only of what is on disk, even when the answer waits for that.
            once_durable(self.commits.ring)
        return result

    def _write(self, work: Callable[[Transaction], T]) -> T:
        claim = idempotency.take_claim()
        if claim is None:
            return self.store.write(caller.unless_gone(work))

        def claimed_work(tx: Transaction) -> T:
            idempotency.guard(claim, tx)
            result = work(tx)
            idempotency.keep(claim, tx, result, self.clock.now())
            return result

        try:
            # The caller's check comes before the claim's guard: a write whose caller left
            # does nothing, not even look its key up.
            return self.store.write(caller.unless_gone(claimed_work))
        except idempotency.Replayed as replay:
            claim.replayed = True
            claim.answer = (replay.stored.status, replay.stored.body)
            raise

    def read(self, work: Callable[[Transaction], T]) -> T:
        return self.store.read(work)


def not_found(kind: str) -> errors.NotFound:
    """The one answer for an id that is unknown or not the caller's to see."""
    return errors.NotFound(f"no such {kind}")
