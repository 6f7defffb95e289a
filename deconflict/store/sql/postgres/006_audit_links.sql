-- Each audit entry must name the hash of the entry just before it: the database refuses a
-- gap, a second entry after the same one, or a wrong link as the entry is appended. This
-- replaces UNIQUE on prev_hash and on hash, which allowed a wrong link and kept two
-- indexes in hash order, i.e. random order, which every append wrote into. Two writers
-- that read the same head still cannot both append: their entries share a seq.
ALTER TABLE audit_entries DROP CONSTRAINT IF EXISTS audit_entries_prev_hash_key;
ALTER TABLE audit_entries DROP CONSTRAINT IF EXISTS audit_entries_hash_key;

-- The first entry follows the genesis hash (64 zeros, domain.audit.GENESIS_HASH). A row
-- trigger sees the rows its statement inserted before this one, so a batch checks out.
CREATE FUNCTION audit_entries_linked() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF NEW.prev_hash IS DISTINCT FROM coalesce(
        (SELECT hash FROM audit_entries WHERE seq = NEW.seq - 1),
        CASE WHEN NEW.seq = 0 THEN '0000000000000000000000000000000000000000000000000000000000000000' END
    ) THEN
        RAISE EXCEPTION 'an audit entry must follow the entry before it';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER audit_entries_linked BEFORE INSERT ON audit_entries
FOR EACH ROW EXECUTE FUNCTION audit_entries_linked();
