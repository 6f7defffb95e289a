"""The caller, its members and its agreements: /v1/me, /v1/members, /v1/agreements."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from deconflict import errors
from deconflict.api.idempotency import answer
from deconflict.api.routes.deps import Caller, Deps, Post
from deconflict.api.schemas.common import Page, json_response, problem_responses
from deconflict.api.schemas.parties import (
    AgreementOut,
    MemberCreatedOut,
    MemberIn,
    MemberOut,
    MeOut,
)
from deconflict.domain.ids import MemberId
from deconflict.domain.party import Member
from deconflict.service import parties, views
from deconflict.store.interface import Transaction


def router(deps: Deps) -> APIRouter:
    svc = deps.service
    api = APIRouter(prefix="/v1", tags=["parties"])

    @api.get("/me", response_model=MeOut, responses=problem_responses())
    def me(by: Caller) -> Response:
        """The caller: its party (and whether it is an airspace authority) and its member."""
        return json_response(MeOut.from_domain(by))

    @api.post(
        "/members",
        status_code=201,
        response_model=MemberCreatedOut,
        responses=problem_responses(403),
    )
    def create_member(body: MemberIn, by: Caller, post: Post) -> Response:
        """Add a member to the caller's party (admins only); its API key is shown once.

        No Idempotency-Key here: replaying the answer would mean keeping the key.
        """
        if post.key is not None:
            raise errors.IdempotencyNotSupported(
                "POST /v1/members takes no Idempotency-Key: the new API key is shown once and "
                "never stored; if the answer was lost, create another member and revoke this one"
            )

        def render(_: Transaction, made: tuple[Member, str]) -> tuple[int, str]:
            member, key = made
            out = MemberCreatedOut(member=MemberOut.from_domain(member), api_key=key)
            return 201, out.model_dump_json()

        return answer(
            svc,
            by,
            post,
            lambda: parties.create_member(svc, by.party_id, body.name, body.role, by=by),
            render,
        )

    @api.delete(
        "/members/{member_id}/key", response_model=MemberOut, responses=problem_responses(403, 404)
    )
    def revoke_key(member_id: str, by: Caller) -> Response:
        """Revoke a member's API key at once (admins only)."""
        member = parties.revoke_key(svc, MemberId(member_id), by=by)
        return json_response(MemberOut.from_domain(member))

    @api.get("/agreements", response_model=Page[AgreementOut], responses=problem_responses())
    def agreements(by: Caller) -> Response:
        """The caller's party's agreements; the other party named only if disclosed."""
        items = [AgreementOut.from_domain(a) for a in views.agreements_seen(svc, by)]
        return json_response(Page[AgreementOut](items=items, next_cursor=None))

    return api
