"""Consultations closed by the service: who reads that they closed, and why."""

from __future__ import annotations

from datetime import timedelta

from deconflict.domain.audit import AuditKind, JsonValue
from deconflict.domain.consultation import Closure
from deconflict.domain.disclosure import operation_shown, view_sha256
from deconflict.domain.ids import OperationId
from deconflict.domain.lifecycle import OperationState
from deconflict.domain.operation import Plan
from deconflict.geometry import Buffer
from deconflict.service import operations, views, zones
from deconflict.service.context import Principal
from tests.service.conftest import Cast, volume


def test_the_planner_reads_that_a_consultation_closed_when_the_partys_zone_went_away(
    cast: Cast,
) -> None:
    zones.protect(cast.svc, cast.south_planner, "Depot", [volume(23.70, 41.75, 2000)], Buffer())
    shelter = zones.protect(
        cast.svc, cast.relief_planner, "Shelter", [volume(23.73, 41.75, 800)], Buffer()
    )
    flight = operations.submit_operation(
        cast.svc, cast.north_planner, Plan((volume(23.715, 41.75, 2500),))
    )
    consultations = cast.svc.read(lambda tx: tx.consultations.of_operation(flight.id))
    (relief,) = [c for c in consultations if c.party_id == cast.relief_planner.party_id]
    cast.clock.advance(timedelta(minutes=5))
    zones.retire(cast.svc, cast.relief_planner, shelter.id)
    flight = operations.own_operation(cast.svc, cast.north_planner, flight.id)
    assert flight.state is OperationState.IN_CONSULTATION, "the South's answer is still awaited"
    record = views.audit_entries(cast.svc, cast.north_planner, after_seq=-1, limit=100)
    closed = [
        link.entry
        for link in record
        if link.entry.kind is AuditKind.CONSULTATION
        and link.entry.subject == f"consultation:{relief.id}"
        and link.entry.data.get("event") == "closed"
    ]
    assert [(e.at, dict(e.data)["closure"]) for e in closed] == [
        (cast.clock.now(), str(Closure.NO_LONGER_CONCERNED))
    ]


def _told_digests(cast: Cast, reader: Principal, operation_id: OperationId) -> list[JsonValue]:
    """The view digests of the entries that told the reader's party of the operation."""
    record = views.audit_entries(cast.svc, reader, after_seq=-1, limit=100)
    return [
        _as_object(link.entry.data["disclosed"])["view_sha256"]
        for link in record
        if link.entry.kind in (AuditKind.CONSULTATION, AuditKind.NOTICE)
        and link.entry.data.get("operation") == operation_id
        and "disclosed" in link.entry.data
    ]


def _as_object(value: JsonValue) -> dict[str, JsonValue]:
    assert isinstance(value, dict)
    return value


def _view_digest(cast: Cast, reader: Principal, operation_id: OperationId) -> str:
    seen = views.operation_for_involved(cast.svc, reader, operation_id)
    assert seen.regions, "the party sees where the operation meets its data"
    return view_sha256(operation_shown(seen))


def test_the_entry_that_tells_a_party_holds_the_digest_of_the_view_it_is_shown(
    cast: Cast,
) -> None:
    """Consulted or notified when the operation is submitted, or when a zone comes to meet
    it later: each party's entry holds the digest of its view as it then reads it."""
    zones.protect(cast.svc, cast.south_planner, "Depot", [volume(23.70, 41.75, 2000)], Buffer())
    zones.protect(cast.svc, cast.relief_planner, "Shelter", [volume(23.73, 41.75, 800)], Buffer())
    flight = operations.submit_operation(
        cast.svc, cast.north_planner, Plan((volume(23.715, 41.75, 2500),))
    )
    for reader in (cast.south_liaison, cast.relief_liaison):
        assert _told_digests(cast, reader, flight.id) == [_view_digest(cast, reader, flight.id)]
    late = operations.submit_operation(
        cast.svc, cast.north_planner, Plan((volume(23.60, 41.70, 500),))
    )
    assert _told_digests(cast, cast.south_liaison, late.id) == []
    zones.protect(cast.svc, cast.south_planner, "Field post", [volume(23.60, 41.70, 400)], Buffer())
    assert _told_digests(cast, cast.south_liaison, late.id) == [
        _view_digest(cast, cast.south_liaison, late.id)
    ]
