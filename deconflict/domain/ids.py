"""Typed identifiers of domain entities, and ids made from entropy the caller supplies."""

from __future__ import annotations

import hashlib
import uuid
from typing import NewType

PartyId = NewType("PartyId", str)
MemberId = NewType("MemberId", str)
AgreementId = NewType("AgreementId", str)
ZoneId = NewType("ZoneId", str)
OperationId = NewType("OperationId", str)
ConsultationId = NewType("ConsultationId", str)
NoticeId = NewType("NoticeId", str)
WarningId = NewType("WarningId", str)
#: Opaque name of one operation version; writers quote it to revise (optimistic concurrency).
Ovn = NewType("Ovn", str)

_ENTROPY_BYTES = 16


def id_from_entropy(entropy: bytes) -> str:
    """A random (version 4) UUID string from 16 bytes the caller drew from a secure source.

    The domain never draws randomness itself, so ids are reproducible in tests.
    """
    if len(entropy) != _ENTROPY_BYTES:
        raise ValueError(f"an id needs exactly {_ENTROPY_BYTES} bytes of entropy")
    return str(uuid.UUID(bytes=entropy, version=4))


def ovn_for(operation_id: OperationId, version: int) -> Ovn:
    """The OVN of an operation's n-th version: stable, but opaque so clients cannot do sums."""
    digest = hashlib.sha256(f"{operation_id}\x00{version}".encode()).hexdigest()
    return Ovn(digest[:32])
