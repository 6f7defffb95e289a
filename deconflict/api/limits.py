"""What a request body may be, checked before any handler reads it: size, media type, I-JSON.

The body is read here, counting as it comes (a chunked body declares no length), and
handed on whole; a body over the limit is refused with 413 as soon as the count passes it.
A JSON body that parses but is not I-JSON (`deconflict.api.ijson`) is refused here, once
for every route, so that no handler or store ever sees a repeated name or a lone surrogate.
"""

from __future__ import annotations

from email.message import Message as MimeMessage
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from deconflict.api.ijson import first_violation
from deconflict.api.problems import http_problem, problem_bytes


class BodyPolicy:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._refuse(send, "payload-too-large", self._too_large())
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await self._refuse(send, "payload-too-large", self._too_large())
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body and not is_json(headers.get("content-type", "")):
            detail = "a request body must be JSON: send Content-Type: application/json"
            await self._refuse(send, "unsupported-media-type", detail)
            return
        violation = first_violation(body) if body else None
        if violation is not None:
            detail = f"the request body is not I-JSON (RFC 7493): {violation.detail}"
            problem = http_problem("malformed-json", f"{violation.pointer}: {detail}")
            problem["errors"] = [{"pointer": violation.pointer, "detail": detail}]
            await self._send(send, problem)
            return
        await self.app(scope, _replay(body, receive), send)

    def _too_large(self) -> str:
        return f"the request body may have at most {self.max_body_bytes} bytes"

    @staticmethod
    async def _refuse(send: Send, code: str, detail: str) -> None:
        # The rest of an oversized body is not read, so the connection cannot carry
        # another request.
        await BodyPolicy._send(send, http_problem(code, detail), close=True)

    @staticmethod
    async def _send(send: Send, problem: dict[str, Any], *, close: bool = False) -> None:
        body = problem_bytes(problem)
        headers = [
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(body)).encode()),
        ]
        if close:
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": problem["status"], "headers": headers})
        await send({"type": "http.response.body", "body": body})


def is_json(content_type: str) -> bool:
    if not content_type:
        return False
    mime = MimeMessage()
    mime["content-type"] = content_type
    subtype = mime.get_content_subtype()
    return mime.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
