"""Operations: the planner's full view of its own, and what an involved party may see."""

from __future__ import annotations

from itertools import zip_longest
from typing import Annotated, Literal

from pydantic import Field

from deconflict.api.schemas.bounds import chars, shown
from deconflict.api.schemas.common import Flag, Instant, Integer, Model
from deconflict.api.schemas.consultations import ResponseOut
from deconflict.api.schemas.volumes import RegionModel, Volume
from deconflict.api.schemas.zones import Volumes, checked_volumes
from deconflict.domain.agreement import Silence
from deconflict.domain.conflict import TargetKind
from deconflict.domain.consultation import Consultation, Status
from deconflict.domain.lifecycle import OperationAction, OperationState, actions_to_ask
from deconflict.domain.operation import (
    MAX_JUSTIFICATION_CHARS,
    MAX_PRIORITY,
    MAX_PURPOSE_CHARS,
    Operation,
    Plan,
)
from deconflict.domain.visibility import ConflictSeen, Identity
from deconflict.geometry import VerticalModel
from deconflict.service.views import OperationCounts, OwnOperationView


class OperationRevisionIn(Model):
    volumes: Volumes
    priority: Annotated[Integer, shown(minimum=0, maximum=MAX_PRIORITY)] = Field(
        default=0, description=f"0 (lowest) to {MAX_PRIORITY}."
    )
    purpose: Annotated[str, chars(0, MAX_PURPOSE_CHARS)] = ""
    share_purpose: Flag = Field(
        default=False, description="Show the purpose to consulted and notified parties."
    )

    def to_domain(self, model: VerticalModel) -> Plan:
        return Plan(
            checked_volumes(self.volumes, model), self.priority, self.purpose, self.share_purpose
        )


class OperationIn(OperationRevisionIn):
    draft: Flag = Field(default=False, description="Keep as a draft: not checked, nobody told.")


class JustificationIn(Model):
    justification: Annotated[str, chars(1, MAX_JUSTIFICATION_CHARS)] = Field(
        description="Why clearing over the objection is right; sent to the objectors."
    )


class ConflictOut(Model):
    kind: TargetKind
    target_id: str | None = Field(description="Only when the target is your own.")
    regions: list[RegionModel]

    @classmethod
    def from_domain(cls, seen: ConflictSeen) -> ConflictOut:
        regions = [RegionModel.from_domain(r) for r in seen.regions]
        return cls(kind=seen.kind, target_id=seen.target_id, regions=regions)


class PlannerConsultationOut(Model):
    """A consultation of the current version, as its planner sees it."""

    party: str | None = Field(description="Who was asked: its name, or its pseudonym for you.")
    party_is_pseudonym: bool | None
    status: Status
    opened_at: Instant
    deadline: Instant
    silence: Silence
    responses: list[ResponseOut]

    @classmethod
    def from_domain(
        cls, c: Consultation, view: OwnOperationView, asked: Identity | None
    ) -> PlannerConsultationOut:
        return cls(
            party=None if asked is None else asked.label,
            party_is_pseudonym=None if asked is None else asked.is_pseudonym,
            status=c.status(view.now),
            opened_at=c.opened_at,
            deadline=c.deadline,
            silence=c.silence,
            responses=[ResponseOut.from_domain(r) for r in c.responses],
        )


class OverrideOut(Model):
    justification: str
    by: str = Field(description="The member who cleared over the objection.")
    at: Instant
    ovn: str


class OperationSummary(Model):
    id: str
    state: OperationState
    version: int
    ovn: str = Field(description="Also the ETag: send it in If-Match to revise.")
    priority: int
    purpose: str
    share_purpose: bool
    volumes: list[Volume]
    version_created_at: Instant
    allowed_actions: list[OperationAction]

    @classmethod
    def fields_of(cls, op: Operation) -> dict[str, object]:
        plan = op.version.plan
        return {
            "id": op.id,
            "state": op.state,
            "version": op.version.number,
            "ovn": op.ovn,
            "priority": plan.priority,
            "purpose": plan.purpose,
            "share_purpose": plan.share_purpose,
            "volumes": [Volume.from_domain(v) for v in plan.volumes],
            "version_created_at": op.version.created_at,
            "allowed_actions": list(actions_to_ask(op.state)),
        }

    @classmethod
    def from_domain(cls, op: Operation) -> OperationSummary:
        return cls.model_validate(cls.fields_of(op))


class OperationOut(OperationSummary):
    """The planner's view of its own operation."""

    view: Literal["planner"] = "planner"
    override: OverrideOut | None
    conflicts: list[ConflictOut]
    consultations: list[PlannerConsultationOut]
    notified: int = Field(description="How many parties were told of this version.")

    @classmethod
    def from_view(cls, view: OwnOperationView) -> OperationOut:
        op = view.operation
        override = None
        if op.override is not None:
            o = op.override
            override = OverrideOut(justification=o.justification, by=o.by, at=o.at, ovn=o.ovn)
        return cls.model_validate(
            {
                **cls.fields_of(op),
                "override": override,
                "conflicts": [ConflictOut.from_domain(c) for c in view.conflicts],
                "consultations": [
                    PlannerConsultationOut.from_domain(c, view, asked)
                    for c, asked in zip_longest(view.consultations, view.consulted)
                    if c is not None
                ],
                "notified": view.notified,
            }
        )


class OperationReceipt(OperationSummary):
    """The answer to a submission or revision sent with `Prefer: return=minimal`: the
    operation and how much its version met, without regions or names (GET has those)."""

    view: Literal["receipt"] = "receipt"
    conflicts: int = Field(description="Conflicts of this version, with others' data and your own.")
    consulted: int = Field(description="Parties asked about this version.")
    notified: int = Field(description="Parties told of this version.")

    @classmethod
    def from_counts(cls, counts: OperationCounts) -> OperationReceipt:
        return cls.model_validate(
            {
                **cls.fields_of(counts.operation),
                "conflicts": counts.conflicts,
                "consulted": counts.consulted,
                "notified": counts.notified,
            }
        )
