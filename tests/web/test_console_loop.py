"""Two parties in two browser contexts play the whole loop through the console.

Submit → the consultation appears for the other → object with a reason → revise from the
map → acknowledge → cleared; then a warning is raised and acknowledged. The map shows the
overlap region throughout. Passes with the event stream and with polling alike.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from deconflict.domain.party import Role
from tests.web.world import (
    DEPOT_CENTRE,
    FLIGHT_CENTRE,
    FLIGHT_RADIUS_M,
    NORTH,
    SOUTH,
    ConsolePage,
    ConsoleWorld,
    NewPage,
)

REASON = "our convoy uses the depot road until noon"


def draw_flight(north: ConsolePage) -> None:
    north.tab("draw")
    north.page.check("input[name=kind][value=operation]")
    north.page.check("input[name=shape][value=circle]")
    north.page.click("#draw-start")
    north.click_map(*FLIGHT_CENTRE)
    north.page.fill("#draw-radius", str(FLIGHT_RADIUS_M))
    north.page.fill("#alt-lower", "0")
    north.page.fill("#alt-upper", "500")
    north.page.fill("#op-purpose", "survey flight")
    north.page.check("#op-share")
    north.page.click("#draw-submit")


def test_submit_object_revise_acknowledge_clear_and_warn(
    world: ConsoleWorld, new_page: NewPage
) -> None:
    world.protect_depot()
    north = new_page("north-planner")
    south = new_page("south-liaison")
    north.open()
    north.sign_in(world.key(NORTH, Role.PLANNER))
    expect(north.page.locator("#who-party")).to_have_text(NORTH)
    expect(north.page.locator("#who-role")).to_have_text("planner")
    north.look_at(*DEPOT_CENTRE)

    # Submit: the planner draws a circle into the depot's buffer and sees the conflict.
    draw_flight(north)
    expect(north.page.locator("#draw-result .submitted")).to_have_text(
        re.compile(r"in consultation; it met 1 conflict\.")
    )
    north.wait_rendered("conflicts-fill")
    north.wait_rendered("operations-line-pending")
    north.screenshot("1-submitted")

    # The consultation appears in Southmark's inbox, with a countdown and the overlap.
    south.open()
    south.sign_in(world.key(SOUTH, Role.LIAISON))
    waiting = south.page.locator("#inbox-waiting li.consultation")
    expect(waiting).to_have_count(1)
    expect(waiting.locator(".title")).to_have_text(f"{NORTH} · survey flight")
    expect(waiting.locator(".countdown")).to_have_text(
        re.compile(r"(\d+ h )?\d+ min( \d+ s)? left")
    )
    south.wait_rendered("conflicts-fill")
    south.screenshot("2-consulted")

    # Object, with a reason.
    waiting.locator(".item-head").click()
    waiting.locator("textarea[name=text]").fill(REASON)
    waiting.locator("input[name=suggested_change]").fill("fly after 13:00")
    waiting.locator("button.respond-object").click()
    expect(south.page.locator("#inbox-waiting li.consultation")).to_have_count(0)
    expect(south.page.locator("#inbox-done .badge.status-objected")).to_have_count(1)

    # The planner sees the objection and revises from the map: a lower band, same place.
    north.tab("operations")
    operation = north.page.locator("#operations-current li.operation")
    expect(operation.locator(".item-head .badge")).to_have_text("objected")
    operation.locator(".item-head").click()
    expect(operation.locator(".responses")).to_contain_text(REASON)
    north.wait_rendered("operations-pattern-objected")
    north.screenshot("3-objected")
    north.click_map(FLIGHT_CENTRE[0] - 0.01, FLIGHT_CENTRE[1])
    expect(north.page.locator("#details")).to_contain_text("Operation v1: objected")
    north.page.click("#details button.revise")
    expect(north.page.locator("#draw-title")).to_have_text("Revise operation v1 (objected)")
    north.page.fill("#alt-upper", "250")
    north.page.click("#draw-submit")
    expect(north.page.locator("#draw-result .submitted")).to_have_text(
        re.compile(r"Operation v2 is in consultation")
    )

    # Southmark acknowledges the new version; the planner's operation is cleared.
    expect(south.page.locator("#inbox-waiting li.consultation")).to_have_count(1)
    revised = south.page.locator("#inbox-waiting li.consultation")
    revised.locator(".item-head").click()
    expect(revised.locator(".regions")).to_contain_text("0–250 m")
    revised.locator("button.respond-acknowledge").click()
    expect(south.page.locator("#inbox-waiting li.consultation")).to_have_count(0)
    north.tab("operations")
    expect(operation.locator(".item-head .badge")).to_have_text("cleared")
    north.wait_rendered("operations-line-cleared")
    north.wait_rendered("conflicts-fill")
    north.screenshot("4-cleared")

    # Southmark raises a warning over the flight; Northland's liaison must acknowledge it.
    south.tab("draw")
    south.page.check("input[name=kind][value=warning]")
    south.page.check("input[name=shape][value=circle]")
    south.look_at(*DEPOT_CENTRE)
    south.page.click("#draw-start")
    south.click_map(*FLIGHT_CENTRE)
    south.page.fill("#draw-radius", "4000")
    south.page.fill("#alt-upper", "3000")
    south.page.select_option("#warn-severity", "danger")
    south.page.fill("#warn-message", "hostile drones expected over the depot road")
    south.page.click("#draw-submit")
    expect(south.page.locator("#draw-result")).to_contain_text("Warning raised: 1 party alerted")

    north.sign_out()
    north.sign_in(world.key(NORTH, Role.LIAISON))
    banner = north.page.locator("#warning-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("DANGER warning from Southmark Defence Force")
    north.wait_rendered("warnings-fill")
    north.screenshot("5-warned")
    banner.locator("button.acknowledge").click()
    expect(banner).to_be_hidden()

    south.tab("warnings")
    expect(south.page.locator("#warnings-raised .alerts")).to_contain_text(f"{NORTH}: acknowledged")
    south.screenshot("6-acknowledged")
    assert north.problems == []
    assert south.problems == []
