"""Zone use cases: protect an area, revise it, retire it."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from deconflict import errors
from deconflict.domain.audit import AuditKind
from deconflict.domain.entities import EntityKind, EntityRef, VolumeOwner
from deconflict.domain.ids import ZoneId
from deconflict.domain.party import Action
from deconflict.domain.zone import (
    RENEWAL_NOTICE,
    Validity,
    Zone,
    create_zone,
    renewed,
    retire_zone,
    revise_zone,
)
from deconflict.geometry import Buffer, Volume4D
from deconflict.geometry.volume_checks import check_reach
from deconflict.service.consulting import release
from deconflict.service.context import Principal, Service, not_found
from deconflict.service.recording import record
from deconflict.service.warnings import alert_on_arrival
from deconflict.service.zone_reach import tell_operations_met
from deconflict.store.interface import Transaction


def protect(
    svc: Service,
    by: Principal,
    name: str,
    volumes: Sequence[Volume4D],
    buffer: Buffer,
    validity: Validity = Validity.TIME_LIMITED,
) -> Zone:
    by.require(Action.PLAN_ZONES)

    def work(tx: Transaction) -> Zone:
        now = svc.clock.now()
        zone = create_zone(ZoneId(svc.new_id()), by.party.id, name, volumes, buffer, validity, now)
        _check_reaches(zone)
        tx.zones.put(zone)
        _index(tx, zone)
        _record(tx, by, zone, "created", now)
        tell_operations_met(svc, tx, zone, now)
        alert_on_arrival(tx, now, zone.party_id, zone.reaches)
        return zone

    return svc.write(work)


def revise_protection(
    svc: Service,
    by: Principal,
    zone_id: ZoneId,
    *,
    named_version: str,
    volumes: Sequence[Volume4D],
    buffer: Buffer,
    name: str | None = None,
) -> Zone:
    by.require(Action.PLAN_ZONES)

    def work(tx: Transaction) -> Zone:
        now = svc.clock.now()
        before = _own(tx, by, zone_id)
        zone = revise_zone(
            before,
            named_version=named_version,
            volumes=volumes,
            buffer=buffer,
            now=now,
            name=name,
        )
        _check_reaches(zone)
        tx.zones.put(zone)
        _index(tx, zone)
        _record(tx, by, zone, "revised", now)
        # What the new version meets first, so that its planners hear of a changed
        # overlap; then what the old version met and the new one may have left.
        tell_operations_met(svc, tx, zone, now)
        release(svc, tx, by, _ref(zone), zone.party_id, before.reaches, now)
        alert_on_arrival(tx, now, zone.party_id, zone.reaches)
        return zone

    return svc.write(work)


def retire(svc: Service, by: Principal, zone_id: ZoneId) -> Zone:
    by.require(Action.PLAN_ZONES)

    def work(tx: Transaction) -> Zone:
        now = svc.clock.now()
        before = _own(tx, by, zone_id)
        zone = retire_zone(before, now)
        tx.zones.put(zone)
        tx.volumes.remove(EntityRef(EntityKind.ZONE, zone.id))
        _record(tx, by, zone, "retired", now)
        release(svc, tx, by, _ref(zone), zone.party_id, before.reaches, now)
        return zone

    return svc.write(work)


_log = logging.getLogger(__name__)
#: Standing zones renewed per write transaction.
RENEWAL_BATCH = 500


def renew_standing(svc: Service, batch: int = RENEWAL_BATCH) -> int:
    """Renew the standing zones whose windows end within `RENEWAL_NOTICE`, each as a new
    version recorded for its party; returns how many. Run by housekeeping: a standing zone
    stands until retired, though each volume's window is bounded (`MAX_DURATION`)."""

    def work(tx: Transaction) -> tuple[int, int]:
        now = svc.clock.now()
        due = tx.zones.standing_until(now + RENEWAL_NOTICE, limit=batch)
        count = 0
        for zone in due:
            renewal = renewed(zone, now)
            if renewal is None:
                tx.zones.put(zone)  # marked due by an upgrade, or at the end of time
                continue
            try:
                _check_reaches(renewal)
            except errors.InvalidInput:
                # Stored under looser limits than now hold: its owner must revise it. One
                # such zone must not stop the others' renewals, as raising here would.
                _log.warning("standing zone %s no longer passes the limits: not renewed", zone.id)
                continue
            tx.zones.put(renewal)
            _index(tx, renewal)
            record(
                tx,
                now,
                AuditKind.STATE_CHANGE,
                None,
                f"zone:{zone.id}",
                {"event": "renewed", "version": renewal.version, "name": renewal.name},
                [zone.party_id],
            )
            # Running a window on reaches operations planned past its old end.
            tell_operations_met(svc, tx, renewal, now, renewal=True)
            alert_on_arrival(tx, now, renewal.party_id, renewal.reaches)
            count += 1
        return count, len(due)

    total = 0
    while True:
        renewed_now, seen = svc.write(work)
        total += renewed_now
        if seen < batch or renewed_now == 0:
            return total


def own_zone(svc: Service, by: Principal, zone_id: ZoneId) -> Zone:
    return svc.read(lambda tx: _own(tx, by, zone_id))


def own_zones(svc: Service, by: Principal, *, after: str | None, limit: int) -> list[Zone]:
    return svc.read(lambda tx: tx.zones.of_party(by.party.id, after=after, limit=limit))


def _own(tx: Transaction, by: Principal, zone_id: ZoneId) -> Zone:
    zone = tx.zones.get_of_party(zone_id, by.party.id)
    if zone is None:
        raise not_found("zone")
    return zone


def _check_reaches(zone: Zone) -> None:
    for i, reach in enumerate(zone.reaches):
        check_reach(reach, f"/volumes/{i}")


def _ref(zone: Zone) -> EntityRef:
    return EntityRef(EntityKind.ZONE, zone.id)


def _index(tx: Transaction, zone: Zone) -> None:
    owner = VolumeOwner(_ref(zone), zone.party_id, zone.version)
    tx.volumes.replace(owner, zone.reaches)


def _record(tx: Transaction, by: Principal, zone: Zone, event: str, now: datetime) -> None:
    record(
        tx,
        now,
        AuditKind.STATE_CHANGE,
        by,
        f"zone:{zone.id}",
        {"event": event, "version": zone.version, "name": zone.name},
    )
