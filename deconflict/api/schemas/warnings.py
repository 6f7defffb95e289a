"""Warnings: raise one over a hazard volume; the raiser's view and the alerted party's view."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from deconflict.api.schemas.bounds import chars
from deconflict.api.schemas.common import Instant, Model
from deconflict.api.schemas.volumes import Volume
from deconflict.domain.visibility import WarningSeen
from deconflict.domain.warning import MAX_MESSAGE_CHARS, Severity
from deconflict.geometry import VerticalModel, Volume4D
from deconflict.service.views import RaisedWarningView


class WarningIn(Model):
    volume: Volume
    severity: Severity
    message: Annotated[str, chars(1, MAX_MESSAGE_CHARS)] = Field(
        description="What the hazard is and what to do."
    )

    def volume_to_domain(self, model: VerticalModel) -> Volume4D:
        return self.volume.to_domain("/volume", model)


class AlertOut(Model):
    party: str = Field(description="The alerted party's name, or its pseudonym for you.")
    party_is_pseudonym: bool
    acknowledged_at: Instant | None


class RaisedWarningOut(Model):
    """A warning the caller's party raised; alerts only as far as agreements show them."""

    view: Literal["raiser"] = "raiser"
    id: str
    severity: Severity
    message: str
    volume: Volume
    raised_at: Instant
    alerts: list[AlertOut]

    @classmethod
    def from_domain(cls, view: RaisedWarningView) -> RaisedWarningOut:
        w = view.warning
        return cls(
            id=w.id,
            severity=w.severity,
            message=w.message,
            volume=Volume.from_domain(w.volume),
            raised_at=w.raised_at,
            alerts=[
                AlertOut(
                    party=a.party.label,
                    party_is_pseudonym=a.party.is_pseudonym,
                    acknowledged_at=a.acknowledged_at,
                )
                for a in view.alerts
            ],
        )


class ReceivedWarningOut(Model):
    """A warning that alerted the caller's party: it must acknowledge."""

    view: Literal["alerted"] = "alerted"
    id: str
    raiser: str = Field(description="The raiser's name, or its pseudonym for you.")
    raiser_is_pseudonym: bool
    severity: Severity
    message: str
    volume: Volume
    acknowledged_at: Instant | None
    raised_at: Instant
    sends: int = Field(
        description="How often it was sent to your party; re-sent until acknowledged."
    )

    @classmethod
    def from_domain(cls, seen: WarningSeen) -> ReceivedWarningOut:
        return cls(
            id=seen.warning_id,
            raiser=seen.raiser.label,
            raiser_is_pseudonym=seen.raiser.is_pseudonym,
            severity=seen.severity,
            message=seen.message,
            volume=Volume.from_domain(seen.volume),
            acknowledged_at=seen.acknowledged_at,
            raised_at=seen.raised_at,
            sends=seen.sends,
        )


def warning_out(view: RaisedWarningView | WarningSeen) -> RaisedWarningOut | ReceivedWarningOut:
    if isinstance(view, RaisedWarningView):
        return RaisedWarningOut.from_domain(view)
    return ReceivedWarningOut.from_domain(view)
