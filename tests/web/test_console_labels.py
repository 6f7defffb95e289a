"""Shapes on the map carry their names, inside them; the more urgent wins where they crowd."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from playwright.sync_api import Locator, Page, expect

from deconflict.domain.party import Role
from tests.web.world import FLIGHT_CENTRE, NORTH, SOUTH, ConsolePage, ConsoleWorld, NewPage, iso

#: Northland's fuel farm east of its flight: a U open to the north, so the centre of its
#: bounds (14.56, 47.1075) lies in the notch, outside the zone.
FUEL_FARM = [
    [14.535, 47.09],
    [14.585, 47.09],
    [14.585, 47.125],
    [14.57, 47.125],
    [14.57, 47.10],
    [14.55, 47.10],
    [14.55, 47.125],
    [14.535, 47.125],
    [14.535, 47.09],
]

#: Each shape, checked in the page: is the label point inside (ray casting, holes too)?
INSIDE = """async (shapes) => {
    const { labelPoint } = await import("./interior.js");
    const inRing = ([x, y], ring) => {
        let inside = false;
        for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
            const [a, b] = [ring[i], ring[j]];
            if (a[1] > y !== b[1] > y && x < ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]) + a[0]) {
                inside = !inside;
            }
        }
        return inside;
    };
    const inPolygon = (p, rings) =>
        inRing(p, rings[0]) && !rings.slice(1).some((r) => inRing(p, r));
    return shapes.map((g) => {
        const { at } = labelPoint(g);
        const polygons = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
        return polygons.some((rings) => inPolygon(at, rings));
    });
}"""

#: Which features of `layer` the map draws at a point of the page.
DRAWN_AT = """([x, y, layer]) => {
    const box = document.getElementById("map").getBoundingClientRect();
    return window.deconflictConsole.map
        .queryRenderedFeatures([x - box.left, y - box.top], { layers: [layer] })
        .map((f) => f.properties.ref);
}"""


#: How each label shows as the map zooms out from 12 to 8 over the flight and the fuel
#: farm (centred so that neither label point is under the legend): the forms in turn,
#: each with the first zoom it had.
ZOOMING_OUT = """(refs) => {
    const map = window.deconflictConsole.map;
    const forms = refs.map(() => []);
    for (let zoom = 12; zoom >= 8; zoom -= 0.25) {
        map.jumpTo({ center: [14.53, 47.10], zoom });
        refs.forEach((ref, i) => {
            const el = document.querySelector(`.map-label[data-ref^="${ref}"]`);
            const form = el.classList.contains("is-hidden") ? "hidden"
                : el.classList.contains("is-short") ? "short" : "whole";
            if (forms[i].at(-1)?.[0] !== form) forms[i].push([form, zoom]);
        });
    }
    return forms;
}"""


def protect_fuel_farm(world: ConsoleWorld) -> dict[str, Any]:
    """Northland's planner protects its fuel farm from an hour ago to tomorrow."""
    return world.protect(NORTH, "Harbour fuel farm", FUEL_FARM, upper_m=200)


def plan_night_flight(world: ConsoleWorld) -> dict[str, Any]:
    """Northland's planner files a flight ten hours from now, over the same ground."""
    start = datetime.now(UTC) + timedelta(hours=10)
    return world.fly(start, radius_m=2500, hours=1, purpose="night resupply", share=False)


def warn_over_the_flight(world: ConsoleWorld) -> None:
    """Southmark's liaison warns over the whole of Northland's flight area, for the day."""
    now = datetime.now(UTC)
    answer = world.client(SOUTH, Role.LIAISON).post(
        "/v1/warnings",
        json={
            "severity": "danger",
            "message": "hostile drones",
            "volume": {
                "footprint": {"type": "Circle", "center": list(FLIGHT_CENTRE), "radius_m": 4000},
                "altitude_lower_m": 0,
                "altitude_upper_m": 3000,
                "start": iso(now - timedelta(minutes=5)),
                "end": iso(now + timedelta(hours=24)),
            },
        },
    )
    assert answer.status_code == 201, answer.text


def label(page: Page, ref_prefix: str) -> Locator:
    return page.locator(f".map-labels .map-label[data-ref^='{ref_prefix}']")


def centre(locator: Locator) -> tuple[float, float]:
    box = locator.bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def signed_in_north(new_page: NewPage, world: ConsoleWorld, name: str) -> ConsolePage:
    north = new_page(name)
    north.open()
    north.sign_in(world.key(NORTH, Role.PLANNER))
    return north


def test_the_label_point_lies_inside_concave_and_holed_shapes(
    world: ConsoleWorld, new_page: NewPage
) -> None:
    blank = new_page("label-points")
    blank.open()
    square = [[10.0, 50.0], [10.4, 50.0], [10.4, 50.3], [10.0, 50.3], [10.0, 50.0]]
    hole = [[10.05, 50.05], [10.35, 50.05], [10.35, 50.25], [10.05, 50.25], [10.05, 50.05]]
    shapes = [
        {"type": "Polygon", "coordinates": [FUEL_FARM]},
        # A frame: its centre is in the hole.
        {"type": "Polygon", "coordinates": [square, hole]},
        # A C open to the east, whose bounds' centre is in its mouth.
        {
            "type": "Polygon",
            "coordinates": [
                [[0, 0], [3, 0], [3, 1], [1, 1], [1, 2], [3, 2], [3, 3], [0, 3], [0, 0]]
            ],
        },
        {
            "type": "MultiPolygon",
            "coordinates": [
                [[[20, -5], [20.1, -5], [20.1, -4.9], [20, -5]]],
                [[[-60, -30], [-55, -30], [-55, -26], [-60, -26], [-60, -30]]],
            ],
        },
    ]
    assert blank.page.evaluate(INSIDE, shapes) == [True, True, True, True]
    assert blank.problems == []


def test_a_zone_and_an_operation_are_named_inside_their_shapes(
    world: ConsoleWorld, new_page: NewPage
) -> None:
    zone = protect_fuel_farm(world)
    flight = world.submit_flight()
    north = signed_in_north(new_page, world, "labels-named")
    page = north.page

    zone_label = label(page, f"zone:{zone['id']}:")
    expect(zone_label).to_be_visible()
    expect(zone_label).to_have_text("Harbour fuel farm")
    flight_label = label(page, f"operation:{flight['id']}:")
    expect(flight_label).to_be_visible()
    expect(flight_label.locator(".label-name")).to_have_text("survey flight")
    # The state in words, so it reads without the legend.
    expect(flight_label.locator(".badge")).to_have_text(flight["state"].replace("_", " "))
    north.screenshot("named")

    # Each label stands on its own shape as drawn: the U's, though its bounds' centre is not.
    x, y = centre(zone_label)
    assert f"zone:{zone['id']}:0" in page.evaluate(DRAWN_AT, [x, y, "zones-fill"])
    x, y = centre(flight_label)
    assert f"operation:{flight['id']}:0" in page.evaluate(DRAWN_AT, [x, y, "operations-fill"])
    assert north.problems == []


def test_where_labels_collide_the_warning_is_shown(world: ConsoleWorld, new_page: NewPage) -> None:
    flight = world.submit_flight()
    warn_over_the_flight(world)
    north = signed_in_north(new_page, world, "labels-collide")
    page = north.page

    # Both circles share their centre, so their labels would lie one on the other.
    warning = label(page, "received:")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("hostile drones")
    flight_label = label(page, f"operation:{flight['id']}:")
    expect(flight_label).to_be_hidden()
    north.screenshot("collide")

    # With the warnings hidden, nothing stands on the flight's label any more.
    page.locator("#legend input[data-group=warnings]").uncheck()
    expect(warning).to_be_hidden()
    expect(flight_label).to_be_visible()
    assert north.problems == []


def test_labels_follow_the_layer_toggles_and_the_time_filter(
    world: ConsoleWorld, new_page: NewPage
) -> None:
    zone = protect_fuel_farm(world)
    flight = plan_night_flight(world)
    north = signed_in_north(new_page, world, "labels-filtered")
    page = north.page
    zone_label = label(page, f"zone:{zone['id']}:")
    flight_label = label(page, f"operation:{flight['id']}:")
    expect(zone_label).to_be_visible()
    expect(flight_label).to_be_visible()

    zones_box = page.locator("#legend input[data-group=zones]")
    zones_box.uncheck()
    expect(zone_label).to_be_hidden()
    expect(flight_label).to_be_visible()
    zones_box.check()
    expect(zone_label).to_be_visible()

    # The window starts now: the zone holds now, the flight only ten hours from now.
    page.locator("#time-filter").check()
    expect(flight_label).to_be_hidden()
    expect(zone_label).to_be_visible()
    north.screenshot("filtered")
    page.locator("#time-filter").uncheck()
    expect(flight_label).to_be_visible()
    assert north.problems == []


def test_a_click_on_a_label_selects_the_shape_beneath(
    world: ConsoleWorld, new_page: NewPage
) -> None:
    zone = protect_fuel_farm(world)
    north = signed_in_north(new_page, world, "labels-click")
    page = north.page
    zone_label = label(page, f"zone:{zone['id']}:")
    expect(zone_label).to_be_visible()

    # The label is not what the pointer meets, nor anything the keyboard can reach.
    x, y = centre(zone_label)
    assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).tagName", [x, y]) == "CANVAS"
    assert page.evaluate(
        "() => [...document.querySelectorAll('.map-labels *')].every((el) => el.tabIndex < 0)"
    )
    expect(page.locator(".map-labels")).to_have_attribute("aria-hidden", "true")

    page.mouse.click(x, y)
    details = page.locator("#details")
    expect(details).to_be_visible()
    expect(details).to_contain_text("Zone “Harbour fuel farm” (yours)")

    # The next member at this desk may be of another party: no name stays on the map.
    north.sign_out()
    expect(page.locator(".map-label")).to_have_count(0)
    assert north.problems == []


def test_a_zone_seen_up_close_is_named_in_view(world: ConsoleWorld, new_page: NewPage) -> None:
    zone = protect_fuel_farm(world)
    north = signed_in_north(new_page, world, "labels-close")
    page = north.page
    zone_label = label(page, f"zone:{zone['id']}:")
    expect(zone_label).to_be_visible()

    # Deep in the U's west arm: the label point of the whole U, in its base, is out of view.
    north.look_at(14.5425, 47.118, zoom=15)
    expect(zone_label).to_be_visible()
    x, y = centre(zone_label)
    assert f"zone:{zone['id']}:0" in page.evaluate(DRAWN_AT, [x, y, "zones-fill"])
    north.screenshot("close")
    assert north.problems == []


def test_a_label_too_wide_for_its_shape_shortens_then_hides(
    world: ConsoleWorld, new_page: NewPage
) -> None:
    zone = protect_fuel_farm(world)
    flight = world.submit_flight()
    north = signed_in_north(new_page, world, "labels-shrink")
    page = north.page
    flight_label = label(page, f"operation:{flight['id']}:")
    expect(flight_label).to_be_visible()

    # The flight keeps its state word after its purpose no longer fits; the zone, which
    # has no short word, goes from its name to nothing. Neither ever comes back smaller.
    flight_forms, zone_forms = page.evaluate(
        ZOOMING_OUT, [f"operation:{flight['id']}:", f"zone:{zone['id']}:"]
    )
    assert [form for form, _ in flight_forms] == ["whole", "short", "hidden"]
    assert [form for form, _ in zone_forms] == ["whole", "hidden"]

    # Short, it is the state's badge alone, in words.
    [_, short_at] = flight_forms[1]
    north.look_at(14.53, 47.10, zoom=short_at)
    expect(flight_label.locator(".label-name")).to_be_hidden()
    expect(flight_label.locator(".badge")).to_have_text(flight["state"].replace("_", " "))
    north.screenshot("short")
    assert north.problems == []


#: Puts the map's view at `zoom` so that `ref`'s label point sits in the middle of the part of
#: the map clear of the legend and the time bar, where a shape filling the view is labelled.
LABEL_POINT_TO_MIDDLE = """([ref, zoom]) => {
    const consoleMap = window.deconflictConsole.ui.consoleMap;
    const map = consoleMap.map;
    const entry = consoleMap.labels.ordered.find((e) => e.properties.ref.startsWith(ref));
    const { width, height } = map.getContainer().getBoundingClientRect();
    const margin = consoleMap.clearOfOverlays();
    const x = (margin.left + width - margin.right) / 2;
    const y = (margin.top + height - margin.bottom) / 2;
    map.jumpTo({ center: entry.at, zoom });
    map.jumpTo({ center: map.unproject([width - x, height - y]) });
}"""


def test_a_warning_one_is_inside_makes_way_for_the_names_in_view(
    world: ConsoleWorld, new_page: NewPage
) -> None:
    zone = protect_fuel_farm(world)
    now = datetime.now(UTC)
    # Over the whole fuel farm and far around it: up close, its own label point is far away.
    answer = world.client(SOUTH, Role.LIAISON).post(
        "/v1/warnings",
        json={
            "severity": "caution",
            "message": "smoke over the harbour",
            "volume": {
                "footprint": {"type": "Circle", "center": [14.50, 47.20], "radius_m": 20000},
                "altitude_lower_m": 0,
                "altitude_upper_m": 3000,
                "start": iso(now - timedelta(minutes=5)),
                "end": iso(now + timedelta(hours=24)),
            },
        },
    )
    assert answer.status_code == 201, answer.text
    north = signed_in_north(new_page, world, "labels-make-way")
    page = north.page
    zone_label = label(page, f"zone:{zone['id']}:")
    warning = label(page, "received:")
    expect(zone_label).to_be_attached()

    page.evaluate(LABEL_POINT_TO_MIDDLE, [f"zone:{zone['id']}:", 13.5])
    # Both named: the warning's label, which could stand anywhere in view, steps aside.
    expect(zone_label).to_be_visible()
    expect(warning).to_be_visible()
    zone_box = zone_label.bounding_box()
    warning_box = warning.bounding_box()
    assert zone_box is not None
    assert warning_box is not None
    assert (
        warning_box["y"] >= zone_box["y"] + zone_box["height"]
        or zone_box["y"] >= warning_box["y"] + warning_box["height"]
        or warning_box["x"] >= zone_box["x"] + zone_box["width"]
        or zone_box["x"] >= warning_box["x"] + warning_box["width"]
    )
    north.screenshot("make-way")
    assert north.problems == []
