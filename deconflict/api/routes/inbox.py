"""The inbox: /v1/consultations (and responses to them) and /v1/notices."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from deconflict.api.idempotency import answer
from deconflict.api.pagination import cut
from deconflict.api.routes.deps import Caller, Deps, Paging, Post
from deconflict.api.schemas.common import Page, json_response, problem_responses
from deconflict.api.schemas.consultations import ConsultationOut, NoticeOut, ResponseIn
from deconflict.domain.consultation import Consultation
from deconflict.domain.ids import ConsultationId
from deconflict.service import responses, views
from deconflict.store.interface import Transaction


def router(deps: Deps) -> APIRouter:
    svc = deps.service
    api = APIRouter(prefix="/v1", tags=["inbox"])

    @api.get("/consultations", response_model=Page[ConsultationOut], responses=problem_responses())
    def inbox(by: Caller, page: Paging) -> Response:
        """Consultations addressed to the caller's party: status now, deadline, and the
        operation as far as it may be seen."""
        found = views.inbox(svc, by, after=page.after, limit=page.fetch)
        items, cursor = cut(found, page, lambda v: v.consultation.id)
        out = [ConsultationOut.from_domain(v) for v in items]
        return json_response(Page[ConsultationOut](items=out, next_cursor=cursor))

    @api.get(
        "/consultations/{consultation_id}",
        response_model=ConsultationOut,
        responses=problem_responses(404),
    )
    def read_consultation(consultation_id: str, by: Caller) -> Response:
        view = views.consultation_for_party(svc, by, ConsultationId(consultation_id))
        return json_response(ConsultationOut.from_domain(view))

    @api.post(
        "/consultations/{consultation_id}/responses",
        status_code=201,
        response_model=ConsultationOut,
        responses=problem_responses(403, 404, 409),
    )
    def respond(consultation_id: str, body: ResponseIn, by: Caller, post: Post) -> Response:
        """Acknowledge, object (with a reason, optionally a suggested change) or comment."""
        volume = body.volume(deps.model)

        def render(tx: Transaction, answered: Consultation) -> tuple[int, str]:
            view = views.consultation_view(svc, tx, by, answered)
            return 201, ConsultationOut.from_domain(view).model_dump_json()

        return answer(
            svc,
            by,
            post,
            lambda: responses.respond_to_consultation(
                svc,
                by,
                ConsultationId(consultation_id),
                body.kind,
                text=body.text,
                suggested_change=body.suggested_change,
                suggested_volume=volume,
            ),
            render,
        )

    @api.get("/notices", response_model=Page[NoticeOut], responses=problem_responses())
    def notices(by: Caller, page: Paging) -> Response:
        """Operations the caller's party was told of (no answer needed)."""
        found = views.notices(svc, by, after=page.after, limit=page.fetch)
        items, cursor = cut(found, page, lambda v: v.notice.id)
        out = [NoticeOut.from_domain(v) for v in items]
        return json_response(Page[NoticeOut](items=out, next_cursor=cursor))

    return api
