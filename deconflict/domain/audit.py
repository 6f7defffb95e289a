"""The audit log: append-only entries, each hash-chained to the one before it.

Each entry's hash is SHA-256 over the canonical encoding of its fields and the previous
entry's hash, so changing, removing or reordering any entry breaks every hash after it.
The canonical encoding is JSON with sorted keys, no whitespace, UTF-8, timestamps as
RFC 3339 UTC with microseconds and a 'Z', and no floats: decimal renderings differ across
languages, so measurements go in as integers or strings.

An entry appended since 2026-12-07 also carries a salt: random, kept by the service and
never shown to a party. A party reads the global hash of each of its entries
(`entry_hash`); without the salt, one that read two entries in a row (its own submission,
say) knew the first's hash, which is the second's `prev_hash`, and could find the second's
global `seq` by trying numbers, and so how much every other party had done. An entry
without a salt is hashed as before, so the entries already stored keep their hashes.

A salted entry's hash also covers its audience: who was told of it, as the sorted list of
the ids of the parties that read it, the acting party among them (`audience_of`). The
audience is not a field of the entry (the store keeps it as the links of each party's
chain), so hashing a salted entry takes it as an argument, and the global chain, up to a
head kept elsewhere, proves who was told of each salted entry, not only what it says.
The salt keeps a party that reads an entry from confirming a guess at who else was told.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from types import MappingProxyType
from typing import cast

#: The previous hash of the first entry.
GENESIS_HASH = "0" * 64
_ENCODE_STRING: Callable[[str], str] = json.encoder.encode_basestring
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)

JsonValue = str | int | bool | None | Sequence["JsonValue"] | Mapping[str, "JsonValue"]


class AuditKind(enum.StrEnum):
    STATE_CHANGE = "state_change"
    NOTICE = "notice"
    CONSULTATION = "consultation"
    RESPONSE = "response"
    DISCLOSURE = "disclosure"
    WARNING = "warning"
    ALERT = "alert"
    ACKNOWLEDGEMENT = "acknowledgement"
    MEMBERSHIP = "membership"
    AGREEMENT = "agreement"
    SUBSCRIPTION = "subscription"  # subscriptions and webhooks of the party changed


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: datetime
    kind: AuditKind
    party_id: str  # the party acting, or "" for the service itself
    actor: str  # the member acting, or "" for the service itself
    subject: str  # what it is about, as "kind:id"
    data: Mapping[str, JsonValue]
    prev_hash: str
    hash: str
    #: Random and secret from the parties (see the module's docstring); "" for an entry
    #: appended before salts, whose content has no salt field.
    salt: str = ""

    def content(self, audience: Sequence[str] = ()) -> dict[str, JsonValue]:
        """Every field the hash covers: all of the entry's but the hash itself, and for a
        salted entry `audience`, the parties told of it as the list given (`audience_of`
        spells it when appending; a check gives it as the party chains hold it)."""
        content: dict[str, JsonValue] = {
            "seq": self.seq,
            "at": rfc3339(self.at),
            "kind": str(self.kind),
            "party_id": self.party_id,
            "actor": self.actor,
            "subject": self.subject,
            "data": dict(self.data),
            "prev_hash": self.prev_hash,
        }
        if self.salt:
            content["salt"] = self.salt
            content["audience"] = list(audience)
        return content


@lru_cache(maxsize=1024)
def rfc3339(instant: datetime) -> str:
    """Always UTC, always microseconds, always 'Z': one instant, one spelling.

    Cached: a use case spells its one `now` for each of the dozens of entries it appends,
    and `strftime` costs microseconds; equal instants share a spelling, so caching by
    equality (aware datetimes compare as instants) cannot change an answer.
    """
    if instant.utcoffset() is None:
        raise ValueError("audit timestamps must be timezone-aware")
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(value: JsonValue) -> bytes:
    return _canonical_text(value).encode()


def _canonical_text(value: JsonValue) -> str:
    _reject_floats(value)
    return _CANONICAL.encode(value)


def audience_of(party_id: str, told: Iterable[str]) -> tuple[str, ...]:
    """Who reads an entry: the acting party (none when it is the service, "") and every
    party told, each once, sorted. What a salted entry's hash covers as its audience, and
    whose chains the store links the entry into."""
    return tuple(sorted({party_id, *told} - {""}))


def chain_hash(prev_hash: str, entry: AuditEntry, audience: Sequence[str] = ()) -> str:
    """The hash `entry` must carry when it follows an entry hashed `prev_hash`; a salted
    entry's hash covers `audience` too, the parties told of it (ignored for one unsalted)."""
    return _hash(
        entry.seq, entry.at, entry.kind, entry.party_id, entry.actor, entry.subject, entry.data,
        prev_hash, entry.salt, audience,
    )  # fmt: skip


def _hash(
    seq: int,
    at: datetime,
    kind: AuditKind,
    party_id: str,
    actor: str,
    subject: str,
    data: Mapping[str, JsonValue],
    prev_hash: str,
    salt: str,
    audience: Sequence[str],
) -> str:
    """SHA-256 of `canonical(entry.content(audience))`, written out field by field.

    A use case appends dozens of entries inside the one writer's turn, and encoding the
    whole content through `json.dumps` with sorted keys cost nearly twice this. The keys
    below are in sorted order and each value is encoded as `json.dumps` would encode it;
    a test holds the two spellings equal.
    """
    data_text = _canonical_text(dict(data))
    return _hash_spelt(
        seq, at, kind, party_id, actor, subject, data_text, prev_hash, salt, audience
    )


def _hash_spelt(
    seq: int,
    at: datetime,
    kind: AuditKind,
    party_id: str,
    actor: str,
    subject: str,
    data_text: str,
    prev_hash: str,
    salt: str,
    audience: Sequence[str],
) -> str:
    """`_hash` with the data already in its canonical spelling."""
    if not isinstance(seq, int) or isinstance(seq, bool):
        raise TypeError("an entry's seq is an integer")
    salted, told = "", ""
    if salt:
        salted = f'"salt":{_text(salt)},'
        told = f'"audience":[{",".join(_text(party) for party in audience)}],'
    text = (
        f'{{"actor":{_text(actor)},"at":{_text(rfc3339(at))},{told}'
        f'"data":{data_text},"kind":{_text(str(kind))},'
        f'"party_id":{_text(party_id)},"prev_hash":{_text(prev_hash)},{salted}'
        f'"seq":{int(seq)},"subject":{_text(subject)}}}'
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _text(value: str) -> str:
    """A string as canonical JSON spells it (the encoder `json.dumps` uses without
    `ensure_ascii`)."""
    if not isinstance(value, str):
        raise TypeError("this field of an audit entry is a string")
    return _ENCODE_STRING(value)


def append(
    previous: AuditEntry | None,
    *,
    at: datetime,
    kind: AuditKind,
    party_id: str,
    actor: str,
    subject: str,
    data: Mapping[str, JsonValue],
    salt: str = "",
    told: Iterable[str] = (),
) -> AuditEntry:
    """The entry that follows `previous` (None for the first), hashed onto it; a salted
    entry's hash covers its audience, `party_id` and the parties `told` of it."""
    entry, _ = append_spelt(
        previous,
        at=at,
        kind=kind,
        party_id=party_id,
        actor=actor,
        subject=subject,
        data=data,
        salt=salt,
        told=told,
    )
    return entry


def append_spelt(
    previous: AuditEntry | None,
    *,
    at: datetime,
    kind: AuditKind,
    party_id: str,
    actor: str,
    subject: str,
    data: Mapping[str, JsonValue],
    salt: str = "",
    told: Iterable[str] = (),
) -> tuple[AuditEntry, str]:
    """`append`, and the canonical spelling of the entry's data that its hash covers: a
    store keeps that text rather than encode the data a second time."""
    seq = 0 if previous is None else previous.seq + 1
    prev_hash = GENESIS_HASH if previous is None else previous.hash
    data_text = _canonical_text(dict(data))
    audience = audience_of(party_id, told) if salt else ()
    digest = _hash_spelt(
        seq, at, kind, party_id, actor, subject, data_text, prev_hash, salt, audience
    )
    entry = AuditEntry(seq, at, kind, party_id, actor, subject, data, prev_hash, digest, salt)
    return entry, data_text


#: Who was told of each entry, by its `seq`: the audiences a check hashes salted entries with.
Audiences = Mapping[int, Sequence[str]]
_NOBODY_TOLD: Audiences = MappingProxyType({})


def verify_chain(
    entries: Sequence[AuditEntry],
    start_hash: str = GENESIS_HASH,
    audiences: Audiences = _NOBODY_TOLD,
) -> int | None:
    """The index of the first entry that is not what the chain says, or None if all are.

    `start_hash` is the hash before the first entry given, for verifying a tail. A removed
    last entry leaves a valid shorter chain; compare the head with a hash kept elsewhere.
    A salted entry is hashed with its audience in `audiences` (none when missing), so one
    whose audience is not the one it was appended with does not verify.
    """
    prev_hash = start_hash
    first_seq = entries[0].seq if entries else 0
    for index, entry in enumerate(entries):
        if entry.seq != first_seq + index or entry.prev_hash != prev_hash:
            return index
        try:
            expected = chain_hash(prev_hash, entry, audiences.get(entry.seq, ()))
        except (TypeError, ValueError):  # a float or a naive timestamp slipped in
            return index
        if entry.hash != expected:
            return index
        prev_hash = entry.hash
    return None


@dataclass(frozen=True, slots=True)
class PartyEntry:
    """An entry as one party reads it: numbered and chained within that party's own record.

    The global chain's numbers and links would show a party how much happened between two
    of its own entries, that is, that others were active; so a party sees its own sequence
    and its own chain, whose every link commits to the global entry's hash. The operator
    can show that entry in the global chain without showing anything else.
    """

    party_seq: int
    entry: AuditEntry
    party_prev_hash: str
    party_hash: str


@dataclass(frozen=True, slots=True)
class AudienceLink:
    """One link of one party's chain as stored, with the hash of the global entry it names
    as that entry stands now (None when no entry has its `seq`): what the operator's check
    of every party's record reads."""

    party_id: str
    party_seq: int
    seq: int
    party_prev_hash: str
    party_hash: str
    entry_hash: str | None


def party_link(party_prev_hash: str, entry_hash: str) -> str:
    """The hash of a party's next link: its previous link and the global entry's hash."""
    return hashlib.sha256(f"{party_prev_hash}:{entry_hash}".encode()).hexdigest()


def verify_party_chain(
    entries: Sequence[PartyEntry],
    start_hash: str = GENESIS_HASH,
    audiences: Audiences = _NOBODY_TOLD,
) -> int | None:
    """The index of the first link of a party's record that does not hold, or None; each
    entry is checked against its own hash as `verify_chain` checks it, with `audiences`."""
    prev_hash = start_hash
    first_seq = entries[0].party_seq if entries else 0
    for index, link in enumerate(entries):
        if (
            link.party_seq != first_seq + index
            or link.party_prev_hash != prev_hash
            or link.party_hash != party_link(prev_hash, link.entry.hash)
            or verify_chain([link.entry], link.entry.prev_hash, audiences) is not None
        ):
            return index
        prev_hash = link.party_hash
    return None


#: Leaves that need no look inside; checked by exact type, which costs a fraction of an
#: `isinstance` against `Mapping` (every entry of every use case passes through here).
_PLAIN_LEAVES = frozenset({str, int, bool, type(None)})


def _reject_floats(value: object) -> None:
    kind = type(value)
    if kind in _PLAIN_LEAVES:
        return
    if kind is dict:
        items: Iterable[object] = cast(dict[str, object], value).values()
    elif kind is list or kind is tuple:
        items = cast(Sequence[object], value)
    elif isinstance(value, float):
        raise TypeError("the audit log takes no floats: give integers or decimal strings")
    elif isinstance(value, Mapping):
        items = value.values()
    elif isinstance(value, list | tuple):
        items = value
    else:
        return
    for item in items:
        _reject_floats(item)
