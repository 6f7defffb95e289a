"""Warnings: urgent hazard notices over a volume, the parties alerted, their acknowledgements."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from deconflict import errors
from deconflict.domain.agreement import Agreement, agreement_between
from deconflict.domain.ids import MemberId, PartyId, WarningId
from deconflict.geometry import Reach, TimeWindow, Volume4D

MAX_MESSAGE_CHARS = 2_000


class Severity(enum.StrEnum):
    ADVISORY = "advisory"  # be aware
    CAUTION = "caution"  # take care, be ready to move
    DANGER = "danger"  # move now


@dataclass(frozen=True, slots=True)
class Alert:
    """One party told of a warning, how often, and whether it has acknowledged."""

    party_id: PartyId
    first_sent_at: datetime
    last_sent_at: datetime
    sends: int = 1
    acknowledged_at: datetime | None = None
    acknowledged_by: MemberId | None = None

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def escalation(self) -> int:
        """How many times it was re-sent unanswered: the service escalates as this grows."""
        return self.sends - 1


@dataclass(frozen=True, slots=True)
class HazardWarning:
    """A warning (named so as not to shadow Python's builtin `Warning`)."""

    id: WarningId
    party_id: PartyId  # who raised it
    volume: Volume4D
    severity: Severity
    message: str
    raised_at: datetime
    alerts: tuple[Alert, ...] = ()

    @property
    def validity(self) -> TimeWindow:
        return self.volume.time

    @property
    def reach(self) -> Reach:
        return Reach(self.volume)

    def is_in_force(self, now: datetime) -> bool:
        return now < self.volume.time.end

    def alert_for(self, party_id: PartyId) -> Alert | None:
        return next((a for a in self.alerts if a.party_id == party_id), None)


def raise_warning(
    warning_id: WarningId,
    party_id: PartyId,
    volume: Volume4D,
    severity: Severity,
    message: str,
    now: datetime,
) -> HazardWarning:
    text = message.strip()
    if not text or len(text) > MAX_MESSAGE_CHARS:
        raise errors.InvalidInput(
            f"a warning needs a message of 1 to {MAX_MESSAGE_CHARS} characters", "/message"
        )
    if volume.time.end <= now:
        raise errors.InvalidTimeWindow("a warning must still be valid when raised", "/volume/end")
    return HazardWarning(warning_id, party_id, volume, severity, text, now)


def alert(warning: HazardWarning, party_ids: Iterable[PartyId], now: datetime) -> HazardWarning:
    """Alert parties whose zones or operations overlap the warning; each is alerted once."""
    alerted = {a.party_id for a in warning.alerts} | {warning.party_id}
    new = [Alert(p, now, now) for p in dict.fromkeys(party_ids) if p not in alerted]
    return replace(warning, alerts=(*warning.alerts, *new))


def acknowledge(
    warning: HazardWarning, party_id: PartyId, member_id: MemberId, now: datetime
) -> HazardWarning:
    """Record the party's acknowledgement; the first one counts, repeats change nothing."""
    found = warning.alert_for(party_id)
    if found is None:
        # Unalerted parties must not learn the warning exists, so this reads as unknown.
        raise errors.NotFound("no such warning")
    if found.is_acknowledged:
        return warning
    done = replace(found, acknowledged_at=now, acknowledged_by=member_id)
    return replace(warning, alerts=tuple(done if a is found else a for a in warning.alerts))


#: Seconds an alert waits unacknowledged before its n-th re-send; the last value repeats.
RESEND_SCHEDULE_S: tuple[int, ...] = (120, 300, 600, 900)


def resend_wait_s(sends: int, schedule: Sequence[int]) -> int:
    """How long an alert sent `sends` times waits for an acknowledgement before the next send."""
    if not schedule or any(s <= 0 for s in schedule):
        raise ValueError("a re-send schedule needs at least one positive wait")
    return schedule[min(max(sends, 1), len(schedule)) - 1]


def due_for_resend(
    warning: HazardWarning, now: datetime, schedule: Sequence[int] = RESEND_SCHEDULE_S
) -> tuple[PartyId, ...]:
    """Parties still silent as long after their last send as the schedule says, while in force."""
    if not warning.is_in_force(now):
        return ()
    return tuple(
        a.party_id
        for a in warning.alerts
        if not a.is_acknowledged
        and now - a.last_sent_at >= timedelta(seconds=resend_wait_s(a.sends, schedule))
    )


def resent(warning: HazardWarning, party_ids: Iterable[PartyId], now: datetime) -> HazardWarning:
    again = frozenset(party_ids)
    return replace(
        warning,
        alerts=tuple(
            replace(a, last_sent_at=now, sends=a.sends + 1) if a.party_id in again else a
            for a in warning.alerts
        ),
    )


def alerts_raiser_may_see(
    warning: HazardWarning, agreements: Iterable[Agreement]
) -> tuple[Alert, ...]:
    """Acknowledgements, and silent alerts only of parties whose agreement discloses names.

    Who else was alerted is nobody's business unless the two parties agreed to be named.
    """
    agreements = tuple(agreements)
    return tuple(
        a
        for a in warning.alerts
        if a.is_acknowledged
        or agreement_between(warning.party_id, a.party_id, agreements).discloses_name
    )
