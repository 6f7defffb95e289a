"""The HTTP side of Idempotency-Key: claim the key around a POST, answer a retry as before.

The answer is rendered inside the write's own transaction (see
deconflict.service.idempotency), so a retry gets, byte for byte, the body that committed.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Header, Request
from starlette.responses import Response

from deconflict.service import idempotency
from deconflict.service.context import Principal, Service
from deconflict.store.interface import Transaction

R = TypeVar("R")
Render = Callable[[Transaction, R], tuple[int, str]]
HeadersFor = Callable[[Mapping[str, Any]], dict[str, str]]


@dataclass(frozen=True, slots=True)
class PostRequest:
    method: str
    path: str
    body: bytes
    key: str | None


async def post_request(
    request: Request,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="Makes a retry safe: the same key and body answer as the first time.",
        ),
    ] = None,
) -> PostRequest:
    # FastAPI has read and cached the body already; this only hands it on.
    return PostRequest(request.method, request.url.path, await request.body(), idempotency_key)


def no_headers(_: Mapping[str, Any]) -> dict[str, str]:
    return {}


def answer(
    svc: Service,
    by: Principal,
    post: PostRequest,
    work: Callable[[], R],
    render: Render[R],
    headers_for: HeadersFor = no_headers,
    *,
    render_in_write: bool = False,
) -> Response:
    """Run `work` (one use case) and answer with `render` of its result, once per key.

    With a key the answer is rendered inside the write, to be kept; without one it is
    rendered in a read after it, unless `render_in_write` (a render that only counts what
    the write made: see `idempotency.rendered_in_write`).
    """
    if post.key is None:
        rendered = None
        if render_in_write:
            with idempotency.rendered_in_write(by.member.id, render) as in_write:
                result = work()
            rendered = in_write.answer  # None when the use case wrote nothing
        else:
            result = work()
        status, text = rendered or svc.read(lambda tx: render(tx, result))
        return _response(status, text, headers_for, replayed=False)
    claim = idempotency.Claim(
        by.member.id,
        post.key,
        idempotency.request_sha256(post.method, post.path, post.body),
        render,
    )
    # A replay abandons the work; the stored answer is in the claim.
    with idempotency.claimed(claim), contextlib.suppress(idempotency.Replayed):
        work()
    if claim.answer is None:
        raise RuntimeError("the use case made no write, so nothing was kept for its key")
    status, text = claim.answer
    return _response(status, text, headers_for, replayed=claim.replayed)


def _response(status: int, text: str, headers_for: HeadersFor, *, replayed: bool) -> Response:
    headers = headers_for(json.loads(text))
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(text, status_code=status, headers=headers, media_type="application/json")
