"""Appending to the audit log from a use case, in the use case's own transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from deconflict.domain.audit import AuditEntry, AuditKind, JsonValue
from deconflict.domain.ids import PartyId
from deconflict.service.context import Principal
from deconflict.store.interface import Transaction


def record(
    tx: Transaction,
    now: datetime,
    kind: AuditKind,
    by: Principal | None,
    subject: str,
    data: dict[str, JsonValue],
    audience: Iterable[PartyId] = (),
) -> AuditEntry:
    """One audit entry; `by` None means the service acted (a deadline, say).

    The acting party and every party in `audience` read the entry as it is, so `data` must
    name no party: who an entry concerns is what `audience` records, and the raw id of a
    party another knows only by a pseudonym would undo the pseudonym.
    """
    return tx.audit.append(
        at=now,
        kind=kind,
        party_id=by.party_id if by else "",
        actor=by.member.id if by else "",
        subject=subject,
        data=data,
        audience=sorted(set(audience)),
    )
