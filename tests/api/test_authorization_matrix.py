"""Who may do what, over HTTP: every served endpoint × every caller, and what each one sees.

The endpoint table is checked against the served OpenAPI, so a new endpoint fails here
until its row says who may call it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, ValidationError

from deconflict.api.pagination import decode_cursor
from deconflict.api.routes.meta import Health, ProblemTypeOut
from deconflict.api.schemas.audit import AuditPage
from deconflict.api.schemas.common import Page
from deconflict.api.schemas.consultations import ConsultationOut, NoticeOut
from deconflict.api.schemas.delivery import (
    DeliveryOut,
    RegisteredWebhookOut,
    SubscriptionOut,
    WebhookOut,
)
from deconflict.api.schemas.operations import OperationOut, OperationSummary
from deconflict.api.schemas.parties import (
    AgreementOut,
    MemberCreatedOut,
    MemberOut,
    MeOut,
)
from deconflict.api.schemas.reports import CoordinationReportOut
from deconflict.api.schemas.seen import OperationSeenOut
from deconflict.api.schemas.warnings import RaisedWarningOut, ReceivedWarningOut
from deconflict.api.schemas.zones import ZoneOut
from deconflict.domain.ids import PartyId
from deconflict.domain.party import PERMISSIONS, Action, Role
from tests.api.helpers import Party, assert_problem, rectangle, validated, volume
from tests.api.matrix_world import (
    BACKENDS,
    HIDDEN_PURPOSE,
    SHARED_PURPOSE,
    Box,
    Scene,
    Served,
    crawl,
    find_truth,
    general_pointer,
    seed,
    served_world,
    strings,
    within,
)


@pytest.fixture(scope="module", params=BACKENDS)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    with served_world(request.param, request, tmp_path_factory.mktemp("matrix")) as made:
        yield made


@pytest.fixture(scope="module")
def scene(served: Served) -> Scene:
    return seed(served.world)


Pick = Callable[[Scene], str]
OTHERS = ["north", "south", "relief", "highmoor", "westmoor"]
Body = Callable[[dict[str, Any]], dict[str, Any]]


def far(party: str | None) -> dict[str, Any]:
    """A volume of the caller's own, far from everything else: its new data meets nobody's."""
    lon = 20.0 + 2 * (OTHERS.index(party) if party in OTHERS else len(OTHERS))
    return volume(rectangle(lon, 60.0, lon + 0.1, 60.05))


def _fixed(body: dict[str, Any]) -> Body:
    return lambda _: body


@dataclass(frozen=True)
class Endpoint:
    """One served endpoint and who may call it; ids are picked from the scene."""

    method: str
    path: str
    kind: str | None = None  # the kind of object its path names
    action: Action | None = None  # what the caller's role must allow; None: nothing
    ok: int = 200
    owner: str = "north"  # the scene's party whose object it is
    target: Pick | None = None  # the object everyone tries
    own: Pick | None = None  # the object the owner acts on successfully, if not `target`
    body: Body | None = None  # given the caller's own far volume
    if_match: Pick | None = None  # the owner's If-Match for its success
    seen_by: frozenset[str] = field(default_factory=frozenset)  # others who may read it
    stream: bool = False  # answers with an endless event stream: read its head only
    unknown: Callable[[], str] = lambda: str(uuid.uuid4())  # an id that names nothing

    @property
    def public(self) -> bool:
        return not self.path.startswith("/v1/")

    @property
    def key(self) -> tuple[str, str]:
        return (self.method.lower(), self.path)


def _id(name: str) -> Pick:
    return lambda s: str(getattr(s, name))


def _move(
    action: str, own: str, body: Body | None = None, if_match: Pick | None = None
) -> Endpoint:
    return Endpoint(
        "POST",
        f"/v1/operations/{{operation_id}}/{action}",
        "operation",
        Action.CLEAR_OVER_OBJECTION if action == "clear-over-objection" else Action.PLAN_OPERATIONS,
        target=_id("op_north"),
        own=_id(own),
        body=body,
        if_match=if_match,
    )


ENDPOINTS: list[Endpoint] = [
    Endpoint("GET", "/healthz"),
    Endpoint("GET", "/problems/{code}", target=lambda _: "not-found"),
    Endpoint("GET", "/v1/me"),
    Endpoint(
        "POST",
        "/v1/members",
        action=Action.MANAGE_MEMBERS,
        ok=201,
        body=_fixed({"name": "Fictional duty officer", "role": "viewer"}),
    ),
    Endpoint(
        "DELETE",
        "/v1/members/{member_id}/key",
        "member",
        Action.MANAGE_MEMBERS,
        target=_id("north_member"),
        own=_id("spare_member"),
    ),
    Endpoint("GET", "/v1/agreements", action=Action.VIEW),
    Endpoint(
        "POST",
        "/v1/zones",
        action=Action.PLAN_ZONES,
        ok=201,
        body=lambda v: {"name": "Fictional matrix zone", "volumes": [v]},
    ),
    Endpoint("GET", "/v1/zones"),
    Endpoint("GET", "/v1/zones/{zone_id}", "zone", target=_id("zone_north")),
    Endpoint(
        "PUT",
        "/v1/zones/{zone_id}",
        "zone",
        Action.PLAN_ZONES,
        target=_id("zone_north"),
        own=_id("zone_to_revise"),
        body=_fixed({"volumes": [volume(rectangle(14.5, 50.0, 14.62, 50.05))]}),
        if_match=lambda _: '"1"',
    ),
    Endpoint(
        "DELETE",
        "/v1/zones/{zone_id}",
        "zone",
        Action.PLAN_ZONES,
        target=_id("zone_north"),
        own=_id("zone_to_retire"),
    ),
    Endpoint(
        "POST",
        "/v1/operations",
        action=Action.PLAN_OPERATIONS,
        ok=201,
        body=lambda v: {"volumes": [v], "draft": True},
    ),
    Endpoint("GET", "/v1/operations", action=Action.VIEW),
    Endpoint(
        "GET",
        "/v1/operations/{operation_id}",
        "operation",
        Action.VIEW,
        target=_id("op_north"),
        seen_by=frozenset({"south", "relief", "highmoor"}),
    ),
    Endpoint(
        "PUT",
        "/v1/operations/{operation_id}",
        "operation",
        Action.PLAN_OPERATIONS,
        target=_id("op_north"),
        own=_id("draft_to_revise"),
        body=_fixed({"volumes": [volume(rectangle(14.0, 50.0, 14.06, 50.03))]}),
        if_match=lambda s: f'"{s.draft_to_revise_ovn}"',
    ),
    _move("submit", "draft_to_submit"),
    _move("withdraw", "draft_to_withdraw"),
    _move("cancel", "draft_to_cancel"),
    _move("activate", "cleared_op"),
    _move("complete", "active_op"),
    _move(
        "clear-over-objection",
        "objected_op",
        _fixed({"justification": "Fictional: the outpost is empty by then"}),
        if_match=lambda s: f'"{s.objected_op_ovn}"',
    ),
    Endpoint("GET", "/v1/consultations", action=Action.VIEW),
    Endpoint(
        "GET",
        "/v1/consultations/{consultation_id}",
        "consultation",
        Action.VIEW,
        owner="south",
        target=_id("consultation"),
    ),
    Endpoint(
        "POST",
        "/v1/consultations/{consultation_id}/responses",
        "consultation",
        Action.RESPOND,
        ok=201,
        owner="south",
        target=_id("consultation"),
        body=_fixed({"kind": "comment", "text": "Fictional: noted"}),
    ),
    Endpoint("GET", "/v1/notices", action=Action.VIEW),
    Endpoint(
        "POST",
        "/v1/warnings",
        action=Action.RAISE_WARNING,
        ok=201,
        body=lambda v: {"volume": v, "severity": "advisory", "message": "Fictional advisory"},
    ),
    Endpoint("GET", "/v1/warnings", action=Action.VIEW),
    Endpoint(
        "GET",
        "/v1/warnings/{warning_id}",
        "warning",
        Action.VIEW,
        target=_id("warning"),
        seen_by=frozenset({"south", "relief"}),
    ),
    Endpoint(
        "POST",
        "/v1/warnings/{warning_id}/acknowledge",
        "warning",
        Action.ACKNOWLEDGE_WARNING,
        owner="south",  # the alerted party is the one that acknowledges
        target=_id("warning_to_ack"),
    ),
    Endpoint("GET", "/v1/audit", action=Action.VIEW),
    Endpoint("GET", "/v1/reports/coordination", action=Action.VIEW),
    Endpoint("GET", "/v1/events", action=Action.VIEW, stream=True),
    Endpoint(
        "POST",
        "/v1/subscriptions",
        action=Action.MANAGE_SUBSCRIPTIONS,
        ok=201,
        body=lambda v: {"name": "Fictional area", "volumes": [v], "channels": ["stream"]},
    ),
    Endpoint("GET", "/v1/subscriptions", action=Action.VIEW),
    Endpoint(
        "GET",
        "/v1/subscriptions/{subscription_id}",
        "subscription",
        Action.VIEW,
        target=_id("subscription"),
    ),
    Endpoint(
        "DELETE",
        "/v1/subscriptions/{subscription_id}",
        "subscription",
        Action.MANAGE_SUBSCRIPTIONS,
        ok=204,
        target=_id("subscription"),
        own=_id("subscription_to_remove"),
    ),
    Endpoint(
        "POST",
        "/v1/webhooks",
        action=Action.MANAGE_SUBSCRIPTIONS,
        ok=201,
        body=lambda _: {"url": "https://hooks.matrix.example/deconflict"},
    ),
    Endpoint("GET", "/v1/webhooks", action=Action.VIEW),
    Endpoint("GET", "/v1/webhooks/{webhook_id}", "webhook", Action.VIEW, target=_id("webhook")),
    Endpoint(
        "DELETE",
        "/v1/webhooks/{webhook_id}",
        "webhook",
        Action.MANAGE_SUBSCRIPTIONS,
        ok=204,
        target=_id("webhook"),
        own=_id("webhook_to_remove"),
    ),
    Endpoint(
        "GET",
        "/v1/webhooks/{webhook_id}/deliveries",
        "webhook",
        Action.VIEW,
        target=_id("webhook"),
    ),
    Endpoint(
        "POST",
        "/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/replay",
        "delivery",
        Action.MANAGE_SUBSCRIPTIONS,
        target=_id("dead_delivery"),
        unknown=lambda: f"{uuid.uuid4()}/deliveries/{uuid.uuid4()}",
    ),
]
BY_KEY = {e.key: e for e in ENDPOINTS}
#: Headers that differ between two answers only by the moment they were sent.
MOMENT = {"date"}


def test_every_served_endpoint_is_in_the_matrix(served: Served) -> None:
    spec = httpx.get(f"{served.world.base_url}/openapi.json").json()
    served_keys = {(m, p) for p, item in spec["paths"].items() for m in item}
    assert served_keys == set(BY_KEY), (
        f"not in the matrix: {sorted(served_keys - set(BY_KEY))}; "
        f"no longer served: {sorted(set(BY_KEY) - served_keys)}"
    )


@dataclass
class Call:
    label: str
    client: httpx.Client
    party: str | None  # None: a bad key
    role: Role | None


def _callers(served: Served, scene: Scene, e: Endpoint, stack: ExitStack) -> list[Call]:
    world = served.world
    owner: Party = getattr(scene, e.owner)
    calls = [Call(f"{e.owner} {r}", owner.member(r).client, e.owner, r) for r in Role]
    right = next((r for r in Role if e.action is None or e.action in PERMISSIONS[r]), Role.VIEWER)
    for name in OTHERS:
        if name != e.owner:
            party: Party = getattr(scene, name)
            calls.append(Call(f"{name} {right}", party.member(right).client, name, right))
    wrong_role = next((r for r in Role if not _allowed(e, r)), None)
    if wrong_role is not None and e.owner != "westmoor":
        # Another party with the wrong role as well: a 403 that says nothing of the id.
        client = scene.westmoor.member(wrong_role).client
        calls.append(Call(f"westmoor {wrong_role}", client, "westmoor", wrong_role))
    bad: dict[str, dict[str, str]] = {
        "no key": {},
        "malformed key": {"Authorization": "Bearer not a key at all!"},
        "basic scheme": {"Authorization": "Basic dXNlcjpwYXNz"},
        "unknown key": {"Authorization": f"Bearer {scene.unknown_key}"},
        "revoked key": {"Authorization": f"Bearer {scene.revoked_key}"},
    }
    for label, headers in bad.items():
        client = stack.enter_context(httpx.Client(base_url=world.base_url, headers=headers))
        calls.append(Call(label, client, None, None))
    return calls


def _send(call: Call, e: Endpoint, target: str | None, if_match: str | None) -> httpx.Response:
    path = e.path
    if target is not None:
        # A target names every id of the path: "a" or, for two, "a/deliveries/b".
        path = path.split("{")[0] + target + path.rsplit("}", 1)[1]
    headers = {} if if_match is None else {"If-Match": if_match}
    body = None if e.body is None else e.body(far(call.party))
    if not e.stream:
        return call.client.request(e.method, path, json=body, headers=headers)
    with call.client.stream(e.method, path, headers=headers) as answer:
        if answer.status_code != 200:
            answer.read()
        return answer  # a stream's head only: its body never ends


def _same(a: httpx.Response, b: httpx.Response) -> str | None:
    def strip(r: httpx.Response) -> dict[str, str]:
        return {k: v for k, v in r.headers.items() if k not in MOMENT}

    if (a.status_code, strip(a), a.content) != (b.status_code, strip(b), b.content):
        return f"{a.status_code} {a.content!r} vs unknown id: {b.status_code} {b.content!r}"
    return None


def _allowed(e: Endpoint, role: Role) -> bool:
    return e.action is None or e.action in PERMISSIONS[role]


#: The model each answer must validate against: the owner's, and an involved party's.
OWNER_MODELS: dict[tuple[str, str], type[BaseModel]] = {
    ("get", "/healthz"): Health,
    ("get", "/problems/{code}"): ProblemTypeOut,
    ("get", "/v1/me"): MeOut,
    ("post", "/v1/members"): MemberCreatedOut,
    ("delete", "/v1/members/{member_id}/key"): MemberOut,
    ("get", "/v1/agreements"): Page[AgreementOut],
    ("post", "/v1/zones"): ZoneOut,
    ("get", "/v1/zones"): Page[ZoneOut],
    ("get", "/v1/zones/{zone_id}"): ZoneOut,
    ("put", "/v1/zones/{zone_id}"): ZoneOut,
    ("delete", "/v1/zones/{zone_id}"): ZoneOut,
    ("get", "/v1/operations"): Page[OperationSummary],
    ("get", "/v1/consultations"): Page[ConsultationOut],
    ("get", "/v1/consultations/{consultation_id}"): ConsultationOut,
    ("post", "/v1/consultations/{consultation_id}/responses"): ConsultationOut,
    ("get", "/v1/notices"): Page[NoticeOut],
    ("post", "/v1/warnings"): RaisedWarningOut,
    ("get", "/v1/warnings"): Page[ReceivedWarningOut],
    ("get", "/v1/warnings/{warning_id}"): RaisedWarningOut,
    ("post", "/v1/warnings/{warning_id}/acknowledge"): ReceivedWarningOut,
    ("get", "/v1/audit"): AuditPage,
    ("get", "/v1/reports/coordination"): CoordinationReportOut,
    ("post", "/v1/subscriptions"): SubscriptionOut,
    ("get", "/v1/subscriptions"): Page[SubscriptionOut],
    ("get", "/v1/subscriptions/{subscription_id}"): SubscriptionOut,
    ("post", "/v1/webhooks"): RegisteredWebhookOut,
    ("get", "/v1/webhooks"): Page[WebhookOut],
    ("get", "/v1/webhooks/{webhook_id}"): WebhookOut,
    ("get", "/v1/webhooks/{webhook_id}/deliveries"): Page[DeliveryOut],
    ("post", "/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/replay"): DeliveryOut,
}
SEEN_MODELS: dict[str, type[BaseModel]] = {
    "operation": OperationSeenOut,
    "warning": ReceivedWarningOut,
}


def _owner_model(e: Endpoint) -> type[BaseModel]:
    # Every operation endpoint but the list answers with the planner's view.
    return OWNER_MODELS.get(e.key, OperationOut)


def _fits(model: type[BaseModel], got: httpx.Response) -> str | None:
    if got.headers["content-type"] != "application/json":
        return f"content-type {got.headers['content-type']}"
    try:
        model.model_validate_json(got.text)
    except ValidationError as error:
        return f"not a {model.__name__}: {error}"
    return None


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[f"{e.method} {e.path}" for e in ENDPOINTS])
def test_matrix(served: Served, scene: Scene, endpoint: Endpoint) -> None:
    e = endpoint
    wrong: list[str] = []
    unauthenticated: list[bytes] = []
    with ExitStack() as stack:
        callers = _callers(served, scene, e, stack)
        _check(e, callers, scene, wrong, unauthenticated)
    assert not wrong, "\n".join(wrong)
    if not e.public:
        assert len(unauthenticated) == 5
        assert len(set(unauthenticated)) == 1, unauthenticated


def _check(
    e: Endpoint, callers: list[Call], scene: Scene, wrong: list[str], unauthenticated: list[bytes]
) -> None:
    """Each caller's answer, as the matrix says it must be; mismatches go to `wrong`."""
    for call in callers:
        target = None if e.target is None else e.target(scene)
        if_match = None if e.method != "PUT" and e.if_match is None else '"1"'
        may = call.role is not None and _allowed(e, call.role)
        is_owner = call.party == e.owner and may
        if is_owner and e.own is not None:
            target = e.own(scene)
        if is_owner and e.if_match is not None:
            if_match = e.if_match(scene)
        got = _send(call, e, target, if_match)
        where = f"{call.label}: {e.method} {e.path}"
        as_unknown = False  # must answer exactly as the same request on a random id
        if e.public:
            if got.status_code != 200:
                wrong.append(f"{where}: {got.status_code}, public endpoint")
        elif call.party is None:
            assert_problem(got, 401, "unauthenticated")
            assert got.headers["www-authenticate"] == "Bearer", where
            unauthenticated.append(got.content)
        elif is_owner or (e.kind is None and may):
            if got.status_code != e.ok:
                wrong.append(f"{where}: {got.status_code} {got.text}, expected {e.ok}")
            elif e.stream:
                if not got.headers["content-type"].startswith("text/event-stream"):
                    wrong.append(f"{where}: {got.headers['content-type']}, not a stream")
            elif e.ok == 204:
                if got.content:
                    wrong.append(f"{where}: a body with 204")
            elif problem := _fits(_owner_model(e), got):
                wrong.append(f"{where}: {problem}")
        elif not may and (call.party == e.owner or e.kind != "member"):
            # A wrong role: the same 403 whatever the id, so it tells nothing of the object.
            assert_problem(got, 403, "forbidden")
            as_unknown = e.kind is not None and e.kind != "member"
        elif call.party in e.seen_by:
            if got.status_code != 200:
                wrong.append(f"{where}: {got.status_code}, may see it")
            elif problem := _fits(SEEN_MODELS[str(e.kind)], got):
                wrong.append(f"{where}: {problem}")
        else:
            assert_problem(got, 404, "not-found")
            as_unknown = True
        if as_unknown and (differs := _same(got, _send(call, e, e.unknown(), if_match))):
            wrong.append(f"{where}: {differs}")


# What each party sees, field by field.

INVOLVED_FIELDS = {"view", "operation_id", "planner", "planner_is_pseudonym", "purpose", "regions"}
OP_NORTH_BOX: Box = (10.05, 45.02, 10.25, 45.08)


def test_owner_sees_everything(scene: Scene) -> None:
    north = scene.north.viewer
    op = validated(OperationOut, north.get(f"/v1/operations/{scene.op_north}"))
    assert (op.view, op.state, op.priority, op.purpose, op.share_purpose) == (
        "planner",
        "in_consultation",
        40,
        SHARED_PURPOSE,
        True,
    )
    assert op.volumes[0].altitude_lower_m == 100
    assert op.volumes[0].footprint.model_dump()["coordinates"][0][0] == [10.05, 45.02]
    assert [(c.party, c.party_is_pseudonym) for c in op.consultations] == [
        ("Southmark Defence Force", False)
    ]
    assert op.notified == 2
    assert sorted(c.kind for c in op.conflicts) == ["zone", "zone", "zone"]
    assert all(c.target_id is None for c in op.conflicts)  # none of the zones is its own
    zone = validated(ZoneOut, north.get(f"/v1/zones/{scene.zone_north}"))
    assert (zone.name, zone.volumes[0].altitude_upper_m) == ("Northland barracks", 1000)
    raised = validated(RaisedWarningOut, north.get(f"/v1/warnings/{scene.warning}"))
    # Silent alerted parties show only where their agreement names them.
    assert [(a.party, a.acknowledged_at) for a in raised.alerts] == [
        ("Southmark Defence Force", None)
    ]


def test_consulted_party_sees_the_overlap_and_the_name(scene: Scene) -> None:
    south = scene.south.viewer
    got = south.get(f"/v1/operations/{scene.op_north}")
    seen = validated(OperationSeenOut, got)
    assert set(got.json()) == INVOLVED_FIELDS
    assert (seen.view, seen.operation_id, seen.planner, seen.planner_is_pseudonym) == (
        "involved",
        scene.op_north,
        "Northland Army",
        False,
    )
    assert seen.purpose == SHARED_PURPOSE
    # Only where it runs into the South's depot, and no more of it.
    (region,) = got.json()["regions"]
    assert within(region, OP_NORTH_BOX, (100, 300), (2, 4)), region
    assert within(region, (10.00, 45.00, 10.10, 45.04), (0, 300), (2, 4)), region
    # The South's own patrol runs into the North's zone and operation: it sees where, not whose.
    patrol = validated(OperationOut, scene.south.viewer.get(f"/v1/operations/{scene.op_south}"))
    assert sorted(c.kind for c in patrol.conflicts) == ["operation", "zone"]
    assert all(c.target_id is None and c.regions for c in patrol.conflicts)
    assert [(c.party, c.party_is_pseudonym) for c in patrol.consultations] == [
        ("Northland Army", False)
    ]
    hidden = south.get(f"/v1/operations/{scene.op_hidden}").json()
    assert hidden["purpose"] is None
    assert HIDDEN_PURPOSE not in south.get("/v1/consultations").text
    inbox = validated(Page[ConsultationOut], south.get("/v1/consultations"))
    asked = [c for c in inbox.items if c.id == scene.consultation]
    assert asked[0].operation.model_dump() == seen.model_dump()


def test_pseudonym_is_stable_and_differs_per_viewer(scene: Scene) -> None:
    relief = scene.relief.viewer
    first = relief.get(f"/v1/operations/{scene.op_north}").json()
    again = relief.get(f"/v1/operations/{scene.op_north}").json()
    assert first["planner_is_pseudonym"] is True
    assert first["planner"].startswith("party-")
    assert first["planner"] == again["planner"]
    assert set(first) == INVOLVED_FIELDS
    assert first["purpose"] == SHARED_PURPOSE
    for region in first["regions"]:
        assert within(region, OP_NORTH_BOX, (100, 300), (2, 4)), region
        assert within(region, (10.12, 45.00, 10.20, 45.04), (0, 300), (2, 4)), region
    notices = relief.get("/v1/notices").json()["items"]
    assert [n["operation"]["planner"] for n in notices] == [first["planner"]]
    alert = validated(ReceivedWarningOut, relief.get(f"/v1/warnings/{scene.warning}"))
    assert (alert.raiser, alert.raiser_is_pseudonym) == (first["planner"], True)
    other = scene.highmoor.viewer.get(f"/v1/operations/{scene.op_north}").json()
    assert other["planner_is_pseudonym"] is True
    assert other["planner"] != first["planner"]
    south = scene.south.viewer.get(f"/v1/warnings/{scene.warning}").json()
    assert (south["raiser"], south["raiser_is_pseudonym"]) == ("Northland Army", False)


LISTS = [
    "/v1/zones",
    "/v1/operations",
    "/v1/consultations",
    "/v1/notices",
    "/v1/warnings?scope=raised",
    "/v1/warnings?scope=received",
    "/v1/audit",
    "/v1/agreements",
]


def _get(client: httpx.Client, path_and_query: str, **params: Any) -> httpx.Response:
    """GET with the query in the path kept: httpx would replace it with `params`."""
    path, _, query = path_and_query.partition("?")
    params |= dict(p.split("=") for p in query.split("&") if p)
    return client.get(path, params=params)


def _lists(client: httpx.Client) -> dict[str, bytes]:
    return {path: _get(client, path, limit=1).content for path in LISTS}


def test_unrelated_lists_hold_only_its_own(served: Served, scene: Scene) -> None:
    # The scene gives it a zone and an operation; a warning of its own, far from everybody,
    # is raised here so that the test holds alone as well as after the matrix.
    advisory = {"volume": far("westmoor"), "severity": "advisory", "message": "Fictional"}
    raised = scene.westmoor.liaison.post("/v1/warnings", json=advisory)
    assert raised.status_code == 201, raised.text
    westmoor = scene.westmoor.viewer
    own = find_truth(served).allowed[PartyId(scene.westmoor.id)]
    for path in ("/v1/zones", "/v1/operations", "/v1/warnings?scope=raised"):
        items = _get(westmoor, path, limit=500).json()["items"]
        assert {i["id"] for i in items} <= own, path
        assert items, path  # its own are there
    for path in ("/v1/consultations", "/v1/notices", "/v1/warnings?scope=received"):
        assert _get(westmoor, path).json() == {"items": [], "next_cursor": None}, path
    for entry in westmoor.get("/v1/audit", params={"limit": 500}).json()["items"]:
        assert entry["subject"].split(":", 1)[1] in own, entry
    (agreement,) = westmoor.get("/v1/agreements").json()["items"]
    assert agreement["party_is_pseudonym"] is True
    # A page that holds its last own item says so, however much others have.
    zones = westmoor.get("/v1/zones", params={"limit": 500}).json()
    assert zones["next_cursor"] is None


def test_cursors_reveal_no_counts(scene: Scene) -> None:
    north = scene.north.viewer
    page = north.get("/v1/zones", params={"limit": 1}).json()
    assert decode_cursor(page["next_cursor"]) == page["items"][0]["id"]
    westmoor = scene.westmoor.viewer
    # The audit pages by the party's own numbers: no gap shows that others were busy.
    record = westmoor.get("/v1/audit", params={"limit": 500}).json()["items"]
    assert [e["seq"] for e in record] == list(range(len(record)))
    before = _lists(westmoor)
    zone = {"name": "Fictional new camp", "volumes": [volume(rectangle(21.0, 61.0, 21.1, 61.05))]}
    assert scene.north.planner.post("/v1/zones", json=zone).status_code == 201
    plan = {"volumes": [volume(rectangle(21.0, 61.0, 21.1, 61.05))]}
    assert scene.south.planner.post("/v1/operations", json=plan).status_code == 201
    assert scene.relief.planner.post("/v1/zones", json=zone).status_code == 201
    assert _lists(westmoor) == before


# Every body a party gets holds no id or name the brief does not allow it.


def test_bodies_carry_no_foreign_ids_or_hidden_names(served: Served, scene: Scene) -> None:
    truth = find_truth(served)
    named = {("south", "north"), ("north", "south")}  # agreements that disclose names
    leaks: set[str] = set()
    for viewer_name in OTHERS:
        viewer: Party = getattr(scene, viewer_name)
        allowed = truth.allowed[PartyId(viewer.id)]
        forbidden = {i: what for i, what in truth.owner_of.items() if i not in allowed}
        hidden_names = {
            getattr(scene, other).name
            for other in OTHERS
            if other != viewer_name and (viewer_name, other) not in named
        }
        for where, body in crawl(viewer.viewer):
            for pointer, text in strings(body):
                place = f"{where} at {general_pointer(pointer, body)}"
                for entity, what in forbidden.items():
                    if entity in text:
                        leaks.add(f"{viewer.name} gets {what} in {place}")
                for name in hidden_names:
                    if name in text:
                        leaks.add(f"{viewer.name} gets the name {name!r} in {place}")
    assert not leaks, "\n".join(sorted(leaks))
