"""JSON that parses but is not I-JSON (a repeated name, a lone surrogate) is refused, pointed to."""

from __future__ import annotations

import json
from typing import Any

import pytest

from deconflict.api.ijson import Violation, first_violation
from deconflict.store.interface import Store
from tests.api.helpers import World, assert_problem, rectangle, volume
from tests.api.test_bad_input import snapshot

JSON = {"content-type": "application/json"}
LONE = "\\ud800"  # as it is written in the JSON text: six characters, one escape


@pytest.mark.parametrize(
    ("text", "pointer"),
    [
        ('{"a": 1, "a": 2}', "/a"),
        ('{"v": [{"b": {"c": 1}}, {"d/e": 1, "d/e": 2}]}', "/v/1/d~1e"),
        ('{"name": "' + LONE + '"}', "/name"),
        ('{"v": [1, "x' + LONE + 'y"]}', "/v/1"),
        ('{"v": {"' + LONE + '": 1}}', "/v"),
        ('{"v": "\\udc00\\ud800"}', "/v"),  # the wrong order makes no pair
    ],
)
def test_a_violation_is_pointed_to(text: str, pointer: str) -> None:
    found = first_violation(text.encode())
    assert isinstance(found, Violation)
    assert found.pointer == pointer
    found.detail.encode("utf-8")  # sendable: the name it quotes is escaped


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "b": {"a": 2}}',  # the same name in two objects is fine
        '{"smile": "\\ud83d\\ude00", "grin": "\\uD83D\\uDE01"}',  # pairs are characters
        '{"text": "\\\\ud800"}',  # an escaped backslash, then plain letters
        '{"a": ',  # not JSON at all: the framework answers that
        "[" * 100_000 + "]" * 100_000,
    ],
)
def test_i_json_and_non_json_pass(text: str) -> None:
    assert first_violation(text.encode()) is None


def test_lone_surrogates_are_refused_everywhere_and_store_nothing(
    world: World, store: Store
) -> None:
    north = world.parties["Northland Army"]
    planner, liaison, admin = north.planner, north.liaison, north.admin
    v = volume(rectangle(10.25, 45.28, 10.5, 45.34))
    cases: list[tuple[Any, str, dict[str, Any], str]] = [
        (planner, "/v1/zones", {"name": "SUR", "volumes": [v]}, "/name"),
        (planner, "/v1/operations", {"volumes": [v], "purpose": "SUR"}, "/purpose"),
        (
            liaison,
            "/v1/warnings",
            {"volume": v, "severity": "danger", "message": "SUR"},
            "/message",
        ),
        (liaison, "/v1/subscriptions", {"name": "SUR", "channels": ["stream"]}, "/name"),
        (
            liaison,
            "/v1/webhooks",
            {"url": "https://example.com/hook", "description": "SUR"},
            "/description",
        ),
        (admin, "/v1/members", {"name": "SUR", "role": "viewer"}, "/name"),
        (planner, "/v1/zones", {"name": "ok", "volumes": [v], "SUR": 1}, "/"),
    ]
    before = snapshot(store)
    for client, path, body, pointer in cases:
        text = json.dumps(body).replace('"SUR"', f'"{LONE}"')
        problem = assert_problem(
            client.post(path, content=text, headers=JSON), 400, "malformed-json"
        )
        assert problem["errors"][0]["pointer"] == pointer, path
    assert snapshot(store) == before


def test_a_repeated_name_is_refused_not_last_one_wins(world: World, store: Store) -> None:
    planner = world.parties["Northland Army"].planner
    v = json.dumps(volume(rectangle(10.25, 45.28, 10.5, 45.34)))
    twice = v.replace('"altitude_upper_m": 500', '"altitude_upper_m": 100, "altitude_upper_m": 4e4')
    bodies = {
        f'{{"volumes": [{v}], "draft": true, "draft": false}}': "/draft",
        f'{{"name": "z", "volumes": [{twice}]}}': "/volumes/0/altitude_upper_m",
    }
    before = snapshot(store)
    for text, pointer in bodies.items():
        path = "/v1/operations" if "draft" in text else "/v1/zones"
        problem = assert_problem(
            planner.post(path, content=text, headers=JSON), 400, "malformed-json"
        )
        assert problem["errors"][0]["pointer"] == pointer
        assert "appears more than once" in problem["detail"]
    assert snapshot(store) == before
