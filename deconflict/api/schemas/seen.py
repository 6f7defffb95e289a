"""What a party may see of another party's operation: overlaps, and identity per agreement."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from deconflict.api.schemas.common import Model
from deconflict.api.schemas.volumes import RegionModel
from deconflict.domain.visibility import OperationSeen


class OperationSeenOut(Model):
    """Another party's operation, as far as a consultation or notice reveals it."""

    view: Literal["involved"] = "involved"
    operation_id: str | None
    planner: str | None = Field(description="The planner's name, or its pseudonym for you.")
    planner_is_pseudonym: bool | None
    purpose: str | None = Field(description="Only if the planner chose to share it.")
    regions: list[RegionModel]

    @classmethod
    def from_domain(cls, seen: OperationSeen) -> OperationSeenOut:
        planner = seen.planner
        return cls(
            operation_id=seen.operation_id,
            planner=None if planner is None else planner.label,
            planner_is_pseudonym=None if planner is None else planner.is_pseudonym,
            purpose=seen.purpose,
            regions=[RegionModel.from_domain(r) for r in seen.regions],
        )
