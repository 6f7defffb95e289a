"""Idempotency-Key support: a POST and its stored answer commit in one transaction.

The API opens a claim around a use case; the first write transaction of that use case
looks for an answer stored under the key, and either replays it (the work is not done
again) or does the work, renders the answer inside the same transaction and stores it.
A retry after a crash therefore finds either nothing (the work rolled back too) or the
answer (the work committed): never the work done twice.
"""

from __future__ import annotations

import contextvars
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from deconflict import errors
from deconflict.domain.ids import MemberId
from deconflict.store.interface import Transaction
from deconflict.store.repositories import StoredResponse

#: How long answers are kept for replay.
RETENTION_HOURS = 24
MAX_KEY_CHARS = 200

Render = Callable[[Transaction, Any], tuple[int, str]]


@dataclass(slots=True)
class Claim:
    """One request's key, the hash of what it asked, and how to render its answer.

    A claim that is not `kept` has no key: its answer is rendered inside the write all
    the same (`rendered_in_write`), and stored nowhere.
    """

    member_id: MemberId
    key: str
    request_sha256: str
    render: Render
    answer: tuple[int, str] | None = field(default=None)
    replayed: bool = False
    kept: bool = True


class Replayed(Exception):
    """Raised inside the transaction to abandon the work: the stored answer stands."""

    def __init__(self, stored: StoredResponse) -> None:
        super().__init__("replayed")
        self.stored = stored


_CURRENT: contextvars.ContextVar[Claim | None] = contextvars.ContextVar(
    "deconflict_idempotency_claim", default=None
)


def request_sha256(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b"\n" + path.encode() + b"\n" + body).hexdigest()


@contextmanager
def claimed(claim: Claim) -> Iterator[Claim]:
    if not claim.key or len(claim.key) > MAX_KEY_CHARS:
        raise errors.MalformedValue(
            f"Idempotency-Key must have 1 to {MAX_KEY_CHARS} characters", "/headers/Idempotency-Key"
        )
    with _opened(claim):
        yield claim


@contextmanager
def rendered_in_write(member_id: MemberId, render: Render) -> Iterator[Claim]:
    """Render the answer inside the use case's write, with no key to keep it under: for a
    render that only counts rows the write has just made, cheaper than a read transaction
    of its own (which, under writes from other processes, starts from a cold cache). The
    claim's answer stays None if the use case wrote nothing."""
    claim = Claim(member_id, "", "", render, kept=False)
    with _opened(claim):
        yield claim


@contextmanager
def _opened(claim: Claim) -> Iterator[None]:
    token = _CURRENT.set(claim)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def take_claim() -> Claim | None:
    """The open claim, handed to the first write transaction only."""
    claim = _CURRENT.get()
    if claim is not None and claim.answer is None and not claim.replayed:
        return claim
    return None


def guard(claim: Claim, tx: Transaction) -> None:
    """Before the work: replay a stored answer, or refuse a key reused for another request."""
    if not claim.kept:
        return
    stored = tx.idempotency.get(claim.member_id, claim.key)
    if stored is None:
        return
    if stored.request_sha256 != claim.request_sha256:
        raise errors.IdempotencyKeyReused(
            "this Idempotency-Key was used for a different request; use a new key"
        )
    raise Replayed(stored)


def keep(claim: Claim, tx: Transaction, result: object, now: datetime) -> None:
    """After the work, still inside its transaction: render and store the answer."""
    status, body = claim.render(tx, result)
    if claim.kept:
        tx.idempotency.put(
            claim.member_id, claim.key, StoredResponse(claim.request_sha256, status, body, now)
        )
    claim.answer = (status, body)
