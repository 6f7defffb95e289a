"""What a party may see of another party's operation: overlaps, and identity per agreement."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from deconflict.api.schemas.common import Model
from deconflict.api.schemas.volumes import RegionModel
from deconflict.domain.disclosure import operation_shown
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
        # One spelling of the view, so that the digest its party was told of is of this.
        return cls.model_validate(operation_shown(seen))
