"""Operations: /v1/operations — submit, list, read, revise with If-Match, and move along."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Header
from starlette.responses import Response

from deconflict import errors
from deconflict.api.idempotency import answer
from deconflict.api.pagination import cut
from deconflict.api.routes.deps import Caller, Deps, Paging, Post, entity_tag
from deconflict.api.schemas.common import Page, etag, json_response, problem_responses
from deconflict.api.schemas.operations import (
    JustificationIn,
    OperationIn,
    OperationOut,
    OperationReceipt,
    OperationRevisionIn,
    OperationSummary,
)
from deconflict.api.schemas.seen import OperationSeenOut
from deconflict.domain.ids import OperationId, Ovn
from deconflict.domain.lifecycle import OperationAction
from deconflict.domain.operation import Operation
from deconflict.service import operations, views
from deconflict.service.context import Service
from deconflict.store.interface import Transaction

IfMatch = Annotated[
    str | None, Header(alias="If-Match", description='The ETag of the version you change: "<ovn>"')
]
Prefer = Annotated[
    str | None,
    Header(
        alias="Prefer",
        description=(
            "`return=minimal` (RFC 7240): answer with the operation and counts of what its "
            "version met, without regions, for planning systems that submit in bulk; "
            "`GET /v1/operations/{id}` has the rest. Other preferences are ignored."
        ),
    ),
]
_ACTIONS = (
    OperationAction.SUBMIT,
    OperationAction.WITHDRAW,
    OperationAction.CANCEL,
    OperationAction.ACTIVATE,
    OperationAction.COMPLETE,
)
_MOVES = problem_responses(403, 404, 409)


def _created(body: Mapping[str, Any]) -> dict[str, str]:
    return {**_moved(body), "Location": f"/v1/operations/{body['id']}"}


def _moved(body: Mapping[str, Any]) -> dict[str, str]:
    return {"ETag": etag(body["ovn"])}


def _render(
    svc: Service, status: int, *, minimal: bool = False
) -> Callable[[Transaction, Operation], tuple[int, str]]:
    def render(tx: Transaction, operation: Operation) -> tuple[int, str]:
        if minimal:
            counts = views.operation_counts(tx, operation)
            return status, OperationReceipt.from_counts(counts).model_dump_json()
        view = views.planner_view(svc, tx, operation)
        return status, OperationOut.from_view(view).model_dump_json()

    return render


def wants_minimal(prefer: str | None) -> bool:
    """Whether `Prefer` asks for `return=minimal`; preferences are comma-separated, each
    may carry parameters after `;`, names and values are case-insensitive (RFC 7240)."""
    if prefer is None:
        return False
    asked = (
        p.split(";", 1)[0].replace(" ", "").replace('"', "").lower() for p in prefer.split(",")
    )
    return "return=minimal" in asked


def _applied(
    headers_for: Callable[[Mapping[str, Any]], dict[str, str]],
) -> Callable[[Mapping[str, Any]], dict[str, str]]:
    def headers(body: Mapping[str, Any]) -> dict[str, str]:
        made = {**headers_for(body), "Vary": "Prefer"}
        if body.get("view") == "receipt":
            made["Preference-Applied"] = "return=minimal"
        return made

    return headers


def router(deps: Deps) -> APIRouter:
    svc = deps.service
    api = APIRouter(prefix="/v1/operations", tags=["operations"])

    @api.post(
        "",
        status_code=201,
        response_model=OperationOut | OperationReceipt,
        responses=problem_responses(403),
    )
    def submit(body: OperationIn, by: Caller, post: Post, prefer: Prefer = None) -> Response:
        """Submit an operation (or keep a draft): checked, consulted and notified at once.

        The answer is the planner's view (or, with `Prefer: return=minimal`, a receipt); its
        ETag is the OVN to name in If-Match.
        """
        plan = body.to_domain(deps.model)
        minimal = wants_minimal(prefer)
        return answer(
            svc,
            by,
            post,
            lambda: operations.submit_operation(svc, by, plan, draft=body.draft),
            _render(svc, 201, minimal=minimal),
            _applied(_created),
            # A receipt only counts, so it costs the writer's turn less than a read would
            # cost afterwards; the full view draws overlaps and stays out of the turn.
            render_in_write=minimal,
        )

    @api.get("", response_model=Page[OperationSummary], responses=problem_responses())
    def list_operations(by: Caller, page: Paging) -> Response:
        """The caller's party's operations. States awaiting answers are brought up to date
        when one operation is read."""
        found = views.own_operations(svc, by, after=page.after, limit=page.fetch)
        items, cursor = cut(found, page, lambda o: o.id)
        out = [OperationSummary.from_domain(o) for o in items]
        return json_response(Page[OperationSummary](items=out, next_cursor=cursor))

    @api.get(
        "/{operation_id}",
        response_model=OperationOut | OperationSeenOut,
        responses=problem_responses(404),
    )
    def read_operation(operation_id: str, by: Caller) -> Response:
        """Your own operation in full (`view: planner`), or another party's as far as a
        consultation or notice about it reveals (`view: involved`)."""
        oid = OperationId(operation_id)
        try:
            view = views.operation_for_planner(svc, by, oid)
        except errors.NotFound:
            seen = views.operation_for_involved(svc, by, oid)
            return json_response(OperationSeenOut.from_domain(seen))
        return json_response(
            OperationOut.from_view(view), headers={"ETag": etag(view.operation.ovn)}
        )

    @api.put(
        "/{operation_id}",
        response_model=OperationOut | OperationReceipt,
        responses=problem_responses(403, 404, 409, 412, 428),
    )
    def revise(
        operation_id: str,
        body: OperationRevisionIn,
        by: Caller,
        if_match: IfMatch = None,
        prefer: Prefer = None,
    ) -> Response:
        """A new version, checked and consulted afresh; If-Match must name the current OVN.
        With `Prefer: return=minimal` the answer is a receipt."""
        ovn = Ovn(entity_tag(if_match))
        plan = body.to_domain(deps.model)
        revised = operations.revise_operation(
            svc, by, OperationId(operation_id), ovn=ovn, plan=plan
        )
        render = _render(svc, 200, minimal=wants_minimal(prefer))
        status, text = svc.read(lambda tx: render(tx, revised))
        headers = _applied(_moved)(json.loads(text))
        return Response(text, status, headers=headers, media_type="application/json")

    def add_move(action: OperationAction) -> None:
        def move(operation_id: str, by: Caller, post: Post) -> Response:
            return answer(
                svc,
                by,
                post,
                lambda: operations.act_on_operation(svc, by, OperationId(operation_id), action),
                _render(svc, 200),
                _moved,
            )

        move.__doc__ = (
            f"Ask to {action} the operation; 409 with allowed_actions if its state forbids it."
        )
        api.post(
            f"/{{operation_id}}/{action}",
            response_model=OperationOut,
            responses=_MOVES,
            name=f"{action}_operation",
        )(move)

    for action in _ACTIONS:
        add_move(action)

    @api.post(
        "/{operation_id}/clear-over-objection",
        response_model=OperationOut,
        responses=problem_responses(403, 404, 409, 412, 428),
    )
    def clear_over_objection(
        operation_id: str,
        body: JustificationIn,
        by: Caller,
        post: Post,
        if_match: IfMatch = None,
    ) -> Response:
        """Clear despite standing objections, with a written justification sent to objectors.
        If-Match must name the version cleared; every consulted party must have answered
        or let its deadline pass (`answers-awaited` otherwise)."""
        ovn = Ovn(entity_tag(if_match))
        return answer(
            svc,
            by,
            post,
            lambda: operations.clear_operation_over_objection(
                svc, by, OperationId(operation_id), body.justification, ovn=ovn
            ),
            _render(svc, 200),
            _moved,
        )

    return api
