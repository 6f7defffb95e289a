"""The audit log's canonical encoding and hash chain, and tampering named at its first entry."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from types import MappingProxyType
from typing import cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deconflict.domain.audit import (
    GENESIS_HASH,
    AuditEntry,
    AuditKind,
    JsonValue,
    PartyEntry,
    append,
    append_spelt,
    audience_of,
    canonical,
    chain_hash,
    party_link,
    rfc3339,
    verify_chain,
    verify_party_chain,
)

from . import LOWFEN, NORTHMERE, T0, VALECREST


def chain(length: int = 5) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    for n in range(length):
        entries.append(
            append(
                entries[-1] if entries else None,
                at=T0 + timedelta(seconds=n),
                kind=AuditKind.STATE_CHANGE,
                party_id=NORTHMERE,
                actor="m-tamsin",
                subject="operation:op-survey",
                data={"from": "submitted", "to": "in_consultation", "step": n},
            )
        )
    return entries


def test_canonical_encoding_sorts_keys_and_has_no_whitespace() -> None:
    value: JsonValue = {"b": [1, True, None], "a": {"z": "é", "y": ""}}
    assert canonical(value) == '{"a":{"y":"","z":"é"},"b":[1,true,null]}'.encode()


@pytest.mark.parametrize(
    "value",
    [
        1.5,
        {"a": 0.1},
        [1, [2.0]],
        {"a": {"b": float("nan")}},
        ("x", (1, 2.5)),
        MappingProxyType({"a": [True, None, -0.0]}),
    ],
)
def test_floats_are_refused_anywhere(value: JsonValue) -> None:
    with pytest.raises(TypeError, match="no floats"):
        canonical(value)


def test_a_float_is_refused_when_appended_not_later() -> None:
    with pytest.raises(TypeError):
        append(
            None,
            at=T0,
            kind=AuditKind.WARNING,
            party_id=VALECREST,
            actor="",
            subject="warning:w-1",
            data=cast("dict[str, JsonValue]", {"radius_m": 300.0}),
        )


def test_timestamps_are_one_spelling_per_instant() -> None:
    plus_two = timezone(timedelta(hours=2))
    same = datetime(2026, 12, 1, 12, 0, tzinfo=plus_two)
    assert rfc3339(T0) == rfc3339(same) == "2026-12-01T10:00:00.000000Z"
    assert rfc3339(T0 + timedelta(microseconds=7)) == "2026-12-01T10:00:00.000007Z"
    with pytest.raises(ValueError, match="timezone-aware"):
        rfc3339(datetime(2026, 12, 1, 10, 0))  # noqa: DTZ001 - the point of the test


def test_entries_are_numbered_and_chained_from_genesis() -> None:
    entries = chain(3)
    assert [e.seq for e in entries] == [0, 1, 2]
    assert entries[0].prev_hash == GENESIS_HASH
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash


def test_the_hash_is_sha256_over_the_canonical_content() -> None:
    first = chain(1)[0]
    content = (
        '{"actor":"m-tamsin","at":"2026-12-01T10:00:00.000000Z",'
        '"data":{"from":"submitted","step":0,"to":"in_consultation"},'
        f'"kind":"state_change","party_id":"{NORTHMERE}","prev_hash":"{GENESIS_HASH}",'
        '"seq":0,"subject":"operation:op-survey"}'
    )
    assert first.hash == hashlib.sha256(content.encode()).hexdigest()
    assert chain_hash(GENESIS_HASH, first) == first.hash


_JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.text())
_JSON = st.recursive(
    _JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    seq=st.integers(min_value=0, max_value=2**62),
    at=st.datetimes(timezones=st.just(UTC)),
    kind=st.sampled_from(AuditKind),
    texts=st.lists(st.text(), min_size=4, max_size=4),
    data=st.dictionaries(st.text(), _JSON, max_size=4),
)
def test_the_hash_is_spelled_as_the_canonical_encoding_of_the_content(
    seq: int, at: datetime, kind: AuditKind, texts: list[str], data: dict[str, JsonValue]
) -> None:
    """Hashing writes the content out field by field; quotes, control characters and any
    script spell exactly as `canonical` spells the whole content."""
    party_id, actor, subject, prev_hash = texts
    entry = AuditEntry(seq, at, kind, party_id, actor, subject, data, prev_hash, "")
    expected = hashlib.sha256(canonical(entry.content())).hexdigest()
    assert chain_hash(prev_hash, entry) == expected


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    seq=st.integers(min_value=0, max_value=2**62),
    salt=st.text(min_size=1),
    audience=st.lists(st.text(), max_size=4),
    data=st.dictionaries(st.text(), _JSON, max_size=3),
)
def test_a_salted_hash_is_spelled_as_the_canonical_encoding_with_the_audience(
    seq: int, salt: str, audience: list[str], data: dict[str, JsonValue]
) -> None:
    entry = AuditEntry(seq, T0, AuditKind.ALERT, "", "", "warning:w-1", data, "p", "", salt)
    content = entry.content(audience)
    assert content["audience"] == audience
    assert chain_hash("p", entry, audience) == hashlib.sha256(canonical(content)).hexdigest()


@settings(max_examples=100, deadline=None, derandomize=True)
@given(data=st.dictionaries(st.text(), _JSON, max_size=4))
def test_appending_spells_the_data_as_its_hash_covers_it(data: dict[str, JsonValue]) -> None:
    """A store keeps the spelling `append_spelt` gives; it is the data's canonical text."""
    spelt, text = append_spelt(
        None, at=T0, kind=AuditKind.NOTICE, party_id=NORTHMERE, actor="", subject="s", data=data
    )
    assert text.encode() == canonical(data)
    assert spelt == append(
        None, at=T0, kind=AuditKind.NOTICE, party_id=NORTHMERE, actor="", subject="s", data=data
    )
    assert chain_hash(GENESIS_HASH, spelt) == spelt.hash


def test_an_intact_chain_verifies() -> None:
    assert verify_chain(chain()) is None
    assert verify_chain([]) is None


def test_a_tail_verifies_from_the_hash_before_it() -> None:
    entries = chain()
    assert verify_chain(entries[2:], start_hash=entries[1].hash) is None
    assert verify_chain(entries[2:]) == 0


@pytest.mark.parametrize(
    "change",
    [
        {"data": {"from": "submitted", "to": "cleared", "step": 2}},
        {"at": T0 + timedelta(days=1)},
        {"at": T0 + timedelta(seconds=2, microseconds=1)},
        {"kind": AuditKind.RESPONSE},
        {"party_id": VALECREST},
        {"actor": "m-someone-else"},
        {"subject": "operation:op-other"},
        {"seq": 7},
    ],
    ids=lambda change: next(iter(change)),
)
def test_a_changed_field_is_named_at_its_entry(change: dict[str, object]) -> None:
    entries = chain()
    entries[2] = replace(entries[2], **change)  # type: ignore[arg-type]
    assert verify_chain(entries) == 2


def test_a_removed_entry_is_named_where_the_gap_is() -> None:
    entries = chain()
    del entries[2]
    assert verify_chain(entries) == 2


def test_a_removed_first_entry_is_named_at_the_start() -> None:
    assert verify_chain(chain()[1:]) == 0


def test_reordered_entries_are_named_at_the_first_out_of_place() -> None:
    entries = chain()
    entries[1], entries[3] = entries[3], entries[1]
    assert verify_chain(entries) == 1


def test_a_changed_hash_is_named_at_its_entry() -> None:
    entries = chain()
    entries[3] = replace(entries[3], hash="f" * 64)
    assert verify_chain(entries) == 3


def test_a_rehashed_forgery_is_caught_at_the_next_entry() -> None:
    entries = chain()
    forged = replace(entries[2], data={"from": "submitted", "to": "cleared"})
    entries[2] = replace(forged, hash=chain_hash(forged.prev_hash, forged))
    assert verify_chain(entries) == 3


def test_a_changed_prev_hash_is_named_at_its_entry() -> None:
    entries = chain()
    entries[4] = replace(entries[4], prev_hash=GENESIS_HASH)
    assert verify_chain(entries) == 4


@pytest.mark.parametrize(
    "change",
    [
        {"data": {"from": "submitted", "to": "cleared", "step": 2.0}},
        {"at": datetime(2026, 12, 1, 10, 0, 2)},  # noqa: DTZ001 - a naive forgery
    ],
    ids=["float", "naive-timestamp"],
)
def test_an_entry_that_cannot_even_be_encoded_is_named(change: dict[str, object]) -> None:
    entries = chain()
    entries[2] = replace(entries[2], **change)  # type: ignore[arg-type]
    assert verify_chain(entries) == 2


def party_record(entries: list[AuditEntry]) -> list[PartyEntry]:
    """A party's own record over some of the global entries."""
    links, prev = [], GENESIS_HASH
    for number, entry in enumerate(entries):
        link = party_link(prev, entry.hash)
        links.append(PartyEntry(number, entry, prev, link))
        prev = link
    return links


def test_a_party_record_numbers_its_own_entries_without_gaps() -> None:
    every = chain(6)
    mine = party_record([every[1], every[4], every[5]])
    assert [link.party_seq for link in mine] == [0, 1, 2]
    assert verify_party_chain(mine) is None


def test_a_party_record_names_a_changed_or_dropped_link() -> None:
    mine = party_record(chain(5))
    tampered = replace(mine[2], entry=replace(mine[2].entry, subject="operation:other"))
    assert verify_party_chain([*mine[:2], tampered, *mine[3:]]) == 2
    assert verify_party_chain([*mine[:1], *mine[2:]]) == 1
    relinked = replace(mine[3], party_hash="0" * 64)
    assert verify_party_chain([*mine[:3], relinked, *mine[4:]]) == 3


@settings(max_examples=100, deadline=None, derandomize=True)
@given(salt=st.text(min_size=1), data=st.dictionaries(st.text(), _JSON, max_size=3))
def test_a_salted_entry_is_hashed_over_its_content_with_the_salt(
    salt: str, data: dict[str, JsonValue]
) -> None:
    salted = append(
        None, at=T0, kind=AuditKind.NOTICE, party_id="", actor="", subject="s", data=data, salt=salt
    )
    content = salted.content()
    assert content["salt"] == salt
    assert salted.hash == hashlib.sha256(canonical(content)).hexdigest()
    assert chain_hash(GENESIS_HASH, salted) == salted.hash
    unsalted = append(
        None, at=T0, kind=AuditKind.NOTICE, party_id="", actor="", subject="s", data=data
    )
    assert "salt" not in unsalted.content(), "entries from before salts keep their hashes"
    assert unsalted.hash != salted.hash
    assert verify_chain([replace(salted, salt="")]) == 0


def test_who_reads_an_entry_is_its_acting_party_and_the_parties_told_once_each_sorted() -> None:
    assert audience_of(VALECREST, [NORTHMERE, VALECREST, LOWFEN, NORTHMERE]) == (
        LOWFEN,
        NORTHMERE,
        VALECREST,
    )
    assert audience_of("", [VALECREST, ""]) == (VALECREST,), "the service is nobody"
    assert audience_of("", []) == ()


def told_by_service(told: list[str], salt: str = "salt-kept-by-the-service") -> AuditEntry:
    return append(
        None,
        at=T0,
        kind=AuditKind.ALERT,
        party_id="",
        actor="",
        subject="warning:w-1",
        data={"sends": 1},
        salt=salt,
        told=told,
    )


def test_a_salted_entrys_hash_covers_who_was_told_of_it() -> None:
    alert = told_by_service([VALECREST, LOWFEN])
    content = (
        '{"actor":"","at":"2026-12-01T10:00:00.000000Z",'
        f'"audience":["{LOWFEN}","{VALECREST}"],"data":{{"sends":1}},"kind":"alert",'
        f'"party_id":"","prev_hash":"{GENESIS_HASH}","salt":"salt-kept-by-the-service",'
        '"seq":0,"subject":"warning:w-1"}'
    )
    assert alert.hash == hashlib.sha256(content.encode()).hexdigest()
    assert verify_chain([alert], audiences={0: [LOWFEN, VALECREST]}) is None
    for changed in ([LOWFEN], [LOWFEN, NORTHMERE, VALECREST], [LOWFEN, LOWFEN, VALECREST], []):
        assert verify_chain([alert], audiences={0: changed}) == 0, changed
    assert verify_chain([alert]) == 0, "a salted entry whose audience is not given"
    mine = party_record([alert])
    assert verify_party_chain(mine, audiences={0: [LOWFEN, VALECREST]}) is None
    assert verify_party_chain(mine, audiences={0: [VALECREST]}) == 0


def test_an_unsalted_entrys_hash_covers_no_audience() -> None:
    """Entries stored before salts keep their hashes: who was told is not in them."""
    earlier = told_by_service([VALECREST], salt="")
    assert "audience" not in earlier.content([VALECREST])
    assert earlier == told_by_service([LOWFEN], salt="")
    assert verify_chain([earlier], audiences={0: [NORTHMERE]}) is None
