"""The inbox: consultations and notices addressed to the caller's party, and responses."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from deconflict.api.schemas.bounds import chars
from deconflict.api.schemas.common import Instant, Model
from deconflict.api.schemas.seen import OperationSeenOut
from deconflict.api.schemas.volumes import Volume
from deconflict.domain.agreement import Silence
from deconflict.domain.consultation import (
    MAX_TEXT_CHARS,
    NoticeReason,
    Response,
    ResponseKind,
    Status,
)
from deconflict.geometry import VerticalModel, Volume4D
from deconflict.service.views import ConsultationView, NoticeView


class ResponseIn(Model):
    kind: ResponseKind
    text: Annotated[str, chars(0, MAX_TEXT_CHARS)] = Field(
        default="", description="Needed to object or comment: the reason."
    )
    suggested_change: Annotated[str, chars(0, MAX_TEXT_CHARS)] = Field(
        default="", description="Objections only."
    )
    suggested_volume: Volume | None = Field(default=None, description="Objections only.")

    def volume(self, model: VerticalModel) -> Volume4D | None:
        if self.suggested_volume is None:
            return None
        return self.suggested_volume.to_domain("/suggested_volume", model)


class ResponseOut(Model):
    kind: ResponseKind
    text: str
    suggested_change: str
    suggested_volume: Volume | None
    at: Instant

    @classmethod
    def from_domain(cls, r: Response) -> ResponseOut:
        volume = None if r.suggested_volume is None else Volume.from_domain(r.suggested_volume)
        return cls(
            kind=r.kind,
            text=r.text,
            suggested_change=r.suggested_change,
            suggested_volume=volume,
            at=r.at,
        )


class ConsultationOut(Model):
    id: str
    operation_version: int
    status: Status
    opened_at: Instant
    deadline: Instant
    silence: Silence = Field(description="What silence means once the deadline has passed.")
    closed_at: Instant | None
    responses: list[ResponseOut]
    operation: OperationSeenOut

    @classmethod
    def from_domain(cls, view: ConsultationView) -> ConsultationOut:
        c = view.consultation
        return cls(
            id=c.id,
            operation_version=c.operation_version,
            status=view.status,
            opened_at=c.opened_at,
            deadline=c.deadline,
            silence=c.silence,
            closed_at=c.closed_at,
            responses=[ResponseOut.from_domain(r) for r in c.responses],
            operation=OperationSeenOut.from_domain(view.operation),
        )


class NoticeOut(Model):
    id: str
    kind: Literal["notice"] = "notice"
    operation_version: int
    at: Instant
    reason: NoticeReason
    operation: OperationSeenOut

    @classmethod
    def from_domain(cls, view: NoticeView) -> NoticeOut:
        n = view.notice
        return cls(
            id=n.id,
            operation_version=n.operation_version,
            at=n.at,
            reason=n.reason,
            operation=OperationSeenOut.from_domain(view.operation),
        )
