"""Bad input at every endpoint that takes a body or parameters: one problem answer, no trace.

Each case sends one bad request and checks the status, the problem type, the JSON pointer
(for field errors), and that no table of the store gained or lost a row and the audit
chain did not grow. The table of endpoints is checked against the served OpenAPI.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from deconflict.api.pagination import encode_cursor
from deconflict.domain.party import Role
from tests.api.conftest import MAX_BODY_BYTES
from tests.api.helpers import assert_problem, circle, rectangle, volume
from tests.api.matrix_world import BACKENDS, Scene, Served, audit_length, seed, served_world
from tests.api.matrix_world import table_counts as counts


@pytest.fixture(scope="module", params=BACKENDS)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    with served_world(request.param, request, tmp_path_factory.mktemp("bad")) as made:
        yield made


@pytest.fixture(scope="module")
def scene(served: Served) -> Scene:
    made = seed(served.world)
    for party in made.parties:  # every member a case may use exists before any snapshot
        for role in Role:
            party.member(role)
    return made


GOOD = volume(circle(10.5, 45.5, 300))
BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[10, 45], [10.1, 45.1], [10.1, 45], [10, 45.1], [10, 45]]],
}
#: Invalid volumes, each with its problem type and where the pointer goes inside the volume.
BAD_VOLUMES: dict[str, tuple[dict[str, Any], str, str]] = {
    "self-intersecting ring": (volume(BOW_TIE), "self-intersection", "/footprint/coordinates/0"),
    "latitude out of range": (
        volume(rectangle(10, 45, 10.1, 95)),
        "invalid-coordinate",
        "/footprint/coordinates/0/2/1",
    ),
    "circle centre out of range": (
        volume(circle(200, 45, 10)),
        "invalid-coordinate",
        "/footprint/center/0",
    ),
    "lower above upper": (
        volume(circle(10, 45, 10), lower_m=500, upper_m=100),
        "invalid-altitude-band",
        "/altitude_lower_m",
    ),
    "end before start": (
        volume(circle(10, 45, 10), start_h=5, end_h=3),
        "invalid-time-window",
        "/end",
    ),
}

Pick = Callable[[Scene], str]


@dataclass(frozen=True)
class Target:
    method: str
    path: str  # the OpenAPI template
    role: Role
    pick: Pick | None = None  # the id its path names
    body: dict[str, Any] | None = None  # a good body, spoilt by the cases
    wrong_type: tuple[str, Any] | None = None  # a field and a value of the wrong type
    volume_at: str | None = None  # where a volume sits in the body
    paged: bool = False
    scope: bool = False  # takes ?scope=
    if_match: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.method.lower(), self.path)

    def url(self, scene: Scene, id_: str | None = None) -> str:
        if self.pick is None:
            return self.path
        head, _, rest = self.path.partition("{")
        return head + (id_ or self.pick(scene)) + rest.rpartition("}")[2]


def _id(name: str) -> Pick:
    return lambda s: str(getattr(s, name))


OPERATION_BODY = {"volumes": [GOOD], "purpose": "Fictional"}
TARGETS = [
    Target("GET", "/problems/{code}", Role.VIEWER, lambda _: "not-found"),
    Target(
        "POST",
        "/v1/members",
        Role.ADMIN,
        body={"name": "Fictional clerk", "role": "viewer"},
        wrong_type=("role", 3),
    ),
    Target("DELETE", "/v1/members/{member_id}/key", Role.ADMIN, _id("spare_member")),
    Target(
        "POST",
        "/v1/zones",
        Role.PLANNER,
        body={"name": "Fictional shelter", "volumes": [GOOD]},
        wrong_type=("name", 5),
        volume_at="/volumes/0",
    ),
    Target("GET", "/v1/zones", Role.VIEWER, paged=True),
    Target("GET", "/v1/zones/{zone_id}", Role.VIEWER, _id("zone_north")),
    Target(
        "PUT",
        "/v1/zones/{zone_id}",
        Role.PLANNER,
        _id("zone_to_revise"),
        body={"volumes": [GOOD]},
        wrong_type=("buffer", "wide"),
        volume_at="/volumes/0",
        if_match=True,
    ),
    Target("DELETE", "/v1/zones/{zone_id}", Role.PLANNER, _id("zone_to_retire")),
    Target(
        "POST",
        "/v1/operations",
        Role.PLANNER,
        body=OPERATION_BODY,
        wrong_type=("priority", "high"),
        volume_at="/volumes/0",
    ),
    Target("GET", "/v1/operations", Role.VIEWER, paged=True),
    Target("GET", "/v1/operations/{operation_id}", Role.VIEWER, _id("op_north")),
    Target(
        "PUT",
        "/v1/operations/{operation_id}",
        Role.PLANNER,
        _id("draft_to_revise"),
        body=OPERATION_BODY,
        wrong_type=("share_purpose", "perhaps"),
        volume_at="/volumes/0",
        if_match=True,
    ),
    *(
        Target("POST", f"/v1/operations/{{operation_id}}/{action}", Role.PLANNER, _id(name))
        for action, name in (
            ("submit", "draft_to_submit"),
            ("withdraw", "draft_to_withdraw"),
            ("cancel", "draft_to_cancel"),
            ("activate", "cleared_op"),
            ("complete", "active_op"),
        )
    ),
    Target(
        "POST",
        "/v1/operations/{operation_id}/clear-over-objection",
        Role.PLANNER,
        _id("objected_op"),
        body={"justification": "Fictional: the outpost is empty"},
        wrong_type=("justification", ["a", "list"]),
        if_match=True,
    ),
    Target("GET", "/v1/consultations", Role.VIEWER, paged=True),
    Target("GET", "/v1/consultations/{consultation_id}", Role.VIEWER, _id("consultation")),
    Target(
        "POST",
        "/v1/consultations/{consultation_id}/responses",
        Role.LIAISON,
        _id("consultation"),
        body={"kind": "object", "text": "Fictional objection", "suggested_volume": GOOD},
        wrong_type=("kind", 1),
        volume_at="/suggested_volume",
    ),
    Target("GET", "/v1/notices", Role.VIEWER, paged=True),
    Target(
        "POST",
        "/v1/warnings",
        Role.LIAISON,
        body={"volume": GOOD, "severity": "danger", "message": "Fictional hazard"},
        wrong_type=("message", {"text": "nested"}),
        volume_at="/volume",
    ),
    Target("GET", "/v1/warnings", Role.VIEWER, paged=True, scope=True),
    Target("GET", "/v1/warnings/{warning_id}", Role.VIEWER, _id("warning")),
    Target("POST", "/v1/warnings/{warning_id}/acknowledge", Role.LIAISON, _id("warning_to_ack")),
    Target("GET", "/v1/audit", Role.VIEWER),
    Target("GET", "/v1/reports/coordination", Role.VIEWER),
    Target("GET", "/v1/events", Role.VIEWER),
    Target(
        "POST",
        "/v1/subscriptions",
        Role.LIAISON,
        body={"name": "Fictional area", "volumes": [GOOD], "channels": ["stream"]},
        wrong_type=("channels", "stream"),
        volume_at="/volumes/0",
    ),
    Target("GET", "/v1/subscriptions", Role.VIEWER, paged=True),
    Target("GET", "/v1/subscriptions/{subscription_id}", Role.VIEWER, _id("subscription")),
    Target(
        "DELETE",
        "/v1/subscriptions/{subscription_id}",
        Role.LIAISON,
        _id("subscription_to_remove"),
    ),
    Target(
        "POST",
        "/v1/webhooks",
        Role.LIAISON,
        body={"url": "https://hooks.northland.example/c", "purpose": "escalation"},
        wrong_type=("purpose", 2),
    ),
    Target("GET", "/v1/webhooks", Role.VIEWER, paged=True),
    Target("GET", "/v1/webhooks/{webhook_id}", Role.VIEWER, _id("webhook")),
    Target("DELETE", "/v1/webhooks/{webhook_id}", Role.LIAISON, _id("webhook_to_remove")),
    Target("GET", "/v1/webhooks/{webhook_id}/deliveries", Role.VIEWER, _id("webhook"), paged=True),
    Target(
        "POST",
        "/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/replay",
        Role.LIAISON,
        _id("dead_delivery"),
    ),
]


@dataclass(frozen=True)
class Case:
    """One bad request and the answer it must get."""

    target: Target
    name: str
    status: int
    code: str
    pointer: str | None = None
    content: bytes | None = None  # sent as is, as JSON unless `content_type` says otherwise
    json: Any = None
    content_type: str = "application/json"
    params: dict[str, Any] | None = None
    headers: dict[str, str] | None = None
    id_: str | None = None

    @property
    def label(self) -> str:
        return f"{self.target.method} {self.target.path}: {self.name}"


def _spoil(body: dict[str, Any], at: str, value: Any) -> dict[str, Any]:
    """A copy of the body with the value at a JSON pointer replaced."""
    copied = copy.deepcopy(body)
    node: Any = copied
    *path, last = at.strip("/").split("/")
    for part in path:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[int(last) if isinstance(node, list) else last] = value
    return copied


def _cases(t: Target) -> Iterator[Case]:
    posting = t.method in {"POST", "PUT"}
    good_match = {"If-Match": '"1"'} if t.if_match else {}
    if t.body is not None:
        yield Case(
            t, "malformed JSON", 400, "malformed-json", content=b'{"name": ', headers=good_match
        )
        yield Case(t, "not an object", 422, "malformed-value", "/", json=[], headers=good_match)
        if t.wrong_type is not None:
            field, value = t.wrong_type
            bad = {**t.body, field: value}
            yield Case(
                t,
                f"{field} of the wrong type",
                422,
                "malformed-value",
                f"/{field}",
                json=bad,
                headers=good_match,
            )
        unknown = {**t.body, "colour": "red"}
        yield Case(
            t, "unknown field", 422, "malformed-value", "/colour", json=unknown, headers=good_match
        )
        big = b'{"name": "' + b"x" * MAX_BODY_BYTES + b'"}'
        yield Case(t, "oversize body", 413, "payload-too-large", content=big, headers=good_match)
        yield Case(
            t,
            "not JSON",
            415,
            "unsupported-media-type",
            content=b"name=Shelter",
            content_type="text/plain",
            headers=good_match,
        )
    if t.body is not None and t.volume_at is not None:
        nested = _spoil(t.body, t.volume_at, {**GOOD, "colour": "red"})
        pointer = f"{t.volume_at}/colour"
        yield Case(
            t,
            "unknown field in a volume",
            422,
            "malformed-value",
            pointer,
            json=nested,
            headers=good_match,
        )
        for name, (bad_volume, code, inside) in BAD_VOLUMES.items():
            spoilt = _spoil(t.body, t.volume_at, bad_volume)
            yield Case(t, name, 422, code, t.volume_at + inside, json=spoilt, headers=good_match)
    if t.if_match:
        body = t.body
        yield Case(t, "no If-Match", 428, "precondition-required", json=body)
        for tag in ("1", 'W/"1"', '"1", "2"', "*"):
            yield Case(
                t,
                f"If-Match {tag}",
                422,
                "malformed-value",
                "/headers/If-Match",
                json=body,
                headers={"If-Match": tag},
            )
        yield Case(
            t, "stale If-Match", 412, "stale-version", json=body, headers={"If-Match": '"999"'}
        )
    if t.method == "POST" and t.path.startswith("/v1/"):
        if t.path == "/v1/members":
            yield Case(
                t,
                "any Idempotency-Key",
                422,
                "idempotency-not-supported",
                json=t.body,
                headers={"Idempotency-Key": "k-1"},
            )
        else:
            for key in ("", "k" * 201):
                yield Case(
                    t,
                    f"Idempotency-Key of {len(key)} characters",
                    422,
                    "malformed-value",
                    "/headers/Idempotency-Key",
                    json=t.body,
                    headers={"Idempotency-Key": key, **good_match},
                )
    if t.paged:
        paging: dict[str, dict[str, Any]] = {
            "cursor not ours": {"cursor": "not-a-cursor"},
            "cursor of no id": {"cursor": encode_cursor("nope")},
            "limit 0": {"limit": 0},
            "limit over the most": {"limit": 501},
            "limit as text": {"limit": "ten"},
        }
        for name, params in paging.items():
            pointer = "/query/" + next(iter(params))
            yield Case(t, name, 422, "malformed-value", pointer, params=params)
    if t.scope:
        yield Case(
            t, "unknown scope", 422, "malformed-value", "/query/scope", params={"scope": "all"}
        )
    if t.path == "/v1/audit":
        audit: dict[str, dict[str, Any]] = {
            "after below -1": {"after": -5},
            "after as text": {"after": "x"},
            "limit 0": {"limit": 0},
            "limit over the most": {"limit": 501},
        }
        for name, params in audit.items():
            pointer = "/query/" + next(iter(params))
            yield Case(t, name, 422, "malformed-value", pointer, params=params)
    if t.path == "/v1/reports/coordination":
        period: dict[str, tuple[dict[str, Any], str]] = {
            "from not a time": ({"from": "last week"}, "from"),
            "to without an offset": ({"to": "2026-12-01T08:00:00"}, "to"),
            "to before from": (
                {"from": "2026-12-02T00:00:00Z", "to": "2026-12-01T00:00:00Z"},
                "to",
            ),
            "over 366 days": (
                {"from": "2025-01-01T00:00:00Z", "to": "2026-12-01T00:00:00Z"},
                "from",
            ),
        }
        for name, (params, where) in period.items():
            yield Case(t, name, 422, "invalid-time-window", f"/query/{where}", params=params)
    if t.path == "/v1/events":
        for last_id in ("abc", "-2", "1.5", "1e3"):
            yield Case(
                t,
                f"Last-Event-ID {last_id}",
                422,
                "malformed-value",
                "/headers/Last-Event-ID",
                headers={"Last-Event-ID": last_id},
            )
    if t.key == ("post", "/v1/webhooks"):
        for url in ("http://127.0.0.1/hook", "https://10.0.0.7/hook", "ftp://a.example/x"):
            yield Case(t, f"url {url}", 422, "unsafe-webhook-target", "/url", json={"url": url})
    if t.path.endswith("/deliveries"):
        yield Case(
            t, "unknown state", 422, "malformed-value", "/query/state/0", params={"state": "lost"}
        )
    if t.pick is not None:
        for name, odd in {"id of no shape": "not-an-id", "id with SQL": "x' OR '1'='1"}.items():
            body = t.body if posting else None
            yield Case(
                t,
                name,
                404,
                "not-found",
                json=body,
                id_=odd,
                headers={"If-Match": '"1"'} if t.if_match else None,
            )


CASES = [case for target in TARGETS for case in _cases(target)]


def test_every_endpoint_with_input_is_covered(served: Served) -> None:
    spec = httpx.get(f"{served.world.base_url}/openapi.json").json()
    with_input = {
        (method, path)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if op.get("requestBody") or op.get("parameters")
    }
    covered = {c.target.key for c in CASES}
    assert with_input <= covered, sorted(with_input - covered)


def _send(served: Served, scene: Scene, case: Case) -> httpx.Response:
    t = case.target
    party = scene.south if t.role is Role.LIAISON and "consultations" in t.path else scene.north
    if "acknowledge" in t.path:
        party = scene.south
    client = party.member(t.role).client
    headers = {**(case.headers or {})}
    content = case.content
    if case.json is not None:
        content = httpx.Request("POST", "/", json=case.json).content
    if content is not None:
        headers["content-type"] = case.content_type
    return client.request(
        t.method, t.url(scene, case.id_), content=content, params=case.params, headers=headers
    )


@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_bad_input_is_refused_and_leaves_no_trace(served: Served, scene: Scene, case: Case) -> None:
    before = counts(served.store), audit_length(served.store)
    got = _send(served, scene, case)
    problem = assert_problem(got, case.status, case.code)
    if case.pointer is not None:
        assert problem["errors"][0]["pointer"] == case.pointer, problem
    assert (counts(served.store), audit_length(served.store)) == before


def test_the_trace_check_sees_a_write(served: Served, scene: Scene) -> None:
    """The snapshot above is no blind eye: one good write changes it."""
    before_counts, before_length = counts(served.store), audit_length(served.store)
    zone = {"name": "Fictional good zone", "volumes": [GOOD]}
    assert scene.north.planner.post("/v1/zones", json=zone).status_code == 201
    after = counts(served.store)
    assert after["zones"] == before_counts["zones"] + 1
    assert after != before_counts
    assert audit_length(served.store) == before_length + 1
