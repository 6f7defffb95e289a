"""/v1/webhooks and /v1/subscriptions over a real server: registration, the SSRF guard,
limits, need to know, and dead deliveries replayed."""

from __future__ import annotations

import pytest

from deconflict.api.schemas.common import Page
from deconflict.api.schemas.delivery import (
    DeliveryOut,
    RegisteredWebhookOut,
    SubscriptionOut,
    WebhookOut,
)
from deconflict.domain.webhook import MAX_WEBHOOKS_PER_PARTY, DeliveryState, failed
from deconflict.service import outbox
from deconflict.store.interface import Transaction
from tests.api.helpers import World, assert_problem, circle, validated, volume

HOOK = "https://hooks.lakeside-relief.example/deconflict"


def test_a_webhook_is_registered_with_a_secret_shown_once(world: World) -> None:
    relief = world.parties["Lakeside Relief Corps"]
    body = {"url": HOOK, "purpose": "primary", "description": "ops room"}
    made = validated(RegisteredWebhookOut, relief.liaison.post("/v1/webhooks", json=body), 201)
    assert made.secret.startswith("whsec_")
    assert (made.url, made.purpose, made.description) == (HOOK, "primary", "ops room")
    listed = validated(Page[WebhookOut], relief.viewer.get("/v1/webhooks"))
    assert [w.id for w in listed.items] == [made.id]
    assert "secret" not in relief.viewer.get(f"/v1/webhooks/{made.id}").text
    assert relief.liaison.delete(f"/v1/webhooks/{made.id}").status_code == 204
    gone = relief.viewer.get(f"/v1/webhooks/{made.id}")
    unknown = relief.viewer.get("/v1/webhooks/00000000-0000-4000-8000-000000000000")
    assert_problem(gone, 404, "not-found")
    assert gone.content == unknown.content


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9000/hook",  # loopback: only with webhook_allow_loopback
        "https://localhost/hook",
        "https://10.1.2.3/hook",  # private
        "https://169.254.169.254/latest/meta-data",  # link-local: cloud metadata
        "https://[fe80::1]/hook",
        "https://[::ffff:192.168.0.1]/hook",
        "http://hooks.lakeside-relief.example/hook",  # not https
        "ftp://hooks.lakeside-relief.example/hook",
        "https://user:pass@hooks.lakeside-relief.example/hook",
        "not a url",
    ],
)
def test_unsafe_targets_are_refused_and_nothing_is_stored(world: World, url: str) -> None:
    relief = world.parties["Lakeside Relief Corps"]
    answer = relief.liaison.post("/v1/webhooks", json={"url": url})
    body = assert_problem(answer, 422, "unsafe-webhook-target")
    assert body["errors"][0]["pointer"] == "/url"
    assert validated(Page[WebhookOut], relief.viewer.get("/v1/webhooks")).items == []


def test_roles_limits_and_other_parties(world: World) -> None:
    relief = world.parties["Lakeside Relief Corps"]
    north = world.parties["Northland Army"]
    assert_problem(relief.viewer.post("/v1/webhooks", json={"url": HOOK}), 403, "forbidden")
    made = [
        relief.liaison.post("/v1/webhooks", json={"url": f"{HOOK}/{i}"}).json()["id"]
        for i in range(MAX_WEBHOOKS_PER_PARTY)
    ]
    assert_problem(relief.liaison.post("/v1/webhooks", json={"url": HOOK}), 409, "limit-reached")
    theirs = north.liaison.get(f"/v1/webhooks/{made[0]}")
    unknown = north.liaison.get("/v1/webhooks/00000000-0000-4000-8000-000000000000")
    assert_problem(theirs, 404, "not-found")
    assert theirs.content == unknown.content
    assert north.liaison.delete(f"/v1/webhooks/{made[0]}").content == unknown.content
    assert north.liaison.get(f"/v1/webhooks/{made[0]}/deliveries").content == unknown.content
    assert validated(Page[WebhookOut], north.viewer.get("/v1/webhooks")).items == []


def test_only_a_dead_delivery_is_replayed(world: World) -> None:
    relief = world.parties["Lakeside Relief Corps"]
    hook = relief.liaison.post("/v1/webhooks", json={"url": HOOK}).json()["id"]
    zone = {
        "name": "Field hospital",
        "volumes": [volume(circle(10.45, 45.32, 300), start_h=0, end_h=24)],
    }
    assert relief.planner.post("/v1/zones", json=zone).status_code == 201
    svc = world.service
    outbox.make_deliveries(svc, escalate_from_sends=3)
    pending = validated(Page[DeliveryOut], relief.viewer.get(f"/v1/webhooks/{hook}/deliveries"))
    # Its own registration, the planner's enrolment, the zone: each an event of the party.
    assert [d.state for d in pending.items] == ["pending"] * 3
    delivery_id = pending.items[0].id
    replay = f"/v1/webhooks/{hook}/deliveries/{delivery_id}/replay"
    assert_problem(relief.liaison.post(replay), 409, "not-replayable")

    def run_out_of_attempts(tx: Transaction) -> None:
        current = tx.webhooks.get_delivery(delivery_id)
        assert current is not None
        tx.webhooks.put_delivery(failed(current, 503, "HTTP 503", None, world.clock.now()))

    svc.write(run_out_of_attempts)
    dead = validated(
        Page[DeliveryOut], relief.viewer.get(f"/v1/webhooks/{hook}/deliveries?state=dead")
    )
    assert [(d.id, d.last_status, d.attempts) for d in dead.items] == [(delivery_id, 503, 1)]
    again = validated(DeliveryOut, relief.liaison.post(replay))
    assert (again.state, again.attempts) == (DeliveryState.PENDING, 0)
    assert (
        validated(
            Page[DeliveryOut], relief.viewer.get(f"/v1/webhooks/{hook}/deliveries?state=dead")
        ).items
        == []
    )
    assert_problem(relief.viewer.post(replay), 403, "forbidden")
    other = world.parties["Northland Army"].liaison.post(replay)
    assert_problem(other, 404, "not-found")


def test_a_subscription_is_added_listed_and_removed(world: World) -> None:
    relief = world.parties["Lakeside Relief Corps"]
    body = {
        "name": "Mobile clinic route",
        "volumes": [volume(circle(10.6, 45.1, 2000), start_h=0, end_h=24)],
        "event_types": ["alert", "warning"],
        "channels": ["webhook"],
    }
    made = validated(SubscriptionOut, relief.liaison.post("/v1/subscriptions", json=body), 201)
    assert (made.event_types, made.channels) == (["alert", "warning"], ["webhook"])
    listed = validated(Page[SubscriptionOut], relief.viewer.get("/v1/subscriptions"))
    assert [s.id for s in listed.items] == [made.id]
    north = world.parties["Northland Army"]
    assert north.liaison.get(f"/v1/subscriptions/{made.id}").status_code == 404
    assert relief.liaison.delete(f"/v1/subscriptions/{made.id}").status_code == 204
    assert relief.viewer.get(f"/v1/subscriptions/{made.id}").status_code == 404


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"channels": []}, "/channels"),
        ({"channels": ["pigeon"]}, "/channels/0"),
        ({"channels": ["stream"], "event_types": ["gossip"]}, "/event_types/0"),
        (
            {
                "channels": ["stream"],
                "volumes": [volume(circle(10.6, 95.0, 2000), start_h=0, end_h=24)],
            },
            "/volumes/0/footprint/center/1",
        ),
    ],
)
def test_a_bad_subscription_is_refused_with_a_pointer(
    world: World, body: dict[str, object], pointer: str
) -> None:
    relief = world.parties["Lakeside Relief Corps"]
    answer = relief.liaison.post("/v1/subscriptions", json=body)
    assert answer.status_code == 422, answer.text
    assert pointer in [e["pointer"] for e in answer.json()["errors"]]
    assert validated(Page[SubscriptionOut], relief.viewer.get("/v1/subscriptions")).items == []
