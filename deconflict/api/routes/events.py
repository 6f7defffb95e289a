"""The event stream: /v1/events — the caller's party's events as Server-Sent Events.

Each event is `id: <n>`, `event: <type>`, `data: <JSON>`. A client that reconnects with
`Last-Event-ID: <n>` gets every event after n, none twice; without it the stream starts at
the next event (`Last-Event-ID: -1` replays the party's whole record). An n past the party's
last event is refused (409 `event-id-ahead`) rather than skipping the events that take its
ids. Comment lines keep idle connections open through proxies.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import APIRouter, Header, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from deconflict import errors
from deconflict.api.routes.deps import Caller, Deps
from deconflict.api.schemas.common import problem_responses
from deconflict.api.streams import StreamSlots
from deconflict.domain.event import Event
from deconflict.service import events
from deconflict.service.context import Principal

_PAGE = 200
_LAST_EVENT_ID = "/headers/Last-Event-ID"
#: Event ids are stored as 64-bit signed integers; a larger one names no event.
MAX_EVENT_ID = 2**63 - 1
#: Tells EventSource-style clients how soon to reconnect, in milliseconds.
_RETRY_MS = 2000


def parse_last_event_id(value: str | None) -> int | None:
    if value is None:
        return None
    text = value.strip()
    try:
        number = int(text)
    except ValueError:
        number = -2
    if number < -1 or number > MAX_EVENT_ID or not text.lstrip("-").isdigit():
        raise errors.MalformedValue(
            "Last-Event-ID must be the id of an event this stream sent, or -1", _LAST_EVENT_ID
        )
    return number


def frame(event: Event) -> str:
    data = json.dumps(event.to_json(), separators=(",", ":"), ensure_ascii=False)
    return f"id: {event.id}\nevent: {event.type}\ndata: {data}\n\n"


class EventStreamResponse(StreamingResponse):
    """A stream that gives its slot back however it ends, even if it never started."""

    def __init__(self, content: AsyncIterator[str], on_close: Callable[[], None]) -> None:
        super().__init__(
            content,
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )
        self._on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._on_close()


def router(deps: Deps) -> APIRouter:
    svc = deps.service
    settings = deps.settings
    slots = StreamSlots(settings.max_streams_per_key)
    api = APIRouter(prefix="/v1/events", tags=["delivery"])

    async def relay(request: Request, by: Principal, after: int) -> AsyncIterator[str]:
        yield f"retry: {_RETRY_MS}\n\n"
        last = after
        next_keepalive = time.monotonic() + settings.stream_keepalive_s
        while not await request.is_disconnected():
            # Counted before the read, so that a commit landing between the read and the
            # wait below still wakes the stream instead of waiting for the poll.
            seen = svc.commits.rings
            page = await run_in_threadpool(events.events_after, svc, by, last, limit=_PAGE)
            for event in page.events:
                yield frame(event)
            if page.last_id != last:
                last = page.last_id
                continue  # there may be more: read on before waiting
            wait = min(settings.delivery_poll_s, next_keepalive - time.monotonic())
            if wait > 0:
                await svc.commits.wait_async(wait, seen=seen)
            if time.monotonic() >= next_keepalive:
                if not await run_in_threadpool(events.still_allowed, svc, by):
                    return
                yield ": keep-alive\n\n"
                next_keepalive = time.monotonic() + settings.stream_keepalive_s

    @api.get(
        "",
        response_class=StreamingResponse,
        responses={
            **problem_responses(409, 429),
            200: {
                "description": "An endless stream of Server-Sent Events",
                "content": {"text/event-stream": {"schema": {"type": "string"}}},
            },
        },
    )
    async def stream(
        request: Request,
        by: Caller,
        last_event_id: Annotated[
            str | None,
            Header(
                alias="Last-Event-ID",
                description="Resume after this event id; -1 for the party's whole record.",
            ),
        ] = None,
    ) -> StreamingResponse:
        """Your party's events as they happen: consultations, responses, state changes,
        notices, warnings and alerts, acknowledgements."""
        after = await run_in_threadpool(
            events.resume_point, svc, by, parse_last_event_id(last_event_id)
        )
        slots.take(by.member.id)
        return EventStreamResponse(
            relay(request, by, after), on_close=lambda: slots.give_back(by.member.id)
        )

    return api
