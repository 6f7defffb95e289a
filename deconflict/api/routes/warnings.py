"""Warnings: /v1/warnings — raise, list (raised or received), read, acknowledge."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.responses import Response

from deconflict.api.idempotency import Render, answer
from deconflict.api.pagination import cut
from deconflict.api.routes.deps import Caller, Deps, Paging, Post
from deconflict.api.schemas.common import Page, json_response, problem_responses
from deconflict.api.schemas.warnings import (
    RaisedWarningOut,
    ReceivedWarningOut,
    WarningIn,
    warning_out,
)
from deconflict.domain.ids import WarningId
from deconflict.domain.warning import HazardWarning
from deconflict.service import views, warnings
from deconflict.service.context import Principal
from deconflict.store.interface import Transaction

Scope = Literal["raised", "received"]


def router(deps: Deps) -> APIRouter:
    svc = deps.service
    api = APIRouter(prefix="/v1/warnings", tags=["warnings"])

    def render_as(by: Principal, status: int) -> Render[HazardWarning]:
        def render(tx: Transaction, warning: HazardWarning) -> tuple[int, str]:
            return status, warning_out(views.warning_seen(svc, tx, by, warning)).model_dump_json()

        return render

    @api.post(
        "", status_code=201, response_model=RaisedWarningOut, responses=problem_responses(403)
    )
    def raise_warning(body: WarningIn, by: Caller, post: Post) -> Response:
        """Raise an urgent warning: every party with a zone or operation inside is alerted."""
        volume = body.volume_to_domain(deps.model)
        return answer(
            svc,
            by,
            post,
            lambda: warnings.raise_hazard(svc, by, volume, body.severity, body.message),
            render_as(by, 201),
        )

    @api.get(
        "",
        response_model=Page[RaisedWarningOut] | Page[ReceivedWarningOut],
        responses=problem_responses(),
    )
    def list_warnings(
        by: Caller,
        page: Paging,
        scope: Annotated[
            Scope, Query(description="Warnings raised by, or alerting, your party.")
        ] = "received",
    ) -> Response:
        if scope == "raised":
            raised = views.warnings_raised(svc, by, after=page.after, limit=page.fetch)
            items, cursor = cut(raised, page, lambda v: v.warning.id)
            out = [RaisedWarningOut.from_domain(v) for v in items]
            return json_response(Page[RaisedWarningOut](items=out, next_cursor=cursor))
        received = views.warnings_received(svc, by, after=page.after, limit=page.fetch)
        seen, cursor = cut(received, page, lambda w: w.warning_id)
        alerted = [ReceivedWarningOut.from_domain(w) for w in seen]
        return json_response(Page[ReceivedWarningOut](items=alerted, next_cursor=cursor))

    @api.get(
        "/{warning_id}",
        response_model=RaisedWarningOut | ReceivedWarningOut,
        responses=problem_responses(404),
    )
    def read_warning(warning_id: str, by: Caller) -> Response:
        """The raiser sees the alerts as it may; an alerted party sees the warning."""
        return json_response(warning_out(views.warning_view(svc, by, WarningId(warning_id))))

    @api.post(
        "/{warning_id}/acknowledge",
        response_model=ReceivedWarningOut,
        responses=problem_responses(403, 404),
    )
    def acknowledge(warning_id: str, by: Caller, post: Post) -> Response:
        """Acknowledge a warning that alerted your party; repeats change nothing."""
        return answer(
            svc,
            by,
            post,
            lambda: warnings.acknowledge_hazard(svc, by, WarningId(warning_id)),
            render_as(by, 200),
        )

    return api
