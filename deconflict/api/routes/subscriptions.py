"""Subscriptions: /v1/subscriptions — areas of interest and event routing; add, list, remove."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from deconflict.api.idempotency import answer
from deconflict.api.pagination import cut
from deconflict.api.routes.deps import Caller, Deps, Paging, Post
from deconflict.api.schemas.common import Page, json_response, problem_responses
from deconflict.api.schemas.delivery import SubscriptionIn, SubscriptionOut
from deconflict.domain.subscription import Subscription
from deconflict.service import subscriptions
from deconflict.store.interface import Transaction


def router(deps: Deps) -> APIRouter:
    svc = deps.service
    api = APIRouter(prefix="/v1/subscriptions", tags=["delivery"])

    def render(_: Transaction, subscription: Subscription) -> tuple[int, str]:
        return 201, SubscriptionOut.from_domain(subscription).model_dump_json()

    @api.post(
        "", status_code=201, response_model=SubscriptionOut, responses=problem_responses(403, 409)
    )
    def subscribe(body: SubscriptionIn, by: Caller, post: Post) -> Response:
        """Add areas and times of interest, and route event types to channels."""
        volumes = body.volumes_to_domain(deps.model)
        return answer(
            svc,
            by,
            post,
            lambda: subscriptions.subscribe(
                svc, by, body.name, volumes, body.event_types, body.channels
            ),
            render,
        )

    @api.get("", response_model=Page[SubscriptionOut], responses=problem_responses())
    def list_subscriptions(by: Caller, page: Paging) -> Response:
        found = subscriptions.own_subscriptions(svc, by, after=page.after, limit=page.fetch)
        items, cursor = cut(found, page, lambda s: s.id)
        out = [SubscriptionOut.from_domain(s) for s in items]
        return json_response(Page[SubscriptionOut](items=out, next_cursor=cursor))

    @api.get("/{subscription_id}", response_model=SubscriptionOut, responses=problem_responses(404))
    def read_subscription(subscription_id: str, by: Caller) -> Response:
        found = subscriptions.own_subscription(svc, by, subscription_id)
        return json_response(SubscriptionOut.from_domain(found))

    @api.delete("/{subscription_id}", status_code=204, responses=problem_responses(403, 404))
    def unsubscribe(subscription_id: str, by: Caller) -> Response:
        subscriptions.unsubscribe(svc, by, subscription_id)
        return Response(status_code=204)

    return api
