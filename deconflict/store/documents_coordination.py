"""JSON documents of the conversation around an operation: consultations, notices, warnings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from deconflict.domain.agreement import Silence
from deconflict.domain.consultation import (
    Closure,
    Consultation,
    Notice,
    NoticeReason,
    Response,
    ResponseKind,
)
from deconflict.domain.ids import (
    ConsultationId,
    MemberId,
    NoticeId,
    OperationId,
    PartyId,
    WarningId,
)
from deconflict.domain.warning import Alert, HazardWarning, Severity
from deconflict.store.codec import from_us, to_us
from deconflict.store.documents import optional_us, us_or_none
from deconflict.store.documents_geo import Document, volume_from_json, volume_to_json


def response_to_json(response: Response) -> Document:
    volume = response.suggested_volume
    return {
        "kind": response.kind.value,
        "party_id": response.party_id,
        "member_id": response.member_id,
        "at_us": to_us(response.at),
        "text": response.text,
        "suggested_change": response.suggested_change,
        "suggested_volume": None if volume is None else volume_to_json(volume),
    }


def response_from_json(data: Mapping[str, Any]) -> Response:
    volume = data["suggested_volume"]
    return Response(
        ResponseKind(data["kind"]),
        PartyId(data["party_id"]),
        MemberId(data["member_id"]),
        from_us(data["at_us"]),
        data["text"],
        data["suggested_change"],
        None if volume is None else volume_from_json(volume),
    )


def consultation_to_json(consultation: Consultation) -> Document:
    closure = consultation.closure
    return {
        "id": consultation.id,
        "operation_id": consultation.operation_id,
        "operation_version": consultation.operation_version,
        "party_id": consultation.party_id,
        "opened_us": to_us(consultation.opened_at),
        "deadline_us": to_us(consultation.deadline),
        "silence": consultation.silence.value,
        "responses": [response_to_json(r) for r in consultation.responses],
        "closed_us": us_or_none(consultation.closed_at),
        "closure": None if closure is None else closure.value,
    }


def consultation_from_json(data: Mapping[str, Any]) -> Consultation:
    closure = data["closure"]
    return Consultation(
        ConsultationId(data["id"]),
        OperationId(data["operation_id"]),
        data["operation_version"],
        PartyId(data["party_id"]),
        from_us(data["opened_us"]),
        from_us(data["deadline_us"]),
        Silence(data["silence"]),
        tuple(response_from_json(r) for r in data["responses"]),
        optional_us(data, "closed_us"),
        None if closure is None else Closure(closure),
    )


def notice_to_json(notice: Notice) -> Document:
    return {
        "id": notice.id,
        "operation_id": notice.operation_id,
        "operation_version": notice.operation_version,
        "party_id": notice.party_id,
        "at_us": to_us(notice.at),
        "reason": notice.reason.value,
    }


def notice_from_json(data: Mapping[str, Any]) -> Notice:
    return Notice(
        NoticeId(data["id"]),
        OperationId(data["operation_id"]),
        data["operation_version"],
        PartyId(data["party_id"]),
        from_us(data["at_us"]),
        NoticeReason(data["reason"]),
    )


def alert_to_json(alert: Alert) -> Document:
    return {
        "party_id": alert.party_id,
        "first_sent_us": to_us(alert.first_sent_at),
        "last_sent_us": to_us(alert.last_sent_at),
        "sends": alert.sends,
        "acknowledged_us": us_or_none(alert.acknowledged_at),
        "acknowledged_by": alert.acknowledged_by,
    }


def alert_from_json(data: Mapping[str, Any]) -> Alert:
    by = data["acknowledged_by"]
    return Alert(
        PartyId(data["party_id"]),
        from_us(data["first_sent_us"]),
        from_us(data["last_sent_us"]),
        data["sends"],
        optional_us(data, "acknowledged_us"),
        None if by is None else MemberId(by),
    )


def warning_to_json(warning: HazardWarning) -> Document:
    return {
        "id": warning.id,
        "party_id": warning.party_id,
        "volume": volume_to_json(warning.volume),
        "severity": warning.severity.value,
        "message": warning.message,
        "raised_us": to_us(warning.raised_at),
        "alerts": [alert_to_json(a) for a in warning.alerts],
    }


def warning_from_json(data: Mapping[str, Any]) -> HazardWarning:
    return HazardWarning(
        WarningId(data["id"]),
        PartyId(data["party_id"]),
        volume_from_json(data["volume"]),
        Severity(data["severity"]),
        data["message"],
        from_us(data["raised_us"]),
        tuple(alert_from_json(a) for a in data["alerts"]),
    )
