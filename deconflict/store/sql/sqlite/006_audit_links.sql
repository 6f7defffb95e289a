-- Each audit entry must name the hash of the entry just before it: the database refuses a
-- gap, a second entry after the same one, or a wrong link as the entry is appended. This
-- replaces UNIQUE on prev_hash and on hash, which allowed a wrong link and kept two
-- indexes in hash order, i.e. random order: at 200,000 volumes a submission wrote ~24 of
-- its ~65 pages into them. Two writers that read the same head still cannot both append:
-- their entries share a seq.
-- SQLite cannot drop a column's UNIQUE in place, so the table is rebuilt with the same
-- columns; audit_audience refers to it, so the store runs migrations with foreign keys off
-- and checks them before it commits (the procedure SQLite documents for such changes).
CREATE TABLE audit_entries_rebuilt (
    seq INTEGER PRIMARY KEY CHECK (seq >= 0),
    at_us INTEGER NOT NULL,
    kind TEXT NOT NULL,
    party_id TEXT NOT NULL,
    actor TEXT NOT NULL,
    subject TEXT NOT NULL,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

INSERT INTO audit_entries_rebuilt
SELECT seq, at_us, kind, party_id, actor, subject, data, prev_hash, hash FROM audit_entries;

DROP TABLE audit_entries;

ALTER TABLE audit_entries_rebuilt RENAME TO audit_entries;

CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- The first entry follows the genesis hash (64 zeros, domain.audit.GENESIS_HASH).
CREATE TRIGGER audit_entries_linked BEFORE INSERT ON audit_entries
WHEN NEW.prev_hash IS NOT coalesce(
    (SELECT hash FROM audit_entries WHERE seq = NEW.seq - 1),
    CASE WHEN NEW.seq = 0 THEN '0000000000000000000000000000000000000000000000000000000000000000' END
)
BEGIN
    SELECT RAISE(ABORT, 'an audit entry must follow the entry before it');
END;
