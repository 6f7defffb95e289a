"""Checking the audit record: the global chain, every party's chain on it, and a kept head.

The global chain shows an entry changed, removed or moved; it cannot show who was told,
which is what each party's chain records (`audit_audience`): so each party's links are
checked too, against the entries they name. Neither chain can show that its newest
entries were cut off, nor a chain rewritten and hashed afresh by whoever holds the
database: only a head kept elsewhere (a `Checkpoint`) can.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass

from deconflict.domain.audit import (
    GENESIS_HASH,
    AudienceLink,
    AuditEntry,
    chain_hash,
    party_link,
)
from deconflict.service.context import Service
from deconflict.store.interface import Transaction

_PAGE = 5_000
#: An entry number past every entry: what the end of a party's chain comes before.
_PAST_ALL = 2**63 - 1


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """An entry's number and hash in the global chain, kept outside the database."""

    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """The first entry that does not verify, how many entries were checked before it, and
    why; `party_id` names the party whose chain is at fault, when it is one."""

    seq: int
    checked: int
    reason: str = ""
    party_id: str = ""


@dataclass(frozen=True, slots=True)
class RecordCheck:
    """What a check found: the first fault (None when whole) and the head it checked up to."""

    broken: BrokenLink | None
    head: Checkpoint | None
    entries: int
    links: int


def verify_audit(svc: Service) -> BrokenLink | None:
    """None when the record is whole; otherwise the first bad entry. Reads in pages."""
    return check_record(svc).broken


def check_record(svc: Service, checkpoint: Checkpoint | None = None) -> RecordCheck:
    """Check the global chain, `checkpoint` against it, then every party's chain."""
    return svc.read(lambda tx: _check(tx, checkpoint))


def _check(tx: Transaction, checkpoint: Checkpoint | None) -> RecordCheck:
    acted: dict[str, array[int]] = {}
    prev_hash, expected_seq, head = GENESIS_HASH, 0, None
    kept_hash: str | None = None
    for entry in _entries(tx):
        if isinstance(entry, _Unreadable):
            return RecordCheck(BrokenLink(expected_seq, expected_seq, entry.reason), head, 0, 0)
        fault = _entry_fault(entry, expected_seq, prev_hash)
        if fault is not None:
            broken = BrokenLink(entry.seq, expected_seq, fault)
            return RecordCheck(broken, head, expected_seq, 0)
        if entry.party_id:
            acted.setdefault(entry.party_id, array("q")).append(entry.seq)
        if checkpoint is not None and entry.seq == checkpoint.seq:
            kept_hash = entry.hash
        prev_hash, expected_seq = entry.hash, expected_seq + 1
        head = Checkpoint(entry.seq, entry.hash)
    count = expected_seq
    if checkpoint is not None and kept_hash != checkpoint.hash:
        broken = BrokenLink(checkpoint.seq, count, _checkpoint_fault(checkpoint, head, kept_hash))
        return RecordCheck(broken, head, count, 0)
    in_party, links = _check_parties(tx, acted)
    if in_party is not None:
        in_party = BrokenLink(in_party.seq, count, in_party.reason, in_party.party_id)
    return RecordCheck(in_party, head, count, links)


@dataclass(frozen=True, slots=True)
class _Unreadable:
    """A row of the log that does not read back as an entry (a kind not known, data that
    is not JSON): changed behind the service's back."""

    reason: str


def _entries(tx: Transaction) -> Iterator[AuditEntry | _Unreadable]:
    after = -1
    while True:
        try:
            page = tx.audit.all(after_seq=after, limit=_PAGE)
        except (TypeError, ValueError):  # json's errors are ValueErrors too
            yield from _one_by_one(tx, after)
            return
        if not page:
            return
        yield from page
        after = page[-1].seq


def _one_by_one(tx: Transaction, after: int) -> Iterator[AuditEntry | _Unreadable]:
    """The entries after `after` up to the first that does not read, then why it does not."""
    while True:
        try:
            one = tx.audit.all(after_seq=after, limit=1)
        except (TypeError, ValueError) as unreadable:
            yield _Unreadable(f"the entry after seq={after} cannot be read: {unreadable}")
            return
        if not one:
            return
        yield one[0]
        after = one[0].seq


def _entry_fault(entry: AuditEntry, expected_seq: int, prev_hash: str) -> str | None:
    if entry.seq != expected_seq:
        return (
            f"expected entry seq={expected_seq} here, found seq={entry.seq}: "
            "entries are missing or out of order"
        )
    if entry.prev_hash != prev_hash:
        return "it does not name the hash of the entry before it"
    try:
        expected = chain_hash(prev_hash, entry)
    except (TypeError, ValueError):  # a float or a naive timestamp slipped in
        return "its content cannot be hashed as the log spells it"
    if entry.hash != expected:
        return "its hash does not match its content"
    return None


def _checkpoint_fault(checkpoint: Checkpoint, head: Checkpoint | None, kept: str | None) -> str:
    if kept is None:
        ends = "is empty" if head is None else f"ends at seq={head.seq}"
        return (
            f"the log {ends}, before the checkpoint's seq={checkpoint.seq}: "
            "entries were removed from its end"
        )
    return (
        f"entry seq={checkpoint.seq} is not the one the checkpoint names: "
        "the record up to it was rewritten"
    )


def _links(tx: Transaction) -> Iterator[AudienceLink]:
    after: tuple[str, int] | None = None
    while page := tx.audit.links(after=after, limit=_PAGE):
        yield from page
        after = page[-1].party_id, page[-1].party_seq


def _check_parties(tx: Transaction, acted: dict[str, array[int]]) -> tuple[BrokenLink | None, int]:
    """The first fault in any party's chain (None if none), and how many links were read.

    Along a party's chain the links are numbered from 0 without gaps, each names the link
    before it and commits to the hash of its entry as the log holds it, and entries come
    in log order. The party that acted in an entry always reads it, so an entry it acted
    in that its chain lacks was taken out of its record (or the chain moved to another
    party).
    """
    party, expected_seq, prev_hash, last_seq = "", 0, GENESIS_HASH, -1
    own: array[int] = array("q")
    mine = 0  # how many of the party's own acts its links have met so far
    count = 0
    for link in _links(tx):
        if link.party_id != party:
            if (missing := _unread_act(party, own, mine, _PAST_ALL)) is not None:
                return missing, count
            party, expected_seq, prev_hash, last_seq = link.party_id, 0, GENESIS_HASH, -1
            own, mine = acted.pop(party, array("q")), 0
        fault = _link_fault(link, expected_seq, prev_hash, last_seq)
        if fault is not None:
            return BrokenLink(link.seq, 0, f"party {party}'s record: {fault}", party), count
        if (missing := _unread_act(party, own, mine, link.seq)) is not None:
            return missing, count
        if mine < len(own) and own[mine] == link.seq:
            mine += 1
        count += 1
        expected_seq, prev_hash, last_seq = expected_seq + 1, link.party_hash, link.seq
    if (missing := _unread_act(party, own, mine, _PAST_ALL)) is not None:
        return missing, count
    if acted:  # parties that acted but whose chains hold nothing at all
        other = min(acted)
        return _unread_act(other, acted[other], 0, _PAST_ALL), count
    return None, count


def _unread_act(party: str, own: array[int], mine: int, before: int) -> BrokenLink | None:
    """The first act of `party` its chain skipped: one not yet met that comes before
    `before`, an entry number (`_PAST_ALL` at the end of its chain)."""
    if mine >= len(own) or own[mine] >= before:
        return None
    seq = own[mine]
    return BrokenLink(
        seq,
        0,
        f"party {party} acted in entry seq={seq}, but its record does not hold it",
        party,
    )


def _link_fault(link: AudienceLink, expected_seq: int, prev_hash: str, last_seq: int) -> str | None:
    if link.party_seq != expected_seq:
        return (
            f"expected link #{expected_seq} here, found #{link.party_seq}: "
            "links are missing or out of order"
        )
    if link.party_prev_hash != prev_hash:
        return f"link #{link.party_seq} does not name the hash of the link before it"
    if link.entry_hash is None:
        return f"link #{link.party_seq} names entry seq={link.seq}, which is not in the log"
    if link.party_hash != party_link(prev_hash, link.entry_hash):
        return f"link #{link.party_seq} does not commit to entry seq={link.seq} as it stands"
    if link.seq <= last_seq:
        return f"link #{link.party_seq} names entry seq={link.seq}, out of the log's order"
    return None
