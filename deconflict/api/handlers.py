"""Every failure becomes a problem answer: our errors, the framework's, and the unexpected."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from deconflict import errors
from deconflict.api.problems import (
    error_response,
    http_problem,
    problem_bytes,
    problem_response,
)

_log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad-request",
    404: "not-found",
    405: "method-not-allowed",
    413: "payload-too-large",
    415: "unsupported-media-type",
    428: "precondition-required",
}
_DETAILS = {404: "no such resource", 405: "this resource does not take this method"}
#: How many of pydantic's errors an answer lists. It reports every bad item, so a 1 MiB
#: body of malformed rings came back as a 19 MB answer; the first few say what is wrong.
MAX_LISTED_ERRORS = 20
#: Where each kind of request parameter is pointed to, beside the body's own fields.
_PARAMETER_ROOTS = {"query": "/query", "header": "/headers", "path": "/path", "cookie": "/cookies"}


def install(app: FastAPI) -> None:
    app.add_exception_handler(errors.DeconflictError, _on_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _on_validation)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _on_http)  # type: ignore[arg-type]


async def _on_error(_request: Request, error: errors.DeconflictError) -> Response:
    _let_go(error)
    return error_response(error)


async def _on_http(_request: Request, error: StarletteHTTPException) -> Response:
    _let_go(error)
    code = _HTTP_CODES.get(error.status_code)
    if code is None:
        _log.error("unmapped HTTP status %s: %s", error.status_code, error.detail)
        code = "internal-error" if error.status_code >= 500 else "bad-request"
    detail = _DETAILS.get(error.status_code, str(error.detail))
    headers = {k: v for k, v in (error.headers or {}).items() if k.lower() == "allow"}
    return problem_response(http_problem(code, detail), headers)


async def _on_validation(_request: Request, error: RequestValidationError) -> Response:
    _let_go(error)
    found = error.errors()
    if any(e.get("type") == "json_invalid" for e in found):
        return problem_response(http_problem("malformed-json", "the request body is not JSON"))
    shown = found[:MAX_LISTED_ERRORS]
    items = [{"pointer": pointer(e["loc"], error.body), "detail": str(e["msg"])} for e in shown]
    first = items[0] if items else {"pointer": "/", "detail": "invalid"}
    body = http_problem("malformed-value", f"{first['pointer']}: {first['detail']}")
    body["errors"] = items
    if len(found) > len(shown):
        body["errors_omitted"] = len(found) - len(shown)
    return problem_response(body)


def _let_go(error: BaseException) -> None:
    """Drop what an answered error holds beyond its own fields: its traceback and chain.

    FastAPI raises a body's JSON decoding error from a frame that keeps that error in a
    local variable, so the error, its traceback and the frame form a cycle that holds the
    whole body until the cycle collector runs, and server processes run it rarely
    (`deconflict.api.process.YOUNG_GENERATION_THRESHOLD`): 400 malformed 1 MB bodies grew
    a server by ~670 MB. Every handler here answers from the error's own fields.
    """
    error.__traceback__ = None
    error.__cause__ = None
    error.__context__ = None


def pointer(loc: Sequence[Any], body: object) -> str:
    """A JSON pointer from a pydantic `loc`, following the body actually sent.

    Segments that name no place in the body (a union's tag, say) are left out, except a
    last one inside an object: that is the name of a missing field. A last one under a
    value that is no object is a union's tag (`list[float]` of `list[float] | None`).
    """
    if not loc:
        return "/"
    root, *rest = loc
    if root != "body":
        prefix = _PARAMETER_ROOTS.get(str(root), f"/{root}")
        return prefix + "".join(f"/{_escape(str(s))}" for s in rest)
    parts: list[str] = []
    node: object = body
    for i, segment in enumerate(rest):
        last = i == len(rest) - 1
        if _holds(node, segment):
            node = node[segment]  # type: ignore[index]
        elif not last or not isinstance(node, Mapping):
            continue
        parts.append(_escape(str(segment)))
    return "/" + "/".join(parts) if parts else "/"


def _holds(node: object, segment: object) -> bool:
    if isinstance(node, Mapping):
        return segment in node
    return isinstance(node, list) and isinstance(segment, int) and 0 <= segment < len(node)


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


class CatchAll:
    """Turns any unexpected exception into a bare 500 problem: no internals leave the server."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            _log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            body = problem_bytes(http_problem("internal-error", "the server failed; try again"))
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"application/problem+json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
