"""Zones: what a party protects, in versions; the ETag of a zone is its version number."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from deconflict import errors
from deconflict.api.schemas.bounds import chars, items
from deconflict.api.schemas.common import Instant, Model
from deconflict.api.schemas.volumes import BufferModel, Volume, volumes_to_domain
from deconflict.domain.zone import MAX_NAME_CHARS, MAX_VOLUMES, Validity, Zone
from deconflict.geometry import Buffer, VerticalModel, Volume4D

#: The volumes of a zone or an operation.
Volumes = Annotated[list[Volume], items(1, MAX_VOLUMES)]
Name = Annotated[str, chars(1, MAX_NAME_CHARS)]


class ZoneRevisionIn(Model):
    name: Name | None = Field(default=None, description="A new name; omitted keeps the old one.")
    volumes: Volumes
    buffer: BufferModel = Field(default_factory=BufferModel)

    def to_domain(self, model: VerticalModel) -> tuple[tuple[Volume4D, ...], Buffer]:
        return checked_volumes(self.volumes, model), self.buffer.to_domain()


class ZoneIn(ZoneRevisionIn):
    name: Name
    validity: Validity = Validity.TIME_LIMITED


def checked_volumes(volumes: list[Volume], model: VerticalModel) -> tuple[Volume4D, ...]:
    # Counted before any parsing, so a flood of volumes costs nothing to refuse.
    if len(volumes) > MAX_VOLUMES:
        raise errors.InvalidInput(f"at most {MAX_VOLUMES} volumes are allowed", "/volumes")
    return volumes_to_domain(volumes, model)


class ZoneOut(Model):
    id: str
    version: int = Field(description="Also the ETag: send it in If-Match to revise.")
    name: str
    volumes: list[Volume]
    buffer: BufferModel
    validity: Validity
    revised_at: Instant
    retired_at: Instant | None

    @classmethod
    def from_domain(cls, zone: Zone) -> ZoneOut:
        return cls(
            id=zone.id,
            version=zone.version,
            name=zone.name,
            volumes=[Volume.from_domain(v) for v in zone.volumes],
            buffer=BufferModel.from_domain(zone.buffer),
            validity=zone.validity,
            revised_at=zone.revised_at,
            retired_at=zone.retired_at,
        )
