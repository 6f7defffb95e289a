"""Events: what a party is told, read off its own numbered audit record.

A party's record already holds, in the transaction of each change, every entry it acted in
or was told of (the outbox the design asks for), so an event is one of those entries and
its id is the entry's number in the party's record: stable, increasing, and saying nothing
of what other parties did in between.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from deconflict.domain.audit import AuditKind, JsonValue, PartyEntry, rfc3339


@dataclass(frozen=True, slots=True)
class Event:
    """An entry of a party's record as that party is told of it; its type is the entry's kind."""

    id: int  # the entry's number in the party's record
    type: AuditKind
    at: datetime
    subject: str  # what it is about, as "kind:id"
    data: Mapping[str, JsonValue]

    def to_json(self) -> dict[str, JsonValue]:
        return {
            "id": self.id,
            "type": str(self.type),
            "at": rfc3339(self.at),
            "subject": self.subject,
            "data": dict(self.data),
        }


def event_of(link: PartyEntry) -> Event:
    entry = link.entry
    return Event(link.party_seq, entry.kind, entry.at, entry.subject, entry.data)


def alert_sends(event: Event) -> int:
    """How many times the warning of an alert event has been sent (1 for the first alert)."""
    if event.type is not AuditKind.ALERT:
        return 0
    sends = event.data.get("sends", 1)
    return sends if isinstance(sends, int) else 1
