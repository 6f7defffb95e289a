"""Audit entries as a party may list them: the hash chain's links, not who else acted."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from deconflict.api.schemas.common import Instant, Model
from deconflict.domain.audit import AuditKind, PartyEntry


class AuditEntryOut(Model):
    """One link of the caller's party's own record.

    `seq`, `prev_hash` and `hash` belong to the party's own chain: hash =
    SHA-256("<prev_hash>:<entry_hash>"). `entry_hash` is the entry's hash in the service's
    global chain, which the operator can produce on request; the global numbers are not
    shown, as they would reveal how much others did in between.
    """

    seq: int = Field(description="Number in the party's own record, from 0.")
    at: Instant
    kind: AuditKind
    subject: str = Field(description="What it is about, as kind:id.")
    data: dict[str, Any]
    prev_hash: str = Field(description="The previous link of the party's record.")
    hash: str = Field(description='SHA-256 of "<prev_hash>:<entry_hash>".')
    entry_hash: str = Field(description="The entry's hash in the global chain.")

    @classmethod
    def from_domain(cls, link: PartyEntry) -> AuditEntryOut:
        entry = link.entry
        return cls(
            seq=link.party_seq,
            at=entry.at,
            kind=entry.kind,
            subject=entry.subject,
            data=dict(entry.data),
            prev_hash=link.party_prev_hash,
            hash=link.party_hash,
            entry_hash=entry.hash,
        )


class AuditPage(Model):
    items: list[AuditEntryOut]
    next_after: int | None = Field(
        description="Pass as `after` for the next page; null on the last."
    )
