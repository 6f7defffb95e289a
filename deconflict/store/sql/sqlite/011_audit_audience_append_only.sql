-- Who was told of each entry is part of the record, and as append-only as the entries:
-- the triggers of 002 guarded audit_entries alone, so a party's link could be deleted (the
-- party "never told") or moved to another entry with a plain statement. `deconflict audit
-- verify` checks every party's chain since, and these refuse such a change up front.
CREATE TRIGGER audit_audience_no_update BEFORE UPDATE ON audit_audience
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_audience_no_delete BEFORE DELETE ON audit_audience
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
