"""Consultations closed by the service: who reads that they closed, and why."""

from __future__ import annotations

from datetime import timedelta

from deconflict.domain.audit import AuditKind
from deconflict.domain.consultation import Closure
from deconflict.domain.lifecycle import OperationState
from deconflict.domain.operation import Plan
from deconflict.geometry import Buffer
from deconflict.service import operations, views, zones
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
