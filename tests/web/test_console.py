"""The console is served beside the API: `/` leads to it, every file carries a strict CSP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from deconflict.web.console import CONTENT_SECURITY_POLICY
from tests.web.world import ConsoleWorld, open_world


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[ConsoleWorld, httpx.Client]]:
    with (
        open_world(tmp_path / "console.sqlite") as world,
        httpx.Client(base_url=world.base_url) as client,
    ):
        yield world, client


def test_root_leads_to_the_console(served: tuple[ConsoleWorld, httpx.Client]) -> None:
    _, client = served
    answer = client.get("/")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/"
    page = client.get("/console/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="app.js"></script>' in page.text


@pytest.mark.parametrize(
    "path",
    ["/console/", "/console/app.js", "/console/vendor/maplibre-gl.mjs", "/console/app.css"],
)
def test_every_console_file_carries_the_policy(
    served: tuple[ConsoleWorld, httpx.Client], path: str
) -> None:
    _, client = served
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"


def test_the_policy_allows_this_origin_only() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["worker-src"] == "'self'"
    assert directives["form-action"] == "'none'"
    assert "http" not in CONTENT_SECURITY_POLICY
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_modules_are_served_as_javascript(served: tuple[ConsoleWorld, httpx.Client]) -> None:
    _, client = served
    for path in ("/console/app.js", "/console/vendor/maplibre-gl-worker.mjs"):
        kind = client.get(path).headers["content-type"]
        assert kind.split(";")[0] in {"text/javascript", "application/javascript"}, path


def test_the_console_is_not_in_the_api_spec(served: tuple[ConsoleWorld, httpx.Client]) -> None:
    _, client = served
    paths = client.get("/openapi.json").json()["paths"]
    assert "/" not in paths
    assert not any(p.startswith("/console") for p in paths)


def test_an_unknown_console_file_is_a_problem_not_a_crash(
    served: tuple[ConsoleWorld, httpx.Client],
) -> None:
    _, client = served
    answer = client.get("/console/no-such-file.js")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
