"""The coordination report as the API answers it; docs/api.md defines every figure."""

from __future__ import annotations

from pydantic import Field

from deconflict.api.schemas.common import Instant, Model
from deconflict.domain.report import (
    AlertFigures,
    ConsultationFigures,
    CoordinationReport,
    Durations,
    OperationFigures,
    WarningFigures,
)


class DurationsOut(Model):
    """Median and 90th percentile by nearest rank (always one of the samples); null when
    there are no samples."""

    median_s: float | None
    p90_s: float | None

    @classmethod
    def from_domain(cls, durations: Durations) -> DurationsOut:
        return cls(median_s=durations.median_s, p90_s=durations.p90_s)


class OperationFiguresOut(Model):
    """The party's own operations, each counted once per figure whose event fell in the period."""

    submitted: int = Field(description="Moved to submitted: first submitted, or revised.")
    conflicted: int = Field(description="Another party was consulted or notified about it.")
    objected: int = Field(description="Moved to objected, by an objection or blocking silence.")
    revised_after_objection: int = Field(description="Revised while it stood objected.")
    cleared_over_objection: int = Field(description="Cleared over a standing objection.")

    @classmethod
    def from_domain(cls, figures: OperationFigures) -> OperationFiguresOut:
        return cls(
            submitted=figures.submitted,
            conflicted=figures.conflicted,
            objected=figures.objected,
            revised_after_objection=figures.revised_after_objection,
            cleared_over_objection=figures.cleared_over_objection,
        )


class ConsultationFiguresOut(Model):
    """Consultations the party was asked, opened in the period, as they stood at its end."""

    asked: int
    answered: int = Field(description="Acknowledged or objected to (comments do not answer).")
    closed_unanswered: int = Field(description="Closed unanswered before the deadline.")
    expired: int = Field(description="Unanswered when the deadline passed.")
    pending: int = Field(description="Unanswered and still open at the end.")
    time_to_answer: DurationsOut = Field(description="From opening to the first answer.")

    @classmethod
    def from_domain(cls, figures: ConsultationFigures) -> ConsultationFiguresOut:
        return cls(
            asked=figures.asked,
            answered=figures.answered,
            closed_unanswered=figures.closed_unanswered,
            expired=figures.expired,
            pending=figures.pending,
            time_to_answer=DurationsOut.from_domain(figures.time_to_answer),
        )


class AlertFiguresOut(Model):
    """Alerts of other parties' warnings first sent to the party in the period."""

    received: int
    acknowledged: int
    unacknowledged: int
    escalated: int = Field(description="Re-sent as escalated before the end.")
    time_to_acknowledge: DurationsOut = Field(description="From first send to acknowledgement.")

    @classmethod
    def from_domain(cls, figures: AlertFigures) -> AlertFiguresOut:
        return cls(
            received=figures.received,
            acknowledged=figures.acknowledged,
            unacknowledged=figures.unacknowledged,
            escalated=figures.escalated,
            time_to_acknowledge=DurationsOut.from_domain(figures.time_to_acknowledge),
        )


class WarningFiguresOut(Model):
    """Warnings the party raised in the period, and the alerts they sent that it may see."""

    raised: int
    alerts_sent: int = Field(
        description="One per party alerted that acknowledged or whose agreement names it."
    )
    alerts_acknowledged: int
    alerts_unacknowledged: int
    time_to_acknowledge: DurationsOut = Field(
        description="From each alert's first send to its acknowledgement."
    )

    @classmethod
    def from_domain(cls, figures: WarningFigures) -> WarningFiguresOut:
        return cls(
            raised=figures.raised,
            alerts_sent=figures.alerts_sent,
            alerts_acknowledged=figures.alerts_acknowledged,
            alerts_unacknowledged=figures.alerts_unacknowledged,
            time_to_acknowledge=DurationsOut.from_domain(figures.time_to_acknowledge),
        )


class CoordinationReportOut(Model):
    """The caller's party's part in the coordination loop over `[start, end)`."""

    start: Instant
    end: Instant
    operations: OperationFiguresOut
    consultations: ConsultationFiguresOut
    alerts: AlertFiguresOut
    warnings: WarningFiguresOut

    @classmethod
    def from_domain(cls, report: CoordinationReport) -> CoordinationReportOut:
        return cls(
            start=report.start,
            end=report.end,
            operations=OperationFiguresOut.from_domain(report.operations),
            consultations=ConsultationFiguresOut.from_domain(report.consultations),
            alerts=AlertFiguresOut.from_domain(report.alerts),
            warnings=WarningFiguresOut.from_domain(report.warnings),
        )
