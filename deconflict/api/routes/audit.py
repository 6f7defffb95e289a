"""The audit log as the caller's party may read it: /v1/audit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from deconflict import errors
from deconflict.api.pagination import DEFAULT_PAGE_SIZE
from deconflict.api.routes.deps import Caller, Deps
from deconflict.api.schemas.audit import AuditEntryOut, AuditPage
from deconflict.api.schemas.common import json_response, problem_responses
from deconflict.service import views


def router(deps: Deps) -> APIRouter:
    svc = deps.service
    api = APIRouter(prefix="/v1", tags=["audit"])

    @api.get("/audit", response_model=AuditPage, responses=problem_responses())
    def audit(
        by: Caller,
        after: Annotated[int, Query(ge=-1, description="List entries after this seq.")] = -1,
        limit: Annotated[
            int, Query(ge=1, description="Entries per page, at most max_page_size.")
        ] = DEFAULT_PAGE_SIZE,
    ) -> Response:
        """Entries the caller's party acted in or was told of, in chain order."""
        most = deps.settings.max_page_size
        if limit > most:
            raise errors.MalformedValue(f"limit may be at most {most}", "/query/limit")
        found = views.audit_entries(svc, by, after_seq=after, limit=limit + 1)
        items = found[:limit]
        next_after = items[-1].party_seq if len(found) > limit else None
        out = [AuditEntryOut.from_domain(e) for e in items]
        return json_response(AuditPage(items=out, next_after=next_after))

    return api
