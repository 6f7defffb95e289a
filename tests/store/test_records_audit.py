"""Audit records: one unbroken hash chain, also under concurrent writers, read per party."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from datetime import timedelta
from functools import partial
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from deconflict.domain.audit import (
    GENESIS_HASH,
    AudienceLink,
    AuditEntry,
    AuditKind,
    JsonValue,
    PartyEntry,
    chain_hash,
    verify_chain,
    verify_party_chain,
)
from deconflict.domain.ids import PartyId
from deconflict.store.interface import Store, Transaction
from deconflict.store.postgres import PostgresStore
from deconflict.store.records.audit import SqlAuditRecords
from deconflict.store.sql_session import Row, SqliteSession, SqlSession
from deconflict.store.sqlite import SqliteStore
from tests.domain import LOWFEN, NORTHMERE, OSTERBY, T0, VALECREST

US = timedelta(microseconds=1)


def record(
    store: Store,
    n: int,
    party_id: str = NORTHMERE,
    audience: tuple[PartyId, ...] = (),
    data: dict[str, JsonValue] | None = None,
) -> AuditEntry:
    return store.write(
        lambda tx: tx.audit.append(
            at=T0 + n * US,
            kind=AuditKind.STATE_CHANGE,
            party_id=party_id,
            actor="m-tamsin-planner" if party_id else "",
            subject=f"operation:op-{n:03d}",
            data={"n": n, "to": "submitted"} if data is None else data,
            audience=audience,
        )
    )


def whole_log(store: Store, page: int = 7) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    while batch := store.read(
        lambda tx: tx.audit.all(after_seq=entries[-1].seq if entries else -1, limit=page)
    ):
        entries.extend(batch)
    return entries


def audiences(store: Store) -> dict[int, list[str]]:
    """Who each entry's links say was told of it, sorted: what a salted entry's hash covers."""
    told: dict[int, list[str]] = {}
    after: tuple[str, int] | None = None
    while page := store.read(partial(_links_after, after)):
        for link in page:
            told.setdefault(link.seq, []).append(link.party_id)
        after = page[-1].party_id, page[-1].party_seq
    return {seq: sorted(parties) for seq, parties in told.items()}


def _links_after(after: tuple[str, int] | None, tx: Transaction) -> list[AudienceLink]:
    return tx.audit.links(after=after, limit=7)


def test_an_empty_log_has_no_head(store: Store) -> None:
    assert store.read(lambda tx: tx.audit.head()) is None
    assert store.read(lambda tx: tx.audit.all(after_seq=-1, limit=10)) == []


def test_many_appends_read_back_as_one_chain_that_verifies(store: Store) -> None:
    written = [record(store, n) for n in range(40)]
    read = whole_log(store)
    assert read == written
    assert [e.seq for e in read] == list(range(40))
    assert verify_chain(read, audiences=audiences(store)) is None
    assert store.read(lambda tx: tx.audit.head()) == written[-1]


def test_data_reads_back_exactly(store: Store) -> None:
    data: dict[str, JsonValue] = {
        "reason": "Konvoi über die Furt — 18:00",
        "parties": [VALECREST, LOWFEN],
        "nested": {"deadline_s": 1_800, "big": 2**62, "none": None, "ok": True},
    }
    written = record(store, 0, data=data)
    assert store.read(lambda tx: tx.audit.head()) == written
    assert written.data == data


def test_a_float_is_refused_and_nothing_is_appended(store: Store) -> None:
    with pytest.raises(TypeError, match="float"):
        record(store, 0, data=json.loads('{"separation_m": 12.5}'))
    assert store.read(lambda tx: tx.audit.head()) is None


def test_a_party_reads_what_it_did_and_what_it_was_told_and_nothing_else(store: Store) -> None:
    own = record(store, 0, NORTHMERE)
    told = record(store, 1, LOWFEN, audience=(NORTHMERE, VALECREST))
    record(store, 2, VALECREST, audience=(OSTERBY,))
    by_service = record(store, 3, "", audience=(NORTHMERE, NORTHMERE))
    record(store, 4, "", audience=())
    for_northmere = store.read(lambda tx: tx.audit.for_party(NORTHMERE, after_seq=-1, limit=10))
    assert [link.entry for link in for_northmere] == [own, told, by_service]
    assert [link.party_seq for link in for_northmere] == [0, 1, 2]
    assert verify_party_chain(for_northmere, audiences=audiences(store)) is None
    second_page = store.read(lambda tx: tx.audit.for_party(NORTHMERE, after_seq=1, limit=1))
    assert [link.entry for link in second_page] == [by_service]
    for_osterby = store.read(lambda tx: tx.audit.for_party(OSTERBY, after_seq=-1, limit=10))
    # Osterby's record starts at 0 whatever came before it globally (entry 2).
    assert [(link.party_seq, link.entry.seq) for link in for_osterby] == [(0, 2)]
    nobody = store.read(lambda tx: tx.audit.for_party(PartyId(""), after_seq=-1, limit=10))
    assert nobody == []


def test_one_write_telling_many_parties_continues_each_partys_chain(store: Store) -> None:
    record(store, 0, NORTHMERE, audience=(LOWFEN,))
    record(store, 1, VALECREST)
    told = [LOWFEN, OSTERBY, VALECREST, LOWFEN, OSTERBY]

    def tell_each(tx: Transaction) -> list[int]:
        seen = []
        for n, party in enumerate(told):
            tx.audit.append(
                at=T0 + (2 + n) * US,
                kind=AuditKind.NOTICE,
                party_id=NORTHMERE,
                actor="m-tamsin-planner",
                subject=f"notice:n-{n}",
                data={"n": n},
                audience=(party,),
            )
            if n == 2:  # a read half way links what came before; the rest follows on
                seen.append(tx.audit.last_party_seq(OSTERBY))
        seen.append(tx.audit.last_party_seq(LOWFEN))
        return seen

    assert store.write(tell_each) == [0, 2]
    for party, links in [(NORTHMERE, 6), (LOWFEN, 3), (OSTERBY, 2), (VALECREST, 2)]:
        record_of = store.read(partial(_record_of, PartyId(party)))
        assert [link.party_seq for link in record_of] == list(range(links))
        assert verify_party_chain(record_of, audiences=audiences(store)) is None


def _record_of(party: PartyId, tx: Transaction) -> list[PartyEntry]:
    return tx.audit.for_party(party, after_seq=-1, limit=10)


def test_concurrent_appends_make_one_unbroken_chain(store: Store) -> None:
    threads, appends = 4, 25
    start = threading.Barrier(threads)
    failures: list[BaseException] = []

    def writer(t: int) -> None:
        try:
            start.wait()
            for n in range(appends):
                record(store, t * 1000 + n, PartyId(f"party-writer-{t}"))
        except BaseException as failure:  # reported by the main thread, which asserts
            failures.append(failure)

    workers = [threading.Thread(target=writer, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    log = whole_log(store, page=50)
    assert len(log) == threads * appends
    assert verify_chain(log, audiences=audiences(store)) is None
    assert sorted(e.subject for e in log) == sorted(
        f"operation:op-{t * 1000 + n:03d}" for t in range(threads) for n in range(appends)
    )
    one_writer = store.read(
        lambda tx: tx.audit.for_party(PartyId("party-writer-2"), after_seq=-1, limit=100)
    )
    assert len(one_writer) == appends
    assert verify_party_chain(one_writer, audiences=audiences(store)) is None


def test_the_sqlite_log_refuses_changes_after_the_fact(sqlite_path: Path) -> None:
    store = SqliteStore(sqlite_path)
    try:
        record(store, 0)
    finally:
        store.close()
    with sqlite3.connect(sqlite_path) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE audit_entries SET subject = 'operation:forged'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM audit_entries")


def test_the_postgres_log_refuses_changes_after_the_fact(pg_url: str, pg_schema: str) -> None:
    store = PostgresStore(pg_url, schema=pg_schema)
    try:
        record(store, 0)
    finally:
        store.close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(pg_schema)))
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            conn.execute("UPDATE audit_entries SET subject = 'operation:forged'")
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            conn.execute("DELETE FROM audit_entries")


_INSERT = (
    "INSERT INTO audit_entries (seq, at_us, kind, party_id, actor, subject, data, prev_hash, "
    "hash) VALUES ({0}, 0, 'state_change', '', '', 'operation:forged', '{{}}', {0}, {0})"
)
#: (seq, prev_hash) of entries the log must refuse after `record(store, 0..1)`.
BADLY_LINKED = [
    pytest.param(2, "f" * 64, id="wrong link"),
    pytest.param(3, "second", id="gap after the head"),
    pytest.param(1, "first", id="second entry after the same one"),
]


def _forge(entries: list[AuditEntry], seq: int, prev: str) -> tuple[int, str, str]:
    """The seq, prev_hash and hash of a hand-made entry; "first"/"second" name real hashes."""
    named = {"first": entries[0].hash, "second": entries[1].hash}
    return seq, named.get(prev, prev), "e" * 64


@pytest.mark.parametrize(("seq", "prev"), BADLY_LINKED)
def test_the_sqlite_log_refuses_an_entry_that_does_not_follow_the_one_before(
    sqlite_path: Path, seq: int, prev: str
) -> None:
    store = SqliteStore(sqlite_path)
    try:
        entries = [record(store, 0), record(store, 1)]
    finally:
        store.close()
    with sqlite3.connect(sqlite_path) as conn:
        with pytest.raises(sqlite3.IntegrityError, match=r"follow the entry before it|UNIQUE"):
            conn.execute(_INSERT.format("?"), _forge(entries, seq, prev))
        conn.execute(_INSERT.format("?"), (2, entries[1].hash, "e" * 64))  # a true link
        assert conn.execute("SELECT max(seq) FROM audit_entries").fetchone() == (2,)


@pytest.mark.parametrize(("seq", "prev"), BADLY_LINKED)
def test_the_postgres_log_refuses_an_entry_that_does_not_follow_the_one_before(
    pg_url: str, pg_schema: str, seq: int, prev: str
) -> None:
    store = PostgresStore(pg_url, schema=pg_schema)
    try:
        entries = [record(store, 0), record(store, 1)]
    finally:
        store.close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(pg_schema)))
        with pytest.raises(
            (psycopg.errors.RaiseException, psycopg.errors.UniqueViolation),
            match=r"follow the entry before it|duplicate key",
        ):
            conn.execute(_INSERT.format("%s"), _forge(entries, seq, prev))
        conn.execute(_INSERT.format("%s"), (2, entries[1].hash, "e" * 64))  # a true link
        assert conn.execute("SELECT max(seq) FROM audit_entries").fetchone() == (2,)


def test_the_first_entry_must_follow_the_genesis_hash(sqlite_path: Path) -> None:
    SqliteStore(sqlite_path).close()
    with sqlite3.connect(sqlite_path) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="follow the entry before it"):
            conn.execute(_INSERT.format("?"), (0, "f" * 64, "e" * 64))
        conn.execute(_INSERT.format("?"), (0, GENESIS_HASH, "e" * 64))


def entry_at(store: Store, at_s: int, subject: str, party_id: str, *audience: PartyId) -> None:
    store.write(
        lambda tx: tx.audit.append(
            at=T0 + timedelta(seconds=at_s),
            kind=AuditKind.STATE_CHANGE,
            party_id=party_id,
            actor="",
            subject=subject,
            data={"at_s": at_s},
            audience=audience,
        )
    )


def test_a_party_reads_its_record_over_a_half_open_period(store: Store) -> None:
    entry_at(store, 9, "operation:a", NORTHMERE)
    entry_at(store, 10, "operation:a", NORTHMERE)  # the start: inside
    entry_at(store, 15, "operation:b", VALECREST, NORTHMERE)
    entry_at(store, 15, "operation:c", VALECREST)  # at the same time, but not Northmere's
    entry_at(store, 19, "operation:a", "", NORTHMERE)
    entry_at(store, 20, "operation:a", NORTHMERE)  # the end: outside
    got = store.read(
        lambda tx: tx.audit.for_party_between(
            NORTHMERE, T0 + timedelta(seconds=10), T0 + timedelta(seconds=20)
        )
    )
    assert [link.entry.data["at_s"] for link in got] == [10, 15, 19]
    assert [link.party_seq for link in got] == [1, 2, 3]
    assert verify_party_chain(got, got[0].party_prev_hash, audiences(store)) is None
    empty = store.read(lambda tx: tx.audit.for_party_between(OSTERBY, T0, T0 + timedelta(days=1)))
    assert empty == []


def test_a_party_reads_its_first_entry_about_each_subject(store: Store) -> None:
    entry_at(store, 1, "operation:a", VALECREST)  # not in Northmere's record
    entry_at(store, 2, "operation:a", NORTHMERE)
    entry_at(store, 3, "operation:b", VALECREST, NORTHMERE)
    entry_at(store, 4, "operation:a", NORTHMERE)
    entry_at(store, 5, "operation:b", NORTHMERE)
    entry_at(store, 6, "operation:c", VALECREST)
    subjects = ["operation:b", "operation:a", "operation:c", "operation:b", "operation:none"]
    got = store.read(lambda tx: tx.audit.first_for_party_about(NORTHMERE, subjects))
    assert [(link.entry.subject, link.entry.data["at_s"]) for link in got] == [
        ("operation:a", 2),
        ("operation:b", 3),
    ]
    assert store.read(lambda tx: tx.audit.first_for_party_about(NORTHMERE, [])) == []


def test_first_entries_about_many_subjects_are_read_in_batches(store: Store) -> None:
    subjects = [f"operation:op-{n:03d}" for n in range(1200)]

    def write(tx: Transaction) -> None:
        for n, subject in enumerate(subjects):
            tx.audit.append(
                at=T0 + n * US,
                kind=AuditKind.STATE_CHANGE,
                party_id=NORTHMERE,
                actor="",
                subject=subject,
                data={"n": n},
                audience=(),
            )

    store.write(write)
    got = store.read(lambda tx: tx.audit.first_for_party_about(NORTHMERE, subjects))
    assert [link.entry.subject for link in got] == subjects


def test_a_party_cannot_find_global_numbers_from_two_entries_in_a_row(store: Store) -> None:
    """Valecrest reads two entries the service appended in a row, with every field the API
    shows it: the first's global hash is the second's `prev_hash`, but the salt it never
    reads leaves no number to try that gives the second's hash."""
    for n in range(3):
        record(store, n, party_id="", audience=(VALECREST,))
    first, second = store.read(lambda tx: tx.audit.for_party(VALECREST, after_seq=0, limit=2))
    shown = second.entry
    for seq in range(100):
        guess = AuditEntry(
            seq, shown.at, shown.kind, "", "", shown.subject, shown.data, first.entry.hash, ""
        )
        assert chain_hash(first.entry.hash, guess) != shown.hash, f"global seq {seq} found"
    told = audiences(store)
    assert verify_chain([shown], first.entry.hash, told) is None, "the operator, who keeps the salt"


class _CountingSession:
    """A session that counts the statements a writer runs, and runs them."""

    def __init__(self, inner: SqlSession) -> None:
        self.inner, self.statements = inner, 0

    def execute(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        self.statements += 1
        return self.inner.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        self.statements += 1
        self.inner.executemany(sql, rows)


def test_each_entry_is_hashed_with_who_it_links_at_no_cost_of_statements(
    sqlite_path: Path,
) -> None:
    """Who reads an entry is known when it is appended: its hash covers them, sorted, the
    acting party among them, and the flush links it into their chains as before."""
    conn = sqlite3.connect(sqlite_path, isolation_level=None)
    SqliteStore(sqlite_path).close()  # the schema
    session = _CountingSession(SqliteSession(conn))
    audit = SqlAuditRecords(session)
    conn.execute("BEGIN")
    alert = audit.append(
        at=T0,
        kind=AuditKind.ALERT,
        party_id="",
        actor="",
        subject="warning:w-1",
        data={"sends": 1},
        audience=[VALECREST, LOWFEN, VALECREST],
    )
    own = audit.append(
        at=T0 + US,
        kind=AuditKind.WARNING,
        party_id=NORTHMERE,
        actor="m-tamsin-planner",
        subject="warning:w-1",
        data={},
        audience=[OSTERBY],
    )
    audit.flush()
    conn.execute("COMMIT")
    conn.close()
    # The head, the heads of the four parties' chains, the entries and the links.
    assert session.statements == 4
    store = SqliteStore(sqlite_path)
    try:
        told = audiences(store)
    finally:
        store.close()
    assert told == {0: [LOWFEN, VALECREST], 1: [NORTHMERE, OSTERBY]}
    assert chain_hash(GENESIS_HASH, alert, [LOWFEN, VALECREST]) == alert.hash
    assert chain_hash(GENESIS_HASH, alert, [VALECREST]) != alert.hash
    assert chain_hash(alert.hash, own, [NORTHMERE, OSTERBY]) == own.hash
    assert chain_hash(alert.hash, own, [OSTERBY]) != own.hash
