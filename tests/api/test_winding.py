"""Polygons the API writes follow RFC 7946: the right-hand rule, however the input wound,
and no `bbox: null`."""

from __future__ import annotations

import shapely

from tests.api.helpers import World, rectangle, volume


def _ccw(ring: list[list[float]]) -> bool:
    return bool(shapely.LinearRing(ring).is_ccw)


def test_rings_and_regions_come_out_counter_clockwise(world: World) -> None:
    north, south = world.parties["Northland Army"], world.parties["Southmark Defence Force"]
    shell = rectangle(10.25, 45.28, 10.5, 45.34)["coordinates"][0][::-1]  # clockwise
    hole = [[10.3, 45.3], [10.32, 45.3], [10.32, 45.32], [10.3, 45.32], [10.3, 45.3]]  # ccw
    footprint = {"type": "Polygon", "coordinates": [shell, hole]}
    zone = north.planner.post("/v1/zones", json={"name": "Depot", "volumes": [volume(footprint)]})
    assert zone.status_code == 201, zone.text
    shell_out, hole_out = zone.json()["volumes"][0]["footprint"]["coordinates"]
    assert _ccw(shell_out)
    assert not _ccw(hole_out)
    assert sorted(map(tuple, shell_out[:-1])) == sorted(map(tuple, shell[:-1]))

    plan = {"volumes": [volume(rectangle(10.4, 45.30, 10.6, 45.40))]}
    op = south.planner.post("/v1/operations", json=plan)
    assert op.status_code == 201, op.text
    regions = [r["footprint"] for c in op.json()["conflicts"] for r in c["regions"]]
    polygons = [r for r in regions if r["type"] == "Polygon"]
    assert polygons, regions
    assert all(_ccw(p["coordinates"][0]) for p in polygons)


def test_a_polygon_comes_out_without_a_null_bbox_and_goes_back_in(world: World) -> None:
    # A bbox is an array if present (RFC 7946 §5), so null is refused on the way in; the
    # answers must not write one either, or a client sending a volume back is refused.
    north = world.parties["Northland Army"]
    zone = north.planner.post(
        "/v1/zones",
        json={"name": "Depot", "volumes": [volume(rectangle(10.25, 45.28, 10.5, 45.34))]},
    )
    assert zone.status_code == 201, zone.text
    footprint = zone.json()["volumes"][0]["footprint"]
    assert "bbox" not in footprint
    revised = north.planner.put(
        f"/v1/zones/{zone.json()['id']}",
        json={"volumes": zone.json()["volumes"]},
        headers={"if-match": zone.headers["etag"]},
    )
    assert revised.status_code == 200, revised.text
