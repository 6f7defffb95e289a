"""Webhooks: /v1/webhooks — register, list, remove; see deliveries and replay dead ones."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from deconflict.api.idempotency import answer
from deconflict.api.pagination import cut
from deconflict.api.routes.deps import Caller, Deps, Paging, Post
from deconflict.api.schemas.common import Page, json_response, problem_responses
from deconflict.api.schemas.delivery import (
    DeliveryOut,
    RegisteredWebhookOut,
    WebhookIn,
    WebhookOut,
)
from deconflict.domain.webhook import Delivery, DeliveryState, Webhook
from deconflict.service import webhooks
from deconflict.service.webhooks import WebhookPolicy
from deconflict.store.interface import Transaction


def router(deps: Deps) -> APIRouter:
    svc = deps.service
    policy = WebhookPolicy(allow_loopback=deps.settings.webhook_allow_loopback)
    api = APIRouter(prefix="/v1/webhooks", tags=["delivery"])

    def render_registered(_: Transaction, webhook: Webhook) -> tuple[int, str]:
        return 201, RegisteredWebhookOut.registered(webhook).model_dump_json()

    def render_replayed(_: Transaction, delivery: Delivery) -> tuple[int, str]:
        return 200, DeliveryOut.from_domain(delivery).model_dump_json()

    @api.post(
        "",
        status_code=201,
        response_model=RegisteredWebhookOut,
        responses=problem_responses(403, 409),
    )
    def register(body: WebhookIn, by: Caller, post: Post) -> Response:
        """Register an endpoint; the answer shows its signing secret, this once."""
        return answer(
            svc,
            by,
            post,
            lambda: webhooks.register(svc, by, body.url, body.purpose, body.description, policy),
            render_registered,
        )

    @api.get("", response_model=Page[WebhookOut], responses=problem_responses())
    def list_webhooks(by: Caller, page: Paging) -> Response:
        found = webhooks.own_webhooks(svc, by, after=page.after, limit=page.fetch)
        items, cursor = cut(found, page, lambda w: w.id)
        out = [WebhookOut.from_domain(w) for w in items]
        return json_response(Page[WebhookOut](items=out, next_cursor=cursor))

    @api.get("/{webhook_id}", response_model=WebhookOut, responses=problem_responses(404))
    def read_webhook(webhook_id: str, by: Caller) -> Response:
        return json_response(WebhookOut.from_domain(webhooks.own_webhook(svc, by, webhook_id)))

    @api.delete("/{webhook_id}", status_code=204, responses=problem_responses(403, 404))
    def remove(webhook_id: str, by: Caller) -> Response:
        """Remove the webhook and every delivery to it, pending or dead."""
        webhooks.remove(svc, by, webhook_id)
        return Response(status_code=204)

    @api.get(
        "/{webhook_id}/deliveries",
        response_model=Page[DeliveryOut],
        responses=problem_responses(404),
    )
    def list_deliveries(
        webhook_id: str,
        by: Caller,
        page: Paging,
        state: Annotated[
            list[DeliveryState] | None,
            Query(description="Only deliveries in these states (repeat the parameter)."),
        ] = None,
    ) -> Response:
        """Deliveries to the webhook; `state=dead` lists the dead-lettered ones."""
        states = state or list(DeliveryState)
        found = webhooks.deliveries(svc, by, webhook_id, states, after=page.after, limit=page.fetch)
        items, cursor = cut(found, page, lambda d: d.id)
        out = [DeliveryOut.from_domain(d) for d in items]
        return json_response(Page[DeliveryOut](items=out, next_cursor=cursor))

    @api.post(
        "/{webhook_id}/deliveries/{delivery_id}/replay",
        response_model=DeliveryOut,
        responses=problem_responses(403, 404, 409),
    )
    def replay(webhook_id: str, delivery_id: str, by: Caller, post: Post) -> Response:
        """Try a dead-lettered delivery again, from its first attempt."""
        return answer(
            svc,
            by,
            post,
            lambda: webhooks.replay(svc, by, webhook_id, delivery_id),
            render_replayed,
        )

    return api
