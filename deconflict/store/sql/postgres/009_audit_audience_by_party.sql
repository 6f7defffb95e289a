-- A party's links to the audit log are keyed as every query reads them, (party_id,
-- party_seq): the key on (party_id, seq) was a second index written for each party told
-- of an entry and read by nothing. The store links an entry once per reader.
ALTER TABLE audit_audience DROP CONSTRAINT audit_audience_pkey;
ALTER TABLE audit_audience ALTER COLUMN party_seq SET NOT NULL;
ALTER TABLE audit_audience ALTER COLUMN party_prev_hash SET NOT NULL;
ALTER TABLE audit_audience ALTER COLUMN party_hash SET NOT NULL;
ALTER TABLE audit_audience ADD CONSTRAINT audit_audience_pkey
    PRIMARY KEY USING INDEX audit_audience_party_seq;
