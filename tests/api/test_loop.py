"""The whole coordination loop over HTTP: protect, submit, consult, object, revise, clear, warn."""

from __future__ import annotations

import hashlib

from pydantic import TypeAdapter

from deconflict.api.schemas.audit import AuditPage
from deconflict.api.schemas.common import Page
from deconflict.api.schemas.consultations import ConsultationOut, NoticeOut
from deconflict.api.schemas.operations import OperationOut
from deconflict.api.schemas.parties import AgreementOut, MeOut
from deconflict.api.schemas.seen import OperationSeenOut
from deconflict.api.schemas.warnings import RaisedWarningOut, ReceivedWarningOut
from deconflict.api.schemas.zones import ZoneOut
from deconflict.domain.visibility import pseudonym
from tests.api.helpers import SECRET, World, circle, rectangle, validated, volume


def test_the_full_loop(world: World) -> None:
    north = world.parties["Northland Army"]
    south = world.parties["Southmark Defence Force"]
    relief = world.parties["Lakeside Relief Corps"]
    tower = world.parties["Eastvale Air Navigation"]

    me = validated(MeOut, north.planner.get("/v1/me"))
    assert (me.party.name, me.member.role) == ("Northland Army", "planner")
    assert "plan_operations" in me.allowed_actions
    assert "respond" not in me.allowed_actions
    viewer = validated(MeOut, tower.viewer.get("/v1/me"))
    assert viewer.party.is_airspace_authority
    assert viewer.allowed_actions == ["view"]

    base = {
        "name": "Southmark forward base",
        "volumes": [volume(rectangle(10.20, 45.30, 10.30, 45.36), start_h=0, end_h=24)],
        "buffer": {"horizontal_m": 1000, "vertical_m": 50},
        "validity": "time_limited",
    }
    zone = validated(ZoneOut, south.planner.post("/v1/zones", json=base), 201)
    hospital = {
        "name": "Field hospital",
        "volumes": [volume(circle(10.45, 45.32, 300), upper_m=2000, start_h=0, end_h=24)],
        "buffer": {"horizontal_m": 500},
    }
    validated(ZoneOut, relief.planner.post("/v1/zones", json=hospital), 201)

    plan = {
        "volumes": [volume(rectangle(10.25, 45.28, 10.50, 45.34))],
        "priority": 40,
        "purpose": "Resupply convoy escort",
        "share_purpose": True,
    }
    submitted = north.planner.post("/v1/operations", json=plan)
    op = validated(OperationOut, submitted, 201)
    assert submitted.headers["etag"] == f'"{op.ovn}"'
    assert op.state == "in_consultation"
    assert {c.kind for c in op.conflicts} == {"zone", "authority_area"}
    assert all(c.target_id is None for c in op.conflicts), "others' ids stay hidden"
    assert [(c.party, c.status) for c in op.consultations] == [
        ("Southmark Defence Force", "pending")
    ]
    assert op.notified == 2  # the relief corps by agreement, the authority by its area

    # Southmark's inbox: the consultation, with only the overlap of its own zone.
    inbox = validated(Page[ConsultationOut], south.liaison.get("/v1/consultations"))
    assert len(inbox.items) == 1
    asked = inbox.items[0]
    assert (asked.status, asked.operation.planner) == ("pending", "Northland Army")
    assert asked.operation.purpose == "Resupply convoy escort"
    assert asked.operation.regions
    seen = validated(OperationSeenOut, south.viewer.get(f"/v1/operations/{op.id}"))
    assert seen.operation_id == op.id
    assert "volumes" not in south.viewer.get(f"/v1/operations/{op.id}").json()

    objection = {
        "kind": "object",
        "text": "Your route passes over our forward base",
        "suggested_change": "stay 10 km east of the base",
        "suggested_volume": volume(rectangle(10.45, 45.28, 10.60, 45.34)),
    }
    answered = south.liaison.post(f"/v1/consultations/{asked.id}/responses", json=objection)
    assert validated(ConsultationOut, answered, 201).status == "objected"

    objected = validated(OperationOut, north.viewer.get(f"/v1/operations/{op.id}"))
    assert objected.state == "objected"
    response = objected.consultations[0].responses[0]
    assert (response.kind, response.suggested_change) == ("object", "stay 10 km east of the base")
    assert response.suggested_volume is not None

    # Revise with the version read: still within reach of the buffered base, asked afresh.
    narrower = {**plan, "volumes": [volume(rectangle(10.305, 45.28, 10.50, 45.34))]}
    revised = north.planner.put(
        f"/v1/operations/{op.id}", json=narrower, headers={"If-Match": f'"{objected.ovn}"'}
    )
    second = validated(OperationOut, revised)
    assert (second.version, second.state) == (2, "in_consultation")
    assert revised.headers["etag"] == f'"{second.ovn}"' != f'"{op.ovn}"'

    inbox = validated(Page[ConsultationOut], south.liaison.get("/v1/consultations"))
    statuses = {c.operation_version: c.status for c in inbox.items}
    assert statuses == {1: "closed", 2: "pending"}
    fresh = next(c for c in inbox.items if c.operation_version == 2)
    ack = south.liaison.post(
        f"/v1/consultations/{fresh.id}/responses", json={"kind": "acknowledge"}
    )
    assert validated(ConsultationOut, ack, 201).status == "acknowledged"
    cleared = validated(OperationOut, north.planner.get(f"/v1/operations/{op.id}"))
    assert cleared.state == "cleared"
    assert "activate" in cleared.allowed_actions

    # The relief corps and the authority were told, under a pseudonym and by name.
    relief_notices = validated(Page[NoticeOut], relief.viewer.get("/v1/notices"))
    assert {n.reason for n in relief_notices.items} == {"conflict"}
    named = relief_notices.items[0].operation.planner
    assert named == pseudonym(SECRET.encode(), north.id, relief.id)
    tower_notices = validated(Page[NoticeOut], tower.viewer.get("/v1/notices"))
    assert {n.reason for n in tower_notices.items} == {"authority_area"}
    assert tower_notices.items[0].operation.planner == "Northland Army"

    agreements = validated(Page[AgreementOut], relief.viewer.get("/v1/agreements"))
    labels = {a.party for a in agreements.items}
    assert labels == {pseudonym(SECRET.encode(), north.id, relief.id), "Southmark Defence Force"}

    # A warning over the convoy's area: Northland and the hospital are alerted.
    hazard = {
        "volume": volume(circle(10.40, 45.31, 5000), start_h=1, end_h=6),
        "severity": "danger",
        "message": "Expect hostile drones here within 2 hours",
    }
    raised = validated(RaisedWarningOut, south.liaison.post("/v1/warnings", json=hazard), 201)
    assert {a.party for a in raised.alerts} == {"Northland Army", "Lakeside Relief Corps"}
    assert all(a.acknowledged_at is None for a in raised.alerts)

    received = north.liaison.get("/v1/warnings", params={"scope": "received"})
    alerted = validated(Page[ReceivedWarningOut], received)
    assert [(w.id, w.raiser) for w in alerted.items] == [(raised.id, "Southmark Defence Force")]
    assert [(w.raised_at, w.sends) for w in alerted.items] == [(world.clock.now(), 1)]
    acked = north.liaison.post(f"/v1/warnings/{raised.id}/acknowledge")
    assert validated(ReceivedWarningOut, acked).acknowledged_at is not None

    after = validated(RaisedWarningOut, south.viewer.get(f"/v1/warnings/{raised.id}"))
    by_party = {a.party: a.acknowledged_at for a in after.alerts}
    assert by_party["Northland Army"] is not None
    assert by_party["Lakeside Relief Corps"] is None
    raised_list = south.viewer.get("/v1/warnings", params={"scope": "raised"})
    assert [w.id for w in validated(Page[RaisedWarningOut], raised_list).items] == [raised.id]

    # Every step is on record, chained.
    audit = validated(AuditPage, north.viewer.get("/v1/audit", params={"limit": 500}))
    # The party's own record: numbered from 0 without gaps, whatever others did meanwhile,
    # each link chained onto the one before.
    assert [e.seq for e in audit.items] == list(range(len(audit.items)))
    for before, link in zip(audit.items, audit.items[1:], strict=False):
        assert link.prev_hash == before.hash
        assert (
            link.hash == hashlib.sha256(f"{link.prev_hash}:{link.entry_hash}".encode()).hexdigest()
        )
    kinds = {e.kind for e in audit.items}
    assert {"state_change", "response", "acknowledgement"} <= kinds
    assert all(len(e.hash) == 64 for e in audit.items)
    assert zone.version == 1


def test_zone_lifecycle_with_if_match(world: World) -> None:
    relief = world.parties["Lakeside Relief Corps"]
    shelter = {
        "name": "Shelter",
        "volumes": [volume(circle(10.9, 45.9, 200), start_h=0, end_h=10)],
    }
    created = relief.planner.post("/v1/zones", json=shelter)
    zone = validated(ZoneOut, created, 201)
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == f"/v1/zones/{zone.id}"
    moved = {"volumes": [volume(circle(10.91, 45.9, 250), start_h=0, end_h=10)]}
    stale = relief.planner.put(f"/v1/zones/{zone.id}", json=moved, headers={"If-Match": '"7"'})
    assert stale.status_code == 412
    revised = relief.planner.put(f"/v1/zones/{zone.id}", json=moved, headers={"If-Match": '"1"'})
    assert validated(ZoneOut, revised).version == 2
    assert revised.headers["etag"] == '"2"'
    listed = validated(Page[ZoneOut], relief.viewer.get("/v1/zones"))
    assert [z.name for z in listed.items] == ["Shelter"]
    retired = validated(ZoneOut, relief.planner.delete(f"/v1/zones/{zone.id}"))
    assert retired.retired_at is not None
    again = relief.planner.delete(f"/v1/zones/{zone.id}")
    assert again.status_code == 409
    assert TypeAdapter(list[str]).validate_python(again.json()["allowed_actions"]) == []
