"""Checking the audit record: each way of tampering with it named, on both stores."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import replace
from datetime import timedelta
from functools import partial

import psycopg
import pytest
from psycopg import sql

from deconflict.domain.audit import GENESIS_HASH, AuditEntry, AuditKind, chain_hash, party_link
from deconflict.domain.ids import PartyId
from deconflict.service.clock import ManualClock
from deconflict.service.context import Service
from deconflict.service.verification import Checkpoint, check_record, verify_audit
from deconflict.store.interface import Store, Transaction
from deconflict.store.sql_session import Row
from deconflict.store.sqlite import SqliteStore
from tests.domain import NORTHMERE, OSTERBY, T0, VALECREST
from tests.store.earlier_files import append_entries, write_entries_as_released

#: Statements with `?` placeholders, run by a tamperer who holds the database.
Tamper = Callable[[Sequence[tuple[str, tuple[object, ...]]]], None]


@pytest.fixture
def svc(store: Store) -> Service:
    return Service(store, b"test-pseudonym-secret", clock=ManualClock(T0))


@pytest.fixture
def log(store: Store) -> list[AuditEntry]:
    """Six entries: Northmere and Valecrest acting and told, and the service acting."""
    acts: list[tuple[str, tuple[PartyId, ...]]] = [
        (NORTHMERE, (VALECREST,)),
        ("", (VALECREST,)),
        (VALECREST, (NORTHMERE,)),
        (NORTHMERE, ()),
        ("", (NORTHMERE, VALECREST)),
        (VALECREST, ()),
    ]

    def act(n: int, party_id: str, audience: tuple[PartyId, ...], tx: Transaction) -> AuditEntry:
        return tx.audit.append(
            at=T0 + timedelta(seconds=n),
            kind=AuditKind.NOTICE,
            party_id=party_id,
            actor=f"member-of-{party_id}" if party_id else "",
            subject=f"operation:op-{n}",
            data={"n": n},
            audience=audience,
        )

    return [store.write(partial(act, n, *told)) for n, told in enumerate(acts)]


@pytest.fixture
def tamper(store: Store, request: pytest.FixtureRequest) -> Iterator[Tamper]:
    """Runs statements on the store's database with its append-only guards out of the way."""
    if isinstance(store, SqliteStore):
        path = request.getfixturevalue("sqlite_path")

        def on_sqlite(statements: Sequence[tuple[str, tuple[object, ...]]]) -> None:
            with closing(sqlite3.connect(path)) as conn:
                for (name,) in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                    "AND tbl_name IN ('audit_entries', 'audit_audience')"
                ).fetchall():
                    conn.execute(f'DROP TRIGGER "{name}"')
                for statement, params in statements:
                    conn.execute(statement, params)
                conn.commit()

        yield on_sqlite
        return
    url: str = request.getfixturevalue("pg_url")
    schema: str = request.getfixturevalue("pg_schema")

    def on_postgres(statements: Sequence[tuple[str, tuple[object, ...]]]) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
            for table in ("audit_entries", "audit_audience"):
                conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            for statement, params in statements:
                conn.execute(statement.replace("?", "%s"), params)

    yield on_postgres


def test_a_whole_record_verifies_and_names_its_head(svc: Service, log: list[AuditEntry]) -> None:
    found = check_record(svc)
    assert found.broken is None
    assert found.head == Checkpoint(5, log[5].hash)
    assert (found.entries, found.links) == (6, 9)
    assert check_record(svc, Checkpoint(2, log[2].hash)).broken is None
    assert verify_audit(svc) is None


_BY_PARTY = "WHERE party_id = ? AND seq = ?"
_NORTHMERE_AND_VALECREST = f"{NORTHMERE}, {VALECREST}"

#: A change to who was told of what, and who the parties' records then say was told of the
#: first entry it changed: each entry's hash covers who was told of it, so that is named.
AUDIENCE_TAMPERING = [
    pytest.param(
        [(f"DELETE FROM audit_audience {_BY_PARTY}", (VALECREST, 1))],
        (1, "nobody"),
        id="a party untold of an entry",
    ),
    pytest.param(
        [(f"DELETE FROM audit_audience {_BY_PARTY}", (VALECREST, 5))],
        (5, "nobody"),
        id="the last entry a party acted in taken out of its record",
    ),
    pytest.param(
        [(f"UPDATE audit_audience SET seq = 0 {_BY_PARTY}", (VALECREST, 1))],
        (0, f"{_NORTHMERE_AND_VALECREST}, {VALECREST}"),
        id="a party's link moved to another entry",
    ),
    pytest.param(
        [
            ("UPDATE audit_audience SET party_id = 'swap' WHERE party_id = ?", (NORTHMERE,)),
            ("UPDATE audit_audience SET party_id = ? WHERE party_id = ?", (NORTHMERE, VALECREST)),
            ("UPDATE audit_audience SET party_id = ? WHERE party_id = 'swap'", (VALECREST,)),
        ],
        (1, NORTHMERE),
        id="two parties' chains swapped",
    ),
    pytest.param(
        [(f"DELETE FROM audit_audience {_BY_PARTY}", (NORTHMERE, 0))],
        (0, VALECREST),
        id="a party's first link taken out",
    ),
]


@pytest.mark.parametrize(("statements", "named"), AUDIENCE_TAMPERING)
def test_who_was_told_is_checked_against_each_entrys_hash(
    svc: Service,
    log: list[AuditEntry],
    tamper: Tamper,
    statements: list[tuple[str, tuple[object, ...]]],
    named: tuple[int, str],
) -> None:
    tamper(statements)
    broken = verify_audit(svc)
    assert broken is not None
    seq, told = named
    assert (broken.party_id, broken.seq, broken.checked) == ("", seq, seq)
    assert (
        f"its hash does not match its content and who the parties' records say was told of "
        f"it ({told}): a party's link to it was added, removed or moved"
    ) in broken.reason


def relinked(chains: dict[PartyId, list[AuditEntry]]) -> list[tuple[str, tuple[object, ...]]]:
    """Statements that replace every party's chain with consistent links to `chains`."""
    statements: list[tuple[str, tuple[object, ...]]] = [("DELETE FROM audit_audience", ())]
    for party_id, entries in chains.items():
        link = GENESIS_HASH
        for party_seq, entry in enumerate(entries):
            before, link = link, party_link(link, entry.hash)
            statements.append(
                (
                    "INSERT INTO audit_audience (party_id, seq, party_seq, party_prev_hash, "
                    "party_hash) VALUES (?, ?, ?, ?, ?)",
                    (party_id, entry.seq, party_seq, before, link),
                )
            )
    return statements


def test_who_was_told_of_the_services_entry_cannot_be_rewritten_in_the_chains(
    svc: Service, log: list[AuditEntry], tamper: Tamper
) -> None:
    """Entry 1 is the service's (an alert, say) and told Valecrest alone. Whoever holds the
    database tells Northmere of it instead, with both chains hashed afresh and consistent:
    every link holds and each party acting holds its acts, but the entry's hash does not."""
    tamper(
        relinked(
            {
                NORTHMERE: [log[0], log[1], log[2], log[3], log[4]],
                VALECREST: [log[0], log[2], log[4], log[5]],
            }
        )
    )
    broken = verify_audit(svc)
    assert broken is not None
    assert (broken.seq, broken.checked, broken.party_id) == (1, 1, "")
    assert f"who the parties' records say was told of it ({NORTHMERE})" in broken.reason


class _Statements:
    """A session that keeps the statements it is given, to be run by a tamperer."""

    def __init__(self) -> None:
        self.kept: list[tuple[str, tuple[object, ...]]] = []

    def execute(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        self.kept.append((sql, tuple(params)))
        return []

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        self.kept.extend((sql, tuple(row)) for row in rows)


@pytest.fixture
def released(store: Store, tamper: Tamper) -> Store:
    """A store holding five entries as a release before salts wrote them: Northmere acting
    in each, Osterby told of each, and no entry's hash covering who was told."""
    statements = _Statements()
    write_entries_as_released(statements)
    tamper(statements.kept)
    return store


def test_entries_stored_before_salts_verify_with_the_salted_ones_after(
    svc: Service, released: Store
) -> None:
    released.write(lambda tx: append_entries(tx.audit, count=2, first=5))
    found = check_record(svc)
    assert found.broken is None
    assert (found.entries, found.links) == (7, 14)
    log = released.read(lambda tx: tx.audit.all(after_seq=-1, limit=10))
    assert [bool(e.salt) for e in log] == [False] * 5 + [True] * 2


#: A change to who was told of an entry stored before salts, and what the check says of it:
#: only the parties' chains say who was told of such an entry.
EARLIER_AUDIENCE_TAMPERING = [
    pytest.param(
        [(f"DELETE FROM audit_audience {_BY_PARTY}", (OSTERBY, 2))],
        (OSTERBY, 3, "links are missing"),
        id="a party untold of an entry",
    ),
    pytest.param(
        [(f"DELETE FROM audit_audience {_BY_PARTY}", (NORTHMERE, 4))],
        (NORTHMERE, 4, "acted in entry seq=4, but its record does not hold it"),
        id="the last entry a party acted in taken out of its record",
    ),
    pytest.param(
        [(f"UPDATE audit_audience SET seq = 1 {_BY_PARTY}", (OSTERBY, 2))],
        (OSTERBY, 1, "does not commit to entry seq=1"),
        id="a party's link moved to another entry",
    ),
]


@pytest.mark.parametrize(("statements", "named"), EARLIER_AUDIENCE_TAMPERING)
def test_who_was_told_of_an_earlier_entry_is_checked_against_the_chains(
    svc: Service,
    released: Store,
    tamper: Tamper,
    statements: list[tuple[str, tuple[object, ...]]],
    named: tuple[str, int, str],
) -> None:
    tamper(statements)
    broken = verify_audit(svc)
    assert broken is not None
    party_id, seq, reason = named
    assert (broken.party_id, broken.seq, broken.checked) == (party_id, seq, 5)
    assert reason in broken.reason


def test_a_consistent_rewrite_of_who_was_told_of_earlier_entries_goes_unseen(
    svc: Service, released: Store, tamper: Tamper
) -> None:
    """What the record still cannot prove, as operations.md says: no hash of an entry
    stored before salts covers who was told of it."""
    log = released.read(lambda tx: tx.audit.all(after_seq=-1, limit=10))
    tamper(relinked({NORTHMERE: log, OSTERBY: [log[0], log[1], log[3], log[4]]}))
    assert verify_audit(svc) is None


def test_a_kept_head_shows_the_newest_entries_cut_off(
    svc: Service, log: list[AuditEntry], tamper: Tamper
) -> None:
    kept = check_record(svc).head
    assert kept is not None
    tamper(
        [
            ("DELETE FROM audit_audience WHERE seq >= 4", ()),
            ("DELETE FROM audit_entries WHERE seq >= 4", ()),
        ]
    )
    assert verify_audit(svc) is None, "a cut end leaves a whole, shorter chain"
    broken = check_record(svc, kept).broken
    assert broken is not None
    assert broken.seq == 5
    assert "the log ends at seq=3, before the checkpoint's seq=5" in broken.reason


def test_a_kept_head_shows_a_record_rewritten_and_hashed_afresh(
    svc: Service, log: list[AuditEntry], tamper: Tamper
) -> None:
    kept = check_record(svc).head
    assert kept is not None
    # The tamperer changes what Valecrest did, then hashes every entry and link again.
    forged = [replace(e, data={"n": 99}) if e.seq == 2 else e for e in log]
    statements: list[tuple[str, tuple[object, ...]]] = [
        ("UPDATE audit_entries SET data = ? WHERE seq = 2", ('{"n":99}',))
    ]
    told = {NORTHMERE: [0, 2, 3, 4], VALECREST: [0, 1, 2, 4, 5]}
    audience = {seq: sorted(p for p, seqs in told.items() if seq in seqs) for seq in range(6)}
    prev, hashes = GENESIS_HASH, {}
    for entry in forged:
        hashes[entry.seq] = prev = chain_hash(
            prev, replace(entry, prev_hash=prev), audience[entry.seq]
        )
        statements.append(
            (
                "UPDATE audit_entries SET prev_hash = ?, hash = ? WHERE seq = ?",
                (entry.prev_hash if entry.seq == 0 else hashes[entry.seq - 1], prev, entry.seq),
            )
        )
    for party_id, seqs in told.items():
        link = GENESIS_HASH
        for party_seq, seq in enumerate(seqs):
            before, link = link, party_link(link, hashes[seq])
            statements.append(
                (
                    "UPDATE audit_audience SET party_prev_hash = ?, party_hash = ? "
                    "WHERE party_id = ? AND party_seq = ?",
                    (before, link, party_id, party_seq),
                )
            )
    tamper(statements)
    assert verify_audit(svc) is None, "a consistent rewrite is a whole chain"
    broken = check_record(svc, kept).broken
    assert broken is not None
    assert "entry seq=5 is not the one the checkpoint names" in broken.reason


def test_an_entry_changed_is_named_with_why(
    svc: Service, log: list[AuditEntry], tamper: Tamper
) -> None:
    tamper([("UPDATE audit_entries SET data = ? WHERE seq = 3", ('{"n":33}',))])
    broken = verify_audit(svc)
    assert broken is not None
    assert (broken.seq, broken.checked, broken.party_id) == (3, 3, "")
    assert "its hash does not match its content" in broken.reason


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ("UPDATE audit_entries SET kind = 'bogus' WHERE seq = 3", "'bogus' is not a valid"),
        ("UPDATE audit_entries SET data = '{not json' WHERE seq = 3", "Expecting property name"),
    ],
)
def test_a_row_that_does_not_read_as_an_entry_is_named(
    svc: Service, log: list[AuditEntry], tamper: Tamper, change: str, why: str
) -> None:
    tamper([(change, ())])
    broken = verify_audit(svc)
    assert broken is not None
    assert (broken.seq, broken.checked) == (3, 3)
    assert "the entry after seq=2 cannot be read" in broken.reason
    assert why in broken.reason
