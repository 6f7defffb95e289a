"""The key stays out of URLs and local storage; the page needs nothing beyond loopback."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Route, expect

from deconflict.domain.party import Role
from tests.web.world import NORTH, SOUTH, ConsoleWorld, NewPage

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def test_the_key_stays_in_session_storage_and_nothing_leaves_loopback(
    world: ConsoleWorld, new_page: NewPage
) -> None:
    key = world.key(NORTH, Role.PLANNER)
    north = new_page("offline")
    page = north.page
    blocked: list[str] = []

    def only_loopback(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("internetdisconnected")

    # No internet: the page, MapLibre and the basemap all come from the package.
    page.context.route("**/*", only_loopback)
    north.open()
    north.sign_in(key)
    expect(page.locator("#who-party")).to_have_text(NORTH)
    north.look_at(14.5, 47.1, zoom=4)
    north.wait_rendered("land")
    north.wait_rendered("borders")
    north.screenshot("basemap")
    assert blocked == [], f"the page reached beyond loopback: {blocked}"

    # The key: in session storage, in headers; never in a URL, local storage or a cookie.
    assert key not in page.url
    assert all(key not in url for url in north.requests), "the key went into a URL"
    assert key not in page.evaluate("() => JSON.stringify(localStorage)")
    assert page.context.cookies() == []
    assert page.evaluate("() => sessionStorage.getItem('deconflict.apiKey')") == key
    # The sign-in field is emptied, so the key is not left lying in the form either.
    assert page.input_value("#api-key") == ""

    # A reload in the same tab keeps the session; signing out forgets the key.
    page.reload()
    page.wait_for_selector("body[data-loaded]")
    expect(page.locator("#who-party")).to_have_text(NORTH)
    north.sign_out()
    assert page.evaluate("() => sessionStorage.length") == 0
    expect(page.locator("#side")).to_be_hidden()
    assert north.problems == [], "a CSP violation or script error was logged"


def test_a_refused_key_is_said_so_and_not_kept(world: ConsoleWorld, new_page: NewPage) -> None:
    page = new_page("refused").page
    page.goto(world.base_url + "/")
    page.wait_for_selector("#map[data-ready]")
    page.fill("#api-key", "dcf_not-a-key-anyone-was-given")
    page.press("#api-key", "Enter")
    expect(page.locator("#signin-error")).to_have_text("That key was not accepted.")
    assert page.evaluate("() => sessionStorage.length") == 0


def test_the_console_is_usable_at_tablet_width(world: ConsoleWorld, new_page: NewPage) -> None:
    world.protect_depot()
    world.submit_flight()
    south = new_page("tablet", viewport={"width": 820, "height": 1180})
    south.open()
    south.sign_in(world.key("Southmark Defence Force", Role.LIAISON))
    page = south.page
    map_box = page.locator("#map").bounding_box()
    inbox_box = page.locator("#inbox-waiting").bounding_box()
    assert map_box is not None
    assert inbox_box is not None
    # Stacked: the map spans the width above the panels, and nothing runs off the side.
    assert map_box["width"] >= 800
    assert inbox_box["y"] >= map_box["y"] + map_box["height"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 820
    south.wait_rendered("conflicts-fill")
    page.locator("#inbox-waiting .item-head").click()
    expect(page.locator("#inbox-waiting button.respond-acknowledge")).to_be_visible()
    south.screenshot("inbox")
    assert south.problems == []


def test_signing_out_leaves_nothing_of_the_party_for_the_next_member(
    world: ConsoleWorld, new_page: NewPage
) -> None:
    """A shared watch desk: one party's half-done revision must not greet the next party."""
    world.protect_depot()
    flight = world.submit_flight()
    desk = new_page("shared-desk")
    page = desk.page
    desk.open()
    desk.sign_in(world.key(NORTH, Role.PLANNER))
    desk.tab("operations")
    page.locator("#operations-current .item-head").first.click()
    page.locator("#operations-current button.revise").first.click()
    expect(page.locator("#op-purpose")).to_have_value("survey flight")
    desk.sign_out()

    desk.sign_in(world.key(SOUTH, Role.PLANNER))
    expect(page.locator("#who-party")).to_have_text(SOUTH)
    # Southmark sees only the overlap with its depot, so nothing of the whole flight here:
    # not its purpose, radius or band in the form, nor its circle drawn as a draft.
    assert page.locator("#draw-form").get_attribute("data-revising") != "yes"
    assert page.input_value("#op-purpose") == ""
    assert page.input_value("#draw-radius") == ""
    assert page.input_value("#alt-upper") == "500"  # the form's own default
    assert page.evaluate("() => window.deconflictConsole.ui.drawing.revising") is None
    drawn = page.evaluate("() => window.deconflictConsole.map.querySourceFeatures('draft').length")
    assert drawn == 0
    assert flight["id"] not in page.content()
    expect(page.locator("#panel-inbox")).to_be_visible()
    assert desk.problems == []


def test_on_a_phone_the_legend_starts_folded_and_leaves_the_map_visible(
    world: ConsoleWorld, new_page: NewPage
) -> None:
    world.protect_depot()
    world.submit_flight()
    phone = new_page("phone", viewport={"width": 390, "height": 844})
    phone.open()
    phone.sign_in(world.key(SOUTH, Role.LIAISON))
    page = phone.page
    legend = page.locator("#legend")
    expect(legend).not_to_have_attribute("open", "")
    map_box = page.locator("#map").bounding_box()
    legend_box = legend.bounding_box()
    assert map_box is not None
    assert legend_box is not None
    # Folded to its one-line summary: a small corner of the map, not most of it.
    assert legend_box["width"] * legend_box["height"] < 0.1 * map_box["width"] * map_box["height"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    legend.locator("summary").click()
    expect(legend.locator("#legend-list")).to_be_visible()
    phone.screenshot("legend")
    assert phone.problems == []


def test_a_key_pasted_with_its_scheme_signs_in(world: ConsoleWorld, new_page: NewPage) -> None:
    """Keys are handed out in `Authorization: Bearer …` lines; pasting one whole works."""
    north = new_page("bearer")
    north.open()
    north.sign_in("Bearer " + world.key(NORTH, Role.PLANNER))
    expect(north.page.locator("#who-party")).to_have_text(NORTH)
    assert north.problems == []


def test_after_signing_in_the_keyboard_is_on_the_panels(
    world: ConsoleWorld, new_page: NewPage
) -> None:
    north = new_page("focus")
    north.open()
    north.sign_in(world.key(NORTH, Role.PLANNER))
    assert north.page.evaluate("() => document.activeElement.id") == "tab-inbox"
