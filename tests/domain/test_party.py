"""Roles and the permission table; API keys; airspace authorities."""

from __future__ import annotations

import itertools

import pytest

from deconflict import errors
from deconflict.domain.ids import MemberId
from deconflict.domain.party import (
    API_KEY_PREFIX,
    Action,
    Member,
    Role,
    api_key_sha256,
    is_allowed,
    new_api_key,
)
from deconflict.geometry import Reach, overlap

from . import LOWFEN, LOWFEN_AREA, NORTHMERE, circle, party

#: Written out from the role names, independently of the table under test.
EXPECTED = {
    Role.ADMIN: {"view", "manage_members", "manage_agreements", "manage_party"},
    Role.PLANNER: {"view", "plan_zones", "plan_operations", "clear_over_objection"},
    Role.LIAISON: {
        "view",
        "respond",
        "raise_warning",
        "acknowledge_warning",
        "manage_subscriptions",
    },
    Role.VIEWER: {"view"},
}
KEY = new_api_key(bytes(range(32)))


def member(role: Role, *, revoked: bool = False) -> Member:
    return Member(MemberId("m-ilse"), NORTHMERE, "Ilse Marrow", role, api_key_sha256(KEY), revoked)


@pytest.mark.parametrize(("role", "action"), list(itertools.product(Role, Action)), ids=str)
def test_each_role_may_do_exactly_what_its_name_says(role: Role, action: Action) -> None:
    expected = action.value in EXPECTED[role]
    assert is_allowed(role, action) is expected
    assert member(role).may(action) is expected


@pytest.mark.parametrize("role", list(Role))
def test_a_revoked_member_may_do_nothing(role: Role) -> None:
    revoked = member(role, revoked=True)
    assert not any(revoked.may(action) for action in Action)


def test_require_raises_forbidden_naming_role_and_action() -> None:
    with pytest.raises(errors.Forbidden, match="viewer may not respond") as caught:
        member(Role.VIEWER).require(Action.RESPOND)
    assert caught.value.code == "forbidden"
    member(Role.LIAISON).require(Action.RESPOND)


def test_only_a_hash_of_the_key_is_kept_and_it_matches_the_key() -> None:
    holder = member(Role.PLANNER)
    assert KEY not in holder.api_key_sha256
    assert len(holder.api_key_sha256) == 64
    assert holder.holds_key(KEY)
    assert not holder.holds_key(KEY + "x")
    assert not holder.holds_key(new_api_key(bytes(32)))


def test_api_key_has_the_prefix_and_all_the_entropy() -> None:
    assert KEY.startswith(API_KEY_PREFIX)
    assert len(KEY) == len(API_KEY_PREFIX) + 43  # 32 bytes in unpadded base64url
    with pytest.raises(ValueError, match="32 bytes"):
        new_api_key(bytes(16))


def test_a_party_with_an_area_is_an_airspace_authority() -> None:
    assert party(LOWFEN, LOWFEN_AREA).is_airspace_authority
    assert not party(NORTHMERE).is_airspace_authority
    assert party(NORTHMERE).area_reach(circle()) is None


def test_the_area_reach_takes_the_heights_and_window_of_the_volume() -> None:
    high = circle(lower_m=9_000.0, upper_m=9_500.0)
    reach = party(LOWFEN, LOWFEN_AREA).area_reach(high)
    assert reach is not None
    assert reach.volume.altitude == high.altitude
    assert reach.volume.time == high.time
    assert reach.volume.footprint == LOWFEN_AREA
    assert overlap(Reach(high), reach) is not None
