"""The inbox works from the keyboard alone: reach, open, write a reason, object."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from deconflict.domain.party import Role
from tests.web.world import NORTH, SOUTH, ConsoleWorld, NewPage

MAX_TABS = 80


def tab_until(page: Page, selector: str) -> None:
    """Press Tab until the focused element matches `selector` (bounded, so a trap fails)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_liaison_objects_with_the_keyboard_only(world: ConsoleWorld, new_page: NewPage) -> None:
    world.protect_depot()
    flight = world.submit_flight()
    south = new_page("south-keyboard")
    south.open()
    page = south.page
    # Signing in: the key field has focus on load; Enter submits.
    expect(page.locator("#api-key")).to_be_focused()
    page.keyboard.type(world.key(SOUTH, Role.LIAISON))
    page.keyboard.press("Enter")
    page.wait_for_selector("#inbox-waiting li.consultation")

    tab_until(page, "#inbox-waiting li.consultation .item-head")
    # The focus can be seen: an outline, not just the browser's faint default.
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    item = page.locator("#inbox-waiting li.consultation")
    expect(item.locator(".item-head")).to_have_attribute("aria-expanded", "true")

    # An objection without a reason is stopped at once, and the focus goes to the reason.
    tab_until(page, "#inbox-waiting button.respond-object")
    page.keyboard.press("Enter")
    expect(item.locator(".form-error")).to_have_text("An objection needs a reason.")
    expect(item.locator("textarea[name=text]")).to_be_focused()
    page.keyboard.type("the depot road is closed to low flights today")
    tab_until(page, "#inbox-waiting button.respond-object")
    page.keyboard.press("Space")
    expect(page.locator("#inbox-done .badge.status-objected")).to_have_count(1)
    south.screenshot("objected")

    # The API agrees: Northland's operation now stands objected, with that reason.
    seen = world.client(NORTH, Role.PLANNER).get(f"/v1/operations/{flight['id']}").json()
    assert seen["state"] == "objected"
    [response] = seen["consultations"][0]["responses"]
    assert response["text"] == "the depot road is closed to low flights today"
    assert south.problems == []
