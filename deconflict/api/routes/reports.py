"""Reports on the caller's own party: /v1/reports/coordination."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from deconflict.api.routes.deps import Caller, Deps
from deconflict.api.schemas.common import json_response, problem_responses
from deconflict.api.schemas.reports import CoordinationReportOut
from deconflict.geometry.parse import parse_instant
from deconflict.service import reports

_INSTANT = {"format": "date-time"}


def router(deps: Deps) -> APIRouter:
    svc = deps.service
    api = APIRouter(prefix="/v1/reports", tags=["reports"])

    @api.get("/coordination", response_model=CoordinationReportOut, responses=problem_responses())
    def coordination(
        by: Caller,
        start: Annotated[
            str | None,
            Query(
                alias="from",
                description="Start of the period, RFC 3339 (default: 30 days before `to`).",
                json_schema_extra=_INSTANT,
            ),
        ] = None,
        end: Annotated[
            str | None,
            Query(
                alias="to",
                description="End of the period, excluded; RFC 3339 (default: now). "
                f"At most {reports.MAX_PERIOD.days} days after `from`.",
                json_schema_extra=_INSTANT,
            ),
        ] = None,
    ) -> Response:
        """The caller's party's part in the coordination loop over `[from, to)`, folded from
        its own audit record: operations, consultations it was asked, alerts it received and
        warnings it raised. docs/api.md defines each figure."""
        report = reports.coordination_report(
            svc,
            by,
            None if start is None else parse_instant(start, reports.FROM_POINTER),
            None if end is None else parse_instant(end, reports.TO_POINTER),
        )
        return json_response(CoordinationReportOut.from_domain(report))

    return api
