"""A consulted party answers: acknowledge, object with a reason, or comment."""

from __future__ import annotations

import json

from deconflict.domain.audit import AuditKind
from deconflict.domain.consultation import (
    Consultation,
    Response,
    ResponseKind,
    respond,
)
from deconflict.domain.ids import ConsultationId
from deconflict.domain.party import Action
from deconflict.geometry import Volume4D
from deconflict.service.consulting import follow_answers
from deconflict.service.context import Principal, Service, not_found
from deconflict.service.recording import record
from deconflict.store.codec import footprint_to_json
from deconflict.store.interface import Transaction


def respond_to_consultation(
    svc: Service,
    by: Principal,
    consultation_id: ConsultationId,
    kind: ResponseKind,
    *,
    text: str = "",
    suggested_change: str = "",
    suggested_volume: Volume4D | None = None,
) -> Consultation:
    """Record the answer and move the operation if the answers now add up differently."""
    by.require(Action.RESPOND)

    def work(tx: Transaction) -> Consultation:
        now = svc.clock.now()
        consultation = tx.consultations.get_of_party(consultation_id, by.party.id)
        if consultation is None:
            raise not_found("consultation")
        operation = tx.operations.get(consultation.operation_id)
        if operation is None:
            raise not_found("consultation")
        response = Response(
            kind,
            by.party.id,
            by.member.id,
            now,
            text.strip(),
            suggested_change.strip(),
            suggested_volume,
        )
        answered = respond(consultation, response)
        tx.consultations.put(answered)
        suggestion = None
        if suggested_volume is not None:
            suggestion = json.dumps(footprint_to_json(suggested_volume.footprint))
        record(
            tx,
            now,
            AuditKind.RESPONSE,
            by,
            f"consultation:{consultation.id}",
            {
                "operation": operation.id,
                "version": consultation.operation_version,
                "kind": str(kind),
                "text": response.text,
                "suggested_change": response.suggested_change,
                "suggested_footprint": suggestion,
            },
            [operation.party_id],
        )
        if consultation.operation_version == operation.version.number:
            follow_answers(tx, by, operation, now, cause="response")
        return answered

    return svc.write(work)
