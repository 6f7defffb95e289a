"""Bad input is refused with the pointer to the field, and leaves no trace in the store."""

from __future__ import annotations

import json
from typing import Any

import pytest

from deconflict.store.interface import Store, Transaction
from tests.api.helpers import World, assert_problem, circle, rectangle, volume

BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[10, 45], [10.1, 45.1], [10.1, 45], [10, 45.1], [10, 45]]],
}
THREE_VALUES = {
    "type": "Polygon",
    "coordinates": [[[10, 45], [10.1, 45], [10.1, 45.05], [10, 45.05, 120], [10, 45]]],
}
GOOD = volume(circle(10.5, 45.5, 300))
# Python's json reads the NaN literal, as many JSON readers do; our checks must refuse it.
NAN_BODY = json.dumps({"volumes": [volume(circle(10, 45, 5))]}).replace("[10, 45]", "[NaN, 45]")

#: (path, body, problem code, pointer)
CASES: dict[str, tuple[str, Any, str, str]] = {
    "self-intersecting": (
        "/v1/zones",
        {"name": "Bad", "volumes": [volume(BOW_TIE)]},
        "self-intersection",
        "/volumes/0/footprint/coordinates/0",
    ),
    "position with altitude": (
        "/v1/zones",
        {"name": "Bad", "volumes": [volume(THREE_VALUES)]},
        "invalid-coordinate",
        "/volumes/0/footprint/coordinates/0/3",
    ),
    "unknown field in a footprint": (
        "/v1/zones",
        {"name": "Bad", "volumes": [volume({**rectangle(10, 45, 10.1, 45.05), "radius_m": 3})]},
        "malformed-value",
        "/volumes/0/footprint/radius_m",
    ),
    "negative buffer": (
        "/v1/zones",
        {"name": "Bad", "volumes": [GOOD], "buffer": {"horizontal_m": -5}},
        "invalid-radius",
        "/buffer/horizontal_m",
    ),
    "AGL without a terrain model": (
        "/v1/zones",
        {"name": "Bad", "volumes": [{**GOOD, "altitude_reference": "AGL"}]},
        "invalid-altitude-band",
        "/volumes/0/altitude_reference",
    ),
    "end before start in the second volume": (
        "/v1/operations",
        {"volumes": [GOOD, volume(circle(10.6, 45.5, 300), start_h=5, end_h=3)]},
        "invalid-time-window",
        "/volumes/1/end",
    ),
    "priority out of range": (
        "/v1/operations",
        {"volumes": [GOOD], "priority": 101},
        "invalid-input",
        "/priority",
    ),
    "too many volumes": (
        "/v1/operations",
        {"volumes": [GOOD] * 101},
        "invalid-input",
        "/volumes",
    ),
    "volumes not an array": (
        "/v1/operations",
        {"volumes": "everywhere"},
        "malformed-value",
        "/volumes",
    ),
    "missing footprint type": (
        "/v1/operations",
        {"volumes": [{**GOOD, "footprint": {"center": [10, 45], "radius_m": 5}}]},
        "malformed-value",
        "/volumes/0/footprint",
    ),
    "circle radius as text": (
        "/v1/operations",
        {"volumes": [volume({"type": "Circle", "center": [10, 45], "radius_m": "big"})]},
        "malformed-value",
        "/volumes/0/footprint/radius_m",
    ),
    "coordinate as a boolean": (
        "/v1/operations",
        {"volumes": [volume({"type": "Circle", "center": [10, True], "radius_m": 5})]},
        "malformed-value",
        "/volumes/0/footprint/center/1",
    ),
    "polygon position as text": (
        "/v1/zones",
        {
            "name": "Bad",
            "volumes": [
                volume(
                    {
                        "type": "Polygon",
                        "coordinates": [[[10, 45], [10.1, 45], ["10.1", 45.05], [10, 45]]],
                    }
                )
            ],
        },
        "malformed-value",
        "/volumes/0/footprint/coordinates/0/2/0",
    ),
    "radius as a numeric string": (
        "/v1/operations",
        {"volumes": [volume({"type": "Circle", "center": [10, 45], "radius_m": "500"})]},
        "malformed-value",
        "/volumes/0/footprint/radius_m",
    ),
    "altitude as a boolean": (
        "/v1/operations",
        {"volumes": [{**GOOD, "altitude_lower_m": False}]},
        "malformed-value",
        "/volumes/0/altitude_lower_m",
    ),
    "buffer as a numeric string": (
        "/v1/zones",
        {"name": "Bad", "volumes": [GOOD], "buffer": {"horizontal_m": "100"}},
        "malformed-value",
        "/buffer/horizontal_m",
    ),
    "priority as a fraction": (
        "/v1/operations",
        {"volumes": [GOOD], "priority": 1.0},
        "malformed-value",
        "/priority",
    ),
    "draft as text": (
        "/v1/operations",
        {"volumes": [GOOD], "draft": "yes"},
        "malformed-value",
        "/draft",
    ),
    "NaN coordinate": (
        "/v1/operations",
        NAN_BODY,
        "invalid-coordinate",
        "/volumes/0/footprint/center/0",
    ),
    "bbox in 3-D, its altitudes dropped": (
        "/v1/zones",
        {
            "name": "Bad",
            "volumes": [
                volume({**rectangle(10, 45, 10.1, 45.05), "bbox": [10, 45, 0, 10.1, 45.05, 3000]})
            ],
        },
        "invalid-coordinate",
        "/volumes/0/footprint/bbox",
    ),
    # RFC 7946 §5: a bbox, if present, is an array; null is no more a bbox than a text is.
    "bbox null": (
        "/v1/zones",
        {"name": "Bad", "volumes": [volume({**rectangle(10, 45, 10.1, 45.05), "bbox": None})]},
        "malformed-value",
        "/volumes/0/footprint/bbox",
    ),
    "bbox a text": (
        "/v1/zones",
        {"name": "Bad", "volumes": [volume({**rectangle(10, 45, 10.1, 45.05), "bbox": "10,45"})]},
        "malformed-value",
        "/volumes/0/footprint/bbox",
    ),
    "naive timestamp": (
        "/v1/operations",
        {"volumes": [{**GOOD, "start": "2026-12-01T10:00:00"}]},
        "invalid-time-window",
        "/volumes/0/start",
    ),
    "empty warning message": (
        "/v1/warnings",
        {"volume": GOOD, "severity": "danger", "message": " "},
        "invalid-input",
        "/message",
    ),
    "unknown severity": (
        "/v1/warnings",
        {"volume": GOOD, "severity": "apocalyptic", "message": "Flood"},
        "malformed-value",
        "/severity",
    ),
}


def snapshot(store: Store) -> tuple[object, ...]:
    def work(tx: Transaction) -> tuple[object, ...]:
        head = tx.audit.head()
        parties = tx.parties.all()
        return (
            None if head is None else head.hash,
            tx.volumes.count(),
            sum(len(tx.zones.of_party(p.id, after=None, limit=1000)) for p in parties),
            sum(len(tx.operations.of_party(p.id, after=None, limit=1000)) for p in parties),
            sum(len(tx.warnings.raised_by(p.id, after=None, limit=1000)) for p in parties),
        )

    return store.read(work)


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_input_is_refused_and_stores_nothing(world: World, store: Store, case: str) -> None:
    path, body, code, pointer = CASES[case]
    north = world.parties["Northland Army"]
    client = north.liaison if path == "/v1/warnings" else north.planner
    before = snapshot(store)
    if isinstance(body, str):
        response = client.post(path, content=body, headers={"content-type": "application/json"})
    else:
        response = client.post(path, json=body)
    problem = assert_problem(response, 422, code)
    assert problem["errors"][0]["pointer"] == pointer
    assert snapshot(store) == before


ODD_BODIES = [
    b"[]",
    b"null",
    b'"zone"',
    b"1e999",
    b'{"volumes": [null]}',
    b'{"volumes": [{"footprint": {"type": "Polygon", "coordinates": [[[0, 0]]]}}]}',
    b'{"volumes": [{"footprint": {"type": "Polygon", "coordinates": []}}]}',
    b'{"volumes": [{"footprint": {"type": "Circle", "center": [], "radius_m": 1e999}}]}',
    b'{"name": "x", "volumes": [], "buffer": {"horizontal_m": NaN}}',
    b'{"priority": 1' + b"0" * 400 + b', "volumes": []}',
    b"[" * 60_000,
    b'{"name": "\xff\xfe"}',
    b'{"kind": "object", "suggested_volume": {"footprint": 3}}',
    b'{"volume": {}, "severity": "danger", "message": "m"}',
]


@pytest.mark.parametrize("body", ODD_BODIES, ids=range(len(ODD_BODIES)))
def test_no_parse_failure_is_a_500(world: World, store: Store, body: bytes) -> None:
    north = world.parties["Northland Army"]
    planner, liaison = north.planner, north.liaison  # made before the snapshot
    before = snapshot(store)
    for path in ("/v1/zones", "/v1/operations", "/v1/warnings", "/v1/consultations/x/responses"):
        client = planner if path in {"/v1/zones", "/v1/operations"} else liaison
        response = client.post(path, content=body, headers={"content-type": "application/json"})
        assert response.status_code in {400, 404, 422}, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert snapshot(store) == before


@pytest.mark.parametrize("tag", [b'"\xb2"', b'"\xb9"', b'"x1"', b'"01"'])
def test_a_zone_tag_names_a_version_only_in_the_digits_the_api_wrote(
    world: World, store: Store, tag: bytes
) -> None:
    """Header bytes are Latin-1: 0xB2 is "²", which str.isdigit() accepts and int() does not."""
    planner = world.parties["Northland Army"].planner
    zone = {"name": "Depot", "volumes": [GOOD]}
    made = planner.post("/v1/zones", json=zone).json()
    before = snapshot(store)
    response = planner.put(f"/v1/zones/{made['id']}", json=zone, headers={b"If-Match": tag})
    problem = assert_problem(response, 412, "stale-version")
    named = tag.decode("latin-1").strip('"')
    assert problem["detail"].startswith(f"version {named} is not the current one (1)")
    assert "read the zone again" in problem["detail"]
    assert snapshot(store) == before
