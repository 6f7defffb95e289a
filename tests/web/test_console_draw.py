"""Drawing a polygon zone, the API's refusals shown at their fields, and the time slider."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from deconflict.domain.party import Role
from tests.web.world import SOUTH, ConsoleWorld, NewPage

#: A lopsided quadrilateral north of the depot, clicked corner by corner.
CORNERS = [(14.60, 47.20), (14.64, 47.205), (14.635, 47.23), (14.605, 47.225)]


def test_a_planner_draws_a_zone_and_filters_the_map_by_time(
    world: ConsoleWorld, new_page: NewPage
) -> None:
    south = new_page("south-zone")
    south.open()
    south.sign_in(world.key(SOUTH, Role.PLANNER))
    page = south.page
    south.look_at(14.62, 47.215, zoom=12)
    south.tab("draw")
    page.check("input[name=kind][value=zone]")
    page.check("input[name=shape][value=polygon]")
    page.click("#draw-start")
    for lon, lat in CORNERS:
        south.click_map(lon, lat)
    expect(page.locator("#draw-status")).to_have_text("4 corners; Finish shape when done.")
    page.click("#draw-finish")
    page.fill("#zone-name", "Harrow ridge radar")
    page.fill("#zone-buffer-h", "600")

    # Refused first: the band is upside down, and the error sits at the field it names.
    page.fill("#alt-lower", "400")
    page.fill("#alt-upper", "100")
    page.click("#draw-submit")
    expect(page.locator("#draw-result .form-error")).to_be_visible()
    invalid = page.locator("#draw-form [aria-invalid=true]")
    expect(invalid).to_have_count(1)
    expect(invalid).to_have_attribute("id", re.compile(r"alt-(lower|upper)"))
    # Said once, in words: no JSON pointer beside the field, no repetition in the summary.
    beside = page.locator("#draw-form .field-error")
    expect(beside).to_have_count(1)
    expect(beside).not_to_contain_text("/volumes/")
    summary = page.locator("#draw-result .form-error").inner_text()
    assert "/volumes/" not in summary, summary

    page.fill("#alt-lower", "0")
    page.fill("#alt-upper", "200")
    page.click("#draw-submit")
    expect(page.locator("#draw-result")).to_contain_text("Zone “Harrow ridge radar” protected")
    expect(page.locator("#draw-form [aria-invalid=true]")).to_have_count(0)
    south.wait_rendered("zones-fill")
    south.wait_rendered("buffers-line")
    south.click_map(14.62, 47.215)
    expect(page.locator("#details")).to_contain_text("Zone “Harrow ridge radar” (yours)")
    south.screenshot("zone")

    # The zone holds for two hours from the next whole hour: a window a day on hides it.
    page.check("#time-filter")
    page.focus("#time-slider")
    page.keyboard.press("End")
    expect(page.locator("#time-label")).not_to_have_text("all times")
    page.wait_for_function(
        "() => window.deconflictConsole.map.queryRenderedFeatures({layers: ['zones-fill']})"
        ".length === 0"
    )
    page.keyboard.press("Home")
    south.wait_rendered("zones-fill")
    page.uncheck("#time-filter")
    expect(page.locator("#time-label")).to_have_text("all times")
    assert south.problems == []
