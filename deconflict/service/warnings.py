"""Urgent warnings: raise one over a hazard volume, alert everyone inside, acknowledge."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from deconflict.domain.audit import AuditKind, rfc3339
from deconflict.domain.entities import CONFLICTING_KINDS, EntityKind, EntityRef, VolumeOwner
from deconflict.domain.ids import PartyId, WarningId
from deconflict.domain.party import Action
from deconflict.domain.warning import HazardWarning, Severity, acknowledge, alert, raise_warning
from deconflict.geometry import Reach, Volume4D
from deconflict.service.checking import entities_met
from deconflict.service.context import Principal, Service, not_found
from deconflict.service.recording import record
from deconflict.store.interface import Transaction

#: A warning alerts parties with zones or operations inside, or an area of interest there.
ALERTED_KINDS = CONFLICTING_KINDS | {EntityKind.SUBSCRIPTION}


def raise_hazard(
    svc: Service, by: Principal, volume: Volume4D, severity: Severity, message: str
) -> HazardWarning:
    """Raise a warning and alert, at once, every party with something inside it: a zone, an
    operation, or an area of interest it subscribed to."""
    by.require(Action.RAISE_WARNING)

    def work(tx: Transaction) -> HazardWarning:
        now = svc.clock.now()
        warning = raise_warning(
            WarningId(svc.new_id()), by.party.id, volume, severity, message, now
        )
        hits = tx.volumes.search(Reach(volume), now=now, kinds=ALERTED_KINDS)
        concerned = sorted({hit.owner.party_id for hit in hits} - {by.party.id})
        warning = alert(warning, concerned, now)
        tx.warnings.put(warning)
        # Indexed so that whoever puts something inside it later is alerted too.
        tx.volumes.replace(_owner(warning), [warning.reach])
        record(
            tx,
            now,
            AuditKind.WARNING,
            by,
            f"warning:{warning.id}",
            {
                "severity": str(severity),
                "message": warning.message,
                "until": rfc3339(volume.time.end),
            },
        )
        for party_id in concerned:
            _record_alert(tx, now, warning, party_id)
        return warning

    return svc.write(work)


def alert_on_arrival(
    tx: Transaction, now: datetime, party_id: PartyId, reaches: Sequence[Reach]
) -> None:
    """Alert the party on every warning in force that `reaches` (the volumes it has just put
    in the index) meet and that has not alerted it yet: a warning stands for the whole of
    its window, not only for the moment it was raised. The same search, the other way
    round, as `raise_hazard` makes; the raiser is never alerted on its own warning."""
    if not tx.volumes.any_live(EntityKind.WARNING, now=now):
        return  # the common case, and a search would cost the writer's turn an index walk
    for met in entities_met(tx, reaches, now, EntityKind.WARNING, other_than=party_id):
        warning = tx.warnings.get(WarningId(met))
        if warning is None or warning.alert_for(party_id) is not None:
            continue
        tx.warnings.put(alert(warning, [party_id], now))
        _record_alert(tx, now, warning, party_id)


def _owner(warning: HazardWarning) -> VolumeOwner:
    return VolumeOwner(EntityRef(EntityKind.WARNING, warning.id), warning.party_id, 1)


def _record_alert(
    tx: Transaction, now: datetime, warning: HazardWarning, party_id: PartyId
) -> None:
    """The first send of an alert, recorded as the service's act and read by the alerted
    party alone (as its re-sends are): an entry the raiser read would tell it how many
    parties are inside, which only those that agreed to be named may let it know."""
    record(tx, now, AuditKind.ALERT, None, f"warning:{warning.id}", {"sends": 1}, [party_id])


def acknowledge_hazard(svc: Service, by: Principal, warning_id: WarningId) -> HazardWarning:
    by.require(Action.ACKNOWLEDGE_WARNING)

    def work(tx: Transaction) -> HazardWarning:
        now = svc.clock.now()
        warning = tx.warnings.get_alerting(warning_id, by.party.id)
        if warning is None:
            raise not_found("warning")
        before = warning.alert_for(by.party.id)
        done = acknowledge(warning, by.party.id, by.member.id, now)
        if before is not None and not before.is_acknowledged:
            tx.warnings.put(done)
            record(
                tx,
                now,
                AuditKind.ACKNOWLEDGEMENT,
                by,
                f"warning:{warning.id}",
                {"seconds_to_acknowledge": int((now - before.first_sent_at).total_seconds())},
                [warning.party_id],
            )
        return done

    return svc.write(work)
