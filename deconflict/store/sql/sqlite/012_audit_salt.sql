-- Each entry appended from now on carries a random salt that its hash covers and that no
-- party reads (domain.audit): without it, a party that read two entries in a row could
-- find the second's global seq from the first's hash by trying numbers. Entries stored
-- before have none ('') and keep their hashes. Adds a column; copies nothing.
ALTER TABLE audit_entries ADD COLUMN salt TEXT NOT NULL DEFAULT '';
