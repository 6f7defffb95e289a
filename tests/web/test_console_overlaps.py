"""On the map, an overlap that waits for the party's answer stands out from answered ones."""

from __future__ import annotations

from playwright.sync_api import expect

from deconflict.domain.party import Role
from tests.web.world import DEPOT_CENTRE, SOUTH, ConsoleWorld, NewPage

ANSWERS_DRAWN = """() => window.deconflictConsole.map
    .queryRenderedFeatures({layers: ["conflicts-line"]})
    .filter((f) => f.properties.ref.startsWith("consultation:"))
    .map((f) => f.properties.answer ?? "unmarked")"""


def test_the_overlap_awaiting_an_answer_is_drawn_apart(
    world: ConsoleWorld, new_page: NewPage
) -> None:
    world.protect_depot()
    world.submit_flight()
    south = new_page("overlap-waiting")
    south.open()
    south.sign_in(world.key(SOUTH, Role.LIAISON))
    page = south.page
    south.look_at(*DEPOT_CENTRE, zoom=12)
    south.wait_rendered("conflicts-line")
    expect(page.locator("#legend")).to_contain_text("waiting for your answer, heavy outline")
    page.wait_for_function(f"() => ({ANSWERS_DRAWN})().includes('waiting')")
    assert set(page.evaluate(ANSWERS_DRAWN)) == {"waiting"}
    south.screenshot("waiting")

    page.locator("#inbox-waiting .item-head").click()
    page.locator("#inbox-waiting button.respond-acknowledge").click()
    expect(page.locator("#inbox-waiting li.consultation")).to_have_count(0)
    # Still drawn (the flight will still pass there), no longer as a question to answer.
    south.look_at(*DEPOT_CENTRE, zoom=12)
    page.wait_for_function(f"() => ({ANSWERS_DRAWN})().includes('answered')")
    assert set(page.evaluate(ANSWERS_DRAWN)) == {"answered"}
    assert south.problems == []
