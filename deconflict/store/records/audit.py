"""The audit log: entries chained onto the head, and who may read each of them.

Two writers that read the same head build entries with the same `seq`, and its key lets
only one of them commit; a trigger refuses any entry that does not name the hash of the
entry just before it (schema file 006). Neither store gets there in practice: SQLite's
writers are serialised, and PostgreSQL's queue on an advisory lock per schema.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache

from deconflict.domain.audit import (
    GENESIS_HASH,
    AudienceLink,
    AuditEntry,
    AuditKind,
    JsonValue,
    PartyEntry,
    append_spelt,
    audience_of,
    party_link,
)
from deconflict.domain.ids import PartyId
from deconflict.store.codec import from_us, to_us
from deconflict.store.documents import loads
from deconflict.store.records.paging import check_limit
from deconflict.store.sql_session import Row, SqlSession

_COLUMNS = "seq, at_us, kind, party_id, actor, subject, data, prev_hash, hash, salt"
_ENTRY_COLUMNS = ", ".join(f"e.{c}" for c in _COLUMNS.split(", "))
#: A party's links joined to their entries; callers add the WHERE and ORDER BY.
_PARTY_SELECT = (
    f"SELECT a.party_seq, a.party_prev_hash, a.party_hash, {_ENTRY_COLUMNS} "
    "FROM audit_audience a JOIN audit_entries e ON e.seq = a.seq"
)
#: Subjects looked up per statement, well below either database's limit of parameters.
_SUBJECTS_PER_QUERY = 500
#: Random bytes in each entry's salt: too many to try, so that a party cannot find an
#: entry's global number from the hashes it reads (domain.audit).
_SALT_BYTES = 16
#: Parties whose chain heads are read per statement (a subquery each).
_HEADS_PER_QUERY = 100


class SqlAuditRecords:
    """The audit log within one transaction.

    A use case appends dozens of entries. The heads it appended last are remembered, so
    an append reads nothing it wrote itself, and the rows wait in memory until the
    transaction reads the log or is about to commit (`flush`), so that a use case's
    entries go in with two statements rather than two each, after one more that reads
    the chain heads of all the parties they tell. Safe because writers are
    serialised and the object lives no longer than its transaction; a clash with another
    writer's entries still fails on the key or the link check, only at the flush.
    """

    def __init__(self, session: SqlSession) -> None:
        self._session = session
        self._head: AuditEntry | None = None
        self._party_heads: dict[str, tuple[int, str]] = {}
        self._entry_rows: list[tuple[object, ...]] = []
        self._link_rows: list[tuple[object, ...]] = []
        self._unlinked: list[tuple[str, int, str]] = []  # (reader, seq, entry hash)

    def flush(self) -> None:
        """Write the appended entries not yet written; every read of the log calls it."""
        self._link_pending()
        if self._entry_rows:
            self._session.executemany(
                f"INSERT INTO audit_entries ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                self._entry_rows,
            )
            self._entry_rows = []
        if self._link_rows:
            self._session.executemany(
                "INSERT INTO audit_audience "
                "(party_id, seq, party_seq, party_prev_hash, party_hash) VALUES (?, ?, ?, ?, ?)",
                self._link_rows,
            )
            self._link_rows = []

    def append(
        self,
        *,
        at: datetime,
        kind: AuditKind,
        party_id: str,
        actor: str,
        subject: str,
        data: dict[str, JsonValue],
        audience: Iterable[PartyId],
    ) -> AuditEntry:
        # Who reads the entry is known now: its hash covers them (domain.audit), and the
        # flush links it into each of their chains, so the audience costs no statement.
        readers = audience_of(party_id, audience)
        # The data is kept as the hash spells it (keys sorted): it reads back equal.
        entry, data_text = append_spelt(
            self._head if self._head is not None else self.head(),
            at=at,
            kind=kind,
            party_id=party_id,
            actor=actor,
            subject=subject,
            data=data,
            salt=secrets.token_hex(_SALT_BYTES),
            told=readers,
        )
        self._entry_rows.append(
            (
                entry.seq,
                to_us(entry.at),
                entry.kind.value,
                entry.party_id,
                entry.actor,
                entry.subject,
                data_text,
                entry.prev_hash,
                entry.hash,
                entry.salt,
            )
        )
        # Linked into each reader's chain at the flush, when the heads of every party told
        # are read in one statement rather than one each (~17 a submission at 1M).
        self._unlinked.extend((reader, entry.seq, entry.hash) for reader in readers)
        self._head = entry
        return entry

    def _link_pending(self) -> None:
        """Chain the entries appended since the last flush into their readers' records."""
        if not self._unlinked:
            return
        self._read_heads({reader for reader, _, _ in self._unlinked} - self._party_heads.keys())
        for reader, seq, entry_hash in self._unlinked:
            party_seq, prev_hash = self._party_heads[reader]
            link = party_link(prev_hash, entry_hash)
            self._link_rows.append((reader, seq, party_seq + 1, prev_hash, link))
            self._party_heads[reader] = (party_seq + 1, link)
        self._unlinked = []

    def _read_heads(self, party_ids: Iterable[str]) -> None:
        """Each party's latest link as stored (or none yet), one statement per batch."""
        missing = sorted(party_ids)
        for first in range(0, len(missing), _HEADS_PER_QUERY):
            chunk = missing[first : first + _HEADS_PER_QUERY]
            for party_id, party_seq, party_hash in self._session.execute(
                _heads_sql(len(chunk)), chunk
            ):
                self._party_heads[str(party_id)] = (int(party_seq), str(party_hash))
            for party_id in chunk:
                self._party_heads.setdefault(party_id, (-1, GENESIS_HASH))

    @property
    def appended(self) -> bool:
        """Whether this transaction appended an entry: a commit that readers should hear of."""
        return self._head is not None

    def last_party_seq(self, party_id: PartyId) -> int:
        """The number of the party's latest entry, or -1 when it has none."""
        self._link_pending()
        if party_id not in self._party_heads:
            self._read_heads([party_id])
        return self._party_heads[party_id][0]

    def head(self) -> AuditEntry | None:
        self.flush()
        rows = self._session.execute(
            f"SELECT {_COLUMNS} FROM audit_entries ORDER BY seq DESC LIMIT 1"
        )
        return _entry(rows[0]) if rows else None

    def for_party(self, party_id: PartyId, *, after_seq: int, limit: int) -> list[PartyEntry]:
        """The party's own record after its `after_seq` (-1 for the first page): the entries
        it acted in or was told of, numbered and chained for it alone."""
        check_limit(limit)
        self.flush()
        rows = self._session.execute(
            f"{_PARTY_SELECT} WHERE a.party_id = ? AND a.party_seq > ? "
            "ORDER BY a.party_seq LIMIT ?",
            (party_id, after_seq, limit),
        )
        return [_party_entry(r) for r in rows]

    def for_party_between(
        self, party_id: PartyId, start: datetime, end: datetime
    ) -> list[PartyEntry]:
        """The party's own record over `[start, end)` by entry time, in the party's order."""
        self.flush()
        rows = self._session.execute(
            f"{_PARTY_SELECT} WHERE a.party_id = ? AND e.at_us >= ? AND e.at_us < ? "
            "ORDER BY a.party_seq",
            (party_id, to_us(start), to_us(end)),
        )
        return [_party_entry(r) for r in rows]

    def first_for_party_about(self, party_id: PartyId, subjects: Sequence[str]) -> list[PartyEntry]:
        """The party's first entry about each of `subjects` (none for a subject it has no
        entry about), in the party's order."""
        self.flush()
        found: list[PartyEntry] = []
        unique = sorted(set(subjects))
        for at in range(0, len(unique), _SUBJECTS_PER_QUERY):
            chunk = unique[at : at + _SUBJECTS_PER_QUERY]
            marks = ", ".join("?" * len(chunk))
            rows = self._session.execute(
                f"{_PARTY_SELECT} WHERE a.party_id = ? AND a.party_seq IN ("
                "SELECT MIN(b.party_seq) FROM audit_audience b "
                "JOIN audit_entries f ON f.seq = b.seq "
                f"WHERE b.party_id = ? AND f.subject IN ({marks}) GROUP BY f.subject)",
                (party_id, party_id, *chunk),
            )
            found.extend(_party_entry(r) for r in rows)
        return sorted(found, key=lambda link: link.party_seq)

    def all(self, *, after_seq: int, limit: int) -> list[AuditEntry]:
        """Entries after `after_seq`; the first entry is number 0, so -1 starts at the top."""
        check_limit(limit)
        self.flush()
        rows = self._session.execute(
            f"SELECT {_COLUMNS} FROM audit_entries WHERE seq > ? ORDER BY seq LIMIT ?",
            (after_seq, limit),
        )
        return [_entry(row) for row in rows]

    def links(self, *, after: tuple[str, int] | None, limit: int) -> list[AudienceLink]:
        """Every party's links after `after`, in (party, party_seq) order, each with the
        hash of the entry it names as the log holds it now (None when there is none)."""
        check_limit(limit)
        self.flush()
        party_id, party_seq = after if after is not None else ("", -1)
        # A row value reads on from `after` along the (party_id, party_seq) key; ("", -1)
        # comes before every link.
        rows = self._session.execute(
            "SELECT a.party_id, a.party_seq, a.seq, a.party_prev_hash, a.party_hash, e.hash "
            "FROM audit_audience a LEFT JOIN audit_entries e ON e.seq = a.seq "
            "WHERE (a.party_id, a.party_seq) > (?, ?) "
            "ORDER BY a.party_id, a.party_seq LIMIT ?",
            (party_id, party_seq, limit),
        )
        return [
            AudienceLink(str(r[0]), int(r[1]), int(r[2]), str(r[3]), str(r[4]), _text(r[5]))
            for r in rows
        ]


@lru_cache(maxsize=_HEADS_PER_QUERY)
def _heads_sql(parties: int) -> str:
    """The latest link of each of so many parties: one index probe each (a max() over a
    party's links would read them all)."""
    return " UNION ALL ".join(
        "SELECT * FROM (SELECT party_id, party_seq, party_hash FROM audit_audience "
        f"WHERE party_id = ? ORDER BY party_seq DESC LIMIT 1) AS head_{n}"
        for n in range(parties)
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _party_entry(row: Row) -> PartyEntry:
    return PartyEntry(int(row[0]), _entry(row[3:]), str(row[1]), str(row[2]))


def _entry(row: Row) -> AuditEntry:
    seq, at_us, kind, party_id, actor, subject, data, prev_hash, hash_, salt = row
    return AuditEntry(
        seq,
        from_us(at_us),
        AuditKind(kind),
        party_id,
        actor,
        subject,
        loads(data),
        prev_hash,
        hash_,
        salt,
    )
