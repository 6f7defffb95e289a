"""Subscriptions: a party's areas and times of interest, and which events go to which channel.

An area of interest is where a party has people or assets it has not declared as zones:
a warning over it alerts the party. It reveals nothing else: others' operations there are
shown only when they run into the party's own zones or operations (need to know).

Routing, per channel: a party with no subscription for a channel receives every event on
it; once it has subscriptions for a channel, that channel carries the event types they
name (a subscription naming no type names them all).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from deconflict import errors
from deconflict.domain.audit import AuditKind
from deconflict.domain.ids import PartyId
from deconflict.domain.zone import MAX_NAME_CHARS, MAX_VOLUMES
from deconflict.geometry import Volume4D

#: Subscriptions one party may hold: each is checked on every warning.
MAX_SUBSCRIPTIONS_PER_PARTY = 50


class Channel(enum.StrEnum):
    STREAM = "stream"  # GET /v1/events
    WEBHOOK = "webhook"  # every primary webhook of the party


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    party_id: PartyId
    name: str
    volumes: tuple[Volume4D, ...]  # areas and times of interest; may be empty
    event_types: frozenset[AuditKind]  # empty: every type
    channels: frozenset[Channel]
    created_at: datetime

    def carries(self, channel: Channel, event_type: AuditKind) -> bool:
        return channel in self.channels and (not self.event_types or event_type in self.event_types)


def new_subscription(
    subscription_id: str,
    party_id: PartyId,
    name: str,
    volumes: Iterable[Volume4D],
    event_types: Iterable[AuditKind],
    channels: Iterable[Channel],
    now: datetime,
) -> Subscription:
    volumes = tuple(volumes)
    channels = frozenset(channels)
    name = name.strip()
    if len(name) > MAX_NAME_CHARS:
        raise errors.InvalidInput(f"a name has at most {MAX_NAME_CHARS} characters", "/name")
    if len(volumes) > MAX_VOLUMES:
        raise errors.InvalidInput(
            f"a subscription has at most {MAX_VOLUMES} volumes", f"/volumes/{MAX_VOLUMES}"
        )
    if not channels:
        raise errors.InvalidInput("name at least one channel: stream or webhook", "/channels")
    return Subscription(
        subscription_id, party_id, name, volumes, frozenset(event_types), channels, now
    )


def carries(subscriptions: Iterable[Subscription], channel: Channel, event_type: AuditKind) -> bool:
    """Whether a party with these subscriptions receives events of this type on `channel`."""
    for_channel = [s for s in subscriptions if channel in s.channels]
    return not for_channel or any(s.carries(channel, event_type) for s in for_channel)
