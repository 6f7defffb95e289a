-- Each party reads the audit log as its own numbered chain (see domain.audit.PartyEntry):
-- global sequence numbers would show it how much others did in between.
ALTER TABLE audit_audience ADD COLUMN party_seq bigint;
ALTER TABLE audit_audience ADD COLUMN party_prev_hash text;
ALTER TABLE audit_audience ADD COLUMN party_hash text;
CREATE UNIQUE INDEX audit_audience_party_seq ON audit_audience (party_id, party_seq);
