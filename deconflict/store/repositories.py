"""Repositories of the coordination loop's records, typed in domain terms.

Each is reached through a `Transaction` and works inside it. Lists are keyset-paginated:
`after` is the last id (or sequence number) of the previous page, `limit` the page size,
and items come in ascending id order, so a page never shifts under concurrent inserts.

A read on behalf of a party (`get_of_party`, `get_told_to`, `get_seen_by`, ...) finds the
record only if that party may have it, and decides so inside its one query: another
party's id takes the path an unknown id takes, reading and decoding nothing of theirs, so
that neither its answer nor its timing tells the caller the record exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from deconflict.domain.agreement import Agreement
from deconflict.domain.audit import AudienceLink, AuditEntry, AuditKind, JsonValue, PartyEntry
from deconflict.domain.conflict import Conflict
from deconflict.domain.consultation import Consultation, Notice
from deconflict.domain.ids import (
    ConsultationId,
    MemberId,
    OperationId,
    PartyId,
    WarningId,
    ZoneId,
)
from deconflict.domain.operation import Operation, OperationVersion
from deconflict.domain.party import Member, Party
from deconflict.domain.warning import HazardWarning
from deconflict.domain.zone import Zone


class PartyRecords(Protocol):
    def add(self, party: Party, *, now: datetime) -> None:
        """Store a new party; a taken name raises `errors.AlreadyExists`."""

    def get(self, party_id: PartyId) -> Party | None: ...

    def by_name(self, name: str) -> Party | None: ...

    def all(self) -> list[Party]: ...

    def authorities(self) -> list[Party]:
        """Parties with a declared authority area."""


class MemberRecords(Protocol):
    def add(self, member: Member, *, now: datetime) -> None: ...

    def get(self, member_id: MemberId) -> Member | None: ...

    def get_of_party(self, member_id: MemberId, party_id: PartyId) -> Member | None:
        """The member if it belongs to the party; another party's reads as unknown."""

    def by_key_hash(self, api_key_sha256: str) -> Member | None:
        """The member holding the key with this hash, revoked or not."""

    def of_party(self, party_id: PartyId) -> list[Member]: ...

    def revoke(self, member_id: MemberId, *, now: datetime) -> bool:
        """Revoke the member's key; False when there was no such member."""


class AgreementRecords(Protocol):
    def put(self, agreement: Agreement, *, now: datetime) -> None:
        """Store the agreement of an unordered pair, replacing any earlier one."""

    def between(self, a: PartyId, b: PartyId) -> Agreement | None: ...

    def of_party(self, party_id: PartyId) -> list[Agreement]: ...


class ZoneRecords(Protocol):
    def put(self, zone: Zone) -> None:
        """Insert or update the zone's current version; earlier versions are kept."""

    def get(self, zone_id: ZoneId) -> Zone | None: ...

    def get_of_party(self, zone_id: ZoneId, party_id: PartyId) -> Zone | None:
        """The zone if the party owns it; another party's reads as unknown."""

    def standing_until(self, before: datetime, *, limit: int) -> list[Zone]:
        """Live standing zones whose first volume ends before `before`, soonest first."""

    def of_party(self, party_id: PartyId, *, after: str | None, limit: int) -> list[Zone]: ...


class OperationRecords(Protocol):
    def put(self, operation: Operation) -> None:
        """Insert or update the operation; a version not stored yet is added to its history."""

    def get(self, operation_id: OperationId) -> Operation | None: ...

    def get_of_party(self, operation_id: OperationId, party_id: PartyId) -> Operation | None:
        """The operation if the party planned it; another party's reads as unknown."""

    def get_told_to(self, operation_id: OperationId, party_id: PartyId) -> Operation | None:
        """Another party's operation that the party was consulted or notified about (of any
        version); one it was never told of, and its own, read as unknown."""

    def version(self, operation_id: OperationId, number: int) -> OperationVersion | None: ...

    def of_party(self, party_id: PartyId, *, after: str | None, limit: int) -> list[Operation]: ...


class ConflictRecords(Protocol):
    def replace(
        self, operation_id: OperationId, operation_version: int, conflicts: Sequence[Conflict]
    ) -> None:
        """Record the conflicts found for one operation version, replacing earlier findings."""

    def of_operation(self, operation_id: OperationId, operation_version: int) -> list[Conflict]: ...

    def count_of_operation(self, operation_id: OperationId, operation_version: int) -> int:
        """How many conflicts the version has, without reading them."""


class ConsultationRecords(Protocol):
    def put(self, consultation: Consultation) -> None: ...

    def get(self, consultation_id: ConsultationId) -> Consultation | None: ...

    def get_of_party(
        self, consultation_id: ConsultationId, party_id: PartyId
    ) -> Consultation | None:
        """The consultation if it is addressed to the party; any other reads as unknown."""

    def of_operation(
        self, operation_id: OperationId, *, version: int | None = None
    ) -> list[Consultation]: ...

    def of_party(self, party_id: PartyId, *, after: str | None, limit: int) -> list[Consultation]:
        """Consultations addressed to the party."""

    def add_notice(self, notice: Notice) -> None: ...

    def notices_of_party(
        self, party_id: PartyId, *, after: str | None, limit: int
    ) -> list[Notice]: ...

    def notices_of_operation(self, operation_id: OperationId) -> list[Notice]: ...

    def count_of_version(self, operation_id: OperationId, version: int) -> tuple[int, int]:
        """How many consultations and notices the version has, without reading them."""

    def past_deadline(self, *, now: datetime, limit: int) -> list[Consultation]:
        """Open, unanswered consultations whose deadline is at or before `now`."""

    def next_deadline(self) -> datetime | None:
        """The earliest deadline an open, unanswered consultation waits for."""


class WarningRecords(Protocol):
    def put(self, warning: HazardWarning) -> None: ...

    def get(self, warning_id: WarningId) -> HazardWarning | None: ...

    def get_seen_by(self, warning_id: WarningId, party_id: PartyId) -> HazardWarning | None:
        """The warning if the party raised it or was alerted by it; any other reads as
        unknown."""

    def get_alerting(self, warning_id: WarningId, party_id: PartyId) -> HazardWarning | None:
        """The warning if it alerted the party; any other reads as unknown."""

    def raised_by(
        self, party_id: PartyId, *, after: str | None, limit: int
    ) -> list[HazardWarning]: ...

    def alerting(self, party_id: PartyId, *, after: str | None, limit: int) -> list[HazardWarning]:
        """Warnings that alerted the party."""

    def resends_due(
        self, schedule_s: Sequence[int], *, now: datetime, limit: int
    ) -> list[HazardWarning]:
        """Warnings in force at `now` with an unacknowledged alert due for a re-send: sent n
        times, last at t, it is due from t + `schedule_s[n-1]` (the last wait repeating).
        Those due first come first, whatever the alerts not yet due."""


class AuditRecords(Protocol):
    def append(
        self,
        *,
        at: datetime,
        kind: AuditKind,
        party_id: str,
        actor: str,
        subject: str,
        data: dict[str, JsonValue],
        audience: Iterable[PartyId],
    ) -> AuditEntry:
        """Chain a new entry after the current head; `audience` are the parties it concerns
        besides the acting one (they see it in their own audit listing)."""

    @property
    def appended(self) -> bool:
        """Whether this transaction appended an entry."""

    def last_party_seq(self, party_id: PartyId) -> int:
        """The number of the party's latest entry, or -1 when it has none."""

    def head(self) -> AuditEntry | None: ...

    def for_party(self, party_id: PartyId, *, after_seq: int, limit: int) -> list[PartyEntry]:
        """The party's own record: entries it acted in or was named in the audience of,
        numbered and chained for it alone (`after_seq` is a number of that record)."""

    def for_party_between(
        self, party_id: PartyId, start: datetime, end: datetime
    ) -> list[PartyEntry]:
        """The party's own record over `[start, end)` by entry time, in the party's order."""

    def first_for_party_about(self, party_id: PartyId, subjects: Sequence[str]) -> list[PartyEntry]:
        """The party's first entry about each of `subjects` ("operation:<id>", say), in the
        party's order; a subject the party has no entry about has none."""

    def all(self, *, after_seq: int, limit: int) -> list[AuditEntry]: ...

    def links(self, *, after: tuple[str, int] | None, limit: int) -> list[AudienceLink]:
        """Every party's links, in (party, party_seq) order, after `after` (None: from the
        first): who was told of each entry, for checking every party's chain."""


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """What a POST answered, kept under its Idempotency-Key to be answered again."""

    request_sha256: str
    status: int
    body: str
    created_at: datetime


class IdempotencyRecords(Protocol):
    def get(self, member_id: MemberId, key: str) -> StoredResponse | None: ...

    def put(self, member_id: MemberId, key: str, response: StoredResponse) -> None: ...

    def purge(self, *, before: datetime) -> int: ...
