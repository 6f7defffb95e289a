"""Parties, their members and roles, and the one table of what each role may do."""

from __future__ import annotations

import enum
import hashlib
import hmac
from base64 import urlsafe_b64encode
from collections.abc import Mapping
from dataclasses import dataclass

from deconflict import errors
from deconflict.domain.ids import MemberId, PartyId
from deconflict.geometry import Footprint, Reach, Volume4D

#: Every API key starts with this, so a leaked key is recognisable by secret scanners.
API_KEY_PREFIX = "dcf_"
_KEY_ENTROPY_BYTES = 32


class Role(enum.StrEnum):
    """What a member does for its party; each role may do exactly what its name says."""

    ADMIN = "admin"  # runs the party's account: members, keys, agreements, declared area
    PLANNER = "planner"  # plans: zones and operations, including clearing over objection
    LIAISON = "liaison"  # talks to other parties: responses, warnings, subscriptions
    VIEWER = "viewer"  # reads what the party may see, changes nothing


class Action(enum.StrEnum):
    """Something a member may ask the service to do on behalf of its party."""

    VIEW = "view"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_AGREEMENTS = "manage_agreements"
    MANAGE_PARTY = "manage_party"
    PLAN_ZONES = "plan_zones"
    PLAN_OPERATIONS = "plan_operations"
    CLEAR_OVER_OBJECTION = "clear_over_objection"
    RESPOND = "respond"
    RAISE_WARNING = "raise_warning"
    ACKNOWLEDGE_WARNING = "acknowledge_warning"
    MANAGE_SUBSCRIPTIONS = "manage_subscriptions"


PERMISSIONS: Mapping[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(
        {Action.VIEW, Action.MANAGE_MEMBERS, Action.MANAGE_AGREEMENTS, Action.MANAGE_PARTY}
    ),
    Role.PLANNER: frozenset(
        {Action.VIEW, Action.PLAN_ZONES, Action.PLAN_OPERATIONS, Action.CLEAR_OVER_OBJECTION}
    ),
    Role.LIAISON: frozenset(
        {
            Action.VIEW,
            Action.RESPOND,
            Action.RAISE_WARNING,
            Action.ACKNOWLEDGE_WARNING,
            Action.MANAGE_SUBSCRIPTIONS,
        }
    ),
    Role.VIEWER: frozenset({Action.VIEW}),
}


def is_allowed(role: Role, action: Action) -> bool:
    return action in PERMISSIONS[role]


@dataclass(frozen=True, slots=True)
class Party:
    """An organisation using the service; with an `authority_area` it is an airspace authority.

    An airspace authority is told of every operation whose volumes reach into its area, at
    any altitude, whatever its agreements say.
    """

    id: PartyId
    name: str
    authority_area: Footprint | None = None

    @property
    def is_airspace_authority(self) -> bool:
        return self.authority_area is not None

    def area_reach(self, volume: Volume4D) -> Reach | None:
        """The declared area as a reach comparable with `volume`: same heights, same window."""
        if self.authority_area is None:
            return None
        return Reach(Volume4D(self.authority_area, volume.altitude, volume.time))


@dataclass(frozen=True, slots=True)
class Member:
    """A person or system acting for a party; only a hash of its API key is kept."""

    id: MemberId
    party_id: PartyId
    name: str
    role: Role
    api_key_sha256: str
    is_revoked: bool = False

    def may(self, action: Action) -> bool:
        return not self.is_revoked and is_allowed(self.role, action)

    def require(self, action: Action) -> None:
        if not self.may(action):
            raise errors.Forbidden(f"a {self.role} may not {action}")

    def holds_key(self, api_key: str) -> bool:
        # Constant time, so response timing does not leak how much of a guess was right.
        return hmac.compare_digest(self.api_key_sha256, api_key_sha256(api_key))


def new_api_key(entropy: bytes) -> str:
    """An API key from 32 bytes the caller drew from a secure source; shown once, never kept."""
    if len(entropy) != _KEY_ENTROPY_BYTES:
        raise ValueError(f"an API key needs exactly {_KEY_ENTROPY_BYTES} bytes of entropy")
    return API_KEY_PREFIX + urlsafe_b64encode(entropy).decode().rstrip("=")


def api_key_sha256(api_key: str) -> str:
    # A plain hash suffices: keys carry 256 random bits, so there is nothing to brute-force.
    return hashlib.sha256(api_key.encode()).hexdigest()
