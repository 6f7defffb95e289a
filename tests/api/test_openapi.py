"""The served OpenAPI lists every route with its models, and the problem pages answer."""

from __future__ import annotations

from typing import Any

import httpx

from deconflict.api.problems import PROBLEM_MEDIA_TYPE, PROBLEM_TYPES
from deconflict.domain.operation import MAX_PRIORITY
from deconflict.domain.warning import MAX_MESSAGE_CHARS
from deconflict.domain.zone import MAX_NAME_CHARS, MAX_VOLUMES
from deconflict.geometry import limits
from tests.api.helpers import RunningServer, assert_problem

#: Every route the API promises; the served spec must list each, and no other.
ROUTES = {
    ("get", "/healthz"),
    ("get", "/problems/{code}"),
    ("get", "/v1/me"),
    ("post", "/v1/members"),
    ("delete", "/v1/members/{member_id}/key"),
    ("get", "/v1/agreements"),
    ("post", "/v1/zones"),
    ("get", "/v1/zones"),
    ("get", "/v1/zones/{zone_id}"),
    ("put", "/v1/zones/{zone_id}"),
    ("delete", "/v1/zones/{zone_id}"),
    ("post", "/v1/operations"),
    ("get", "/v1/operations"),
    ("get", "/v1/operations/{operation_id}"),
    ("put", "/v1/operations/{operation_id}"),
    *(
        ("post", f"/v1/operations/{{operation_id}}/{action}")
        for action in ("submit", "withdraw", "cancel", "activate", "complete")
    ),
    ("post", "/v1/operations/{operation_id}/clear-over-objection"),
    ("get", "/v1/consultations"),
    ("get", "/v1/consultations/{consultation_id}"),
    ("post", "/v1/consultations/{consultation_id}/responses"),
    ("get", "/v1/notices"),
    ("post", "/v1/warnings"),
    ("get", "/v1/warnings"),
    ("get", "/v1/warnings/{warning_id}"),
    ("post", "/v1/warnings/{warning_id}/acknowledge"),
    ("get", "/v1/audit"),
    ("get", "/v1/reports/coordination"),
    ("get", "/v1/events"),
    ("post", "/v1/subscriptions"),
    ("get", "/v1/subscriptions"),
    ("get", "/v1/subscriptions/{subscription_id}"),
    ("delete", "/v1/subscriptions/{subscription_id}"),
    ("post", "/v1/webhooks"),
    ("get", "/v1/webhooks"),
    ("get", "/v1/webhooks/{webhook_id}"),
    ("delete", "/v1/webhooks/{webhook_id}"),
    ("get", "/v1/webhooks/{webhook_id}/deliveries"),
    ("post", "/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/replay"),
}
#: Success answers that are not a JSON body: none at all, or an endless event stream.
BODILESS = {
    ("delete", "/v1/subscriptions/{subscription_id}"),
    ("delete", "/v1/webhooks/{webhook_id}"),
}
STREAMS = {("get", "/v1/events")}


def test_openapi_lists_every_route_with_documented_responses(server: RunningServer) -> None:
    with httpx.Client(base_url=server.base_url) as client:
        served = client.get("/openapi.json")
        docs = client.get("/docs")
    assert served.status_code == 200
    spec: dict[str, Any] = served.json()
    assert docs.status_code == 200
    assert docs.headers["content-type"].startswith("text/html")
    listed = {(method, path) for path, item in spec["paths"].items() for method in item}
    assert listed == ROUTES
    for method, path in sorted(ROUTES):
        operation = spec["paths"][path][method]
        responses = operation["responses"]
        success = [code for code in responses if code.startswith("2")]
        assert success, f"{method} {path} documents no success"
        if (method, path) in BODILESS:
            assert success == ["204"], f"{method} {path}"
        elif (method, path) in STREAMS:
            assert "text/event-stream" in responses[success[0]]["content"], path
        else:
            content = responses[success[0]]["content"]
            assert "schema" in content["application/json"], f"{method} {path}"
        assert "Problem" in str(responses["500"]["content"])
        if path.startswith("/v1"):
            assert "Problem" in str(responses["401"]["content"])
            assert "Problem" in str(responses["422"]["content"])
            assert operation["security"] == [{"api_key": []}], path
        if method == "post":
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            assert "Idempotency-Key" in headers, path
    assert "api_key" in spec["components"]["securitySchemes"]


def test_every_problem_type_has_a_page(server: RunningServer) -> None:
    with httpx.Client(base_url=server.base_url) as client:
        for code, problem in PROBLEM_TYPES.items():
            page = client.get(f"/problems/{code}")
            assert page.status_code == 200
            assert page.json()["title"] == problem.title
            html = client.get(f"/problems/{code}", headers={"accept": "text/html"})
            assert html.headers["content-type"].startswith("text/html")
            assert problem.title in html.text
        missing = client.get("/problems/no-such-thing")
    assert missing.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert_problem(missing, 404, "not-found")


def test_health(server: RunningServer) -> None:
    assert httpx.get(f"{server.base_url}/healthz").json() == {"status": "ok"}


def _schema(spec: dict[str, Any], name: str) -> dict[str, Any]:
    """A component by name; FastAPI suffixes `-Input` where a model reads and writes apart."""
    schemas: dict[str, Any] = spec["components"]["schemas"]
    found: dict[str, Any] = schemas.get(f"{name}-Input") or schemas[name]
    return found


def test_openapi_shows_the_limits_the_server_enforces(server: RunningServer) -> None:
    spec: dict[str, Any] = httpx.get(f"{server.base_url}/openapi.json").json()
    circle = _schema(spec, "Circle")["properties"]
    assert circle["radius_m"]["minimum"] == limits.MIN_RADIUS_M
    assert circle["radius_m"]["maximum"] == limits.MAX_RADIUS_M
    assert circle["center"]["prefixItems"][1]["maximum"] == limits.MAX_ABS_LATITUDE_DEG
    rings = _schema(spec, "Polygon")["properties"]["coordinates"]
    assert rings["maxItems"] == limits.MAX_HOLES + 1
    assert rings["items"]["maxItems"] == limits.MAX_VERTICES_PER_RING
    assert rings["items"]["items"]["maxItems"] == 2
    assert f"{limits.MAX_VERTICES_PER_FOOTPRINT:,}" in _schema(spec, "Polygon")["description"]
    volume = _schema(spec, "Volume")
    assert volume["properties"]["altitude_upper_m"]["maximum"] == limits.MAX_ALTITUDE_M
    assert f"{limits.MAX_DURATION.days} days" in volume["description"]
    buffer = _schema(spec, "BufferModel")["properties"]
    assert buffer["horizontal_m"]["maximum"] == limits.MAX_HORIZONTAL_BUFFER_M
    assert buffer["vertical_m"]["maximum"] == limits.MAX_VERTICAL_BUFFER_M
    for model in ("ZoneIn", "OperationIn", "SubscriptionIn"):
        assert _schema(spec, model)["properties"]["volumes"]["maxItems"] == MAX_VOLUMES, model
    assert _schema(spec, "ZoneIn")["properties"]["name"]["maxLength"] == MAX_NAME_CHARS
    assert _schema(spec, "OperationIn")["properties"]["priority"]["maximum"] == MAX_PRIORITY
    message = _schema(spec, "WarningIn")["properties"]["message"]
    assert message["maxLength"] == MAX_MESSAGE_CHARS
