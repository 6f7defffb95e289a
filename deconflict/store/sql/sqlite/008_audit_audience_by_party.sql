-- A party's links to the audit log are found as every query reads them, by (party_id,
-- party_seq). The table's key on (party_id, seq) was a second index, read by nothing,
-- written at each told party's own place in it: at a million volumes ~5 of a submission's
-- ~60 written pages. An entry still appears once per party, because the store links it
-- once per reader (store.records.audit) and a party's chain numbers are unique.
-- (Keyed WITHOUT ROWID on (party_id, party_seq) instead, the rows, two hashes wide,
-- filled each party's pages five times as fast and a submission wrote ~18 pages here,
-- not ~13.) Rebuilt the way SQLite documents for a changed key; the store runs its schema
-- files with foreign keys off and checks them before it commits.
CREATE TABLE audit_audience_rebuilt (
    party_id TEXT NOT NULL,
    seq INTEGER NOT NULL REFERENCES audit_entries (seq),
    party_seq INTEGER NOT NULL,
    party_prev_hash TEXT NOT NULL,
    party_hash TEXT NOT NULL
);

INSERT INTO audit_audience_rebuilt (party_id, seq, party_seq, party_prev_hash, party_hash)
SELECT party_id, seq, party_seq, party_prev_hash, party_hash FROM audit_audience
ORDER BY rowid;

DROP TABLE audit_audience;

ALTER TABLE audit_audience_rebuilt RENAME TO audit_audience;

CREATE UNIQUE INDEX audit_audience_party_seq ON audit_audience (party_id, party_seq);
