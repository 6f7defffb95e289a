"""Checking the audit record: the global chain, every party's chain on it, and a kept head.

Who was told of each entry is what each party's chain records (`audit_audience`); each
party's links are checked against the entries they name. Since 2026-12-07 an entry's hash
also covers who was told of it (domain.audit), so each salted entry is hashed with the
parties whose links name it: a link added, removed or moved is named at its entry, as a
changed entry is. For an entry from before, only the chains say who was told: one whose
acting party's chain lacks it is named, but a consistent rewrite of the chains is not.
Neither chain can show that its newest entries were cut off, nor a chain rewritten and
hashed afresh by whoever holds the database: only a head kept elsewhere (a `Checkpoint`)
can.
"""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

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
    """Check every party's chain, the global chain with who the chains say was told of
    each entry, and `checkpoint` against it; a fault of the global chain is named first."""
    return svc.read(lambda tx: _check(tx, checkpoint))


def _check(tx: Transaction, checkpoint: Checkpoint | None) -> RecordCheck:
    chains = _read_chains(tx)
    told = _Audiences(chains.told)
    prev_hash, expected_seq, head = GENESIS_HASH, 0, None
    kept_hash: str | None = None
    unread: BrokenLink | None = None  # the first entry its acting party's record lacks
    for entry in _entries(tx):
        if isinstance(entry, _Unreadable):
            broken = BrokenLink(expected_seq, expected_seq, entry.reason)
            return RecordCheck(broken, head, 0, chains.links)
        audience = told.of(entry.seq)
        fault = _entry_fault(entry, expected_seq, prev_hash, audience)
        if fault is not None:
            broken = BrokenLink(entry.seq, expected_seq, fault)
            return RecordCheck(broken, head, expected_seq, chains.links)
        if unread is None and entry.party_id and entry.party_id not in audience:
            unread = BrokenLink(
                entry.seq,
                0,
                f"party {entry.party_id} acted in entry seq={entry.seq}, "
                "but its record does not hold it",
                entry.party_id,
            )
        if checkpoint is not None and entry.seq == checkpoint.seq:
            kept_hash = entry.hash
        prev_hash, expected_seq = entry.hash, expected_seq + 1
        head = Checkpoint(entry.seq, entry.hash)
    count = expected_seq
    if checkpoint is not None and kept_hash != checkpoint.hash:
        broken = BrokenLink(checkpoint.seq, count, _checkpoint_fault(checkpoint, head, kept_hash))
        return RecordCheck(broken, head, count, chains.links)
    faults = [f for f in (chains.broken, unread) if f is not None]
    if not faults:
        return RecordCheck(None, head, count, chains.links)
    first = min(faults, key=lambda fault: (fault.seq, fault.party_id))
    return RecordCheck(replace(first, checked=count), head, count, chains.links)


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


def _entry_fault(
    entry: AuditEntry, expected_seq: int, prev_hash: str, audience: Sequence[str]
) -> str | None:
    if entry.seq != expected_seq:
        return (
            f"expected entry seq={expected_seq} here, found seq={entry.seq}: "
            "entries are missing or out of order"
        )
    if entry.prev_hash != prev_hash:
        return "it does not name the hash of the entry before it"
    try:
        expected = chain_hash(prev_hash, entry, audience)
    except (TypeError, ValueError):  # a float or a naive timestamp slipped in
        return "its content cannot be hashed as the log spells it"
    if entry.hash == expected:
        return None
    if not entry.salt:  # appended before salts: its hash covers no audience
        return "its hash does not match its content"
    named = ", ".join(audience) if audience else "nobody"
    return (
        f"its hash does not match its content and who the parties' records say was told "
        f"of it ({named}): a party's link to it was added, removed or moved, or the entry "
        "itself was changed"
    )


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


@dataclass(frozen=True, slots=True)
class _Chains:
    """What reading every party's chain found: the first fault in any (by entry number),
    the entries each party's links name (in its chain's order), and how many links."""

    broken: BrokenLink | None
    told: dict[str, array[int]]
    links: int


def _read_chains(tx: Transaction) -> _Chains:
    """Every party's chain, checked link by link, and who each link says was told of what.

    Along a party's chain the links are numbered from 0 without gaps, each names the link
    before it and commits to the hash of its entry as the log holds it, and entries come
    in log order. A party's chain is checked up to its first fault, but its links are all
    read, so that the audience of every entry is as the links hold it, faults included.
    """
    broken: BrokenLink | None = None
    told: dict[str, array[int]] = {}
    party, expected_seq, prev_hash, last_seq = "", 0, GENESIS_HASH, -1
    seqs: array[int] = array("q")
    unordered: set[str] = set()
    checking = True
    count = 0
    for link in _links(tx):
        if link.party_id != party:
            party, expected_seq, prev_hash, last_seq = link.party_id, 0, GENESIS_HASH, -1
            seqs = told.setdefault(party, array("q"))
            checking = True
        if seqs and link.seq < seqs[-1]:
            unordered.add(party)
        seqs.append(link.seq)
        count += 1
        if not checking:
            continue
        fault = _link_fault(link, expected_seq, prev_hash, last_seq)
        if fault is not None:
            found = BrokenLink(link.seq, 0, f"party {party}'s record: {fault}", party)
            if broken is None or (found.seq, party) < (broken.seq, broken.party_id):
                broken = found
            checking = False
            continue
        expected_seq, prev_hash, last_seq = expected_seq + 1, link.party_hash, link.seq
    for party in unordered:  # a fault already found; merged in log order all the same
        told[party] = array("q", sorted(told[party]))
    return _Chains(broken, told, count)


class _Audiences:
    """Who the parties' links say was told of each entry, asked for in log order.

    Each party's entries are in log order, so merging them gives the log's order, the
    parties of one entry in sorted order: it holds 8 bytes a link, not one list an entry.
    """

    def __init__(self, told: dict[str, array[int]]) -> None:
        self._merged = heapq.merge(*(_keyed(told[party], party) for party in sorted(told)))
        self._next: tuple[int, str] | None = next(self._merged, None)

    def of(self, seq: int) -> list[str]:
        """The parties told of entry `seq`, sorted; links to entries before it are skipped
        (a link to no entry is a fault of its party's chain)."""
        parties: list[str] = []
        while self._next is not None and self._next[0] <= seq:
            if self._next[0] == seq:
                parties.append(self._next[1])
            self._next = next(self._merged, None)
        return parties


def _keyed(seqs: array[int], party: str) -> Iterator[tuple[int, str]]:
    for seq in seqs:
        yield seq, party


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
