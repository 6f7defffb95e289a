"""What every router is built from, and the dependencies its handlers share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, Query, Request
from starlette.exceptions import HTTPException

from deconflict import errors
from deconflict.api.auth import Credentials
from deconflict.api.idempotency import PostRequest, post_request
from deconflict.api.pagination import DEFAULT_PAGE_SIZE, PageRequest, decode_cursor
from deconflict.api.settings import Settings
from deconflict.geometry import VerticalModel
from deconflict.service import parties
from deconflict.service.context import Principal, Service


@dataclass(frozen=True, slots=True)
class Deps:
    service: Service
    settings: Settings

    @property
    def model(self) -> VerticalModel:
        return self.service.model


def deps_of(request: Request) -> Deps:
    return cast(Deps, request.app.state.deps)


def _caller(request: Request, credentials: Credentials) -> Principal:
    key = None if credentials is None else credentials.credentials
    return parties.authenticate(deps_of(request).service, key)


# Async because it does no I/O: FastAPI hands a plain `def` dependency to a worker thread,
# and with one request thread a process (`--threads 1`) a list would queue for that thread
# once more, for this check alone, besides the hops for its key and its handler.
async def _page(
    request: Request,
    limit: Annotated[
        int, Query(ge=1, description="Items per page, at most max_page_size (500 by default).")
    ] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page.")] = None,
) -> PageRequest:
    most = deps_of(request).settings.max_page_size
    if limit > most:
        raise errors.MalformedValue(f"limit may be at most {most}", "/query/limit")
    return PageRequest(None if cursor is None else decode_cursor(cursor), limit)


Caller = Annotated[Principal, Depends(_caller)]
Paging = Annotated[PageRequest, Depends(_page)]
Post = Annotated[PostRequest, Depends(post_request)]


def entity_tag(if_match: str | None) -> str:
    """The one strong entity tag an If-Match names; 428 without one."""
    if if_match is None:
        raise HTTPException(
            428, 'name the version you change: send If-Match: "<etag>" from your last read'
        )
    tag = if_match.strip()
    if len(tag) < 2 or not (tag.startswith('"') and tag.endswith('"')) or '"' in tag[1:-1]:
        raise errors.MalformedValue(
            'If-Match must be one entity tag in quotes, as the ETag gave it: "<etag>"',
            "/headers/If-Match",
        )
    return tag[1:-1]
