"""Audit entries as a party may list them: the hash chain's links, not who else acted."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from deconflict.api.schemas.common import Instant, Model
from deconflict.domain.audit import AuditEntry, AuditKind


class AuditEntryOut(Model):
    seq: int
    at: Instant
    kind: AuditKind
    subject: str = Field(description="What it is about, as kind:id.")
    data: dict[str, Any]
    prev_hash: str
    hash: str

    @classmethod
    def from_domain(cls, entry: AuditEntry) -> AuditEntryOut:
        return cls(
            seq=entry.seq,
            at=entry.at,
            kind=entry.kind,
            subject=entry.subject,
            data=dict(entry.data),
            prev_hash=entry.prev_hash,
            hash=entry.hash,
        )


class AuditPage(Model):
    items: list[AuditEntryOut]
    next_after: int | None = Field(
        description="Pass as `after` for the next page; null on the last."
    )
