"""Reading a party's events: the entries of its own record that a channel carries."""

from __future__ import annotations

from dataclasses import dataclass

from deconflict import errors
from deconflict.domain.event import Event, event_of
from deconflict.domain.party import Action
from deconflict.domain.subscription import Channel, carries
from deconflict.service.context import Principal, Service
from deconflict.store.interface import Transaction


@dataclass(frozen=True, slots=True)
class EventPage:
    events: tuple[Event, ...]
    #: The last event id looked at, carried or not: the next page starts after it.
    last_id: int


def events_after(
    svc: Service, by: Principal, after_id: int, *, limit: int, channel: Channel = Channel.STREAM
) -> EventPage:
    """The caller's events after `after_id` (-1 for the first), as `channel` carries them."""
    by.require(Action.VIEW)
    return svc.read(lambda tx: _page(tx, by, after_id, limit, channel))


def _page(tx: Transaction, by: Principal, after_id: int, limit: int, channel: Channel) -> EventPage:
    links = tx.audit.for_party(by.party_id, after_seq=after_id, limit=limit)
    if not links:
        return EventPage((), after_id)
    subscriptions = tx.subscriptions.of_party(by.party_id)
    events = tuple(
        event for event in map(event_of, links) if carries(subscriptions, channel, event.type)
    )
    return EventPage(events, links[-1].party_seq)


def last_event_id(svc: Service, by: Principal) -> int:
    """The id of the caller's latest event, or -1: where a stream opened 'from now' starts."""
    by.require(Action.VIEW)
    return svc.read(lambda tx: tx.audit.last_party_seq(by.party_id))


def resume_point(svc: Service, by: Principal, last_seen: int | None) -> int:
    """Where a stream starts: after `last_seen` (-1 for the whole record), or after the
    latest event when None; `errors.EventIdAhead` when `last_seen` is past the record's end,
    as resuming there would skip the events that will take those ids."""
    latest = last_event_id(svc, by)
    if last_seen is None:
        return latest
    if last_seen > latest:
        raise errors.EventIdAhead(
            f"Last-Event-ID {last_seen} is after your party's last event ({latest}); the record "
            "may have been restored from a backup. Reconnect with Last-Event-ID: -1 to replay "
            "the whole record, or without it for events from now on."
        )
    return last_seen


def still_allowed(svc: Service, by: Principal) -> bool:
    """Whether the caller's key still stands: a stream ends soon after its key is revoked."""

    def work(tx: Transaction) -> bool:
        member = tx.members.get(by.member.id)
        return member is not None and not member.is_revoked

    return svc.read(work)
