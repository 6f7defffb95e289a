"""Warnings as a watch officer reads them: when each holds, not only what it says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from deconflict.domain.party import Role
from tests.web.world import FLIGHT_CENTRE, NORTH, SOUTH, ConsoleWorld, NewPage, iso


def raise_warning(world: ConsoleWorld, message: str, start: datetime, hours: int) -> None:
    """Southmark's liaison warns over Northland's flight, through the API."""
    answer = world.client(SOUTH, Role.LIAISON).post(
        "/v1/warnings",
        json={
            "severity": "danger",
            "message": message,
            "volume": {
                "footprint": {"type": "Circle", "center": list(FLIGHT_CENTRE), "radius_m": 4000},
                "altitude_lower_m": 0,
                "altitude_upper_m": 3000,
                "start": iso(start),
                "end": iso(start + timedelta(hours=hours)),
            },
        },
    )
    assert answer.status_code == 201, answer.text


def test_each_warning_says_whether_it_is_in_force(world: ConsoleWorld, new_page: NewPage) -> None:
    flight = world.submit_flight()
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    raise_warning(world, "hostile drones over the depot road", now - timedelta(minutes=5), 24)
    # The second holds only later, while the flight is airborne (it starts at least an hour
    # from now).
    later_start = datetime.fromisoformat(flight["volumes"][0]["start"]) + timedelta(minutes=30)
    raise_warning(world, "range firing at dawn", later_start, 1)

    north = new_page("warnings-in-force")
    north.open()
    north.sign_in(world.key(NORTH, Role.LIAISON))
    page = north.page
    banner = page.locator("#warning-banner")
    expect(banner.locator("li", has_text="depot road")).to_contain_text("(in force now)")
    expect(banner.locator("li", has_text="at dawn")).to_contain_text("(not yet in force)")

    north.tab("warnings")
    received = page.locator("#warnings-received")
    current = received.locator("li", has_text="depot road")
    later = received.locator("li", has_text="at dawn")
    expect(current.locator(".in-force")).to_have_text("in force now")
    expect(later.locator(".in-force")).to_have_text("not yet in force")
    # The window itself, in UTC, and the band: the received list used to show neither.
    expect(later).to_contain_text(f"{later_start:%H:%M}Z {later_start.day} {later_start:%b}")
    expect(later).to_contain_text("0–3000 m WGS84")
    north.screenshot("warnings")

    south = new_page("warnings-raised")
    south.open()
    south.sign_in(world.key(SOUTH, Role.LIAISON))
    south.tab("warnings")
    raised = south.page.locator("#warnings-raised")
    expect(raised.locator("li.warning", has_text="depot road").locator(".in-force")).to_have_text(
        "in force now"
    )
    assert north.problems == []
    assert south.problems == []
