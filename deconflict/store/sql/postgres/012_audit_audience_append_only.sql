-- Who was told of each entry is part of the record, and as append-only as the entries:
-- the trigger of 002 guarded audit_entries alone, so a party's link could be deleted (the
-- party "never told") or moved to another entry with a plain statement; and a row trigger
-- never sees TRUNCATE, which emptied either table. `deconflict audit verify` checks every
-- party's chain since, and these refuse such a change up front.
CREATE TRIGGER audit_audience_append_only BEFORE UPDATE OR DELETE ON audit_audience
FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();

CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();

CREATE TRIGGER audit_audience_no_truncate BEFORE TRUNCATE ON audit_audience
FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
