"""Zones: what a party protects, as volumes with a deconfliction buffer, in versions."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from deconflict import errors
from deconflict.domain.ids import PartyId, ZoneId
from deconflict.geometry import Buffer, Reach, TimeWindow, Volume4D
from deconflict.geometry.limits import LATEST_TIME, MAX_DURATION

#: Volumes one zone or operation version may have.
MAX_VOLUMES = 100
MAX_NAME_CHARS = 200


#: A standing zone is renewed once one of its windows would end within this.
RENEWAL_NOTICE = timedelta(days=30)


class Validity(enum.StrEnum):
    """Whether a zone stands until retired or lapses with its volumes' windows."""

    # Volume windows are bounded (geometry.limits.MAX_DURATION), so the service renews a
    # standing zone's windows before they run out (`renewed`); a time-limited zone lapses.
    STANDING = "standing"
    TIME_LIMITED = "time_limited"


@dataclass(frozen=True, slots=True)
class Zone:
    """One version of a zone; a revision makes the next version, retiring ends it."""

    id: ZoneId
    party_id: PartyId
    version: int
    name: str
    volumes: tuple[Volume4D, ...]
    buffer: Buffer
    validity: Validity
    revised_at: datetime
    retired_at: datetime | None = None

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def reaches(self) -> tuple[Reach, ...]:
        """The volumes with the buffer: what another party's operation may not run into."""
        return tuple(Reach(volume, self.buffer) for volume in self.volumes)

    def is_expired(self, now: datetime) -> bool:
        return all(volume.time.end <= now for volume in self.volumes)

    @property
    def standing_until(self) -> datetime | None:
        """When a live standing zone's first window ends: it is renewed before then."""
        if self.validity is not Validity.STANDING or self.is_retired:
            return None
        return min(volume.time.end for volume in self.volumes)


def renewed(zone: Zone, now: datetime) -> Zone | None:
    """The next version of a standing zone with a window ending within `RENEWAL_NOTICE`,
    that window running on for the longest duration allowed; None when none is due.

    A window only ever reaches further: it runs from its start, or from now once that has
    passed, to the longest end allowed after that.
    """
    until = zone.standing_until
    if until is None or until >= now + RENEWAL_NOTICE:
        return None
    volumes = tuple(
        _run_on(v, now) if v.time.end < now + RENEWAL_NOTICE else v for v in zone.volumes
    )
    if all(a.time.end == b.time.end for a, b in zip(volumes, zone.volumes, strict=True)):
        return None  # at the end of time (`LATEST_TIME`): nothing left to add
    return replace(zone, version=zone.version + 1, volumes=volumes, revised_at=now)


def _run_on(volume: Volume4D, now: datetime) -> Volume4D:
    start = max(volume.time.start, now)
    end = min(start + MAX_DURATION, LATEST_TIME)
    return replace(volume, time=TimeWindow(start, max(end, volume.time.end)))


def create_zone(
    zone_id: ZoneId,
    party_id: PartyId,
    name: str,
    volumes: Sequence[Volume4D],
    buffer: Buffer,
    validity: Validity,
    now: datetime,
) -> Zone:
    return Zone(
        zone_id, party_id, 1, check_name(name), check_volumes(volumes), buffer, validity, now
    )


def revise_zone(
    zone: Zone,
    *,
    named_version: str,
    volumes: Sequence[Volume4D],
    buffer: Buffer,
    now: datetime,
    name: str | None = None,
) -> Zone:
    """The next version of a live zone; the writer names the version it changes.

    The name is the entity tag's text, compared as text the way RFC 9110 compares strong
    tags: only the digits this API wrote match, and a tag that names no number (or a
    numeral `int()` reads differently, such as "²") is stale, reported as sent.
    """
    _check_live(zone)
    if named_version != str(zone.version):
        raise errors.StaleVersion(named_version, str(zone.version), kind="zone")
    return replace(
        zone,
        version=zone.version + 1,
        name=zone.name if name is None else check_name(name),
        volumes=check_volumes(volumes),
        buffer=buffer,
        revised_at=now,
    )


def retire_zone(zone: Zone, now: datetime) -> Zone:
    _check_live(zone)
    return replace(zone, retired_at=now)


def _check_live(zone: Zone) -> None:
    if zone.is_retired:
        raise errors.IllegalTransition("retired", "change", (), entity="zone")


def check_volumes(volumes: Sequence[Volume4D], pointer: str = "/volumes") -> tuple[Volume4D, ...]:
    """Volumes of a zone or operation: at least one, at most `MAX_VOLUMES`."""
    if not volumes:
        raise errors.InvalidInput("at least one volume is needed", pointer)
    if len(volumes) > MAX_VOLUMES:
        raise errors.InvalidInput(f"at most {MAX_VOLUMES} volumes are allowed", pointer)
    return tuple(volumes)


def check_name(name: str, pointer: str = "/name") -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise errors.InvalidInput(f"a name needs 1 to {MAX_NAME_CHARS} characters", pointer)
    return name
