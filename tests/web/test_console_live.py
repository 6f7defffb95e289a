"""Live updates: the event stream read with fetch (resumed by Last-Event-ID), else polling.

The stream is played by a route here so that these tests pass whether or not the server
has /v1/events; the loop test runs against whatever the server offers.
"""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Page, Route, expect

from deconflict.domain.party import Role
from tests.web.world import NORTH, SOUTH, ConsoleWorld, NewPage

EVENT = {
    "id": 41,
    "type": "consultation",
    "at": "2026-12-01T08:00:00.000000Z",
    "subject": "consultation:c1",
    "data": {},
}


def test_the_stream_is_read_with_a_header_and_resumed_after_its_last_event(
    world: ConsoleWorld, new_page: NewPage
) -> None:
    key = world.key(NORTH, Role.PLANNER)
    # A long poll: whatever refreshes the page here, it is not the timer.
    north = new_page("stream", poll_ms=60000)
    streams: list[dict[str, str]] = []

    def play_stream(route: Route) -> None:
        streams.append(route.request.headers)
        if len(streams) == 1:
            body = (
                "retry: 2000\n\n"
                ": keep-alive\n\n"
                f"id: 41\nevent: consultation\ndata: {json.dumps(EVENT)}\n\n"
            )
            route.fulfill(status=200, headers={"Content-Type": "text/event-stream"}, body=body)
        else:
            route.fulfill(status=404, json={"type": "/problems/not-found", "status": 404})

    north.page.route("**/v1/events", play_stream)
    north.open()
    north.sign_in(key)
    # The stream ended after one event: the page says so, polls, and asks again from 41.
    expect(north.page.locator("#live")).to_have_text("polling every 60 s")
    assert len(streams) == 2
    assert streams[0]["authorization"] == f"Bearer {key}"
    assert "last-event-id" not in streams[0]
    assert streams[1]["last-event-id"] == "41"
    assert all(key not in url for url in north.requests)


def without_a_stream(page: Page) -> None:
    """The page's event stream answers as a server that has none does: 404."""
    page.route(
        "**/v1/events",
        lambda route: route.fulfill(
            status=404,
            headers={"Content-Type": "application/problem+json"},
            body=json.dumps({"type": "/problems/not-found", "status": 404}),
        ),
    )


def test_without_a_stream_the_page_polls(world: ConsoleWorld, new_page: NewPage) -> None:
    world.protect_depot()
    south = new_page("polling", poll_ms=300)
    without_a_stream(south.page)
    south.open()
    south.sign_in(world.key(SOUTH, Role.LIAISON))
    expect(south.page.locator("#live")).to_have_text("polling every 0.3 s")
    expect(south.page.locator("#inbox-empty")).to_be_visible()
    world.submit_flight()
    expect(south.page.locator("#inbox-waiting li.consultation")).to_have_count(1)


def test_the_parser_follows_the_event_stream_format(world: ConsoleWorld, new_page: NewPage) -> None:
    page = new_page("parser").page
    page.goto(world.base_url + "/console/")
    seen: list[dict[str, Any]] = page.evaluate(
        """async () => {
            const { EventStreamParser } = await import('/console/live.js');
            const events = [];
            const parser = new EventStreamParser((e) => events.push(e));
            // Chunks split mid-line and mid-field; CRLF and CR line ends; a comment; an
            // event without data (ignored); two data lines joined by a newline.
            for (const chunk of [
                ': keep-alive\\r\\n\\r\\nid: 7\\r\\nevent: respo', 'nse\\r\\ndata: {"a"',
                ':1}\\r\\n\\r\\nid: 8\\revent: state_change\\r\\r',
                'id: 9\\nevent: notice\\ndata: {"b":\\ndata: 2}\\n\\n',
            ]) parser.push(chunk);
            return events.map((e) => ({ id: e.id, type: e.type, data: e.data }));
        }"""
    )
    assert seen == [
        {"id": "7", "type": "response", "data": {"a": 1}},
        {"id": "9", "type": "notice", "data": {"b": 2}},
    ]


def test_a_server_out_of_reach_is_said_until_it_answers_again(
    world: ConsoleWorld, new_page: NewPage
) -> None:
    """A watch officer must not take an old picture for the current one."""
    world.protect_depot()
    south = new_page("unreachable", poll_ms=300)
    page = south.page
    without_a_stream(page)
    south.open()
    south.sign_in(world.key(SOUTH, Role.LIAISON))
    stale = page.locator("#stale")
    expect(stale).to_be_hidden()

    # The server goes away: every request of the page fails as with a stopped server.
    page.route("**/v1/**", lambda route: route.abort("connectionrefused"))
    expect(stale).to_be_visible()
    expect(stale).to_contain_text("Cannot reach the server since")
    expect(stale).to_contain_text("may be out of date")
    south.screenshot("unreachable")

    # It comes back: the page says nothing more, and shows what happened meanwhile.
    page.unroute("**/v1/**")
    world.submit_flight()
    expect(stale).to_be_hidden()
    expect(page.locator("#inbox-waiting li.consultation")).to_have_count(1)
    assert all("ERR_CONNECTION_REFUSED" in p for p in south.problems)
